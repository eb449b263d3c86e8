"""The Datadog query of each signal, shared by the monitors and the dashboard so both show the same thing.

A signal is an `Expression`: a formula over named metric queries. Monitors render it inline
(`100 * sum:…errors{…}.as_count() / sum:…hits{…}.as_count()`); dashboards send the formula and the
queries separately (Datadog's formulas-and-functions). `env` is a tag filter: `env:prod` for monitors,
`$env` (the dashboard's template variable) for widgets.
"""

import re
from dataclasses import dataclass, field
from typing import Optional

from spec import Service
from spec.sources import DatadogSource

DASHBOARD_ENV = "$env"


@dataclass(frozen=True)
class Expression:
    """A formula over named metric queries, e.g. `100 * errors / hits`."""

    formula: str
    terms: dict[str, str] = field(default_factory=dict)

    def render(self) -> str:
        """The formula with each name replaced by its query: the monitor's form."""
        return re.sub(r"\b[a-z_]+\b", lambda m: self.terms.get(m.group(0), m.group(0)), self.formula)


def single(query: str) -> Expression:
    return Expression("query", {"query": query})


def env_filter(environment: str) -> str:
    return f"env:{environment}"


def apm_scope(source: DatadogSource, env: str) -> str:
    """The APM scope: the service's own traces in one environment."""
    return f"{{service:{source.apm_service},{env}}}"


def hits(source: DatadogSource, env: str) -> str:
    return f"sum:trace.{source.span}.hits{apm_scope(source, env)}.as_count()"


def errors(source: DatadogSource, env: str) -> str:
    return f"sum:trace.{source.span}.errors{apm_scope(source, env)}.as_count()"


def error_rate(source: DatadogSource, env: str) -> Expression:
    """5xx responses (APM errors) over all requests, in percent."""
    return Expression("100 * errors / hits", {"errors": errors(source, env), "hits": hits(source, env)})


def client_error_rate(source: DatadogSource, env: str) -> Expression:
    """4xx responses over all requests, in percent (APM's by-status hits)."""
    scope = f"{{service:{source.apm_service},{env},http.status_class:4xx}}"
    return Expression(
        "100 * client_errors / hits",
        {"client_errors": f"sum:trace.{source.span}.hits.by_http_status{scope}.as_count()", "hits": hits(source, env)},
    )


def latency(source: DatadogSource, env: str, percentile: str) -> Expression:
    """A percentile of the APM latency distribution, in seconds."""
    return single(f"{percentile}:trace.{source.span}{apm_scope(source, env)}")


def throughput(source: DatadogSource, env: str) -> Expression:
    """Requests per second."""
    return single(f"sum:trace.{source.span}.hits{apm_scope(source, env)}.as_rate()")


def cpu(source: DatadogSource, env: str) -> Expression:
    """CPU in percent: Fargate's task CPU, or 100 − idle on hosts."""
    scope = apm_scope(source, env)
    if source.runtime == "fargate":
        return single(f"avg:ecs.fargate.cpu.percent{scope}")
    return Expression("100 - idle", {"idle": f"avg:system.cpu.idle{scope}"})


def memory(source: DatadogSource, env: str) -> Expression:
    """Memory used over the limit, in percent (Fargate reports bytes for both)."""
    scope = apm_scope(source, env)
    if source.runtime == "fargate":
        return Expression(
            "100 * usage / limit", {"usage": f"avg:ecs.fargate.mem.usage{scope}", "limit": f"avg:ecs.fargate.mem.limit{scope}"}
        )
    return Expression("100 * used / total", {"used": f"avg:system.mem.used{scope}", "total": f"avg:system.mem.total{scope}"})


def db_connections(instance: str) -> Expression:
    """Open connections of the RDS instance (the AWS integration tags by lowercase instance identifier)."""
    return single(f"max:aws.rds.database_connections{{dbinstanceidentifier:{instance.lower()}}}")


def cache_hit_rate(cluster: str) -> Expression:
    """Cache hits over lookups, in percent."""
    scope = f"{{cacheclusterid:{cluster.lower()}}}"
    return Expression(
        "100 * cache_hits / (cache_hits + cache_misses)",
        {
            "cache_hits": f"sum:aws.elasticache.cache_hits{scope}.as_count()",
            "cache_misses": f"sum:aws.elasticache.cache_misses{scope}.as_count()",
        },
    )


def error_logs(source: DatadogSource, env: str) -> str:
    """Log search for the service's JSON log lines at level error (the status attribute)."""
    return f"service:{source.apm_service} {env} status:error"


def signal_expression(service: Service, signal: str, env: str) -> Optional[Expression]:
    """The expression of a metric threshold signal, or None when the spec gives no Datadog source for it."""
    source = service.sources.datadog
    aws = service.sources.aws
    if source is None:
        return None
    if signal == "db_connections":
        return db_connections(aws.rds.instance) if aws and aws.rds else None
    if signal == "cache_hit_rate":
        return cache_hit_rate(aws.elasticache.cluster) if aws and aws.elasticache else None
    builders = {
        "error_rate": lambda: error_rate(source, env),
        "client_error_rate": lambda: client_error_rate(source, env),
        "latency_p50": lambda: latency(source, env, "p50"),
        "latency_p95": lambda: latency(source, env, "p95"),
        "latency_p99": lambda: latency(source, env, "p99"),
        "cpu": lambda: cpu(source, env),
        "memory": lambda: memory(source, env),
        "throughput_drop": lambda: throughput(source, env),
    }
    build = builders.get(signal)
    return build() if build else None

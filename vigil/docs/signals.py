"""What each kind of alert watches and what to do when it fires: the generic runbook steps of the alert catalog.

Keys are the spec's alert names (`spec.alerts.Alerts.DIRECTION`); `{placeholders}` are filled from the
service's sources. A new alert kind without an entry here still gets documented, with generic steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spec import Service


@dataclass(frozen=True)
class SignalDoc:
    title: str
    watches: str
    datadog: Optional[str] = None  # where Datadog reads it
    cloudwatch: Optional[str] = None  # where CloudWatch reads it
    steps: tuple[str, ...] = field(default_factory=tuple)


_FIRST = "Acknowledge the alert, then look at the service's dashboard for what else moved at the same time."
_DEPLOY = "Check what changed recently (deploys, config and feature flags, infrastructure); if the alert started with a change, roll it back first and investigate afterwards."
_ESCALATE = "If users are affected for more than 15 minutes or the cause is outside the team, declare an incident and escalate (see the on-call page)."

SIGNALS: dict[str, SignalDoc] = {
    "error_rate": SignalDoc(
        "Error rate (5xx)",
        "Server errors (5xx) as a share of all requests.",
        "APM: `trace.{span}.errors` ÷ `trace.{span}.hits` for `service:{apm_service}`",
        "ALB: `HTTPCode_Target_5XX_Count` ÷ `RequestCount` of `{load_balancer}`",
        (
            _FIRST,
            _DEPLOY,
            "In APM, find which endpoints return the errors and open a few error traces; check the error tracker (Sentry) for a new error group.",
            "Check the dependencies: database connections, cache, downstream APIs (their alerts and dashboard widgets).",
            "If only some tasks fail, replace them (ECS: stop the bad tasks or force a new deployment).",
            _ESCALATE,
        ),
    ),
    "client_error_rate": SignalDoc(
        "Client error rate (4xx)",
        "Client errors (4xx) as a share of all requests: usually a client release, an API change or abusive traffic.",
        "APM: 4xx responses ÷ `trace.{span}.hits` for `service:{apm_service}`",
        "ALB: `HTTPCode_Target_4XX_Count` ÷ `RequestCount` of `{load_balancer}`",
        (
            "Find the status codes and endpoints that grew (401/403: authentication; 404: routing or a client bug; 429: rate limits).",
            _DEPLOY,
            "Check whether one client or address produces most of them (bot, scraper, broken mobile release) and contact its owner or block it.",
        ),
    ),
    "latency_p50": SignalDoc(
        "Median latency (p50)",
        "The median response time: most requests are slow, not only a few.",
        "APM: `p50:trace.{span}` for `service:{apm_service}`",
        "ALB: `TargetResponseTime` p50 of `{target_group}`",
    ),
    "latency_p95": SignalDoc(
        "Latency p95",
        "The response time 95% of requests stay under.",
        "APM: `p95:trace.{span}` for `service:{apm_service}`",
        "ALB: `TargetResponseTime` p95 of `{target_group}`",
    ),
    "latency_p99": SignalDoc(
        "Latency p99",
        "The response time 99% of requests stay under: the slowest requests.",
        "APM: `p99:trace.{span}` for `service:{apm_service}`",
        "ALB: `TargetResponseTime` p99 of `{target_group}`",
    ),
    "cpu": SignalDoc(
        "CPU utilisation",
        "CPU used by the service's tasks, in percent of what they are given.",
        "`ecs.fargate.cpu.percent` for `service:{apm_service}`",
        "ECS: `CPUUtilization` of service `{ecs_service}` in cluster `{ecs_cluster}`",
        (
            _FIRST,
            "Compare with throughput: if traffic grew, scale out (raise the ECS service's desired count) and review autoscaling.",
            _DEPLOY,
            "If traffic did not grow, profile a task (APM profiler) for a hot loop or an expensive new code path.",
            _ESCALATE,
        ),
    ),
    "memory": SignalDoc(
        "Memory utilisation",
        "Memory used by the service's tasks over their limit; tasks are killed when they reach it.",
        "`ecs.fargate.mem.usage` ÷ `ecs.fargate.mem.limit` for `service:{apm_service}`",
        "ECS: `MemoryUtilization` of service `{ecs_service}` in cluster `{ecs_cluster}`",
        (
            _FIRST,
            "A steady climb since the last deploy is a leak: roll back, or restart the tasks to buy time (force a new deployment).",
            "A jump with traffic: scale out, or raise the task's memory in its task definition.",
            "Check for tasks stopped with `OutOfMemoryError` in the ECS service's events.",
            _ESCALATE,
        ),
    ),
    "db_connections": SignalDoc(
        "Database connections",
        "Open connections to the service's database; at the database's limit, new requests fail.",
        "`aws.rds.database_connections` for `dbinstanceidentifier:{rds_instance}`",
        "RDS: `DatabaseConnections` of `{rds_instance}`",
        (
            _FIRST,
            "Check whether the task count grew (every task opens its own pool) and whether pool sizes changed in a deploy.",
            "Look for long-running or blocked queries and idle-in-transaction sessions on the database; end the offenders.",
            _DEPLOY,
            "Scale the database or its connection limit only after the cause is known.",
        ),
    ),
    "cache_hit_rate": SignalDoc(
        "Cache hit rate",
        "The share of cache lookups that hit; this alert fires when it falls below its thresholds.",
        "`aws.elasticache.cache_hit_rate` for `cacheclusterid:{cache_cluster}`",
        "ElastiCache: `CacheHitRate` of `{cache_cluster}`",
        (
            _FIRST,
            "A sudden drop after a flush, failover or node replacement recovers as the cache warms: watch the database load meanwhile.",
            "Check evictions and the cache's memory: a full cache evicts keys before they are read again.",
            _DEPLOY + " (a changed cache key format empties the cache).",
        ),
    ),
    "throughput_drop": SignalDoc(
        "Throughput drop",
        "Requests per second; this alert fires when traffic falls below its thresholds — traffic is not reaching the service.",
        "APM: `trace.{span}.hits` for `service:{apm_service}`",
        "ALB: `RequestCount` of `{load_balancer}`",
        (
            _FIRST,
            "Check the health checks: is the endpoint reachable from outside (DNS, TLS certificate, load balancer, security groups)?",
            "Check upstream callers and clients: a client release, an expired key or a routing change can stop traffic.",
            "Rule out expected quiet periods (night, holidays); adjust the threshold by pull request if this keeps firing.",
            _ESCALATE,
        ),
    ),
    "error_log_rate": SignalDoc(
        "Error log rate",
        "Log lines at level `error` per unit of time, from the service's structured JSON logs.",
        "Logs: `service:{apm_service} status:error`",
        "Metric filter `{{ $.level = \"error\" }}` on log group `{log_group}`",
        (
            "Open the logs at level error for the time of the alert and group them by message: one new message usually explains it.",
            _DEPLOY,
            "Correlate with the error rate: errors logged without failed requests are often a background job or a dependency retrying.",
        ),
    ),
}

_LATENCY_STEPS = (
    _FIRST,
    "Compare with throughput and CPU: if the service is saturated, scale out.",
    "In APM, find the slow endpoints and what their time is spent on (database queries, cache misses, downstream calls).",
    _DEPLOY,
    _ESCALATE,
)

GENERIC_STEPS = (_FIRST, _DEPLOY, _ESCALATE)

SLO_STEPS = (
    "Find which requests spend the budget: the SLO's dashboard widget, then the error-rate or latency alerts it correlates with.",
    "Fast burn (a page): act now — the budget will be gone within days at this rate. Follow the runbook of the correlated alert; roll back a recent change first.",
    "Slow burn (a ticket): plan the fix within working hours; consider pausing risky deploys until the burn stops.",
    "When the budget is exhausted, the team's error-budget policy applies (for example: only reliability work ships until it recovers).",
)

HEALTH_STEPS = (
    "Request the endpoint yourself (`curl -sv <url>`) and from another region; compare status code, body and response time with what the check expects.",
    "Check DNS, the TLS certificate's expiry and the load balancer's target health.",
    "For readiness checks, look at the dependencies the endpoint tests (database, cache); for liveness, at crashed or restarting tasks.",
    _DEPLOY,
    _ESCALATE,
)

COMPOSITE_STEPS = (
    "Several of the service's alarms are in alarm at once: treat it as an incident and declare it.",
    "Start with the health checks and the error rate: they tell whether users can reach the service at all.",
    "Then follow the runbook sections of the alarms that are in ALARM state (listed by the composite alarm's rule).",
)


def signal_doc(signal: str) -> SignalDoc:
    doc = SIGNALS.get(signal) or SignalDoc(signal.replace("_", " ").capitalize(), "A signal of the service.")
    if not doc.steps:
        steps = _LATENCY_STEPS if signal.startswith("latency_") else GENERIC_STEPS
        doc = SignalDoc(doc.title, doc.watches, doc.datadog, doc.cloudwatch, steps)
    return doc


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "(not configured)"


def source_values(service: Service, log_group: str) -> dict[str, str]:
    """The values a signal's metric description names, from the service's sources."""
    values = _Blank(log_group=log_group)
    dd = service.sources.datadog
    if dd is not None:
        values.update(span=dd.span, apm_service=dd.apm_service)
    aws = service.sources.aws
    if aws is not None:
        for key in ("load_balancer", "target_group"):
            if getattr(aws, key, None):
                values[key] = str(getattr(aws, key))
        if aws.ecs is not None:
            values.update(ecs_cluster=aws.ecs.cluster, ecs_service=aws.ecs.service)
        if aws.rds is not None:
            values.update(rds_instance=aws.rds.instance)
        if aws.elasticache is not None:
            values.update(cache_cluster=aws.elasticache.cluster)
    return values


def fill(template: str, values: dict[str, str]) -> str:
    return template.format_map(values)

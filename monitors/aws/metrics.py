"""What each alert watches in CloudWatch: the metric (or 100*m1/m2 ratio), its statistic and unit,
and how it is evaluated (period, M-of-N datapoints, missing data), per signal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Optional, Union

import pulumi

from monitors.common.context import Deployment
from spec import Duration, Service
from spec.sources import AwsSource, StackOutput

ALB = "AWS/ApplicationELB"


@dataclass(frozen=True)
class Targets:
    """The dimension values of the service's AWS resources: literal names, or another stack's outputs."""

    load_balancer: Optional[pulumi.Input[str]] = None
    target_group: Optional[pulumi.Input[str]] = None
    ecs_cluster: Optional[pulumi.Input[str]] = None
    ecs_service: Optional[pulumi.Input[str]] = None
    rds_instance: Optional[pulumi.Input[str]] = None
    cache_cluster: Optional[pulumi.Input[str]] = None


def resolve_targets(source: Optional[AwsSource], read: Callable[[str], pulumi.Input[str]]) -> Targets:
    """Literal values as written; `{output: name}` values through `read` (the program reads a StackReference)."""
    if source is None:
        return Targets()

    def value(v: object) -> Optional[pulumi.Input[str]]:
        if v is None:
            return None
        return read(v.output) if isinstance(v, StackOutput) else str(v)

    return Targets(
        load_balancer=value(source.load_balancer),
        target_group=value(source.target_group),
        ecs_cluster=value(source.ecs.cluster) if source.ecs else None,
        ecs_service=value(source.ecs.service) if source.ecs else None,
        rds_instance=value(source.rds.instance) if source.rds else None,
        cache_cluster=value(source.elasticache.cluster) if source.elasticache else None,
    )


@dataclass(frozen=True)
class Metric:
    namespace: str
    name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    stat: str  # Average, Sum, Minimum, Maximum, SampleCount, or a percentile such as p95

    @property
    def percentile(self) -> bool:
        return self.stat.startswith("p")


@dataclass(frozen=True)
class Ratio:
    """A percentage by metric math: 100 * numerator / denominator (both summed over the period)."""

    numerator: Metric
    denominator: Metric
    expression: str = "100*m1/m2"


@dataclass(frozen=True)
class Evaluation:
    period: int  # seconds
    evaluation_periods: int
    datapoints: int  # M of the N evaluation periods must breach
    treat_missing_data: str

    def over(self, window: Optional[Duration]) -> Evaluation:
        """Fit the spec's window: N periods covering it (M scaled alike); a window shorter than the period becomes it."""
        if window is None:
            return self
        seconds = window.seconds
        period = self.period if seconds >= self.period else math.ceil(seconds)
        periods = max(1, math.ceil(seconds / period))
        datapoints = max(1, math.ceil(periods * self.datapoints / self.evaluation_periods))
        return replace(self, period=period, evaluation_periods=periods, datapoints=datapoints)


@dataclass(frozen=True)
class Watched:
    """One alert's CloudWatch side: what is watched, how thresholds convert, how it is evaluated."""

    title: str
    source: Union[Metric, Ratio]
    unit: str  # the unit thresholds are compared in: s, %, count, per period
    evaluation: Evaluation
    convert: Callable[[object, int], float] = field(compare=False)  # (spec value, period seconds) -> threshold

    def threshold(self, value: object) -> float:
        return round(self.convert(value, self.evaluation.period), 6)

    def over(self, window: Optional[Duration]) -> Watched:
        """Evaluated over the spec's window: thresholds per period follow the fitted period."""
        return replace(self, evaluation=self.evaluation.over(window))


def _seconds(value: object, _: int) -> float:
    return value.seconds  # type: ignore[attr-defined]


def _percent(value: object, _: int) -> float:
    return value.value  # type: ignore[attr-defined]


def _count(value: object, _: int) -> float:
    return float(value)  # type: ignore[arg-type]


def _per_period(value: object, period: int) -> float:
    return value.per(period)  # type: ignore[attr-defined]


def alb_dimensions(targets: Targets) -> Optional[dict[str, pulumi.Input[str]]]:
    """The service's share of the ALB: its target group when known, else the whole load balancer."""
    if targets.load_balancer is None:
        return None
    dims: dict[str, pulumi.Input[str]] = {"LoadBalancer": targets.load_balancer}
    if targets.target_group is not None:
        dims["TargetGroup"] = targets.target_group
    return dims


def log_namespace(service: Service, deployment: Deployment) -> str:
    """Log metrics per service and environment (dev and prod may share an account)."""
    return f"Vigil/{service.service}/{deployment.environment}"


def log_metric_name(level: str) -> str:
    return f"{level.capitalize()}LogEvents"


def alb_ratio(targets: Targets, numerator: str) -> Optional[Ratio]:
    dims = alb_dimensions(targets)
    if dims is None:
        return None
    return Ratio(Metric(ALB, numerator, dims, "Sum"), Metric(ALB, "RequestCount", dims, "Sum"))


# Per signal: why these periods. Latency and error ratios: 1-minute data, 3 of 5 so one spike does not page.
# No traffic means no latency and no errors: not breaching. A request-count drop treats silence as breaching.
# ECS utilisation must stay high 8 of 10 minutes; missing data keeps the state (health checks catch a dead service).
FAST = Evaluation(60, 5, 3, "notBreaching")


def watched(signal: str, service: Service, deployment: Deployment, targets: Targets) -> Optional[Watched]:
    """The CloudWatch side of one alert, or None when the service has no AWS source for it."""
    alb = alb_dimensions(targets)
    if signal.startswith("latency_p"):
        if alb is None:
            return None
        stat = signal.removeprefix("latency_")
        return Watched(f"latency {stat}", Metric(ALB, "TargetResponseTime", alb, stat), "s", FAST, _seconds)
    if signal in ("error_rate", "client_error_rate"):
        ratio = alb_ratio(targets, "HTTPCode_Target_5XX_Count" if signal == "error_rate" else "HTTPCode_Target_4XX_Count")
        if ratio is None:
            return None
        title = "5xx error rate" if signal == "error_rate" else "4xx error rate"
        evaluation = FAST if signal == "error_rate" else Evaluation(300, 3, 3, "notBreaching")
        return Watched(title, ratio, "%", evaluation, _percent)
    if signal == "throughput_drop":
        if alb is None:
            return None
        metric = Metric(ALB, "RequestCount", alb, "Sum")
        return Watched("request count", metric, "requests per period", Evaluation(300, 3, 3, "breaching"), _per_period)
    if signal in ("cpu", "memory"):
        if targets.ecs_cluster is None or targets.ecs_service is None:
            return None
        dims = {"ClusterName": targets.ecs_cluster, "ServiceName": targets.ecs_service}
        name = "CPUUtilization" if signal == "cpu" else "MemoryUtilization"
        title = "CPU utilisation" if signal == "cpu" else "memory utilisation"
        return Watched(title, Metric("AWS/ECS", name, dims, "Average"), "%", Evaluation(60, 10, 8, "missing"), _percent)
    if signal == "db_connections":
        if targets.rds_instance is None:
            return None
        metric = Metric("AWS/RDS", "DatabaseConnections", {"DBInstanceIdentifier": targets.rds_instance}, "Maximum")
        return Watched("database connections", metric, "connections", Evaluation(60, 5, 3, "missing"), _count)
    if signal == "cache_hit_rate":
        if targets.cache_cluster is None:
            return None
        metric = Metric("AWS/ElastiCache", "CacheHitRate", {"CacheClusterId": targets.cache_cluster}, "Average")
        return Watched("cache hit rate", metric, "%", Evaluation(300, 3, 3, "notBreaching"), _percent)
    if signal == "error_log_rate":
        if "error" not in service.logs.metric_filters:
            return None
        metric = Metric(log_namespace(service, deployment), log_metric_name("error"), {}, "Sum")
        return Watched("error log lines", metric, "lines per period", FAST, _per_period)
    return None

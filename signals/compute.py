"""Compute: CPU and memory of the service's tasks (ECS Fargate) or hosts."""

from __future__ import annotations

from spec import Duration, Service

from . import needs
from .cloudwatch import AwsScope, Evaluation, Metric, percent
from .datadog import Expression, env_filter, single
from .http import apm, apm_scope
from .model import (
    CloudWatchAlarm,
    CloudWatchPublication,
    DatadogGraph,
    DatadogMetric,
    DatadogPublication,
    Drive,
    Gauge,
    PointOf,
    Publication,
    Series,
    Signal,
    Values,
)
from .words import DEPLOY, ESCALATE, FIRST

_10M = Duration(600_000)
# Utilisation must stay high 8 of 10 minutes; missing data keeps the state (health checks catch a dead service).
SUSTAINED = Evaluation(60, 10, 8, "missing")


def _ecs(scope: AwsScope, name: str) -> Metric:
    targets = scope.targets
    assert targets.ecs_cluster is not None and targets.ecs_service is not None, "guarded by needs.ECS"
    return Metric("AWS/ECS", name, {"ClusterName": targets.ecs_cluster, "ServiceName": targets.ecs_service}, "Average")


def _cpu(service: Service, env: str) -> Expression:
    """CPU in percent: Fargate's task CPU, or 100 − idle on hosts."""
    source = apm(service)
    scope = apm_scope(source, env)
    if source.runtime == "fargate":
        return single(f"avg:ecs.fargate.cpu.percent{scope}")
    return Expression("100 - idle", {"idle": f"avg:system.cpu.idle{scope}"})


def _memory(service: Service, env: str) -> Expression:
    """Memory used over the limit, in percent (Fargate reports bytes for both)."""
    source = apm(service)
    scope = apm_scope(source, env)
    if source.runtime == "fargate":
        return Expression(
            "100 * usage / limit", {"usage": f"avg:ecs.fargate.mem.usage{scope}", "limit": f"avg:ecs.fargate.mem.limit{scope}"}
        )
    return Expression("100 * used / total", {"used": f"avg:system.mem.used{scope}", "total": f"avg:system.mem.total{scope}"})


SIGNALS = (
    Signal(
        name="cpu",
        title="CPU",
        section="resources",
        watches="CPU used by the service's tasks, in percent of what they are given.",
        steps=(
            FIRST,
            "Compare with throughput: if traffic grew, scale out (raise the ECS service's desired count) and review autoscaling.",
            DEPLOY,
            "If traffic did not grow, profile a task (APM profiler) for a hot loop or an expensive new code path.",
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_cpu,
            aggregation="avg",
            window=_10M,
            unit="%",
            graph=DatadogGraph("CPU (%)", "cpu"),
            require_full_window=True,
            needs=(needs.DATADOG,),
        ),
        cloudwatch=CloudWatchAlarm(
            title="CPU utilisation",
            source=lambda scope: _ecs(scope, "CPUUtilization"),
            unit="%",
            evaluation=SUSTAINED,
            convert=percent,
            needs=(needs.ECS,),
        ),
        drive=Drive("cpu"),
    ),
    Signal(
        name="memory",
        title="memory",
        section="resources",
        watches="Memory used by the service's tasks over their limit; tasks are killed when they reach it.",
        steps=(
            FIRST,
            "A steady climb since the last deploy is a leak: roll back, or restart the tasks to buy time (force a new deployment).",
            "A jump with traffic: scale out, or raise the task's memory in its task definition.",
            "Check for tasks stopped with `OutOfMemoryError` in the ECS service's events.",
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_memory,
            aggregation="avg",
            window=_10M,
            unit="%",
            graph=DatadogGraph("Memory used over limit (%)", "memory"),
            require_full_window=True,
            needs=(needs.DATADOG,),
        ),
        cloudwatch=CloudWatchAlarm(
            title="memory utilisation",
            source=lambda scope: _ecs(scope, "MemoryUtilization"),
            unit="%",
            evaluation=SUSTAINED,
            convert=percent,
            needs=(needs.ECS,),
        ),
        drive=Drive("memory"),
    ),
)


# ---- Replay: the series of the service's tasks, and what the vendors receive for them ----------------------------

SERIES = (
    Series(name="cpu", unit="percent", means="CPU used by the service's tasks, in percent of what they are given."),
    Series(name="memory", unit="percent", means="Memory used by the service's tasks, in percent of their limit."),
)
MEMORY_LIMIT = 2 * 1024**3  # bytes: the task memory the replay's Datadog memory metrics report beside the usage


def _percent_of(series: str, whole: float, complement: bool = False) -> PointOf:
    """A gauge: the series' percent of `whole` (or what remains of it: idle CPU, free memory)."""

    def point(values: Values, seconds: int) -> Gauge | None:
        if series not in values:
            return None
        share = 100 - values[series] if complement else values[series]
        return Gauge(whole * share / 100)

    return point


def _whole(series: str, whole: float) -> PointOf:
    return lambda values, seconds: Gauge(whole) if series in values else None


def published(scope: AwsScope) -> list[Publication]:
    """ECS publishes CPUUtilization and MemoryUtilization per service every minute; the Datadog Agent reports Fargate
    task metrics (percent CPU; memory usage and limit in bytes) or, on hosts, idle CPU and used and total memory."""
    out: list[Publication] = []
    targets = scope.targets
    if targets.ecs_cluster is not None and targets.ecs_service is not None:
        for series, metric in (("cpu", "CPUUtilization"), ("memory", "MemoryUtilization")):
            found = _ecs(scope, metric)
            out.append(CloudWatchPublication(found.namespace, found.name, found.dimensions, _percent_of(series, 100), (series,)))
    source = scope.service.sources.datadog
    if source is not None:
        tags = (f"service:{source.apm_service}", env_filter(scope.environment))
        if source.runtime == "fargate":
            out += [
                DatadogPublication("ecs.fargate.cpu.percent", tags, "gauge", _percent_of("cpu", 100), ("cpu",)),
                DatadogPublication("ecs.fargate.mem.usage", tags, "gauge", _percent_of("memory", MEMORY_LIMIT), ("memory",)),
                DatadogPublication("ecs.fargate.mem.limit", tags, "gauge", _whole("memory", MEMORY_LIMIT), ("memory",)),
            ]
        else:
            out += [
                DatadogPublication("system.cpu.idle", tags, "gauge", _percent_of("cpu", 100, complement=True), ("cpu",)),
                DatadogPublication("system.mem.used", tags, "gauge", _percent_of("memory", MEMORY_LIMIT), ("memory",)),
                DatadogPublication("system.mem.total", tags, "gauge", _whole("memory", MEMORY_LIMIT), ("memory",)),
            ]
    return out

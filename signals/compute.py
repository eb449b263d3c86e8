"""Compute: CPU and memory of the service's tasks (ECS Fargate) or hosts."""

from __future__ import annotations

from spec import Duration, Service

from . import needs
from .cloudwatch import AwsScope, Evaluation, Metric, percent
from .datadog import Expression, single
from .http import apm, apm_scope
from .model import CloudWatchAlarm, DatadogGraph, DatadogMetric, Signal
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
    ),
)

"""Compute: CPU and memory of the service's tasks (ECS Fargate) or hosts."""

from __future__ import annotations

from typing import Optional

from spec import Duration, Service

from . import needs
from .cloudwatch import AwsScope, Evaluation, Metric, percent
from .datadog import Expression, env_filter
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
    Spread,
    Values,
)
from .words import DEPLOY, ESCALATE, FIRST

_10M = Duration(600_000)
# Utilisation must stay high 8 of 10 minutes; missing data keeps the state (health checks catch a dead service).
SUSTAINED = Evaluation(60, 10, 8, "missing")


TASK_ARN = "task_arn"  # the tag the Datadog Agent gives each Fargate task's metrics
HOST = "host"


def _ecs(scope: AwsScope, name: str) -> Metric:
    """The service's utilisation as ECS publishes it, one value per task: `Maximum` is the task with the highest use
    (Amazon ECS service utilization metrics), where `Average` would average one hot task away."""
    targets = scope.targets
    assert targets.ecs_cluster is not None and targets.ecs_service is not None, "guarded by needs.ECS"
    return Metric("AWS/ECS", name, {"ClusterName": targets.ecs_cluster, "ServiceName": targets.ecs_service}, "Maximum")


def _cpu(service: Service, env: str) -> Expression:
    """CPU in percent of what each task (host) is given, per task (host): on Fargate the task's CPU use over its task
    limit, both in nanocores, as Datadog's recommended ECS Fargate monitor; 100 − idle on hosts."""
    source = apm(service)
    scope = apm_scope(source, env)
    if source.runtime == "fargate":
        return Expression(
            "100 * usage / limit",
            {"usage": f"sum:ecs.fargate.cpu.usage{scope}", "limit": f"sum:ecs.fargate.cpu.task.limit{scope}"},
            by=(TASK_ARN,),
        )
    return Expression("100 - idle", {"idle": f"avg:system.cpu.idle{scope}"}, by=(HOST,))


def _memory(service: Service, env: str) -> Expression:
    """Memory used over the limit, in percent, per task (host): on Fargate the task's containers' usage over its task
    limit, in bytes, as Datadog's recommended ECS Fargate monitor."""
    source = apm(service)
    scope = apm_scope(source, env)
    if source.runtime == "fargate":
        return Expression(
            "100 * usage / limit",
            {"usage": f"sum:ecs.fargate.mem.usage{scope}", "limit": f"sum:ecs.fargate.mem.task.limit{scope}"},
            by=(TASK_ARN,),
        )
    return Expression("100 * used / total", {"used": f"avg:system.mem.used{scope}", "total": f"avg:system.mem.total{scope}"}, by=(HOST,))


SIGNALS = (
    Signal(
        name="cpu",
        title="CPU",
        section="resources",
        watches="CPU used by the service's busiest task (or host), in percent of what it is given: one hot task is not averaged away.",
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
        watches="Memory used by the service's busiest task (or host) over its limit; a task is killed when it reaches it.",
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
    Series(name="cpu", unit="percent", means="CPU used by the service's tasks, in percent of what they are given (every task alike, unless `busiest_task_cpu`)."),
    Series(name="memory", unit="percent", means="Memory used by the service's tasks, in percent of their limit (every task alike, unless `busiest_task_memory`)."),
    Series(
        name="busiest_task_cpu",
        unit="percent",
        means="One task's CPU, in percent of what it is given, while the service's other tasks run at `cpu` (one hot task).",
    ),
    Series(
        name="busiest_task_memory",
        unit="percent",
        means="One task's memory, in percent of its limit, while the service's other tasks use `memory` (one task leaking).",
    ),
)
TASKS = 3  # the replay's service runs three tasks of one size; the busiest is the first
MEMORY_LIMIT = 2 * 1024**3  # bytes: each task's memory, as the Agent reports it beside the usage
CPU_LIMIT = 10**9  # nanocores: each task's CPU (1 vCPU), as the Agent reports it beside the usage


def task_arn(index: int) -> str:
    """The replay's stand-in for a task's ARN (the Agent tags the real one, lowercased)."""
    return f"arn:aws:ecs:eu-west-1:123456789012:task/replay/task-{index + 1}"


def task_values(series: str, values: Values) -> Optional[tuple[float, ...]]:
    """Each task's value of `series` (cpu, memory) in percent, the busiest first; None when the scenario leaves it out.
    ValueError when the busiest task is given without the others' level, or below it."""
    busiest = values.get(f"busiest_task_{series}")
    level = values.get(series)
    if busiest is None:
        return None if level is None else (level,) * TASKS
    if level is None:
        raise ValueError(f"busiest_task_{series} needs {series}: the other tasks' level")
    if busiest < level:
        raise ValueError(f"busiest_task_{series} ({busiest:g}%) is below {series} ({level:g}%): the busiest task is the one using most")
    return (busiest,) + (level,) * (TASKS - 1)


def _tasks_spread(series: str) -> PointOf:
    """What ECS publishes per service per minute: one utilisation per task, so Average is the service's and Maximum
    the busiest task's (service_utilization.html)."""

    def point(values: Values, seconds: int) -> Spread | None:
        found = task_values(series, values)
        return Spread(tuple((v, 1.0) for v in found)) if found is not None else None

    return point


def _task_percent_of(series: str, task: int, whole: float, complement: bool = False) -> PointOf:
    """A gauge of one task: its share of `whole` (or what remains of it)."""

    def point(values: Values, seconds: int) -> Gauge | None:
        found = task_values(series, values)
        if found is None:
            return None
        share = 100 - found[task] if complement else found[task]
        return Gauge(whole * share / 100)

    return point


def _task_whole(series: str, task: int, whole: float) -> PointOf:
    return lambda values, seconds: Gauge(whole) if task_values(series, values) is not None else None


def published(scope: AwsScope) -> list[Publication]:
    """ECS publishes CPUUtilization and MemoryUtilization per service every minute, one value per task; the Datadog
    Agent reports each task's metrics tagged by its task_arn (Fargate) or host's."""
    out: list[Publication] = []
    targets = scope.targets
    if targets.ecs_cluster is not None and targets.ecs_service is not None:
        for series, metric in (("cpu", "CPUUtilization"), ("memory", "MemoryUtilization")):
            found = _ecs(scope, metric)
            shows = (series, f"busiest_task_{series}")
            out.append(CloudWatchPublication(found.namespace, found.name, found.dimensions, _tasks_spread(series), shows))
    source = scope.service.sources.datadog
    if source is not None:
        tags = (f"service:{source.apm_service}", env_filter(scope.environment))
        for task in range(TASKS):
            if source.runtime == "fargate":
                mine = (*tags, f"{TASK_ARN}:{task_arn(task)}")
                out += [
                    DatadogPublication(
                        "ecs.fargate.cpu.usage", mine, "gauge", _task_percent_of("cpu", task, CPU_LIMIT), ("cpu", "busiest_task_cpu")
                    ),
                    DatadogPublication("ecs.fargate.cpu.task.limit", mine, "gauge", _task_whole("cpu", task, CPU_LIMIT), ("cpu",)),
                    DatadogPublication(
                        "ecs.fargate.mem.usage", mine, "gauge", _task_percent_of("memory", task, MEMORY_LIMIT), ("memory", "busiest_task_memory")
                    ),
                    DatadogPublication("ecs.fargate.mem.task.limit", mine, "gauge", _task_whole("memory", task, MEMORY_LIMIT), ("memory",)),
                ]
            else:
                mine = (*tags, f"host:replay-host-{task + 1}")
                out += [
                    DatadogPublication(
                        "system.cpu.idle", mine, "gauge", _task_percent_of("cpu", task, 100, complement=True), ("cpu", "busiest_task_cpu")
                    ),
                    DatadogPublication(
                        "system.mem.used", mine, "gauge", _task_percent_of("memory", task, MEMORY_LIMIT), ("memory", "busiest_task_memory")
                    ),
                    DatadogPublication("system.mem.total", mine, "gauge", _task_whole("memory", task, MEMORY_LIMIT), ("memory",)),
                ]
    return out

"""Reading a whole plan into evaluators, and running them over vendor data: alarms after the health checks whose
metrics they read, composites after their inputs, SLO alerts on their SLOs."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Optional, TypeVar, Union

from ..engine import PlannedResource
from .clock import Clock, states_on
from .cloudwatch import composites as cw_composites
from .cloudwatch import metric_alarms, route53
from .cloudwatch.insights import InsightsQuery, reads
from .cloudwatch.metrics import CloudWatchData
from .data import CloudWatchMetric, VendorData
from .datadog import composites as dd_composites
from .datadog import monitors, slo_alerts, slos, synthetics
from .datadog.metrics import DatadogData
from .datadog.queries import MetricQuery, terms
from .errors import ReplayError, ReplayErrors
from .plans import PlanLike, region_of, resources_of
from .samples import Sample
from .timeline import Timeline

T = TypeVar("T")
THRESHOLD_TYPES = ("query alert", "metric alert", "log alert")
DatadogMonitor = Union[monitors.ThresholdMonitor, slo_alerts.SloAlert, dd_composites.CompositeMonitor]


@dataclass(frozen=True)
class Reads:
    """The vendor data a plan's alerts read: CloudWatch metrics (not those CloudWatch derives from health checks),
    Datadog metric queries (each selects the series of its metric whose tags include its scope), log searches
    (tags every matching log line carries) and probed URLs."""

    cloudwatch: frozenset[CloudWatchMetric]
    datadog: frozenset[MetricQuery]
    logs: frozenset[frozenset[str]]
    urls: frozenset[str]
    insights: tuple[InsightsQuery, ...] = ()  # Metrics Insights queries: every metric they match is read

    def reads_cloudwatch(self, metric: CloudWatchMetric) -> bool:
        return metric in self.cloudwatch or any(reads(query, metric) for query in self.insights)


@dataclass(frozen=True)
class CompiledPlan:
    """Every alert resource of a plan, understood; `run` replays vendor data through them."""

    health_checks: tuple[route53.HealthCheck, ...]
    metric_alarms: tuple[metric_alarms.MetricAlarm, ...]
    composite_alarms: tuple[cw_composites.CompositeAlarm, ...]  # inputs first
    slos: Mapping[str, slos.Slo]
    monitors: tuple[DatadogMonitor, ...]  # composites last
    synthetics: tuple[synthetics.SyntheticTest, ...]

    @property
    def alerts(self) -> list[str]:
        """The resource names of every alert resource (alarms, monitors, synthetic tests)."""
        found = [*self.metric_alarms, *self.composite_alarms, *self.monitors, *self.synthetics]
        return sorted(a.resource.name for a in found)

    def reads(self) -> Reads:
        """What the alerts read: the vendor data a scenario must provide (the rest is absent)."""
        derived = {CloudWatchMetric.of(route53.NAMESPACE, "HealthCheckStatus", c.dimensions) for c in self.health_checks}
        metrics: set[CloudWatchMetric] = set()
        insights: list[InsightsQuery] = []
        for alarm in self.metric_alarms:
            source = alarm.source
            metrics |= {source.metric} if isinstance(source, metric_alarms.MetricStat) else {m.metric for m in source.metrics.values()}
            insights += [] if isinstance(source, metric_alarms.MetricStat) else list(source.insights.values())
        queries: set[MetricQuery] = set()
        logs: set[frozenset[str]] = set()
        for monitor in self.monitors:
            if isinstance(monitor, monitors.ThresholdMonitor):
                if isinstance(monitor.query, monitors.LogQuery):
                    logs.add(monitor.query.tags)
                else:
                    queries.update(terms(monitor.query.formula))
        for slo in self.slos.values():
            sli = slo.sli
            formulas = [sli.good, sli.total] if isinstance(sli, slos.MetricSli) else [sli.formula]
            for formula in formulas:
                queries.update(terms(formula))
        urls = {c.url for c in self.health_checks} | {t.url for t in self.synthetics}
        return Reads(frozenset(metrics - derived), frozenset(queries), frozenset(logs), frozenset(urls), tuple(dict.fromkeys(insights)))

    def only(self, names: Iterable[str]) -> CompiledPlan:
        """The same plan kept to the named alert resources and what they need: the alarms a composite reads (and its
        suppressor), the monitors a composite monitor combines, the SLOs of SLO alerts. Replays of a few alerts then
        cost only theirs."""
        keep = set(names)
        composites = {c.resource.name: c for c in self.composite_alarms}
        dd_composites_by_name = {m.resource.name: m for m in self.monitors if isinstance(m, dd_composites.CompositeMonitor)}
        pending = list(keep)
        while pending:
            name = pending.pop()
            used: set[str] = set()
            if name in composites:
                used = composites[name].depends_on
            elif name in dd_composites_by_name:
                used = dd_composites.monitors_in(dd_composites_by_name[name].expr)
            for other in used - keep:
                keep.add(other)
                pending.append(other)
        monitors_kept = tuple(m for m in self.monitors if m.resource.name in keep)
        slos_kept = {m.slo for m in monitors_kept if isinstance(m, slo_alerts.SloAlert)}
        return CompiledPlan(
            health_checks=self.health_checks,
            metric_alarms=tuple(a for a in self.metric_alarms if a.resource.name in keep),
            composite_alarms=tuple(c for c in self.composite_alarms if c.resource.name in keep),
            slos={name: slo for name, slo in self.slos.items() if name in slos_kept},
            monitors=monitors_kept,
            synthetics=tuple(t for t in self.synthetics if t.resource.name in keep),
        )

    def run(self, data: VendorData, start: Optional[int] = None, end: Optional[int] = None) -> dict[str, Timeline]:
        # The replay allocates many small objects and no reference cycles; with the Pulumi SDKs loaded, the cyclic
        # garbage collector's full passes over them cost more than the replay itself. Pause it, as it was before.
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._run(data, start, end)
        finally:
            if paused:
                gc.enable()

    def _run(self, data: VendorData, start: Optional[int], end: Optional[int]) -> dict[str, Timeline]:
        clock = Clock(data.start if start is None else start, data.end if end is None else end)
        derived: dict[CloudWatchMetric, list[Optional[Sample]]] = {}
        for check in self.health_checks:
            derived.update(route53.derive(check, data))
        out: dict[str, Timeline] = {}
        minutes = clock.ticks()

        known: dict[str, list[str]] = {}  # an input of several composites is read once

        def states(name: str) -> list[str]:
            if name not in known:
                known[name] = states_on(out[name].initial, out[name].changes, minutes)
            return known[name]

        cloudwatch = CloudWatchData(data, derived)
        for alarm in self.metric_alarms:
            out[alarm.resource.name] = metric_alarms.run_metric_alarm(alarm, cloudwatch, clock)
        for composite in self.composite_alarms:
            inputs = {name: states(name) for name in sorted(composite.depends_on)}
            out[composite.resource.name] = cw_composites.run_composite(composite, inputs, clock)
        datadog = DatadogData(data)
        series: dict[str, slos.SloSeries] = {}
        for test in self.synthetics:
            out[test.resource.name] = synthetics.run_synthetic(test, data, clock)
        for monitor in self.monitors:
            name = monitor.resource.name
            if isinstance(monitor, monitors.ThresholdMonitor):
                out[name] = monitors.run_threshold_monitor(monitor, datadog, clock)
            elif isinstance(monitor, slo_alerts.SloAlert):
                if monitor.slo not in series:
                    try:
                        series[monitor.slo] = slos.SloSeries(self.slos[monitor.slo], datadog)
                    except ReplayError as exc:
                        raise exc.about(monitor.slo) from None
                out[name] = slo_alerts.run_slo_alert(monitor, series[monitor.slo], clock)
            else:
                used = {m: states(m) for m in sorted(dd_composites.monitors_in(monitor.expr))}
                out[name] = dd_composites.run_composite_monitor(monitor, used, clock)
        return dict(sorted(out.items()))


def compile_plan(plan: PlanLike) -> CompiledPlan:
    """Understand every alert resource of the plan, or raise ReplayErrors naming each one that is not understood."""
    resources = resources_of(plan)
    errors: list[ReplayError] = []

    def each(kind: str, build: Callable[[PlannedResource], T]) -> list[T]:
        out: list[T] = []
        for resource in resources:
            if resource.type == kind:
                try:
                    out.append(build(resource))
                except ReplayError as exc:
                    errors.append(exc.about(resource.name))
        return out

    health_checks = each(route53.TYPE, route53.compile_health_check)
    alarms = each(metric_alarms.TYPE, metric_alarms.compile_metric_alarm)
    by_name = {(region_of(r), _alarm_name(r)): r.name for r in resources if r.type in (metric_alarms.TYPE, cw_composites.TYPE)}
    composites = each(cw_composites.TYPE, lambda r: cw_composites.compile_composite(r, by_name))
    found_slos = {s.resource.name: s for s in each(slos.TYPE, slos.compile_slo)}
    candidates = {r.name: r for r in resources if r.type in (monitors.TYPE, synthetics.TYPE)}

    def monitor(resource: PlannedResource) -> DatadogMonitor:
        kind = resource.inputs.get("type")
        if kind in THRESHOLD_TYPES:
            return monitors.compile_threshold_monitor(resource)
        if kind == "slo alert":
            return slo_alerts.compile_slo_alert(resource, found_slos)
        if kind == "composite":
            return dd_composites.compile_composite_monitor(resource, candidates)
        raise ReplayError(f"monitor type {kind!r} is not supported (known: {', '.join(THRESHOLD_TYPES)}, slo alert, composite)", resource.name)

    found_monitors = each(monitors.TYPE, monitor)
    tests = each(synthetics.TYPE, synthetics.compile_synthetic)
    try:
        ordered = _inputs_first(composites)
    except ReplayError as exc:
        errors.append(exc)
        ordered = []
    if errors:
        raise ReplayErrors(errors)
    return CompiledPlan(
        health_checks=tuple(health_checks),
        metric_alarms=tuple(alarms),
        composite_alarms=tuple(ordered),
        slos=found_slos,
        monitors=tuple(sorted(found_monitors, key=lambda m: isinstance(m, dd_composites.CompositeMonitor))),
        synthetics=tuple(tests),
    )


def _alarm_name(resource: PlannedResource) -> str:
    """An alarm's CloudWatch name: `name` of a metric alarm, `alarmName` of a composite."""
    return str(resource.inputs.get("name" if resource.type == metric_alarms.TYPE else "alarmName") or resource.name)


def _inputs_first(composites: Sequence[cw_composites.CompositeAlarm]) -> list[cw_composites.CompositeAlarm]:
    """Composite alarms ordered so each comes after the composites it reads; a cycle halts CloudWatch, and the replay."""
    by_name = {c.resource.name: c for c in composites}
    done: list[cw_composites.CompositeAlarm] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise ReplayError(f"composite alarms depend on each other in a cycle: {' -> '.join((*path, name))}", name)
        state[name] = "visiting"
        for used in sorted(by_name[name].depends_on & set(by_name)):
            visit(used, (*path, name))
        state[name] = "done"
        done.append(by_name[name])

    for name in sorted(by_name):
        visit(name, ())
    return done


def evaluate(plan: PlanLike, data: VendorData, start: Optional[int] = None, end: Optional[int] = None) -> dict[str, Timeline]:
    """Replay `data` through every alert resource of `plan`: a Timeline per resource name (see the package doc)."""
    return compile_plan(plan).run(data, start, end)

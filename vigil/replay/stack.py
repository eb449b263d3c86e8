"""A stack ready to replay: its plan, and per service the spec as the stack's environment sees it, where its signals
are published (the registry), which plan resources realise each alert, and its alerts understood once.

    stack = load_stack(project, "prod")                       # or load_stack(project, "prod", plan=view.plan)
    result = stack.replay(load_scenario(Path("outage.yaml")))
    result.passed, [o.line() for o in result.outcomes]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from monitors.common.context import Deployment
from signals import assumed_outputs
from signals.cloudwatch import AwsScope, resolve_targets
from signals.custom import series_problem
from signals.functions import Assumed
from signals.model import CloudWatchPublication, DatadogPublication, LogPublication, Publication
from spec import Service, SpecError, SpecErrors

from ..engine import Plan, PlannedResource, placeholder
from .alerts import AlertIndex, alert_index
from .data import CloudWatchMetric, VendorData
from .errors import ReplayError
from .evaluate import CompiledPlan, compile_plan
from .expect import Outcome, alert_firings, judge
from .maintenance import DOWNTIME, MUTE_RULE, Muting, mutings, silenced
from .scenario import Scenario, series_of
from .timeline import Backend, Timeline
from .vendor import SeriesProblem, Steps, check_steps, vendor_data

DEFAULT_STACK = "dev"
LOOKBACK = 90 * 60


def shifted(timeline: Timeline, offset: int) -> Timeline:
    """The same timeline with its times `offset` seconds earlier (a scenario's times start at its first step)."""
    return Timeline(
        timeline.resource,
        timeline.type,
        timeline.backend,
        timeline.state_at(offset),
        [(at - offset, state) for at, state in timeline.changes if at > offset],
        [dataclasses.replace(n, at=n.at - offset) for n in timeline.notifications if n.at > offset],
    )


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario replayed: one outcome per expectation and backend, and every alert resource's timeline; the
    maintenance windows that applied (with the scenario's `start`), and those that could not (without it)."""

    scenario: Scenario
    stack: str
    outcomes: tuple[Outcome, ...]
    timelines: Mapping[str, Timeline]
    windows: tuple[Muting, ...] = ()
    unplaced: tuple[str, ...] = ()  # the service's windows, when the scenario gives no wall-clock time
    assumed: tuple[str, ...] = ()  # values only the deployed stack knows, and what the replay took them to be

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]

    def report(self) -> str:
        """One line per expectation and backend."""
        return "\n".join(o.line() for o in self.outcomes)


def _assuming(resource: PlannedResource, assumed: Sequence[Assumed]) -> PlannedResource:
    """The resource with each assumed output's placeholder replaced by its value in the texts an alert evaluates (a
    Datadog monitor's query, a metric alarm's expressions); elsewhere it stays, and any other placeholder in those texts
    stays too: the evaluators refuse what they cannot read."""

    def text(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        for a in assumed:
            value = value.replace(a.placeholder, a.value)
        return value

    inputs = dict(resource.inputs)
    if "query" in inputs:
        inputs["query"] = text(inputs["query"])
    if isinstance(inputs.get("metricQueries"), list):
        inputs["metricQueries"] = [{**q, "expression": text(q["expression"])} if isinstance(q, dict) and "expression" in q else q for q in inputs["metricQueries"]]
    return resource if inputs == resource.inputs else dataclasses.replace(resource, inputs=inputs)


def _reading(compiled: CompiledPlan) -> Callable[[Publication], bool]:
    """Whether the alerts of `compiled` read a publication: the rest need not be built."""
    reads = compiled.reads()
    metrics = {q.metric for q in reads.datadog}
    checks = {c.url for c in compiled.health_checks}

    def wanted(publication: Publication) -> bool:
        if isinstance(publication, CloudWatchPublication):
            return reads.reads_cloudwatch(CloudWatchMetric.of(publication.namespace, publication.name, publication.dimensions))
        if isinstance(publication, DatadogPublication):
            return publication.metric in metrics
        if isinstance(publication, LogPublication):
            return bool(reads.logs)
        return publication.url in reads.urls or publication.url in checks

    return wanted


class ServiceReplay:
    """One service of a stack: replays series through its alerts."""

    def __init__(self, service: Service, deployment: Deployment, plan: Plan) -> None:
        self.service = service
        self.deployment = deployment
        self.stack = plan.stack
        source = service.sources.aws
        stack = source.from_stack if source is not None else None
        # dimension values as the plan shows them: literal names, or the referenced stack's outputs as placeholders
        self.scope = AwsScope(service, resolve_targets(source, lambda output: placeholder(str(stack), output)), deployment.environment)
        resources = tuple(r for r in plan.resources if plan.service_of(r) == service.service)
        self.resources = resources  # every resource of the service in the plan (what is not replayed is said)
        # another stack's numbers (a Lambda timeout) as the signal registry assumes them, alike in what the alerts
        # evaluate and in the series the scenario drives (signals/functions.py NOMINAL_TIMEOUT); the report says so
        assumed = assumed_outputs(service)
        self.assumed = tuple(a.words for a in assumed)
        replayed = tuple(_assuming(r, assumed) for r in resources) if assumed else resources
        # resource name -> the placeholders assumed in it: real history cannot be judged by an assumed value (backtest)
        self.assuming = {
            r.name: tuple(a.placeholder for a in assumed if a.placeholder in str(r.inputs)) for r, new in zip(resources, replayed, strict=True) if new is not r
        }
        self.compiled: CompiledPlan = compile_plan(Plan(plan.project, plan.stack, replayed))
        self.index: AlertIndex = alert_index(service, deployment, (r.name for r in resources))

    def data(self, series: Mapping[str, Sequence[Optional[float]]], step: int, compiled: Optional[CompiledPlan] = None) -> VendorData:
        """What the vendors receive for the series (only what `compiled`'s alerts read, when given)."""
        length = max((len(v) for v in series.values()), default=0)
        return vendor_data(self.scope, Steps(series, step, length), _reading(compiled) if compiled is not None else None)

    def run(
        self,
        series: Mapping[str, Sequence[Optional[float]]],
        step: int,
        alerts: Optional[Iterable[str]] = None,
        start: Optional[int] = None,
        backend: Optional[Backend] = None,
    ) -> dict[str, Timeline]:
        """Timelines of the alerts' resources (every alert's when `alerts` is None; on one backend when given),
        evaluated from `start` (seconds; the data before it fills the windows)."""
        compiled = self.compiled if alerts is None else self.compiled.only(self.index.resources(alerts, backend))
        return compiled.run(self.data(series, step, compiled), start=start)

    def check(self, scenario: Scenario) -> None:
        """The scenario against this service: its series name checks the service has, its alert ids are deployed
        (on the backend asked for). SpecErrors, each at its line."""
        errors: list[SpecError] = []
        checks = {c.name for c in self.service.health_checks}
        custom = self.service.custom_alerts
        for key in scenario.series:
            found = series_of(key)
            if found is not None and found.per_check and key.partition(".")[2] not in checks:
                known = ", ".join(f"{found.name}.{c}" for c in sorted(checks)) or "none"
                errors.append(scenario.problem(("series", key), f"{self.service.service} has no health check '{key.partition('.')[2]}' (its checks: {known})", at_key=True))
            if found is not None and found.per_alert:
                alert = custom.get(key.partition(".")[2])
                if alert is None:
                    known = ", ".join(f"{found.name}.{c}" for c in sorted(custom)) or "none"
                    errors.append(scenario.problem(("series", key), f"{self.service.service} has no custom alert '{key.partition('.')[2]}' (its custom alerts: {known})", at_key=True))
                elif key in scenario.kinds and scenario.kinds[key] != alert.kind:
                    errors.append(scenario.problem(("series", key), f"custom alert {key.partition('.')[2]} has thresholds of kind {alert.kind}: write its series so (got {scenario.kinds[key]})"))
                elif (problem := series_problem(found.name, alert)) is not None:
                    errors.append(scenario.problem(("series", key), f"custom alert {key.partition('.')[2]}: {problem}", at_key=True))
        ids = self.index.ids()
        for e in scenario.expect:
            if e.alert not in ids:
                where = f"{self.service.service} in stack {self.stack}"
                errors.append(scenario.problem(("expect", e.index, "alert"), f"no alert '{e.alert}' is deployed for {where}; deployed: {', '.join(ids) or 'none'}"))
            elif e.backend is not None and e.backend not in self.index.backends(e.alert):
                deployed = ", ".join(self.index.backends(e.alert))
                errors.append(scenario.problem(("expect", e.index, "backend"), f"'{e.alert}' is not deployed on {e.backend} in stack {self.stack} (only: {deployed})"))
        if errors:
            raise SpecErrors(errors)

    @property
    def lookback(self) -> int:
        """Seconds the alerts look back at most: the SLO tiers' long windows, and an hour for everything else (the
        longest threshold window with its evaluation delay, no-data timeframes, CloudWatch's evaluation range)."""
        return max([LOOKBACK, *(int(t.long.seconds) for slo in self.service.slos for t in slo.burn_rate)])

    def replay(self, scenario: Scenario) -> ScenarioResult:
        """The scenario's first values are taken to have held for as long as any alert looks back: alerts start
        settled, as for a service that ran before the scenario starts, not one deployed at its first step."""
        self.check(scenario)
        before = -(-self.lookback // scenario.step)  # steps
        series = {name: [values[0]] * before + list(values) for name, values in scenario.series.items()}
        offset = before * scenario.step
        try:
            check_steps(self.scope, Steps(series, scenario.step, len(next(iter(series.values())))))
            timelines = {
                name: shifted(t, offset) for name, t in self.run(series, scenario.step, [e.alert for e in scenario.expect], start=offset).items()
            }
        except SeriesProblem as problem:
            key = next((k for k in problem.series if k in scenario.series), next(iter(scenario.series)))
            step = max(problem.index - before, 0)
            raise SpecErrors([scenario.problem(("series", key), f"step {step + 1}: {problem.detail.split(': ', 1)[1]}")]) from None
        windows: list[Muting] = []
        unplaced = tuple(r.name for r in self.resources if r.type in (DOWNTIME, MUTE_RULE))
        if scenario.start is not None:
            try:
                windows = [w for w in mutings(self.resources, scenario.start, scenario.length * scenario.step) if w.intervals]
            except ReplayError as exc:
                raise SpecErrors([scenario.problem(("start",), str(exc))]) from None
            messages = {r.name: str(r.inputs.get("message") or "") for r in self.resources}
            timelines = silenced(timelines, windows, messages)
            unplaced = ()
        outcomes = []
        for e in scenario.expect:
            for backend in (e.backend,) if e.backend else self.index.backends(e.alert):
                found = alert_firings(self.index.select(e.alert, backend), timelines)
                outcomes.append(judge(scenario.name, e.alert, backend, fires=e.fires, by=e.by, expected=e.words(), found=found, times=e.times))
        return ScenarioResult(scenario, self.stack, tuple(outcomes), timelines, tuple(windows), unplaced, self.assumed)


class StackReplay:
    """A stack's plan and the services its environment holds."""

    def __init__(self, plan: Plan, deployment: Deployment, services: Mapping[str, Service]) -> None:
        self.plan = plan
        self.deployment = deployment
        self.services = dict(services)
        self._replays: dict[str, ServiceReplay] = {}  # held by this stack object, not by a cache that outlives it

    @property
    def stack(self) -> str:
        return self.plan.stack

    def service(self, name: str) -> ServiceReplay:
        """The service's replay, compiled once per stack object."""
        found = self._replays.get(name)
        if found is None:
            service = self.services.get(name)
            if service is None:
                raise ReplayError(f"stack {self.stack} deploys no service '{name}' (its services: {', '.join(sorted(self.services)) or 'none'})")
            found = self._replays[name] = ServiceReplay(service, self.deployment, self.plan)
        return found

    def replay(self, scenario: Scenario) -> ScenarioResult:
        if scenario.service not in self.services:
            known = ", ".join(sorted(self.services)) or "none"
            raise SpecErrors([scenario.problem(("service",), f"stack {self.stack} has no service '{scenario.service}' (its services: {known})")])
        return self.service(scenario.service).replay(scenario)


def load_stack(project: Path, stack: str, catalog: Optional[Path] = None, plan: Optional[Plan] = None) -> StackReplay:
    """The stack as `pulumi up` would deploy it: its config, the catalog its environment sees, its offline plan
    (planned here unless given)."""
    from ..planning import plan_checked
    from ..project import read_project, rule_errors, stack_named

    _, resolved, errors = read_project(project, catalog)
    mine = [s for s in resolved if s.name == stack]
    if plan is None:
        errors += rule_errors(mine)  # planned here: checked as `vigil plan` checks it, every problem at once
    if errors:
        raise SpecErrors(errors)
    found = stack_named(project, resolved, stack)
    if plan is None:
        plan = plan_checked(project, found)
    return StackReplay(plan, found.deployment, {s.service: s for s in found.services})  # those it deploys


__all__ = ["DEFAULT_STACK", "ScenarioResult", "ServiceReplay", "StackReplay", "load_stack"]

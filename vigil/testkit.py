"""A small kit for tests over the exact resources a stack registers, offline.

With pytest, use the `stack_plan` fixture (the `vigil.pytest_plugin` plugin, see docs/testing.md):

    def test_prod_alerts_reach_the_on_call(stack_plan):
        plan = stack_plan("prod")
        for monitor in plan.monitors(service="api"):  # a burn-rate tier is heard through its composite
            assert plan.routes_of(monitor) or plan.heard_through(monitor)
        assert any("@pagerduty-platform" in plan.routes_of(m, when="alert") for m in plan.notifying(service="api"))

Without pytest: `from vigil.testkit import stack_plan; plan = stack_plan("prod")`.
Plans are computed once per process and cached: each runs the whole program under Pulumi's mocks (no provider SDK
is imported, program/registry.py; under a second of CPU for the default catalog's stacks, docs/benchmarks.md).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from spec import SpecErrors

from .engine import SERVICE_COMPONENT, Plan, PlannedResource
from .planning import plan_stack
from .project import find_project
from .replay.scenario import Scenario
from .routing import heard_through, is_alarm, is_alerting, is_monitor, is_sentry_alert, notified

if TYPE_CHECKING:
    from .backtest import Backtest
    from .replay.stack import ScenarioResult, StackReplay


def _number(value: Any) -> Optional[float]:
    """A number, whether the provider takes it as a number or as a string holding one ("0.5")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def _thresholds(resource: PlannedResource) -> dict[str, float]:
    levels: Any = resource.inputs.get("monitorThresholds")  # Datadog: strings, as pulumi-datadog types them
    if isinstance(levels, dict):
        found = {str(key): _number(value) for key, value in levels.items()}
    elif "threshold" in resource.inputs:  # CloudWatch metric alarm: a number already
        found = {"threshold": _number(resource.inputs["threshold"])}
    else:
        found = {}
    return {key: value for key, value in sorted(found.items()) if value is not None}


def _tags(resource: PlannedResource) -> set[str]:
    tags: Any = resource.inputs.get("tags")
    if isinstance(tags, dict):
        return {f"{k}:{v}" for k, v in tags.items()}
    if isinstance(tags, list):
        return {str(t) for t in tags}
    return set()


@dataclass(frozen=True)
class PlanView:
    plan: Plan
    project: Optional[Path] = None  # where the plan came from: what plan.replay() reads the stack and catalog from
    catalog: Optional[Path] = None

    @property
    def stack(self) -> str:
        return self.plan.stack

    @property
    def resources(self) -> tuple[PlannedResource, ...]:
        return self.plan.resources

    def select(
        self,
        type: Optional[str] = None,
        service: Optional[str] = None,
        tag: Optional[str] = None,
        name: Optional[str] = None,
    ) -> list[PlannedResource]:
        """Resources matching every given filter: exact type token, owning service, a `key:value` tag, logical name."""
        return [
            r
            for r in self.plan.resources
            if (type is None or r.type == type)
            and (service is None or self.plan.service_of(r) == service)
            and (tag is None or tag in _tags(r))
            and (name is None or r.name == name)
        ]

    def one(self, **filters: Optional[str]) -> PlannedResource:
        found = self.select(**filters)
        if len(found) != 1:
            raise AssertionError(f"expected exactly one resource for {filters}, found {[r.name for r in found]}")
        return found[0]

    def monitors(self, service: Optional[str] = None, tag: Optional[str] = None) -> list[PlannedResource]:
        """Every Datadog resource that alerts: monitors of every kind (threshold, traffic guard, burn-rate tier,
        composite) and synthetic tests — whether or not it notifies anyone itself: a burn-rate tier tells nobody and is
        heard through the composite over its severity (`heard_through`). `notifying()` lists those that tell someone."""
        return [r for r in self.select(service=service, tag=tag) if is_monitor(r)]

    def notifying(self, service: Optional[str] = None, tag: Optional[str] = None) -> list[PlannedResource]:
        """The alerts that tell someone themselves when they fire: Datadog monitors and synthetic tests whose message
        names a handle, CloudWatch alarms whose actions reach an SNS subscriber, Sentry alerts with a target — those
        whose `routes_of` is not empty."""
        return [r for r in self.select(service=service, tag=tag) if (is_alerting(r) or is_sentry_alert(r)) and notified(self.plan, r)]

    def alarms(self, service: Optional[str] = None, tag: Optional[str] = None) -> list[PlannedResource]:
        """CloudWatch alarms (metric and composite)."""
        return [r for r in self.select(service=service, tag=tag) if is_alarm(r)]

    def routes_of(self, resource: PlannedResource, when: Optional[str] = None) -> list[str]:
        """Who is notified when it alerts: Datadog `@handles` in a monitor's message (with `when="alert"` or
        `"warning"`, only those its message renders in that state); for an alarm, the endpoint of every SNS
        subscription of the topics in its alarm actions (`[secret]` for a secret endpoint; a topic without subscriptions
        adds nobody: a route with no subscriber is not a route); for a Sentry alert, its targets (`sentry-team:<id>`,
        `slack:<workspace>:<channel>`, `pagerduty:<account>:<service>`, …)."""
        return notified(self.plan, resource, when)

    def heard_through(self, resource: PlannedResource) -> list[str]:
        """Alarms through which a silent alarm is still heard (its composite; a roll-up's inputs)."""
        return heard_through(self.plan, resource)

    def thresholds(self, resource: PlannedResource) -> dict[str, float]:
        """A monitor's or alarm's thresholds as numbers: a Datadog monitor's `monitorThresholds` (`critical`,
        `warning`, `criticalRecovery`, `warningRecovery`; the provider takes them as strings), a CloudWatch alarm's
        `threshold`; empty for anything else. Units are the query's or metric's (seconds for latency, % for rates)."""
        return _thresholds(resource)

    def service_of(self, resource: PlannedResource) -> Optional[str]:
        return self.plan.service_of(resource)

    def tags(self, resource: PlannedResource) -> set[str]:
        """Tags as `key:value` strings, whether the resource takes a list (Datadog) or a map (AWS)."""
        return _tags(resource)

    def services(self) -> list[str]:
        """The services the stack monitors."""
        return sorted(r.name for r in self.plan.resources if r.type == SERVICE_COMPONENT)

    def alert_ids(self, service: str) -> list[str]:
        """The alert ids a scenario may name for the service (docs/replay.md): `error_rate`, `health.live`,
        `slo.availability.page`, `service_unhealthy`, ..."""
        return self._replay.service(service).index.ids()

    def replay(self, scenario: Union[str, Path, Mapping[str, Any], Scenario]) -> ScenarioResult:
        """Replay a scenario through this plan's alerts (docs/replay.md): a scenario file, a mapping written like one,
        or a parsed Scenario. `.passed`, `.failures` (each `.line()`), `.report()`, `.outcomes` (each with `.first`, when
        it fired as expected) and `.timelines` (every alert resource's states and notifications)."""
        from .replay.scenario import load_scenario, scenario_of

        if isinstance(scenario, (str, Path)):
            scenario = load_scenario(Path(scenario))
        elif not isinstance(scenario, Scenario):
            scenario = scenario_of(scenario)
        if scenario.stack is not None and scenario.stack != self.stack:
            raise SpecErrors([scenario.problem(("stack",), f"the scenario is for stack {scenario.stack}; this plan is stack {self.stack}")])
        return self._replay.replay(scenario)

    def backtest(self, recorded: Union[str, Path], days: int = 14, services: Optional[list[str]] = None) -> Backtest:
        """Back-test this plan's alerts over responses recorded from the vendors (`vigil backtest --record DIR`,
        docs/backtest.md): how often each would have notified. `.notifications(alert, level="critical",
        backend=None)` counts them (`error_rate`, `slo.availability`, `custom.<name>`); `.alerts` has every alert's
        levels (`.notifications`, `.reminders`, `.minutes_in_alert`, `.longest_minutes`), its `.resolution` and
        `.approximate`; `.window` the days replayed (ending with the latest point recorded)."""
        from .backtest import Files, backtest, latest

        return backtest(self._replay, days, Files(Path(recorded)), services, end=latest)

    @functools.cached_property
    def _replay(self) -> StackReplay:
        from .replay.stack import load_stack

        return load_stack(self.project or find_project(), self.stack, self.catalog, plan=self.plan)


@functools.cache
def _cached(project: Path, stack: str, catalog: Optional[Path]) -> PlanView:
    return PlanView(plan_stack(project, stack, catalog), project, catalog)


def stack_plan(stack: str, catalog: Optional[Path] = None, project: Optional[Path] = None) -> PlanView:
    """The offline plan of a stack (cached per process)."""
    return _cached((project or find_project()).resolve(), stack, catalog.resolve() if catalog else None)

"""Datadog synthetic API tests (HTTP) over time (synthetics/guide/how-synthetics-monitors-trigger-alerts,
synthetic-test-retries-monitor-status, api/latest/synthetics).

Each location runs the test every `tickEvery` seconds; a failed run is retried up to `retry.count` times,
`retry.interval` ms apart, and only the last attempt counts. A run fails when an assertion fails, or when the
response takes longer than the request's `timeout` (s), or never comes. A location is failing from its last counted
failure until its next counted success. The alerting rule holds while at least `minLocationFailed` locations are
failing; the monitor alerts once the rule has held continuously for `minFailureDuration` seconds (the timer starts
when the final retry fails and resets whenever the rule stops holding), and recovers as soon as it stops holding.
Assumed (docs/replay.md): every location runs at the same instants, from the replay's start.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Optional

from ...engine import PlannedResource
from ..clock import Clock
from ..data import Probe, VendorData
from ..errors import ReplayError
from ..plans import check_inputs, number
from ..timeline import DD_ALERT, DD_OK, Timeline
from .notify import Notifier, notifier

TYPE = "datadog:index/syntheticsTest:SyntheticsTest"
_DESCRIPTIVE = ("name", "message", "tags")
_UNDERSTOOD = (*_DESCRIPTIVE, "type", "subtype", "status", "locations", "requestDefinition", "assertions", "optionsList")
_OPTIONS = ("tickEvery", "minFailureDuration", "minLocationFailed", "retry", "monitorName", "monitorPriority", "monitorOptions")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "is": operator.eq, "isNot": operator.ne, "lessThan": operator.lt, "lessThanOrEqual": operator.le,
    "moreThan": operator.gt, "moreThanOrEqual": operator.ge, "greaterThan": operator.gt,
}


@dataclass(frozen=True)
class Assertion:
    kind: str  # statusCode or responseTime
    compare: Callable[[float, float], bool]
    target: float

    def holds(self, probe: Probe) -> bool:
        if self.kind == "statusCode":
            return probe.status is not None and self.compare(probe.status, self.target)
        return probe.status is not None and self.compare(probe.latency_ms, self.target)


@dataclass(frozen=True)
class SyntheticTest:
    resource: PlannedResource
    url: str
    live: bool
    regions: tuple[str, ...]
    assertions: tuple[Assertion, ...]
    timeout_ms: float
    tick: int
    retries: int
    retry_ms: int
    min_failed: int
    min_duration: int
    notifier: Notifier

    def passes(self, probe: Probe) -> bool:
        if probe.status is None or probe.latency_ms > self.timeout_ms:
            return False
        return all(a.holds(probe) for a in self.assertions)


def _assertion(resource: PlannedResource, spec: Mapping[str, Any]) -> Assertion:
    check_inputs(resource, ("type", "operator", "target"), spec, "assertions[].")
    kind, op = spec.get("type"), str(spec.get("operator"))
    if kind not in ("statusCode", "responseTime"):
        raise ReplayError(f"assertion type {kind!r}: the replay checks statusCode and responseTime", resource.name)
    if op not in _OPERATORS:
        raise ReplayError(f"assertion operator {op!r} (known: {', '.join(_OPERATORS)})", resource.name)
    return Assertion(str(kind), _OPERATORS[op], number(resource, spec.get("target"), f"{kind} target"))


def compile_synthetic(resource: PlannedResource) -> SyntheticTest:
    inputs = resource.inputs
    check_inputs(resource, _UNDERSTOOD)
    if inputs.get("type") != "api" or inputs.get("subtype") not in (None, "http"):
        raise ReplayError(f"synthetic test {inputs.get('type')}/{inputs.get('subtype')}: the replay knows api/http tests", resource.name)
    request = inputs.get("requestDefinition") or {}
    check_inputs(resource, ("method", "url", "timeout"), request, "requestDefinition.")
    options = inputs.get("optionsList") or {}
    check_inputs(resource, _OPTIONS, options, "optionsList.")
    retry = options.get("retry") or {}
    check_inputs(resource, ("count", "interval"), retry, "optionsList.retry.")
    monitor_options = options.get("monitorOptions") or {}
    check_inputs(resource, ("renotifyInterval",), monitor_options, "optionsList.monitorOptions.")
    regions = []
    for location in inputs.get("locations") or []:
        if not str(location).startswith("aws:"):
            raise ReplayError(f"location {location!r}: the replay knows managed aws:<region> locations", resource.name)
        regions.append(str(location)[4:])
    if not regions:
        raise ReplayError("a synthetic test without locations", resource.name)
    tick = int(number(resource, options.get("tickEvery"), "optionsList.tickEvery"))
    min_failed = int(number(resource, options.get("minLocationFailed") or 1, "optionsList.minLocationFailed"))
    if not 30 <= tick <= 604800:
        raise ReplayError(f"tickEvery {tick} s is outside 30-604800", resource.name)
    if not 1 <= min_failed <= len(regions):
        raise ReplayError(f"minLocationFailed {min_failed} must be between 1 and the {len(regions)} locations", resource.name)
    return SyntheticTest(
        resource=resource,
        url=str(request.get("url")),
        live=inputs.get("status", "live") == "live",
        regions=tuple(regions),
        assertions=tuple(_assertion(resource, a) for a in inputs.get("assertions") or []),
        timeout_ms=1000 * number(resource, request.get("timeout") or 60, "requestDefinition.timeout"),
        tick=tick,
        retries=int(number(resource, retry.get("count") or 0, "optionsList.retry.count")),
        retry_ms=int(number(resource, retry.get("interval") or 300, "optionsList.retry.interval")),
        min_failed=min_failed,
        min_duration=int(number(resource, options.get("minFailureDuration") or 0, "optionsList.minFailureDuration")),
        notifier=notifier(resource, inputs.get("message"), monitor_options),
    )


def _failures(test: SyntheticTest, data: VendorData) -> list[tuple[int, str, bool]]:
    """Each location's counted results: (second it is known, region, failed), in time order."""
    probes = data.probes.get(test.url)
    if probes is None:
        return []
    out: list[tuple[int, str, bool]] = []
    for t in range(data.start, data.end, test.tick):
        for region in test.regions:
            attempt_ms = 0
            while True:
                index = data.index_at(t + attempt_ms // 1000)
                if index is None:
                    break
                failed = not test.passes(probes.at(index, region))
                done = not failed or attempt_ms >= test.retries * test.retry_ms
                if done:
                    out.append((t + math.ceil(attempt_ms / 1000), region, failed))
                    break
                attempt_ms += test.retry_ms
    out.sort(key=lambda r: r[0])
    return out


def run_synthetic(test: SyntheticTest, data: VendorData, clock: Clock) -> Timeline:
    timeline = Timeline(test.resource.name, test.resource.type, "datadog", DD_OK)
    if not test.live:
        return timeline  # a paused test runs nothing and alerts nobody
    failing: dict[str, bool] = dict.fromkeys(test.regions, False)
    results = _failures(test, data)
    since: Optional[int] = None  # when the rule last started to hold
    state = DD_OK
    position = 0
    instants = sorted({r[0] for r in results} | set(clock.ticks()))
    for t in instants:
        if t > clock.end:
            break
        while position < len(results) and results[position][0] <= t:
            _, region, failed = results[position]
            failing[region] = failed
            position += 1
        if t < clock.start:
            continue  # runs before the replay's start set the locations' state; the monitor starts with the replay
        holding = sum(failing.values()) >= test.min_failed
        if holding and since is None:
            since = t
        if not holding:
            since = None
        alerting = since is not None and t - since >= test.min_duration
        new = DD_ALERT if alerting else DD_OK
        if new != state:
            # the timer ran out at since + minFailureDuration, possibly between two instants looked at
            at = since + test.min_duration if new == DD_ALERT and since is not None else t
            test.notifier.change(timeline, at, state, new)
            state = new
        else:
            test.notifier.tick(timeline, t, state)
    return timeline

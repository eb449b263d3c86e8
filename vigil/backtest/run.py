"""A back-test: which alerts, which requests, what came back, replayed through the replay's own evaluators.

    result = backtest(stack, days=14, fetcher=files("recorded/"))      # or live(...) / recording(live(...), DIR)
    result.alerts          # AlertResult per service, alert id, backend: its levels' outcomes, or why it was not back-tested

The seam is the replay's vendor data: what each vendor received, point by point (`vigil.replay.VendorData`). A
scenario builds it from the signal registry's publications; a back-test builds it from what the vendors return
for exactly the series the alerts evaluate, and hands it to the same compiled plan (`CompiledPlan.run`) — no
vendor rule is written twice.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol, Union

import numpy

from ..replay import Timeline
from ..replay.stack import StackReplay
from .outcome import LevelOutcome, level_outcome
from .reads import AlertReads, CloudWatchSeries, DatadogKey, alert_reads, conflicts, plan_places
from .requests import DAY, MINUTE, AwsRequest, DatadogRequest, Request, Window, requests, unavailable, window_ending
from .responses import Received, ResponseError, read_aws, read_datadog
from .samples import Unsupported, vendor_data


class Refused(Exception):
    """The vendor refused a request (403, 429 after retries, an error it answered): the alerts reading it are not
    back-tested, with this reason; the rest goes on."""


class BacktestError(Exception):
    """Something the user must fix before a back-test can run (credentials, a recorded file): one line, exit 2."""


class NoCredentials(BacktestError):
    """No credentials for a vendor the back-test reads (`vigil diff --backtest` then says it was skipped)."""


class Fetcher(Protocol):
    """Where responses come from: the vendors (live), or files recorded from them."""

    def datadog(self, request: DatadogRequest) -> Any: ...

    def aws(self, request: AwsRequest) -> list[Any]: ...

    def where(self, request: Request, page: int) -> str:
        """Where a response that is not the vendor's format came from, for its error: its file, or the request."""
        ...


@dataclass
class AlertResult:
    reads: AlertReads
    levels: list[LevelOutcome] = field(default_factory=list)
    resolution: Optional[int] = None
    missing: list[str] = field(default_factory=list)  # series the vendor has no point of
    gap_minutes: float = 0.0
    longest_gap_minutes: float = 0.0

    @property
    def service(self) -> str:
        return self.reads.service

    @property
    def alert(self) -> str:
        """The report's alert id (`error_rate`, `slo.availability`, `custom.<name>`)."""
        return self.reads.id

    @property
    def backend(self) -> str:
        return self.reads.backend

    @property
    def tested(self) -> bool:
        return self.reads.refused is None

    @property
    def approximate(self) -> bool:
        """Coarser data than the alert's own period (CloudWatch keeps older data only coarser)."""
        return self.resolution is not None and self.resolution > self.reads.period


@dataclass
class Backtest:
    stack: str
    window: Window
    alerts: list[AlertResult]
    timelines: dict[str, dict[str, Timeline]]  # service -> resource -> timeline
    received: dict[object, Received]  # what the vendors returned, per series (CloudWatchSeries, DatadogKey)
    notes: list[str] = field(default_factory=list)

    def notifications(self, alert: str, level: str = "critical", backend: Optional[str] = None, service: Optional[str] = None) -> int:
        """How many times the alert (on a backend, of a service, or all of them) started notifying at a level
        (`critical`/`page` or `warning`/`ticket`); an alert that was not back-tested is an error, never a zero."""
        route = {"critical": "page", "warning": "ticket"}.get(level, level)
        found = [a for a in self.alerts if alert in (a.alert, a.reads.alert) and (backend is None or a.backend == backend) and (service is None or a.service == service)]
        if not found:
            raise KeyError(f"no alert {alert!r} was back-tested (alerts: {', '.join(sorted({a.alert for a in self.alerts}))})")
        refused = [f"{a.alert} on {a.backend}: {a.reads.refused}" for a in found if not a.tested]
        if refused:
            raise ValueError(f"not back-tested: {'; '.join(refused)}")
        return sum(len(level_.notifications) for a in found for level_ in a.levels if level_.route == route)


def plan_alerts(stack: StackReplay, services: Optional[Iterable[str]] = None) -> list[AlertReads]:
    """Every alert of the services (all the stack deploys by default) with what it reads; those the back-test
    cannot tell apart from another's series refused."""
    places = plan_places(stack.plan)
    names = sorted(services) if services else sorted(stack.services)
    out: list[AlertReads] = []
    for name in names:
        found = alert_reads(stack.service(name), places)
        for alert in found:  # two of its own series the evaluators could not tell apart (other alerts' are replayed apart)
            clash = conflicts(list(alert.datadog))
            if clash and alert.refused is None:
                alert.refused = next(iter(clash.values()))
        out += found
    return out


def needed(alerts: Sequence[AlertReads], window: Window) -> list[Request]:
    unique: dict[str, Request] = {}
    for request in requests([a for a in alerts if a.refused is None], window):
        unique.setdefault(request.id, request)
    return list(unique.values())


def backtest(
    stack: StackReplay,
    days: int,
    fetcher: Fetcher,
    services: Optional[Iterable[str]] = None,
    now: Optional[int] = None,
    end: Optional[Callable[[Mapping[object, Received]], Optional[int]]] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> Backtest:
    """Fetch (or read) what the alerts evaluate and replay it. `now`: the window's end (epoch seconds) when live;
    `end`: how a recorded back-test finds it from what it read (the end of its latest point).

    The cyclic garbage collector is paused throughout, as the replay pauses it: a back-test reads millions of points
    and makes no reference cycles, and with the providers' SDKs loaded each full pass costs more than the work."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _backtest(stack, days, fetcher, services, now, end, progress)
    finally:
        if paused:
            gc.enable()


def _backtest(
    stack: StackReplay,
    days: int,
    fetcher: Fetcher,
    services: Optional[Iterable[str]],
    now: Optional[int],
    end: Optional[Callable[[Mapping[object, Received]], Optional[int]]],
    progress: Optional[Callable[[int, int], None]],
) -> Backtest:
    alerts = plan_alerts(stack, services)
    nominal = window_ending(now if now is not None else 0, days)
    found = needed(alerts, nominal)
    received: dict[object, Received] = {}
    refused: dict[object, str] = {}
    for alert in alerts:
        for series in alert.cloudwatch:
            received.setdefault(series, Received())
        for key in alert.datadog:
            received.setdefault(key, Received())
    for request in found:
        targets: list[object] = [q.series for q in request.queries] if isinstance(request, AwsRequest) else [request.key]
        try:
            if isinstance(request, AwsRequest):
                read_aws(request, fetcher.aws(request), received)
            else:
                read_datadog(request, fetcher.datadog(request), received[request.key])
        except Refused as exc:
            for target in targets:
                refused.setdefault(target, str(exc))
        except ResponseError as exc:
            raise BacktestError(f"{fetcher.where(request, exc.page)}: {exc}") from None
        if progress:
            progress(1, len(found))
    window = nominal
    if end is not None:
        last = end(received)
        if last is not None:
            window = window_ending(last, days)
    notes = [n for n in (unavailable(alerts, window),) if n]
    results: list[AlertResult] = []
    timelines: dict[str, dict[str, Timeline]] = {}
    for name in sorted({a.service for a in alerts}):
        mine = [a for a in alerts if a.service == name]
        service = stack.service(name)
        for alert in mine:
            if alert.refused is None:
                reason = next((refused[t] for t in [*sorted(alert.cloudwatch), *sorted(alert.datadog)] if t in refused), None)
                if reason is None:
                    reason = next((r for t in [*alert.cloudwatch, *alert.datadog] for r in received[t].refusals), None)
                alert.refused = reason
        for alert in mine:  # a series the vendor does not have is said, and never counted as quiet
            if alert.refused is None:
                read: list[Union[CloudWatchSeries, DatadogKey]] = [*sorted(alert.cloudwatch), *sorted(alert.datadog)]
                empty = [s.label for s in read if not received[s].any_points]
                if not read:  # nothing fetched for it: its evaluators would see no data, which is not quiet
                    alert.refused = "it reads no metric series the back-test fetches"
                elif len(empty) == len(read):
                    alert.refused = f"the vendor has no data for {', '.join(empty)} in the window (no such series, or never published)"
        testable = [a for a in mine if a.refused is None]
        ran: dict[str, Timeline] = {}
        for group in _by_lookback(testable):  # a month-long error budget does not stretch every alert's data
            lookback = max(a.lookback for a in group)
            try:
                data = vendor_data(service, group, received, window, lookback)
            except Unsupported as exc:
                for alert in group:
                    alert.refused = str(exc)
                continue
            resources = sorted({r for a in group for r in a.resources})
            evaluated = service.compiled.only(resources).run(data, start=window.start, end=window.end)
            for alert in group:
                results.append(_result(alert, evaluated, received, window))
            ran.update(evaluated)
            del data
        timelines[name] = ran
        results += [_result(a, ran, received, window) for a in mine if a.refused is not None]
    order: dict[tuple[str, str, str], int] = {(a.service, a.id, a.backend): i for i, a in enumerate(alerts)}
    results.sort(key=lambda r: order[(r.service, r.alert, r.backend)])
    return Backtest(stack.stack, window, results, timelines, received, notes)


LOOKBACK_CLASSES = (DAY, 10 * DAY)  # alerts replayed together when their windows reach back as far


def _by_lookback(alerts: Sequence[AlertReads]) -> list[list[AlertReads]]:
    """Alerts replayed together: those evaluating a resource in common (a composite and its inputs' own alerts: each
    resource is evaluated once, and every alert reading it sees the same timeline), with those whose windows reach
    back about as far (a month-long error budget does not stretch every alert's data), and never two whose Datadog
    series the evaluators could not tell apart (the same metric and scope read with another aggregation: each query's
    answer is its own series; alerts sharing resources are then replayed apart)."""
    owner: dict[str, int] = {}
    parent = list(range(len(alerts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, alert in enumerate(alerts):
        for resource in sorted(alert.resources):
            j = owner.setdefault(resource, i)
            parent[root(i)] = root(j)
    components: dict[int, list[AlertReads]] = {}
    for i, alert in enumerate(alerts):
        components.setdefault(root(i), []).append(alert)
    classes: dict[int, list[list[AlertReads]]] = {}
    for members in components.values():
        if conflicts([k for a in members for k in a.datadog]):
            units = [[a] for a in members]  # they cannot share a replay: each alert on its own, as its series allow
        else:
            units = [members]
        for unit in units:
            bound = next((c for c in LOOKBACK_CLASSES if max(a.lookback for a in unit) <= c), 0)
            classes.setdefault(bound, []).append(unit)
    out: list[list[AlertReads]] = []
    for bound in sorted(classes, key=lambda k: k or 10**12):
        groups: list[list[AlertReads]] = []
        for unit in classes[bound]:
            home = next((g for g in groups if not conflicts([*(k for a in unit for k in a.datadog), *(k for a in g for k in a.datadog)])), None)
            if home is None:
                groups.append(list(unit))
            else:
                home += unit
        out += groups
    return out


def _result(alert: AlertReads, timelines: Mapping[str, Timeline], received: Mapping[object, Received], window: Window) -> AlertResult:
    result = AlertResult(alert)
    if alert.refused is not None:
        return result
    series: list[Union[CloudWatchSeries, DatadogKey]] = [*sorted(alert.cloudwatch), *sorted(alert.datadog)]
    resolutions = [r for r in (received[s].resolution(window.start - alert.lookback, window.end) for s in series) if r is not None]
    result.resolution = max(resolutions) if resolutions else None
    result.missing = [s.label for s in series if not received[s].any_points]
    minutes = (window.end - window.start) // MINUTE
    for s in series:
        stamps = received[s].stamps_within(window.start, window.end)
        step = received[s].resolution(window.start, window.end) or MINUTE
        if not len(stamps):
            continue
        covered = len(stamps) * step // MINUTE
        result.gap_minutes = max(result.gap_minutes, float(max(0, minutes - covered)))
        longest = max(int(stamps[0]) - window.start, window.end - int(stamps[-1]), int(numpy.diff(stamps).max(initial=0))) - step
        result.longest_gap_minutes = max(result.longest_gap_minutes, max(0, longest) / MINUTE)
    result.levels = [level_outcome(alert.parts, timelines, route, window) for route in alert.levels]
    return result


def latest(received: Mapping[object, Received]) -> Optional[int]:
    """The end of the latest point read (its stamp plus its resolution): a recorded back-test's window ends there."""
    ends = [r.last for r in received.values()]
    found = [e for e in ends if e is not None]
    return max(found) if found else None

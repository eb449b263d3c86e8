"""The standard replay: from a service's spec, scenarios every deployed alert must pass, on each backend.

- Every threshold alert: a **breach** (2× its critical threshold, or its warning when it has no critical; half of it for
  alerts that fire below; percentages stay under 100 %) after a healthy warm-up must fire at that level within its
  window plus delays and a minute of evaluation; a **healthy run** at half its lowest threshold (twice the highest for
  alerts that fire below) must never fire. A critical breach on CloudWatch must also put `service_unhealthy` in ALARM
  when that roll-up reads the alarm.
- Every health check: an **outage** after a healthy warm-up must fire at the check's severity within its failure
  threshold's probes plus the vendors' minute of evaluation.
- Every SLO: constant **burns** of 0.5×, 1×, 3×, 6×, 14.4× and a total outage, each after a healthy warm-up as long as
  the longest tier window, then a recovery. Per tier and backend: a tier whose burn-rate threshold is below the burn
  must enter its alert state within long window × threshold ÷ burn (the Workbook's time to fire) plus slack, and
  reset within its short window after the burn ends; a tier above the burn must stay quiet; a burn at exactly a
  tier's threshold may go either way (both vendors compare with `>`, but the last digit of a ratio decides). A burn
  that a page tier must catch pages someone in time — a total outage, and a load-balancer-only one where availability
  counts the load balancer's 5xx, within the fastest page tier's time (plus the data's delay) — and pages once (one
  page per problem); one a ticket tier must catch tickets once; any other (1×) pages nobody.

The signals are set through the registry's drives (`Signal.drive`, `SliKind.drive`). A known issue that makes an
expectation fail is recorded with it (`xfail`), strictly: should it pass, the report says so and fails, so the note
goes when the issue is fixed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Optional, Union

from monitors.aws.health_checks import request_interval
from monitors.datadog.burn_rates import ERROR_BUDGET_SPENT, by_error_budget, short_window
from monitors.datadog.slos import time_slice
from monitors.datadog.synthetics import RETRY_INTERVAL_MS
from signals import AlertSignal, alert_signals
from signals.http import PERCENTILES
from signals.model import CloudWatchAlarm, DatadogLogs, DatadogMetric
from signals.slis import DatadogSli, SliDrive, lb_counted, sli
from spec import Duration, Percent, Rate, Service
from spec.alerts import Quantity, canonical
from spec.health import HealthCheck
from spec.routes import Severity
from spec.slos import BurnRateTier, Slo

from .alerts import AlertPart
from .clock import MINUTE
from .expect import Firing, Outcome, alert_firings, clock, firings, judge
from .scenario import Fires
from .stack import ServiceReplay
from .timeline import ALARM, DD_ALERT, Backend, Timeline

SLACK = 2 * MINUTE  # evaluation every minute, and the minute a point takes to be complete
QUIET_MINUTES = 15
BURNS: tuple[Union[float, str], ...] = (0.5, 1.0, 3.0, 6.0, 14.4, "total", "lb")
Status = Literal["ok", "FAIL", "xfail", "XPASS"]
@dataclass(frozen=True)
class Check:
    """One standard expectation on one backend, and how it went."""

    group: str  # threshold, health, slo
    alert: str  # the alert id
    backend: Backend
    scenario: str  # what was replayed, e.g. "breach 2% (2× critical 1%)"
    outcome: Outcome
    xfail: Optional[str] = None

    @property
    def status(self) -> Status:
        if self.xfail:
            return "XPASS" if self.outcome.passed else "xfail"
        return "ok" if self.outcome.passed else "FAIL"

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "xfail")

    def line(self) -> str:
        text = f"{self.status:<5} {self.alert} on {self.backend}: {self.scenario}: expected {self.outcome.expected}, got {self.outcome.got}"
        return text + (f" [known: {self.xfail}]" if self.xfail else "")


@dataclass(frozen=True)
class TierTiming:
    """A burn-rate tier on one backend under one burn: when it entered its alert state (from the burn's start),
    whether and when it told someone, and when it reset (after the burn ended)."""

    fired: Optional[int]
    notified: Optional[int]
    reset: Optional[int]
    expectation: Literal["fires", "quiet", "either"]


@dataclass(frozen=True)
class TierReport:
    slo: str
    tier: str  # long window, the tier's identity
    short: str
    threshold: float  # burn rate
    severity: Severity
    backend: Backend
    timings: dict[str, TierTiming] = field(default_factory=dict)  # by burn label
    how: str = ""  # as deployed, when it differs from the tier's own words (Datadog's error-budget alert)

    @property
    def label(self) -> str:
        return self.how or f"{self.tier}/{self.short} {self.threshold:g}× {self.severity}"


@dataclass(frozen=True)
class StandardReport:
    """The standard replay of one service on one stack."""

    service: str
    stack: str
    checks: tuple[Check, ...]
    tiers: tuple[TierReport, ...]
    burns: Mapping[str, tuple[str, float]]  # per SLO: burn label -> (label, burn rate) of its total outage
    notes: tuple[str, ...] = ()  # what could not be replayed, and why

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for check in self.checks:
            out[check.status] = out.get(check.status, 0) + 1
        return out


def burn_label(burn: Union[float, str]) -> str:
    if isinstance(burn, str):
        return {"total": "total", "lb": "lb outage"}[burn]
    return f"{burn:g}×"


def spoken(quantity: Quantity, value: float) -> str:
    """A driven value as the spec writes its kind: `2%`, `1s`, `0.5/s`, `180`; a minute or more as a duration: `4h`."""
    if isinstance(quantity, Percent):
        return f"{value:g}%"
    if isinstance(quantity, Duration):
        if value >= 60 and float(value * 1000).is_integer():
            return str(Duration(int(value * 1000)))
        return f"{value * 1000:g}ms"
    if isinstance(quantity, Rate):
        return f"{round(value * Rate.UNITS[quantity.unit], 6):g}/{quantity.unit}"
    return f"{value:g}"


def breach_value(quantity: Quantity, direction: str) -> tuple[float, str]:
    """Twice the threshold (half, for alerts that fire below); percentages stay within 100 %; 1 for `above 0`. A custom
    alert's plain number may be zero or negative: it is breached by its size (at least 1) past it."""
    value = canonical(quantity)
    if isinstance(quantity, float) and (value <= 0 or direction == "below"):
        step = max(abs(value), 1.0)
        return (value + step, f"{step:g} above") if direction == "above" else (value - step, f"{step:g} below")
    if direction == "below":
        return value / 2, "half"
    if value == 0:
        return 1.0, "the least above"
    if isinstance(quantity, Percent) and 2 * value > 100:
        return (value + 100) / 2, "halfway to 100% above"
    return 2 * value, "2×"


def healthy_value(quantity: Quantity, direction: str) -> float:
    """Half the lowest threshold (twice the highest for alerts that fire below, within 100 % for percentages); a custom
    alert's plain number that may be zero or negative: its size (at least 1) on the healthy side."""
    value = canonical(quantity)
    if isinstance(quantity, float) and (value <= 0 or direction == "below"):
        step = max(abs(value), 1.0)
        return value - step if direction == "above" else value + step
    if direction == "above":
        return value / 2
    if isinstance(quantity, Percent) and 2 * value > 100:
        return (value + 100) / 2
    return 2 * value


def _minutes(seconds: float) -> int:
    return math.ceil(seconds / MINUTE)


def phases(parts: Sequence[tuple[Mapping[str, float], int]]) -> dict[str, list[Optional[float]]]:
    """Series from phases of (values, minutes): a series absent from a phase is absent there."""
    names = sorted({name for values, _ in parts for name in values})
    return {name: [values.get(name) for values, minutes in parts for _ in range(minutes)] for name in names}


# ---- threshold alerts ---------------------------------------------------------------------------------------------


def threshold_bounds(alert: AlertSignal) -> dict[Backend, int]:
    """Seconds within which a breach must fire on each backend: its window plus delays, plus a minute's evaluation."""
    signal, threshold = alert.signal, alert.threshold
    out: dict[Backend, int] = {}
    datadog = signal.datadog
    if isinstance(datadog, (DatadogMetric, DatadogLogs)):
        window = threshold.window or datadog.window
        out["datadog"] = int(window.seconds) + (datadog.evaluation_delay or 0) + SLACK
    cloudwatch = signal.cloudwatch
    if isinstance(cloudwatch, CloudWatchAlarm):
        evaluation = cloudwatch.evaluation.over(threshold.window)
        out["aws"] = evaluation.period * evaluation.evaluation_periods + SLACK
    return out


def baseline(replay: ServiceReplay) -> dict[str, float]:
    """The service healthy: every deployed alert's series at its healthy value (half its lowest threshold; twice the
    highest for alerts that fire below), the series held steady beside them, every health check up."""
    service, index = replay.service, replay.index
    moved: dict[str, float] = {}
    steady: dict[str, float] = {}
    for alert in alert_signals(service):
        name, threshold, drive = alert.key, alert.threshold, alert.signal.drive
        if drive is None or not index.backends(name):
            continue
        moved.setdefault(drive.series, healthy_value(threshold.levels()[-1][1], alert.signal.direction))
        for series, value in drive.steady.items():
            steady.setdefault(series, value)
    values = {**steady, **moved}
    values.update({f"health.{check.name}": 1.0 for check in service.health_checks})
    return ordered(values)


def ordered(values: Mapping[str, float]) -> dict[str, float]:
    """Latency percentiles that do not decrease: a later one is raised to an earlier one."""
    out = dict(values)
    floor = 0.0
    for name in PERCENTILES:
        if name in out:
            out[name] = floor = max(out[name], floor)
    return out


def threshold_checks(replay: ServiceReplay) -> tuple[list[Check], list[str]]:
    """A breach per threshold alert, beside the rest of the service healthy; one healthy run for all of them."""
    service, index = replay.service, replay.index
    checks: list[Check] = []
    notes: list[str] = [f"assumed: {words}" for words in replay.assumed]
    healthy = baseline(replay)
    calm_minutes = 0
    judged: list[tuple[str, str]] = []  # (alert, healthy value in words) of the healthy run
    for alert in alert_signals(service):
        name, threshold, signal = alert.key, alert.threshold, alert.signal
        backends = index.backends(name)
        if not backends:
            continue
        drive = signal.drive
        if drive is None:  # it cannot be proven to fire: a failure, not a note
            said = "no scenario: the registry says no series drives it (Signal.drive in signals/)"
            for backend in backends:
                outcome = Outcome(said, name, backend, "a breach and a healthy run", "none: not replayable", False, None, ())
                checks.append(Check("threshold", name, backend, said, outcome))
            continue
        level, quantity = threshold.levels()[0]
        fires: Fires = "critical" if level == "critical" else "warning"
        breach, how = breach_value(quantity, signal.direction)
        bounds = threshold_bounds(alert)
        warm = _minutes(max(bounds.values())) + 5
        length = warm + _minutes(max(bounds.values())) + 5
        calm_minutes = max(calm_minutes, length)
        judged.append((name, spoken(quantity, healthy[drive.series])))
        alerts = [name]
        if level == "critical" and _rolls_up(replay, name):
            alerts.append("service_unhealthy")
        # judged from the end of the warm-up: every window is full of data then, as for a service running all along
        start = warm * MINUTE
        breached = ordered({**{k: v for k, v in healthy.items() if k not in drive.same}, **drive.values(breach)})
        timelines = replay.run(phases([(healthy, warm), (breached, length - warm)]), MINUTE, alerts, start)
        said = f"breach at {spoken(quantity, breach)} ({how} {level} {quantity}) after {warm}m healthy"
        for backend in backends:
            by = start + bounds[backend]
            found = alert_firings(index.select(name, backend), timelines)
            checks.append(Check("threshold", name, backend, said, judge(said, name, backend, fires=fires, by=by, expected=f"{fires} by {clock(by)}", found=found)))
            if backend == "aws" and "service_unhealthy" in alerts:
                found = alert_firings(index.select("service_unhealthy"), timelines)
                outcome = judge(said, "service_unhealthy", backend, fires="any", by=by, expected=f"any by {clock(by)}", found=[f for f in found if f.at >= start])
                checks.append(Check("threshold", "service_unhealthy", backend, f"{name} {said}", outcome))
    if judged:
        checks += _healthy_run(replay, healthy, judged, calm_minutes)
    return checks, notes


def _healthy_run(replay: ServiceReplay, healthy: Mapping[str, float], judged: Sequence[tuple[str, str]], minutes: int) -> list[Check]:
    """The whole service healthy (every alert at its healthy value at once), judged after a warm-up as long: nothing fires."""
    index = replay.index
    alerts = [name for name, _ in judged] + (["service_unhealthy"] if index.backends("service_unhealthy") else [])
    timelines = replay.run(phases([(healthy, 2 * minutes)]), MINUTE, alerts, minutes * MINUTE)
    checks: list[Check] = []
    for name, value in [*judged, *(("service_unhealthy", "every alert healthy"),) * ("service_unhealthy" in alerts)]:
        said = f"healthy at {value} for {minutes}m after as long a warm-up" if name != "service_unhealthy" else f"{value} for {minutes}m"
        for backend in index.backends(name):
            found = alert_firings(index.select(name, backend), timelines)
            checks.append(Check("threshold", name, backend, said, judge(said, name, backend, fires="never", by=None, expected="never", found=found)))
    return checks


def _rolls_up(replay: ServiceReplay, name: str) -> bool:
    """Whether the roll-up reads the alert's critical alarm."""
    rollups = {p.resource for p in replay.index.select("service_unhealthy")}
    critical = {p.resource for p in replay.index.select(name, "aws") if p.routes.get("alert") == "page"}
    return any(c.resource.name in rollups and c.depends_on & critical for c in replay.compiled.composite_alarms)


# ---- health checks ------------------------------------------------------------------------------------------------


def health_bounds(check: HealthCheck) -> dict[Backend, int]:
    """Datadog: the failed probes in a row (`failure.consecutive` ticks) and their retries; Route 53: as many requests
    at its request interval, the minute `HealthCheckStatus` is published for, and the alarm's minute."""
    interval = int(check.interval.seconds)
    retries = check.failure.retries * RETRY_INTERVAL_MS // 1000
    route53 = request_interval(check)
    return {
        "datadog": check.failure.consecutive * interval + retries + SLACK,
        "aws": (check.failure.consecutive + 1) * route53 + MINUTE + SLACK,
    }


def health_checks(replay: ServiceReplay) -> list[Check]:
    checks: list[Check] = []
    healthy = baseline(replay)
    for check in replay.service.health_checks:
        alert = f"health.{check.name}"
        backends = replay.index.backends(alert)
        if not backends:
            continue
        bounds = health_bounds(check)
        warm = 10
        length = warm + _minutes(max(bounds.values())) + 5
        timelines = replay.run(phases([(healthy, warm), ({**healthy, alert: 0.0}, length - warm)]), MINUTE, [alert], warm * MINUTE)
        fires: Fires = "critical" if check.severity == "page" else "warning"
        said = f"outage after {warm}m up"
        for backend in backends:
            by = warm * MINUTE + bounds[backend]
            found = alert_firings(replay.index.select(alert, backend), timelines)
            checks.append(Check("health", alert, backend, said, judge(said, alert, backend, fires=fires, by=by, expected=f"{fires} by {clock(by)}", found=found)))
    return checks


# ---- SLO burn rates -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployed:
    """A tier as one backend deploys it: the window whose burn it compares, its short window (None: it has none and
    holds while its window does — Datadog's error-budget alert for a tier beyond 48 hours), the burn rate it fires
    above, and its words."""

    long: float  # seconds
    short: Optional[float]
    threshold: float
    label: str


def deployed(service: Service, slo: Slo, tier: BurnRateTier, backend: Backend) -> Deployed:
    rate = tier.burn_rate(slo.window)
    if backend == "datadog" and by_error_budget(tier):
        spent = ERROR_BUDGET_SPENT
        return Deployed(slo.window.seconds, None, spent / 100, f"{tier.long}: error budget > {spent:g}% of {slo.window} {tier.severity}")
    short = deployed_short(service, slo, tier, backend)
    return Deployed(tier.long.seconds, short.seconds, rate, f"{tier.long}/{short} {rate:g}× {tier.severity}")


def deployed_short(service: Service, slo: Slo, tier: BurnRateTier, backend: Backend) -> Duration:
    """The tier's short window as the backend deploys it (Datadog lengthens it by the SLI's late data)."""
    return short_window(service, slo, tier) if backend == "datadog" else tier.short


def _entered(timeline: Timeline) -> list[int]:
    return sorted(timeline.entered(ALARM) + timeline.entered(DD_ALERT))


def _alerting(state: str) -> bool:
    return state in (ALARM, DD_ALERT)


def tier_timing(
    timeline: Timeline,
    part: AlertPart,
    begin: int,
    end: int,
    expectation: Literal["fires", "quiet", "either"],
    through: Optional[tuple[AlertPart, Timeline]] = None,
) -> TierTiming:
    """`through`: the composite that notifies for the tier (Datadog): the tier told someone when the composite did
    while the tier was in its alert state."""
    entries = [t for t in _entered(timeline) if t >= begin]
    notified = [f.at for f in firings(part, timeline) if f.at >= begin]
    if through is not None:
        composite, told = through
        notified += [f.at for f in firings(composite, told) if f.at >= begin and _alerting(timeline.state_at(f.at))]
        notified.sort()
    reset: Optional[int] = None
    if entries and not _alerting(timeline.current):
        last_out = max(t for t, s in timeline.changes if not _alerting(s))
        reset = last_out - end
    return TierTiming(entries[0] - begin if entries else None, notified[0] - begin if notified else None, reset, expectation)


def _slice_minutes(slo: Slo, backend: Backend) -> Optional[int]:
    """The slice, in minutes, where the backend's SLO counts time slices (Datadog's latency SLO), else None."""
    found = time_slice(slo) if backend == "datadog" else None
    return int(found.seconds) // MINUTE if found is not None else None


def sliced_burn(burn: Burn, slo: Slo, bad: float, minutes: int, slice_minutes: int) -> list[tuple[Mapping[str, float], int]]:
    """A burn of a time-slice SLO: the share `bad` of its slices wholly bad (every request slow), spread evenly from the
    first slice on — slice j is bad when ⌈(j + 1)·share⌉ > ⌈j·share⌉ — the others wholly good. Its time slices burn as
    the requests do: a 6× burn of a 99 % SLO is 6 % of the slices, and 6 % of the requests. (A steady 6 % of slow
    requests would make every slice's p95 slow: a 100× burn of slices.)"""
    share = bad / 100
    worst, best = burn.values(slo, 100.0), burn.values(slo, 0.0)
    out: list[tuple[Mapping[str, float], int]] = []
    for j in range(-(-minutes // slice_minutes)):
        slow = math.ceil(round((j + 1) * share, 9)) > math.ceil(round(j * share, 9))
        out.append((worst if slow else best, min(slice_minutes, minutes - j * slice_minutes)))
    return out


def _expectation(rate: float, threshold: float) -> Literal["fires", "quiet", "either"]:
    if math.isclose(rate, threshold, rel_tol=1e-9):
        return "either"
    return "fires" if rate > threshold else "quiet"


@dataclass(frozen=True)
class Burn:
    """One standard burn of an SLO: its label, its burn rate, the share of bad events, and the series that make it."""

    label: str
    rate: float
    bad: float
    values: SliDrive
    late: Mapping[Backend, float]  # seconds its bad events reach each backend late (Datadog's load balancer 5xx)
    outage: bool = False  # a total outage (of the service, or of its load balancer): pages within the fastest page tier


def burns_of(service: Service, slo: Slo) -> list[Burn]:
    """0.5×, 1×, 3×, 6×, 14.4×, a total outage, and — where availability counts the load balancer's own 5xx — the load
    balancer answering every request itself."""
    kind = sli(slo)
    drive = kind.drive
    if drive is None:
        return []
    budget = 100 - slo.objective.value
    total = 100 / budget
    out = [Burn(burn_label(b), float(b), min(100.0, float(b) * budget), drive, {}) for b in BURNS if not isinstance(b, str)]
    out.append(Burn("total", total, 100.0, drive, {}, outage=True))
    if kind.lb_drive is not None and lb_counted(service, slo):
        indicator = kind.datadog
        late = indicator.delay(service) if isinstance(indicator, DatadogSli) else 0
        out.append(Burn(burn_label("lb"), total, 100.0, kind.lb_drive, {"datadog": late}, outage=True))
    return out


def slo_checks(replay: ServiceReplay) -> tuple[list[Check], list[TierReport], dict[str, tuple[str, float]], list[str]]:
    service, index = replay.service, replay.index
    checks: list[Check] = []
    reports: list[TierReport] = []
    totals: dict[str, tuple[str, float]] = {}
    notes: list[str] = []
    for slo in service.slos:
        alert = f"slo.{slo.name}"
        backends = index.backends(alert)
        if not backends:
            continue
        if sli(slo).drive is None:
            notes.append(f"{alert}: a {slo.sli_kind} SLI's good and bad events are the user's own queries: its burns are not replayed")
            continue
        tiers = sorted(slo.burn_rate, key=lambda t: t.long.ms)
        totals[slo.name] = ("total", 100 / (100 - slo.objective.value))
        by_tier: dict[tuple[str, Backend], TierReport] = {}
        for t in tiers:
            for backend in backends:
                found = deployed(service, slo, t, backend)
                by_tier[(str(t.long), backend)] = TierReport(
                    slo.name, str(t.long), str(deployed_short(service, slo, t, backend)), found.threshold, t.severity, backend, how=found.label
                )
        for burn in burns_of(service, slo):
            checks_here, timings = _burn(replay, slo, tiers, alert, backends, burn)
            checks += checks_here
            for key, timing in timings.items():
                by_tier[key].timings[burn.label] = timing
        reports += by_tier.values()
    return checks, reports, totals, notes


def _burn(replay: ServiceReplay, slo: Slo, tiers: Sequence[BurnRateTier], alert: str, backends: Sequence[Backend], burn: Burn) -> tuple[list[Check], dict[tuple[str, Backend], TierTiming]]:
    """One burn, replayed on each backend for as long as its own tiers need: Datadog's error-budget alert watches the
    whole window, and takes days to fire where the burn-rate tiers take hours."""
    service = replay.service
    plans = {(str(t.long), b): deployed(service, slo, t, b) for t in tiers for b in backends}
    expect = {key: _expectation(burn.rate, d.threshold) for key, d in plans.items()}
    checks: list[Check] = []
    timings: dict[tuple[str, Backend], TierTiming] = {}
    for backend in backends:
        mine = {key: d for key, d in plans.items() if key[1] == backend}
        checks_here, timings_here = _burn_on(BurnOn(replay, slo, tiers, alert, backend, burn, mine, expect))
        checks += checks_here
        timings.update(timings_here)
    return checks, timings


@dataclass(frozen=True)
class BurnOn:
    """One burn of an SLO replayed on one backend: the SLO's tiers, the alert id, each tier as deployed there
    (`plans`, by (long window, backend)) and what each tier must do under the burn (`expect`)."""

    replay: ServiceReplay
    slo: Slo
    tiers: Sequence[BurnRateTier]
    alert: str
    backend: Backend
    burn: Burn
    plans: Mapping[tuple[str, Backend], Deployed]
    expect: Mapping[tuple[str, Backend], Literal["fires", "quiet", "either"]]


def _burn_on(on: BurnOn) -> tuple[list[Check], dict[tuple[str, Backend], TierTiming]]:
    slo, tiers, alert, backend, burn, plans, expect = on.slo, on.tiers, on.alert, on.backend, on.burn, on.plans, on.expect
    index = on.replay.index
    rate, bad = burn.rate, burn.bad
    late = burn.late.get(backend, 0)
    windowed = [d for d in plans.values() if d.short is not None]
    slices = _slice_minutes(slo, backend)
    warm = _minutes(max(d.long for d in windowed)) + 10 if windowed else 10
    if slices is not None:
        warm = -(-warm // slices) * slices  # the burn starts with a slice
    if any(expect[key] == "fires" for key in plans) or slices is not None:
        # after a healthy warm-up as long as the longest window, long enough for every tier that must fire to fire
        # (L x T / r, and the data's delay) and for every other to have its long window inside the burn, then a recovery;
        # a burn of time slices always so (its first slice is bad: a window holding only it reads every slice bad)
        lasts = [
            d.long * d.threshold / rate + late + SLACK if expect[key] == "fires" else (d.long if d.short is not None else 0)
            for key, d in plans.items()
        ]
        burn_minutes = _minutes(max(lasts)) + 5
        recovery = _minutes(max((d.short or 0) for d in plans.values()) + late) + 30
        spread = f" in {slices}-minute slices, each wholly bad or good" if slices is not None else ""
        said = f"{burn.label} burn ({bad:g}% bad{spread} for {clock(burn_minutes * MINUTE)}, after {clock(warm * MINUTE)} healthy)"
    else:
        # no tier may fire: a burn from the very start, so that every window, long or short, holds nothing but the
        # burn (its worst case) from the first evaluation on; a quarter of an hour shows it (three 5-minute slices)
        warm, recovery = 0, 0
        burn_minutes = QUIET_MINUTES
        said = f"{burn.label} burn ({bad:g}% bad from the start, every window holding only the burn, for {clock(burn_minutes * MINUTE)})"
    begin, end = warm * MINUTE, (warm + burn_minutes) * MINUTE
    burning = [(burn.values(slo, bad), burn_minutes)] if slices is None else sliced_burn(burn, slo, bad, burn_minutes, slices)
    series = phases([(burn.values(slo, 0.0), warm), *burning, (burn.values(slo, 0.0), recovery)])
    timelines = on.replay.run(series, MINUTE, [alert], start=max(begin - 10 * MINUTE, 0), backend=backend)
    checks: list[Check] = []
    timings: dict[tuple[str, Backend], TierTiming] = {}
    # slices quantise a burn: a window's count of bad slices moves a slice at a time, so two slices more either way
    quantum = 2 * slices * MINUTE if slices is not None else 0
    for tier in tiers:
        parts = [p for p in index.select(alert, backend) if p.tier == str(tier.long)]
        if not parts:
            continue
        part, plan = parts[0], plans[(str(tier.long), backend)]
        timeline = timelines[part.resource]
        expectation = expect[(str(tier.long), backend)]
        composite = index.composite(alert, tier.severity, backend)
        through = (composite, timelines[composite.resource]) if composite is not None else None
        timing = tier_timing(timeline, part, begin, end, expectation, through)
        timings[(str(tier.long), backend)] = timing
        name = f"{alert} {plan.label.rsplit(' ', 1)[0]}"
        early = [t for t in _entered(timeline) if t < begin]
        calm = judge(burn.label, name, backend, fires="never", by=None, expected="quiet before the burn", found=[Firing(t, part.severity, "ALARM", part.resource) for t in early])
        if early:
            checks.append(Check("slo", name, backend, said, calm))
        if expectation == "fires":
            bound = int(plan.long * plan.threshold / rate + late) + SLACK + quantum
            fired = [Firing(begin + timing.fired, part.severity, "state", part.resource)] if timing.fired is not None else []
            outcome = judge(said, name, backend, fires="any", by=begin + bound, expected=f"its alert state within {clock(bound)}", found=fired)
            checks.append(Check("slo", name, backend, said, _shifted(outcome, begin, timing)))
            if timing.fired is not None and plan.short is not None:
                reset_bound = int(plan.short) + SLACK + quantum
                passed = timing.reset is not None and timing.reset <= reset_bound
                got = f"reset {clock(timing.reset)} after the burn" if timing.reset is not None else "still firing at the end"
                reset = Outcome(said, name, backend, f"reset within {clock(reset_bound)} after the burn", got, passed, timing.reset, ())
                checks.append(Check("slo", name, backend, said, reset))
        elif expectation == "quiet":
            found = [Firing(t, part.severity, "state", part.resource) for t in _entered(timeline) if t >= begin]
            outcome = judge(said, name, backend, fires="never", by=None, expected="never", found=found)
            checks.append(Check("slo", name, backend, said, _shifted(outcome, begin, timing)))
    checks += _notifications(on, timelines, said, begin)
    return checks, timings


def _notifications(on: BurnOn, timelines: Mapping[str, Timeline], said: str, begin: int) -> list[Check]:
    """Whom the burn tells: a burn a page tier must catch pages in time (an outage within the fastest page tier's time,
    plus the data's delay), and once; one a ticket tier must catch tickets once; any other pages nobody."""
    tiers, alert, backend, burn, plans, expect = on.tiers, on.alert, on.backend, on.burn, on.plans, on.expect
    index = on.replay.index
    checks: list[Check] = []
    late = burn.late.get(backend, 0)
    fires = {sev: [t for t in tiers if t.severity == sev and expect[(str(t.long), backend)] == "fires"] for sev in ("page", "ticket")}
    either = {str(t.long) for t in tiers if expect[(str(t.long), backend)] == "either"}
    for severity in ("page", "ticket"):
        found = [f for f in alert_firings(index.select(f"{alert}.{severity}", backend), timelines) if f.at >= begin]
        told = [f for f in found if f.route == severity]
        counted = [f for f in told if not _at_its_rate(on, severity, f, either, timelines)]  # a tier at the burn's exact rate may
        if severity == "page" and not fires["page"]:
            outcome = judge(said, f"{alert}.page", backend, fires="never", by=None, expected="never", found=counted)
            checks.append(Check("slo", f"{alert}.page", backend, said, _shifted_outcome(outcome, begin)))
            continue
        if not fires[severity]:
            continue
        if severity == "page":
            deployed = [plans[(str(t.long), backend)] for t in fires["page"]]
            bound = min(int(d.long * d.threshold / burn.rate) for d in deployed) + int(late) + SLACK
            what = "within the fastest page tier's time" if burn.outage else "in time"
            outcome = judge(said, f"{alert}.page", backend, fires="page", by=begin + bound, expected=f"page by {clock(bound)} into the burn ({what})", found=found)
            checks.append(Check("slo", f"{alert}.page", backend, said, _shifted_outcome(outcome, begin)))
        # one page (one ticket) for one problem: a tier at the burn's exact rate may add its own, the others may not
        words = ", ".join(f"{f.resource} at {clock(f.at - begin)}" for f in counted) or "none"
        once = Outcome(said, f"{alert}.{severity}", backend, f"one {severity}", f"{len(counted)} {severity}(s): {words}", len(counted) <= 1, None, tuple(counted))
        checks.append(Check("slo", f"{alert}.{severity}", backend, said, once))
    return checks


def _at_its_rate(on: BurnOn, severity: str, firing: Firing, either: set[str], timelines: Mapping[str, Timeline]) -> bool:
    """Whether a firing comes only from tiers at the burn's exact rate (which may go either way): the tier's own, or
    a composite's while none but such tiers is in its alert state."""
    index = on.replay.index
    tier = next((p.tier for p in index.parts if p.resource == firing.resource), None)
    if tier is not None:
        return tier in either
    tiers = [p for p in index.select(f"{on.alert}.{severity}", on.backend) if p.tier is not None]
    alerting = {p.tier for p in tiers if _alerting(timelines[p.resource].state_at(firing.at))}
    return bool(alerting) and alerting <= either


def _shifted(outcome: Outcome, begin: int, timing: TierTiming) -> Outcome:
    """Times as from the burn's start."""
    got = f"its alert state at {clock(timing.fired)}" if timing.fired is not None else "never"
    if timing.fired is not None and timing.notified is None:
        got += " (telling nobody: another tier had already told)"
    return Outcome(outcome.scenario, outcome.alert, outcome.backend, outcome.expected, got, outcome.passed, outcome.first, outcome.firings)


def _shifted_outcome(outcome: Outcome, begin: int) -> Outcome:
    got = ", ".join(f"{f.route} at {clock(f.at - begin)} ({f.resource})" for f in outcome.firings) or "never"
    return Outcome(outcome.scenario, outcome.alert, outcome.backend, outcome.expected, got, outcome.passed, outcome.first, outcome.firings)


# Deployed resources the replay has no evaluator for, by plan type: what each is, and why it is not replayed.
NOT_REPLAYED: dict[str, tuple[str, str]] = {
    "sentry:index/sentryIssueAlert:SentryIssueAlert": ("Sentry issue alerts", "the replay has no Sentry evaluator (Sentry alerts on its own issues, not on series)"),
    "sentry:index/sentryMetricAlert:SentryMetricAlert": ("Sentry metric alerts", "the replay has no Sentry evaluator (Sentry counts its own error events)"),
    "datadog:index/downtimeSchedule:DowntimeSchedule": (
        "Datadog downtimes (maintenance windows)",
        "standard scenarios carry no wall-clock time: monitors are replayed as if no window were active (a scenario with a start replays them)",
    ),
    "aws:cloudwatch/alarmMuteRule:AlarmMuteRule": (
        "CloudWatch alarm mute rules (maintenance windows)",
        "standard scenarios carry no wall-clock time: alarms are replayed as if no window were active (a scenario with a start replays them)",
    ),
}


def not_replayed(replay: ServiceReplay) -> list[str]:
    """Notes naming the deployed resources the standard replay does not replay, and why."""
    found: dict[str, list[str]] = {}
    for resource in replay.resources:
        if resource.type in NOT_REPLAYED:
            found.setdefault(resource.type, []).append(resource.name)
    return [f"not replayed: {NOT_REPLAYED[kind][0]} ({', '.join(sorted(names))}): {NOT_REPLAYED[kind][1]}" for kind, names in found.items()]


def standard(replay: ServiceReplay) -> StandardReport:
    """Every standard scenario of the service, replayed and judged; what it cannot replay is said in its notes."""
    thresholds, notes = threshold_checks(replay)
    health = health_checks(replay)
    slos, tiers, totals, slo_notes = slo_checks(replay)
    notes_all = tuple(notes + slo_notes + not_replayed(replay))
    return StandardReport(replay.service.service, replay.stack, tuple(thresholds + health + slos), tuple(tiers), totals, notes_all)


# ---- incidents: the whole service under one problem (the docs' chart) -----------------------------------------------


@dataclass(frozen=True)
class Incident:
    """A service healthy for `begin` seconds, then under the problem until `end`, then healthy again."""

    series: dict[str, list[Optional[float]]]
    begin: int
    end: int
    words: str


def incident(replay: ServiceReplay, burn: Union[float, str], minutes: int, after: int) -> Incident:
    """The service healthy (every alert at its healthy value), then for `minutes`: a total outage (every request
    answered 5xx, every health check down) or every SLO burning its budget `burn` times too fast; then `after`
    minutes healthy again. The warm-up is as long as the longest SLO tier window, so every window holds the past."""
    service = replay.service
    healthy = {**baseline(replay)}
    for slo in service.slos:  # healthy is no burn at all: half an error-rate threshold burns an SLO's budget
        drive = sli(slo).drive
        if drive is not None:
            healthy.update(drive(slo, 0.0))
    if "slow" in healthy:  # the slow share sets the latencies: the healthy percentiles could contradict it
        healthy = {k: v for k, v in healthy.items() if k not in PERCENTILES}
    windows = [t.long.seconds for slo in service.slos for t in slo.burn_rate]
    warm = _minutes(max(windows, default=3600)) + 10
    if burn == "total":
        problem = {**healthy, "errors": 100.0, **{f"health.{c.name}": 0.0 for c in service.health_checks}}
        words = "total outage: every request fails and every health check is down"
    else:
        problem = dict(healthy)
        burning = [slo for slo in service.slos if sli(slo).drive is not None]
        for slo in burning:
            drive = sli(slo).drive
            assert drive is not None
            problem.update(drive(slo, float(burn) * (100 - slo.objective.value)))
        words = f"{burn:g}× burn of every SLO: " + ", ".join(f"{slo.name} {float(burn) * (100 - slo.objective.value):g}% bad" for slo in burning)
    series = phases([(healthy, warm), (problem, minutes), (healthy, after)])
    return Incident(series, warm * MINUTE, (warm + minutes) * MINUTE, words)


def breached(replay: ServiceReplay, after: int) -> Incident:
    """The service healthy, then every threshold alert past its first level at once (the standard replay's breach of
    each: twice the threshold, half for alerts that fire below) for twice the longest time one takes to fire, then
    `after` minutes healthy again: what pages a service that has no SLO or health check (a queue worker, a function)."""
    service, index = replay.service, replay.index
    healthy = baseline(replay)
    problem: dict[str, float] = {}
    bounds = [3600]
    for alert in alert_signals(service):
        drive = alert.signal.drive
        if drive is None or not index.backends(alert.key):
            continue
        _, quantity = alert.threshold.levels()[0]
        value, _ = breach_value(quantity, alert.signal.direction)
        for name, driven in drive.values(value).items():
            problem.setdefault(name, driven)  # a series two alerts read: the first one's breach
        bounds += threshold_bounds(alert).values()
    warm = _minutes(max(bounds)) + 5
    minutes = 2 * _minutes(max(bounds))
    series = phases([(healthy, warm), (ordered({**healthy, **problem}), minutes), (healthy, after)])
    return Incident(series, warm * MINUTE, (warm + minutes) * MINUTE, "every alert past its threshold at once (twice it; half, for alerts that fire below)")

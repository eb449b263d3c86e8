"""Multi-window, multi-burn-rate alerts on an SLO (`slo alert` monitors), one per tier of the spec.

A tier fires when the budget burns at least `budget × period ÷ long window` times too fast over both its
long and short windows: 14.4 over 1h/5m, 6 over 6h/30m and 3 over 24h/2h for a 30-day SLO.

Datadog looks back at most 48 hours at a burn rate (service_level_objectives/burn_rate). A slower tier — the SRE
Workbook's 3d/6h at 1× — is watched by the SLO's error-budget alert instead (service_level_objectives/error_budget):
`error_budget("<slo id>").over("30d") > 100`, the same 1× over the SLO's whole window. A share x of the window's
budget spent is a burn of x/100 over the window, so 100 % is the one threshold that fires for exactly the burns the
Workbook's tier fires for (any above 1×) and never while the SLO will be met (no tier below 1×); Datadog's own example
of 75 % would ticket a steady 0.8× burn. The price of the 48-hour cap: it tickets once the window's budget is spent
(a 2.5× burn after 12 days; the Workbook's tier after 28.8 hours on CloudWatch), and stays in Alert while it is.

Low traffic (issue 12 item 7): a burn-rate tier counts only while its windows hold the service's `min_requests`, as each
CloudWatch window alarm does (`IF(<requests> >= N, <share>, 0)`). An SLO alert cannot say so itself; a query alert
counting the SLI's requests over the tier's short window (`<service>-<slo>-traffic-<window>`) joins it in the composite
monitor of its severity: `(burn-1h && traffic-30m) || (burn-6h && traffic-1h)`. The short window lies within the long
one, so holding N requests it holds N over the long window too: one monitor per tier is CloudWatch's rule for both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Optional, Union

from monitors.common.burn_rates import error_budget, tier_burn_rate
from monitors.common.context import Deployment
from monitors.common.runbook import anchor
from monitors.datadog import sdk as datadog
from signals.datadog import env_filter
from signals.slis import DatadogSli, sli
from spec import Duration, Service
from spec.routes import Severity
from spec.slos import BurnRateTier, Slo

from .messages import burn_rate_message, error_budget_message, tiers_message
from .numbers import monitor_window, number, window
from .slos import time_slice
from .thresholds import priority, renotify_minutes
from .traffic import traffic_monitor_args

if TYPE_CHECKING:
    import pulumi

BURN_RATE_LONGEST = Duration.parse("48h")  # Datadog's longest burn-rate long window
# Percent of the window's budget spent at which the error-budget alert tickets: the 1× tier over the whole window.
ERROR_BUDGET_SPENT = 100.0


def tier_key(tier: BurnRateTier) -> str:
    """A tier's identity for names: its long window ('1h', '6h', '24h')."""
    return window(tier.long)


def by_error_budget(tier: BurnRateTier) -> bool:
    """Whether Datadog watches the tier with the SLO's error-budget alert: its long window is beyond 48 hours."""
    return tier.long.ms > BURN_RATE_LONGEST.ms


def tier_logical(service: Service, slo: Slo, tier: BurnRateTier) -> str:
    """The tier's monitor's logical name: `<service>-<slo>-burn-<long>`, or `<service>-<slo>-error-budget`."""
    if by_error_budget(tier):
        return f"{service.service}-{slo.name}-error-budget"
    return f"{service.service}-{slo.name}-burn-{tier_key(tier)}"


def short_window(service: Service, slo: Slo, tier: BurnRateTier) -> Duration:
    """The tier's short window on Datadog: the spec's, lengthened by how late the SLI's latest query arrives. The
    availability of a service behind a load balancer counts the load balancer's own 5xx from the AWS integration, about
    15 minutes late (signals/slis.py): a 5-minute window would never hold one that has arrived, and the tier could not
    fire during a load-balancer outage. 20 minutes hold 5 minutes of them, as the spec's 5 minutes mean.

    On a time-slice SLO, whole slices, and at least `slice_span` of them: a window of fewer slices reads 0 between the
    slow slices of a burn at the tier's rate, and the tier resets, and pages again, in the middle of the burn. (Never as
    long as the long window: a tier that would need it is refused, `time_slice_problems`.)"""
    indicator = sli(slo).datadog
    delay = indicator.delay(service) if isinstance(indicator, DatadogSli) else 0
    short = tier.short.ms + 1000 * delay
    slice_ = time_slice(slo)
    if slice_ is None:
        return Duration(short)
    slices = max(-(-short // slice_.ms), slice_span(slo, tier), 1)
    return Duration(min(slices, tier.long.ms // slice_.ms - 1) * slice_.ms)  # shorter than the long window, always


def slice_span(slo: Slo, tier: BurnRateTier) -> int:
    """How many slices a time-slice SLO's short window spans for a tier: the most for which one slow slice among them
    still burns faster than the tier's rate, ⌈1 / (rate × budget)⌉ − 1. A burn at the tier's rate makes one slice in
    1 / (rate × budget) slow, so so many slices hold a slow one while it lasts, and one is enough to confirm it (16 slices,
    80 minutes, for 6× of a 1 % budget; 6, 30 minutes, for 14.4×). The burn rate over k slices can only be a multiple of
    1 / (k × budget): a window that needed two slow slices (one more slice) would hold only burns twice the tier's."""
    rate, budget = tier_burn_rate(slo, tier), error_budget(slo)
    return max(math.ceil(round(1 / (rate * budget), 6)) - 1, 1)


def time_slice_problems(slo: Slo, tier: BurnRateTier) -> list[str]:
    """A tier a time-slice SLO cannot carry: the budget it lets be spent within its long window (share × budget × SLO
    window) is less than one slice, so one slow slice already burns faster than its rate and any slow slice would fire
    it, even under a 1× burn (2 % of a 99.9 % budget over 30 days is 52 seconds; a 5-minute slice is an 83× burn of 1 h)."""
    slice_ = time_slice(slo)
    if slice_ is None or by_error_budget(tier):
        return []
    budget = error_budget(slo)
    allowance = tier.budget.fraction * budget * slo.window.ms
    if allowance >= slice_.ms * (1 - 1e-9):
        return []
    share = 100 * slice_.ms / (budget * slo.window.ms)
    objective = 100 * (1 - slice_.ms / (tier.budget.fraction * slo.window.ms))
    return [
        f"a time-slice SLO counts {window(slice_)} slices, and the tier lets {tier.share} of the {slo.window} budget "
        f"({allowance / 60_000:.3g} minutes) be spent in {tier.long}: less than one slice, so any slow slice would fire it, "
        f"a 1x burn too; give the tier a budget share of at least {math.ceil(share * 100) / 100:g}% or the SLO an objective "
        f"of at most {math.floor(objective * 100) / 100:g}%"
    ]


def burn_rate_query(slo_id: pulumi.Input[str], slo: Slo, tier: BurnRateTier, short: Optional[Duration] = None) -> Union[str, pulumi.Output[str]]:
    """`burn_rate("<slo id>").over("30d").long_window("1h").short_window("5m") > 14.4`; a plain id gives a plain string."""
    tail = (
        f'").over("{window(slo.window)}").long_window("{window(tier.long)}").short_window("{window(short or tier.short)}")'
        f" > {number(tier_burn_rate(slo, tier))}"
    )
    if isinstance(slo_id, str):
        return f'burn_rate("{slo_id}{tail}'
    import pulumi  # an id only the engine knows: Pulumi is running

    return pulumi.Output.concat('burn_rate("', slo_id, tail)


def error_budget_query(slo_id: pulumi.Input[str], slo: Slo) -> Union[str, pulumi.Output[str]]:
    """`error_budget("<slo id>").over("30d") > 75`; a plain id gives a plain string."""
    tail = f'").over("{window(slo.window)}") > {number(ERROR_BUDGET_SPENT)}'
    if isinstance(slo_id, str):
        return f'error_budget("{slo_id}{tail}'
    import pulumi  # an id only the engine knows: Pulumi is running

    return pulumi.Output.concat('error_budget("', slo_id, tail)


def composite_logical(service: Service, slo: Slo, severity: Severity) -> str:
    """The composite monitor over an SLO's tiers of one severity: `<service>-<slo>-page`, `<service>-<slo>-ticket`."""
    return f"{service.service}-{slo.name}-{severity}"


def traffic_window(service: Service, slo: Slo, tier: BurnRateTier) -> Optional[str]:
    """The window of the traffic monitor guarding a tier at low traffic: its short window on Datadog (`short_window`),
    read over the shortest query-alert window at least as long (20m over 30m, 135m over 4h): never a shorter one, which
    would hold fewer requests than the tier reads; a longer one makes the guard at most a little lenient. None when unguarded: `min_requests: 0`, an SLI
    that counts no requests (custom), or the error-budget tier — it judges the SLO's whole window (30 days), whose
    requests are no low-traffic question."""
    indicator = sli(slo).datadog
    if not service.min_requests or by_error_budget(tier) or not isinstance(indicator, DatadogSli) or indicator.requests is None:
        return None
    return monitor_window(short_window(service, slo, tier))


def traffic_logical(service: Service, slo: Slo, span: str) -> str:
    """A traffic monitor of an SLO's tiers, one per window: `<service>-<slo>-traffic-<window>`."""
    return f"{service.service}-{slo.name}-traffic-{span}"


def traffic_windows(service: Service, slo: Slo) -> list[str]:
    """The SLO's traffic windows, shortest first: one monitor each, shared by the tiers that read it."""
    found = {w for w in (traffic_window(service, slo, t) for t in slo.burn_rate) if w is not None}
    return sorted(found, key=lambda w: Duration.parse(w).ms)


def composited(service: Service, slo: Slo) -> dict[Severity, list[BurnRateTier]]:
    """The SLO's tiers by severity, where a composite monitor notifies for them: one page for one problem, and one
    ticket, and a tier counting only with enough traffic (`traffic_window`). A severity of one unguarded tier needs
    none: that tier notifies itself."""
    found: dict[Severity, list[BurnRateTier]] = {}
    for tier in sorted(slo.burn_rate, key=lambda t: t.long.ms):
        found.setdefault(tier.severity, []).append(tier)
    return {
        severity: tiers
        for severity, tiers in found.items()
        if len(tiers) > 1 or any(traffic_window(service, slo, t) is not None for t in tiers)
    }


def slo_traffic_monitor(service: Service, deployment: Deployment, slo: Slo, span: str) -> datadog.MonitorArgs:
    """In Alert while the window holds at least `min_requests` of the SLI's requests: `sum(last_30m):<hits> >= 10`. It
    tells nobody: the composites over the SLO's tiers read it."""
    indicator = sli(slo).datadog
    assert isinstance(indicator, DatadogSli) and indicator.requests is not None, "traffic_window guards it"
    readers = [composite_logical(service, slo, s) for s, tiers in composited(service, slo).items() if any(traffic_window(service, slo, t) == span for t in tiers)]
    told_by = f"the composite monitors {' and '.join(readers)} do" if len(readers) > 1 else f"the composite monitor {''.join(readers)} does"
    requests = indicator.requests(service, env_filter(deployment.environment))
    counts_for = f"the SLO {slo.name}'s burn-rate tiers over it to count"
    return traffic_monitor_args(
        service, deployment, what=f"SLO {slo.name} over {span}", requests=requests, span=span, counts_for=counts_for, told_by=told_by,
        section=anchor("slo", slo.name), tags=(f"slo:{slo.name}",),
    )


def tier_monitor(
    service: Service, deployment: Deployment, slo: Slo, tier: BurnRateTier, slo_id: pulumi.Input[str], through: Optional[str] = None
) -> datadog.MonitorArgs:
    """The tier's monitor: a burn-rate alert, or the SLO's error-budget alert for a tier beyond 48 hours. `through`:
    the composite monitor that notifies for it (its own message then notifies nobody)."""
    if by_error_budget(tier):
        return error_budget_monitor(service, deployment, slo, tier, slo_id, through)
    return burn_rate_monitor(service, deployment, slo, tier, slo_id, through)


def composite_query(members: list[tuple[pulumi.Input[str], Optional[pulumi.Input[str]]]]) -> Union[str, pulumi.Output[str]]:
    """`a || b`, with a guarded tier as `(a && traffic)`: its (tier id, traffic monitor id or None), in order."""

    def render(ids: list[str]) -> str:
        parts, at = [], 0
        for _, traffic in members:
            if traffic is None:
                parts.append(ids[at])
                at += 1
            else:
                parts.append(f"({ids[at]} && {ids[at + 1]})")
                at += 2
        return " || ".join(parts)

    flat = [i for tier, traffic in members for i in (tier, traffic) if i is not None]
    if all(isinstance(i, str) for i in flat):
        return render([str(i) for i in flat])
    import pulumi  # ids only the engine knows: Pulumi is running

    return pulumi.Output.all(*flat).apply(lambda found: render([str(i) for i in found]))


def tiers_composite(
    service: Service,
    deployment: Deployment,
    slo: Slo,
    severity: Severity,
    members: list[tuple[BurnRateTier, pulumi.Input[str]]],
    traffic: Mapping[str, pulumi.Input[str]],
) -> datadog.MonitorArgs:
    """A composite monitor in alert while any of the SLO's tiers of one severity is (`a || b`, composite monitors:
    the most severe of its monitors' statuses), which notifies for them: one page for one problem, one ticket. A tier
    guarded at low traffic counts while its traffic monitor (`traffic`, by window) is in Alert: `(a && t) || b`."""
    pairs: list[tuple[pulumi.Input[str], Optional[pulumi.Input[str]]]] = []
    for tier, monitor_id in members:
        span = traffic_window(service, slo, tier)
        pairs.append((monitor_id, traffic[span] if span is not None else None))
    words = [f"{window(t.long)}" + ("" if by_error_budget(t) else f"/{window(short_window(service, slo, t))}") for t, _ in members]
    guarded = service.min_requests if any(t is not None for _, t in pairs) else None
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: SLO {slo.name} {severity} tiers",
        type="composite",
        query=composite_query(pairs),
        message=tiers_message(service, deployment, slo, severity=severity, tiers=words, section=anchor("slo", slo.name), requests=guarded),
        priority=priority(severity, deployment),
        tags=deployment.tag_list(service, f"slo:{slo.name}", f"signal:{anchor('slo', slo.name)}", f"severity:{severity}"),
        include_tags=True,
        notify_no_data=False,
        renotify_interval=renotify_minutes(severity),
    )


def error_budget_monitor(
    service: Service, deployment: Deployment, slo: Slo, tier: BurnRateTier, slo_id: pulumi.Input[str], through: Optional[str] = None
) -> datadog.MonitorArgs:
    spent = number(ERROR_BUDGET_SPENT)
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: SLO {slo.name} error budget {spent}% spent over {window(slo.window)}",
        type="slo alert",
        query=error_budget_query(slo_id, slo),
        message=error_budget_message(
            service, deployment, slo, spent=spent, tier=str(tier.long), severity=tier.severity, section=anchor("slo", slo.name), through=through
        ),
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(critical=spent),
        priority=priority(tier.severity, deployment),
        tags=deployment.tag_list(service, f"slo:{slo.name}", f"signal:{anchor('slo', slo.name)}", f"severity:{tier.severity}"),
        include_tags=True,
        notify_no_data=False,
        renotify_interval=renotify_minutes(tier.severity),
    )


def burn_rate_monitor(
    service: Service, deployment: Deployment, slo: Slo, tier: BurnRateTier, slo_id: pulumi.Input[str], through: Optional[str] = None
) -> datadog.MonitorArgs:
    rate = number(tier_burn_rate(slo, tier))
    short = short_window(service, slo, tier)
    windows = f"{window(tier.long)}/{window(short)}"
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: SLO {slo.name} burn rate {rate}x over {windows}",
        type="slo alert",
        query=burn_rate_query(slo_id, slo, tier, short),
        message=burn_rate_message(
            service, deployment, slo, rate=rate, windows=windows, severity=tier.severity, section=anchor("slo", slo.name), through=through
        ),
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(critical=rate),
        priority=priority(tier.severity, deployment),
        tags=deployment.tag_list(service, f"slo:{slo.name}", f"signal:{anchor('slo', slo.name)}", f"severity:{tier.severity}"),
        include_tags=True,
        notify_no_data=False,
        renotify_interval=renotify_minutes(tier.severity),
    )

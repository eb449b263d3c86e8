"""SLO burn-rate alarms (Google SRE Workbook, multiwindow, multi-burn-rate) on the SLI's bad share as CloudWatch
measures it (signals/slis.py): per tier, a long-window and a short-window alarm joined by a composite (AND).

CloudWatch has no rolling sum, so each window is one alarm period (evaluation 1 of 1): the error ratio
over the last `window`, as CloudWatch aggregates it. A period must be 10, 20, 30 s or a multiple of
60 s, and period × evaluation periods at most 7 days: the rules check the tiers against both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Optional

from monitors.common.burn_rates import tier_error_ratio
from monitors.common.context import Deployment
from monitors.common.declarations import AlertOf, Declaration
from monitors.common.runbook import anchor
from signals.cloudwatch import AwsScope, Evaluation, Ratio
from signals.model import Unmeasurable
from signals.slis import sli
from spec import Duration, Service
from spec.routes import Severity
from spec.slos import BurnRateTier, Slo

from .alarms import alarm_tags, describe, metric_alarm_args
from .composites import SUPPRESSOR_EXTENSION_SECONDS, alarm_rule, composite_alarm_args
from .names import aws_name, logical
from .topics import notify

if TYPE_CHECKING:
    import pulumi


def slo_path(slo: Slo) -> tuple[str, ...]:
    """Where a tier problem points: the SLO by name (the spec keeps SLOs sorted by name, not as written)."""
    return ("slos", slo.name, "burn_rate")


def error_ratio_threshold(slo: Slo, tier: BurnRateTier) -> float:
    """The error ratio, in percent, that spends the tier's budget share within its long window."""
    return round(100 * tier_error_ratio(slo, tier), 6)


def window_evaluation(window: Duration) -> Evaluation:
    """The whole window is one period; no traffic is no error."""
    return Evaluation(math.ceil(window.seconds), 1, 1, "notBreaching")


def quiet_after_faster(slo: Slo, tier: BurnRateTier, faster: list[BurnRateTier]) -> int:
    """How long a ticket tier stays quiet after the faster ticket tiers holding it back (and the page) let go. A faster
    tier j whose windows need no more bad events than this one's — its budget share no larger (the long windows) and
    its rate × short window no larger (the short ones) — is in ALARM for anything that puts this tier there, and after a
    burn ends it lets go at most S − Sj earlier than this tier does (for a burn of rate r: S·(1 − T/r) − Sj·(1 − Tj/r)):
    so S − Sj after it, with the usual extension to spare, this tier has let go too. 4 h 15 m for the 3d/6h tier behind
    the 24h/2h one; otherwise its whole short window. A burn only the slower tier sees that outlives a paged outage is
    then ticketed about its short window after the outage (tests/replay/scenarios/slow-burn-after-page.yaml)."""
    rate, short = tier.burn_rate(slo.window), tier.short.seconds
    bounds = [short]
    for other in faster:
        covered = other.budget.value <= tier.budget.value and other.burn_rate(slo.window) * other.short.seconds <= rate * short * (1 + 1e-9)
        bounds.append(short - other.short.seconds + SUPPRESSOR_EXTENSION_SECONDS if covered else short)
    return max(SUPPRESSOR_EXTENSION_SECONDS, math.ceil(min(short, max(bounds[1:]))))


def quiet_after(tier: BurnRateTier) -> int:
    """How long a ticket tier stays quiet after the page that held it back recovers: until its own short window has let
    go of the burn (the page's tiers reset first, their short windows being shorter), at least the composites' usual
    extension. Any less and it tickets about a burn that has ended (tests/replay/scenarios/tier-pages-after-recovery.yaml)."""
    return max(SUPPRESSOR_EXTENSION_SECONDS, math.ceil(tier.short.seconds))


def burn_rate_declarations(
    service: Service,
    deployment: Deployment,
    scope: AwsScope,
    topics: Mapping[Severity, pulumi.Input[str]],
    region: str,
) -> list[Declaration]:
    """Alarms and tier composites for every SLO CloudWatch can measure (signals/slis.py), and one page for one problem:
    where the page has several tiers, a composite over them (`ALARM(1h) OR ALARM(6h)`) notifies its route, once,
    whichever tier fires first, and the tiers notify nobody themselves (as on Datadog). A suppressor chain between page
    tiers would not do: it holds slower tiers back, never faster ones, and where traffic has just begun the slower tier
    fires first (tests/replay/scenarios/slower-tier-first.yaml).

    A burn that pages does not ticket too: each ticket tier notifies itself, held back while the page's notifier is in
    ALARM and, after it clears, until the tier's own short window has let go of what paged (`quiet_after`); a slower
    ticket tier is held back by the faster ones as well (`_ticket_holds`), so a burn they both catch tickets once. A
    burn that outlives the page's problem is ticketed within the short window of the tier it breaches (2 h for the
    24h/2h tier), not when the slowest ticket tier's window lets go (issue 19 item 6:
    tests/replay/scenarios/ticket-after-page.yaml)."""
    out: list[Declaration] = []
    for slo in service.slos:
        indicator = sli(slo).cloudwatch
        if isinstance(indicator, Unmeasurable) or indicator.missing(service, slo):
            continue
        ratio, bad = indicator.error_share(scope, slo), indicator.words(slo)
        section = anchor("slo", slo.name)
        pages = sorted((t for t in slo.burn_rate if t.severity == "page"), key=lambda t: (t.budget.value, t.long.ms))
        tickets = sorted((t for t in slo.burn_rate if t.severity == "ticket"), key=lambda t: (t.short.ms, t.long.ms))
        page: Optional[tuple[str, str]] = None  # the alarm that pages for the SLO: (name, logical)
        members: list[Declaration] = []
        for tier in pages:
            windows = _window_alarms(service, deployment, slo, tier, ratio=ratio, bad=bad, region=region)
            out += windows
            actions = [] if len(pages) > 1 else notify(topics, "page")
            members.append(_tier_composite(service, deployment, slo, tier, windows=windows, actions=actions, region=region, suppressor=None))
        out += members
        if len(members) == 1:
            page = (str(members[0].name), members[0].logical)
        elif members:
            name = aws_name(service, deployment, "slo", slo.name, "page")
            words = ", ".join(f"{t.long}/{t.short}" for t in pages)
            what = (
                f"{service.service} ({deployment.environment}) SLO {slo.name} {slo.objective} over {slo.window}: "
                f"one of its page tiers ({words}) burning the error budget; page (once for all of them)"
            )
            composite = composite_alarm_args(
                name,
                alarm_rule("OR", [str(m.name) for m in members]),
                describe(service, deployment, what, section),
                actions=notify(topics, "page"),
                tags=alarm_tags(service, deployment, "page"),
            )
            composite_logical = logical(service, "slo", slo.name, "page")
            out.append(Declaration("composite_alarm", composite_logical, composite, region, slo_path(slo), tuple(m.logical for m in members), alert=AlertOf(f"slo.{slo.name}", level="page")))
            page = (name, composite_logical)
        faster: list[tuple[str, str]] = []  # the ticket tiers declared so far (shorter short windows): (name, logical)
        for tier in tickets:
            windows = _window_alarms(service, deployment, slo, tier, ratio=ratio, bad=bad, region=region)
            out += windows
            holds = _ticket_holds(service, deployment, slo, tier, [*([page] if page else []), *faster], region)
            if holds is not None and holds[0] is not None:
                out.append(holds[0])
            suppressor = holds[1] if holds is not None else None
            extension = quiet_after_faster(slo, tier, tickets[: len(faster)]) if faster else quiet_after(tier)
            declared = _tier_composite(
                service, deployment, slo, tier, windows=windows, actions=notify(topics, "ticket"), region=region, suppressor=suppressor, extension=extension
            )
            out.append(declared)
            faster.append((str(declared.name), declared.logical))
    return out


def _ticket_holds(
    service: Service, deployment: Deployment, slo: Slo, tier: BurnRateTier, holders: list[tuple[str, str]], region: str
) -> Optional[tuple[Optional[Declaration], tuple[str, str]]]:
    """What holds a ticket tier back: the page's notifier and the faster ticket tiers (`holders`, (name, logical)); one
    of them is the suppressor itself, several need a composite over them, `ALARM(page) OR ALARM(1d)`
    (`<service>-slo-<slo>-<long>-hold`), which tells nobody. Returns (the composite or None, the suppressor); None
    when nothing holds it (no page tier, the fastest ticket tier)."""
    if not holders:
        return None
    if len(holders) == 1:
        return None, holders[0]
    name = aws_name(service, deployment, "slo", slo.name, str(tier.long), "hold")
    what = (
        f"{service.service} ({deployment.environment}) SLO {slo.name}: in ALARM while the page or a faster ticket tier "
        f"is, holding the {tier.long} tier's ticket back (its actions suppressor); tells nobody itself"
    )
    args = composite_alarm_args(
        name, alarm_rule("OR", [n for n, _ in holders]), describe(service, deployment, what, anchor("slo", slo.name)), actions=[], tags=alarm_tags(service, deployment, None)
    )
    hold_logical = logical(service, "slo", slo.name, str(tier.long), "hold")
    declaration = Declaration("composite_alarm", hold_logical, args, region, slo_path(slo), tuple(lg for _, lg in holders))
    return declaration, (name, hold_logical)


def _window_alarms(
    service: Service, deployment: Deployment, slo: Slo, tier: BurnRateTier, *, ratio: Ratio, bad: str, region: str
) -> list[Declaration]:
    """The tier's long and short window alarms: each the bad share over its window, as one period."""
    threshold = error_ratio_threshold(slo, tier)
    rate = tier.burn_rate(slo.window)
    out = []
    for kind, window in (("long", tier.long), ("short", tier.short)):
        name = aws_name(service, deployment, "slo", slo.name, str(tier.long), kind)
        what = (
            f"{service.service} ({deployment.environment}) SLO {slo.name} {slo.objective}: {bad} over {window} "
            f"above {threshold:g}% (burn rate {rate:g}, {tier.share} of the {slo.window} budget in {tier.long}); "
            f"{kind} window of the {tier.long} tier"
        )
        args = metric_alarm_args(
            name,
            describe(service, deployment, what, anchor("slo", slo.name)),
            ratio.guarded(service.min_requests),  # quiet unless the window holds min_requests (one period)
            window_evaluation(window),
            threshold=threshold,
            comparison="GreaterThanThreshold",
            actions=[],  # the tier's composite notifies
            tags=alarm_tags(service, deployment, None),
        )
        part = AlertOf(f"slo.{slo.name}", tier=str(tier.long), window=kind)
        out.append(Declaration("metric_alarm", logical(service, "slo", slo.name, str(tier.long), kind), args, region, slo_path(slo), alert=part))
    return out


def _tier_composite(
    service: Service,
    deployment: Deployment,
    slo: Slo,
    tier: BurnRateTier,
    *,
    windows: list[Declaration],
    actions: list[pulumi.Input[str]],
    region: str,
    suppressor: Optional[tuple[str, str]],
    extension: Optional[int] = None,
) -> Declaration:
    """The tier: both windows in ALARM. A page tier notifies its route only where it is the only page tier (`actions`),
    otherwise the page's composite does; a ticket tier notifies, held back by `suppressor` (the page's notifier, or a
    composite over it and the faster ticket tiers) for its own short window after it clears."""
    name = aws_name(service, deployment, "slo", slo.name, str(tier.long))
    rate = tier.burn_rate(slo.window)
    told = tier.severity if actions else f"{tier.severity}, told through the SLO's {tier.severity} composite"
    what = (
        f"{service.service} ({deployment.environment}) SLO {slo.name} {slo.objective} over {slo.window}: "
        f"burning {tier.share} of the error budget within {tier.long} (burn rate {rate:g}, confirmed over "
        f"{tier.short}); {told}"
    )
    composite = composite_alarm_args(
        name,
        alarm_rule("AND", [str(w.name) for w in windows]),
        describe(service, deployment, what, anchor("slo", slo.name)),
        actions=actions,
        tags=alarm_tags(service, deployment, tier.severity if actions else None),  # the severity tag names the route it notifies
        suppressor=suppressor[0] if suppressor else None,
        extension=quiet_after(tier) if extension is None else extension,
    )
    depends = tuple(w.logical for w in windows) + ((suppressor[1],) if suppressor else ())
    tier_of = AlertOf(f"slo.{slo.name}", tier=str(tier.long))
    return Declaration("composite_alarm", logical(service, "slo", slo.name, str(tier.long)), composite, region, slo_path(slo), depends, alert=tier_of)

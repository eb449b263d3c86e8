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
    where a severity has several tiers, a composite over them (`ALARM(1h) OR ALARM(6h)`) notifies its route, once,
    whichever tier fires first, and the tiers notify nobody themselves (as on Datadog). The ticket's notifier is held
    back while the page's is in ALARM (actions suppressor): a burn that pages does not ticket too. A suppressor chain
    between tiers would not do: it holds slower tiers back, never faster ones, and where traffic has just begun the
    slower tier fires first (tests/replay/scenarios/slower-tier-first.yaml)."""
    out: list[Declaration] = []
    for slo in service.slos:
        indicator = sli(slo).cloudwatch
        if isinstance(indicator, Unmeasurable) or indicator.missing(service, slo):
            continue
        ratio, bad = indicator.error_share(scope, slo), indicator.words(slo)
        section = anchor("slo", slo.name)
        by_severity: dict[Severity, list[BurnRateTier]] = {}
        for tier in sorted(slo.burn_rate, key=lambda t: (t.budget.value, t.long.ms)):
            by_severity.setdefault(tier.severity, []).append(tier)
        notifiers: dict[Severity, tuple[str, str]] = {}  # severity -> the alarm that notifies it: (name, logical)
        for severity in sorted(by_severity, key=lambda s: s != "page"):  # the page's notifier first: the ticket's waits on it
            tiers = by_severity[severity]
            composed = len(tiers) > 1
            page = notifiers.get("page") if severity == "ticket" else None
            members: list[Declaration] = []
            for tier in tiers:
                windows = _window_alarms(service, deployment, slo, tier, ratio=ratio, bad=bad, region=region)
                out += windows
                actions = [] if composed else notify(topics, severity)
                members.append(_tier_composite(service, deployment, slo, tier, windows=windows, actions=actions, region=region, suppressor=None if composed else page))
            out += members
            if not composed:
                notifiers[severity] = (str(members[0].name), members[0].logical)
                continue
            name = aws_name(service, deployment, "slo", slo.name, severity)
            words = ", ".join(f"{t.long}/{t.short}" for t in tiers)
            what = (
                f"{service.service} ({deployment.environment}) SLO {slo.name} {slo.objective} over {slo.window}: "
                f"one of its {severity} tiers ({words}) burning the error budget; {severity} (once for all of them)"
            )
            composite = composite_alarm_args(
                name,
                alarm_rule("OR", [str(m.name) for m in members]),
                describe(service, deployment, what, section),
                actions=notify(topics, severity),
                tags=alarm_tags(service, deployment, severity),
                suppressor=page[0] if page else None,
                extension=max(quiet_after(t) for t in tiers),
            )
            depends = tuple(m.logical for m in members) + ((page[1],) if page else ())
            composite_logical = logical(service, "slo", slo.name, severity)
            out.append(Declaration("composite_alarm", composite_logical, composite, region, slo_path(slo), depends, alert=AlertOf(f"slo.{slo.name}", level=severity)))
            notifiers[severity] = (name, composite_logical)
    return out


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
) -> Declaration:
    """The tier: both windows in ALARM. It notifies its route only where it is its severity's one tier (`actions`);
    otherwise its severity's composite does. `suppressor`: the page's notifier, for a lone ticket tier."""
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
        extension=quiet_after(tier),
    )
    depends = tuple(w.logical for w in windows) + ((suppressor[1],) if suppressor else ())
    tier_of = AlertOf(f"slo.{slo.name}", tier=str(tier.long))
    return Declaration("composite_alarm", logical(service, "slo", slo.name, str(tier.long)), composite, region, slo_path(slo), depends, alert=tier_of)

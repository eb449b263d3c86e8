"""SLO burn-rate alarms (Google SRE Workbook, multiwindow, multi-burn-rate) on the SLI's bad share as CloudWatch
measures it (signals/slis.py): per tier, a long-window and a short-window alarm joined by a composite (AND).

CloudWatch has no rolling sum, so each window is one alarm period (evaluation 1 of 1): the error ratio
over the last `window`, as CloudWatch aggregates it. A period must be 10, 20, 30 s or a multiple of
60 s, and period × evaluation periods at most 7 days: the rules check the tiers against both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pulumi

from monitors.common.burn_rates import tier_error_ratio
from monitors.common.context import Deployment
from monitors.common.declarations import AlertOf, Declaration
from monitors.common.runbook import anchor
from signals.cloudwatch import AwsScope, Evaluation
from signals.model import Unmeasurable
from signals.slis import sli
from spec import Duration, Service
from spec.routes import Severity
from spec.slos import BurnRateTier, Slo

from .alarms import alarm_tags, describe, metric_alarm_args
from .composites import SUPPRESSOR_EXTENSION_SECONDS, alarm_rule, composite_alarm_args
from .names import aws_name, logical
from .topics import notify


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
    """How long a tier stays quiet after the faster tier that suppressed it recovers: until its own short window has
    let go of the burn (the faster tier resets first, its short window being shorter), at least the composites'
    usual extension. Any less and it pages about a burn that has ended (tests/replay/scenarios/tier-pages-after-recovery.yaml)."""
    return max(SUPPRESSOR_EXTENSION_SECONDS, math.ceil(tier.short.seconds))


def burn_rate_declarations(
    service: Service,
    deployment: Deployment,
    scope: AwsScope,
    topics: Mapping[Severity, pulumi.Input[str]],
    region: str,
) -> list[Declaration]:
    """Alarms and tier composites for every SLO CloudWatch can measure (signals/slis.py); fastest tier first, each
    silencing the next slower. The faster of two tiers is the one that may spend the smaller share of the budget: under
    any burn both see it fires first (after share × window ÷ burn). That is the order of their long windows for 7 and
    30-day SLOs, but not for 90 days, where the 3d/6h tier (1×, 3.33 %) fires before the 24h/2h one (4.5×, 5 %)."""
    out: list[Declaration] = []
    for slo in service.slos:
        indicator = sli(slo).cloudwatch
        if isinstance(indicator, Unmeasurable) or indicator.missing(service, slo):
            continue
        ratio, bad = indicator.error_share(scope, slo), indicator.words(slo)
        faster: str | None = None  # the next faster tier's composite: its alarm name and logical name
        faster_logical: str | None = None
        for tier in sorted(slo.burn_rate, key=lambda t: (t.budget.value, t.long.ms)):
            threshold = error_ratio_threshold(slo, tier)
            rate = tier.burn_rate(slo.window)
            section = anchor("slo", slo.name)
            windows: list[Declaration] = []
            for kind, window in (("long", tier.long), ("short", tier.short)):
                name = aws_name(service, deployment, "slo", slo.name, str(tier.long), kind)
                what = (
                    f"{service.service} ({deployment.environment}) SLO {slo.name} {slo.objective}: {bad} over {window} "
                    f"above {threshold:g}% (burn rate {rate:g}, {tier.share} of the {slo.window} budget in {tier.long}); "
                    f"{kind} window of the {tier.long} tier"
                )
                args = metric_alarm_args(
                    name,
                    describe(service, deployment, what, section),
                    ratio.guarded(service.min_requests),  # quiet unless the window holds min_requests (one period)
                    window_evaluation(window),
                    threshold,
                    "GreaterThanThreshold",
                    [],  # the tier's composite notifies
                    alarm_tags(service, deployment, None),
                )
                part = AlertOf(f"slo.{slo.name}", tier=str(tier.long), window=kind)
                windows.append(Declaration("metric_alarm", logical(service, "slo", slo.name, str(tier.long), kind), args, region, slo_path(slo), alert=part))
            out += windows
            name = aws_name(service, deployment, "slo", slo.name, str(tier.long))
            what = (
                f"{service.service} ({deployment.environment}) SLO {slo.name} {slo.objective} over {slo.window}: "
                f"burning {tier.share} of the error budget within {tier.long} (burn rate {rate:g}, confirmed over "
                f"{tier.short}); {tier.severity}"
            )
            composite = composite_alarm_args(
                name,
                alarm_rule("AND", [str(w.name) for w in windows]),
                describe(service, deployment, what, section),
                notify(topics, tier.severity),
                alarm_tags(service, deployment, tier.severity),
                suppressor=faster,
                extension=quiet_after(tier),
            )
            depends = tuple(w.logical for w in windows) + ((faster_logical,) if faster_logical else ())
            composite_logical = logical(service, "slo", slo.name, str(tier.long))
            tier_of = AlertOf(f"slo.{slo.name}", tier=str(tier.long))
            out.append(Declaration("composite_alarm", composite_logical, composite, region, slo_path(slo), depends, alert=tier_of))
            faster, faster_logical = name, composite_logical
    return out

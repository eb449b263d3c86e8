"""SLOs in plain words: objective, error budget as time, and burn-rate tiers as sentences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from monitors.common.runbook import anchor
from monitors.datadog.burn_rates import BURN_RATE_LONGEST, ERROR_BUDGET_SPENT
from spec import Service
from spec.slos import BurnRateTier, CustomSli, LatencySli, Slo

from .model import DocsInput
from .sections import deployed_as, of_item, per_environment, steps
from .signals import SLO_STEPS
from .words import DASH, code, duration_words, number, route_words


def sli_words(slo: Slo) -> str:
    if isinstance(slo.sli, LatencySli):
        return f"the share of requests served within {slo.sli.latency_below}"
    if isinstance(slo.sli, CustomSli):
        parts = [f"{backend}: good {code(q.good)} over total {code(q.total)}" for backend, q in sorted(slo.sli.custom.items())]
        return "good events over all events, counted by custom queries (" + "; ".join(parts) + ")"
    return "the share of requests that do not fail with a server error (5xx)"


def budget_words(slo: Slo) -> str:
    """'0.1% of requests may fail: 43m 12s of complete downtime per 30d.'"""
    fraction = 1 - slo.objective.fraction
    seconds = fraction * slo.window.seconds
    return f"{number(fraction * 100)}% of requests may fail: {duration_words(seconds)} of complete downtime per {slo.window}"


def tier_words(slo: Slo, tier: BurnRateTier) -> str:
    rate = tier.burn_rate(slo.window)
    ratio = rate * (1 - slo.objective.fraction) * 100
    verb = "Pages" if tier.severity == "page" else "Opens a ticket"
    lasts = duration_words(slo.window.seconds / rate) if rate > 0 else "forever"
    said = (
        f"{verb} when {tier.share} of the {slo.window} error budget is spent within {tier.long}: "
        f"burn rate {number(rate)}, that is more than {number(ratio)}% of requests failing over the last {tier.long} "
        f"and still over the last {tier.short}. At that rate the whole budget lasts {lasts}."
    )
    if tier.long.ms > BURN_RATE_LONGEST.ms:
        said += (
            f" Datadog, which looks back at most {BURN_RATE_LONGEST} at a burn rate, watches it with the SLO's error-budget alert: "
            f"more than {number(ERROR_BUDGET_SPENT)}% of the {slo.window} budget spent (1x over the whole window)."
        )
    return said


def _slo(name: str) -> Callable[[Service], Optional[Slo]]:
    def find(svc: Service) -> Optional[Slo]:
        return next((s for s in svc.slos if s.name == name), None)

    return find


def slo_section(inp: DocsInput, service: str, name: str) -> list[str]:
    find = _slo(name)
    versions = [(env, find(svc)) for env, svc in inp.versions(service)]
    present = [(env, slo) for env, slo in versions if slo is not None]
    first = present[0][1]
    lines = [f"### {anchor('slo', name)}", "", f"**SLO {name}**" + (f": {first.description}" if first.description else "") + ".", ""]

    lines += per_environment(
        inp,
        service,
        [
            ("objective", of_item(find, lambda s: f"{s.objective} over {s.window}")),
            ("measures", of_item(find, sli_words)),
            ("error budget", of_item(find, budget_words)),
            ("warning target", of_item(find, lambda s: str(s.warning) if s.warning is not None else DASH)),
            ("pages", lambda svc: _notifies(svc, find(svc), "page")),
            ("tickets", lambda svc: _notifies(svc, find(svc), "ticket")),
        ],
    )
    lines += ["", "Burn-rate alerts:", ""]
    tiers = {env: [tier_words(slo, t) for t in sorted(slo.burn_rate, key=lambda t: t.long)] for env, slo in present}
    if len({tuple(v) for v in tiers.values()}) == 1:
        lines += [f"- {t}" for t in next(iter(tiers.values()))]
    else:
        for env, words in tiers.items():
            lines += [f"- {env}:", *[f"  - {t}" for t in words]]
    lines += ["", *deployed_as(inp, service, anchor("slo", name)), "", *steps(SLO_STEPS), ""]
    return lines


def _notifies(svc: Service, slo: Optional[Slo], severity: str) -> Optional[str]:
    if slo is None:
        return None
    if not any(t.severity == severity for t in slo.burn_rate):
        return DASH
    return route_words(svc.routes.get(severity), svc.backends)  # type: ignore[arg-type]


def slo_catalog(inp: DocsInput, service: str) -> list[str]:
    names = sorted({slo.name for _, svc in inp.versions(service) for slo in svc.slos})
    lines = [
        "## Service level objectives",
        "",
        "An SLO's error budget is what it allows to fail. Burn-rate alerts fire when the budget is being spent "
        "fast enough to run out early, confirmed over a short window so they stop soon after the problem does "
        "(Google SRE Workbook, \"Alerting on SLOs\").",
        "",
    ]
    if not names:
        return [*lines, "This service defines no SLOs.", ""]
    for name in names:
        lines += slo_section(inp, service, name)
    return lines

"""Burn-rate math shared by every backend (Google SRE Workbook, "Alerting on SLOs")."""

from spec.slos import BurnRateTier, Slo


def error_budget(slo: Slo) -> float:
    """The fraction of events allowed to fail: 1 − objective (0.001 for 99.9 %)."""
    return round(1 - slo.objective.fraction, 10)


def max_burn_rate(slo: Slo) -> float:
    """The highest meaningful burn rate, 1/(1 − objective): every event failing. Datadog rejects more."""
    budget = error_budget(slo)
    return round(1 / budget, 4) if budget > 0 else float("inf")


def tier_burn_rate(slo: Slo, tier: BurnRateTier) -> float:
    """Budget fraction × SLO period ÷ long window: 2 % of 30 d in 1 h burns at 14.4."""
    return tier.burn_rate(slo.window)


def tier_error_ratio(slo: Slo, tier: BurnRateTier) -> float:
    """The error ratio both windows must exceed for the tier to fire: burn rate × (1 − objective)."""
    return round(tier_burn_rate(slo, tier) * error_budget(slo), 8)

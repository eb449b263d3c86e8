"""SLOs and their multi-window, multi-burn-rate alert tiers (Google SRE Workbook, "Alerting on SLOs")."""

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from .base import SpecModel
from .grammar import Name
from .routes import Severity
from .units import Duration, Percent

ALLOWED_WINDOWS = ("7d", "30d", "90d")


class BurnRateTier(SpecModel):
    """Alert when `budget` of the SLO window's error budget is spent within `long`, confirmed over `short`."""

    long: Duration = Field(description="Long window, e.g. '1h'")
    short: Duration = Field(description="Short window that confirms the burn is still happening, e.g. '5m'")
    budget: Percent = Field(description="Share of the window's error budget spent within the long window, e.g. '2%'")
    severity: Severity

    @model_validator(mode="after")
    def _windows(self) -> "BurnRateTier":
        if not self.short < self.long:
            raise ValueError(f"short window ({self.short}) must be shorter than long window ({self.long})")
        if self.budget.value <= 0:
            raise ValueError("budget must be above 0%")
        return self

    def burn_rate(self, period: Duration) -> float:
        """Budget fraction × SLO period ÷ long window, rounded to stay stable in plans."""
        return round(self.budget.fraction * period.ms / self.long.ms, 4)

    @property
    def share(self) -> str:
        """The budget share as people read it: `10%`, `42.86%` (3 days of a 7-day budget)."""
        return str(Percent(round(self.budget.value, 2)))


# The default tiers of an SLO, from the share of its window's budget each may consume (SRE Workbook, "Alerting on
# SLOs": burn rate = share × window ÷ long window). The first three are Datadog's published recommendations for 7, 30
# and 90-day targets (service_level_objectives/burn_rate, "Examples": 16.8/5.6/2.8, 14.4/6/3, 21.6/10.8/4.5); the
# fourth is the Workbook's ticket tier, 3 days confirmed over 6 hours at 1× — the share a burn that spends exactly the
# whole budget in the window spends in 3 days (10 % of 30 days, 3/7 of 7 days, 1/30 of 90 days). No default tier sits
# below 1×; Datadog, which cannot look back further than 48 h at a burn rate, watches that slow tier with the SLO's
# error-budget alert (monitors/datadog/burn_rates.py).
FAST_TIERS = (("1h", "5m", "page"), ("6h", "30m", "page"), ("24h", "2h", "ticket"))
DATADOG_SHARES: dict[str, tuple[float, float, float]] = {"7d": (10, 20, 40), "30d": (2, 5, 10), "90d": (1, 3, 5)}
SLOW_TIER = ("3d", "6h", "ticket")  # at 1×


THIRTY_DAYS = Duration(30 * 86_400_000)


def default_tiers(window: Duration = THIRTY_DAYS) -> list[BurnRateTier]:
    """The default tiers of an SLO over `window` (7d, 30d or 90d): 1h/5m and 6h/30m page, 24h/2h and 3d/6h ticket."""
    shares = DATADOG_SHARES.get(str(window), DATADOG_SHARES["30d"])
    tiers = [
        BurnRateTier(long=Duration.parse(long), short=Duration.parse(short), budget=Percent(share), severity=severity)  # type: ignore[arg-type]
        for (long, short, severity), share in zip(FAST_TIERS, shares, strict=True)
    ]
    long, short, severity = SLOW_TIER
    slow = Duration.parse(long)
    tiers.append(BurnRateTier(long=slow, short=Duration.parse(short), budget=Percent(100 * slow.ms / window.ms), severity=severity))  # type: ignore[arg-type]
    return tiers


class LatencySli(SpecModel):
    latency_below: Duration = Field(description="A request is good when it completes within this time")


class CustomQueries(SpecModel):
    good: str = Field(min_length=1, description="Query counting good events")
    total: str = Field(min_length=1, description="Query counting all events")


class CustomSli(SpecModel):
    custom: dict[Literal["datadog", "aws"], CustomQueries] = Field(min_length=1)


def _sli_kind(value: Any) -> Optional[str]:
    if value == "availability":
        return "availability"
    if isinstance(value, (LatencySli, CustomSli)):
        return "latency" if isinstance(value, LatencySli) else "custom"
    if isinstance(value, dict) and len(value) == 1:
        return {"latency_below": "latency", "custom": "custom"}.get(next(iter(value)))
    return None


Sli = Annotated[
    Union[
        Annotated[Literal["availability"], Tag("availability")],
        Annotated[LatencySli, Tag("latency")],
        Annotated[CustomSli, Tag("custom")],
    ],
    Discriminator(
        _sli_kind,
        custom_error_type="sli",
        custom_error_message="expected 'availability', {latency_below: <duration>} or {custom: {datadog: {good, total}}}",
    ),
]


class Slo(SpecModel):
    name: Name
    description: Optional[str] = None
    objective: Percent = Field(description="Target, strictly between 0% and 100%, e.g. '99.9%'")
    window: Duration = Field(description="Rolling window: 7d, 30d or 90d")
    sli: Sli = Field(description="'availability', {latency_below: 500ms} or {custom: {datadog: {good, total}}}")
    warning: Optional[Percent] = Field(default=None, description="Warning target, above the objective")
    burn_rate: list[BurnRateTier] = Field(
        default_factory=default_tiers,
        description="Alert tiers; default from the window: Datadog's recommended 1h/5m and 6h/30m page and 24h/2h ticket "
        "tiers for it, and the Workbook's 3d/6h ticket tier at 1x",
    )

    @model_validator(mode="before")
    @classmethod
    def _window_tiers(cls, data: Any) -> Any:
        """Without `burn_rate`, the default tiers of the SLO's own window (an unreadable window is reported on its own)."""
        if isinstance(data, dict) and "burn_rate" not in data:
            try:
                window = Duration._validate(data.get("window"))
            except ValueError:
                return data
            if str(window) in ALLOWED_WINDOWS:
                return {**data, "burn_rate": default_tiers(window)}
        return data

    @field_validator("objective")
    @classmethod
    def _objective(cls, value: Percent) -> Percent:
        if not 0 < value.value < 100:
            raise ValueError(f"objective must be strictly between 0% and 100%, got {value}")
        return value

    @field_validator("window")
    @classmethod
    def _window(cls, value: Duration) -> Duration:
        if str(value) not in ALLOWED_WINDOWS:
            raise ValueError(f"window must be one of {', '.join(ALLOWED_WINDOWS)}, got {value}")
        return value

    @model_validator(mode="after")
    def _meaning(self) -> "Slo":
        if self.warning is not None and not (self.objective < self.warning and self.warning.value < 100):
            raise ValueError(f"warning ({self.warning}) must be above the objective ({self.objective}) and below 100%")
        longs = [str(t.long) for t in self.burn_rate]
        if len(set(longs)) != len(longs):
            raise ValueError(f"burn-rate tiers need distinct long windows, got {', '.join(longs)}")
        for tier in self.burn_rate:
            if not tier.long < self.window:
                raise ValueError(f"burn-rate long window {tier.long} must be shorter than the SLO window {self.window}")
            rate = tier.burn_rate(self.window)
            if rate < 1:
                least = Percent(round(100 * tier.long.ms / self.window.ms + 0.005, 2))
                raise ValueError(
                    f"burn-rate tier {tier.long}/{tier.short}: {tier.share} of the {self.window} budget in {tier.long} is a {rate:g}x burn, "
                    f"under 1x: it fires while the SLO will be met; give it at least {least} (1x) or a shorter long window"
                )
        return self

    @property
    def sli_kind(self) -> str:
        if isinstance(self.sli, LatencySli):
            return "latency"
        if isinstance(self.sli, CustomSli):
            return "custom"
        return "availability"

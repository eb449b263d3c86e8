"""SLOs and their multi-window, multi-burn-rate alert tiers (Google SRE Workbook, "Alerting on SLOs")."""

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from .base import SpecModel
from .grammar import Name
from .routes import Severity
from .units import Duration, Percent

ALLOWED_WINDOWS = ("7d", "30d", "90d")


class BurnRateTier(SpecModel):
    """Alert when `budget` of the error budget would be spent within `long`, confirmed over `short`."""

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


def default_tiers() -> list[BurnRateTier]:
    """The Workbook's tiers within Datadog's 48 h long-window limit: 14.4, 6 and 3 for a 30-day SLO."""
    return [
        BurnRateTier(long=Duration.parse("1h"), short=Duration.parse("5m"), budget=Percent(2), severity="page"),
        BurnRateTier(long=Duration.parse("6h"), short=Duration.parse("30m"), budget=Percent(5), severity="page"),
        BurnRateTier(long=Duration.parse("24h"), short=Duration.parse("2h"), budget=Percent(10), severity="ticket"),
    ]


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
    burn_rate: list[BurnRateTier] = Field(default_factory=default_tiers, description="Alert tiers; Workbook defaults")

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
        return self

    @property
    def sli_kind(self) -> str:
        if isinstance(self.sli, LatencySli):
            return "latency"
        if isinstance(self.sli, CustomSli):
            return "custom"
        return "availability"

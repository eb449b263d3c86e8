"""Health checks: probed from several regions by Datadog synthetics and Route 53."""

from typing import Optional
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from .base import SpecModel
from .grammar import HTTPS_URL_PATTERN, Name, message_text_problem
from .routes import Severity
from .units import Duration

# Regions both Datadog managed locations (aws:<region>) and Route 53 health checkers offer.
PROBE_REGIONS = (
    "us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
)


class FailureRule(SpecModel):
    """When a check counts as failing."""

    locations: int = Field(default=2, ge=1, description="Regions that must fail at once")
    retries: int = Field(default=1, ge=0, le=3, description="Retries before a region counts as failed")
    consecutive: int = Field(default=3, ge=1, le=10, description="Consecutive failures (Route 53 failure threshold)")


class HealthCheck(SpecModel):
    name: Name
    url: str = Field(pattern=HTTPS_URL_PATTERN, description="https URL of the endpoint")
    description: Optional[str] = None
    expect_status: int = Field(default=200, ge=100, le=599)
    latency_budget: Duration = Field(default=Duration(1000), description="Response time above which the check fails")
    interval: Duration = Field(default=Duration(60_000), description="How often each region probes")
    regions: list[str] = Field(
        default_factory=lambda: ["ap-southeast-1", "eu-west-1", "us-east-1"], description="Probe regions"
    )
    failure: FailureRule = Field(default_factory=FailureRule)
    severity: Severity = Field(default="page")

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        problem = message_text_problem(url)
        if problem:
            raise ValueError(problem)
        return url

    @field_validator("regions")
    @classmethod
    def _regions(cls, regions: list[str]) -> list[str]:
        for region in regions:
            if region not in PROBE_REGIONS:
                raise ValueError(f"region {region!r} is not a probe region; allowed: {', '.join(PROBE_REGIONS)}")
        if len(set(regions)) != len(regions):
            raise ValueError("regions repeat")
        if len(regions) < 3:
            raise ValueError("at least 3 regions are needed (Route 53 health checkers require 3)")
        return sorted(regions)

    @model_validator(mode="after")
    def _rule(self) -> "HealthCheck":
        if self.failure.locations > len(self.regions):
            raise ValueError(
                f"failure.locations ({self.failure.locations}) cannot exceed the number of regions ({len(self.regions)})"
            )
        if not self.latency_budget < self.interval:
            raise ValueError(f"latency_budget ({self.latency_budget}) must be shorter than interval ({self.interval})")
        return self

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 443



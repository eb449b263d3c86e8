"""Who hears about what: a page route for critical signals, a ticket route for warnings."""

import re
from typing import Annotated, Literal, Optional

from pydantic import Field, StringConstraints, model_validator

from .base import SpecModel
from .grammar import EMAIL_PATTERN, HTTPS_URL_PATTERN, Handle

Severity = Literal["page", "ticket"]
SEVERITIES: tuple[Severity, ...] = ("page", "ticket")


class SnsSubscription(SpecModel):
    """An SNS subscription. A URL that carries a token belongs in secret config: name it with `endpoint_secret`."""

    protocol: Literal["email", "https"]
    endpoint: Optional[str] = Field(default=None, description="An email address or https URL (no secrets)")
    endpoint_secret: Optional[
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    ] = Field(default=None, description="Name of a secret stack config key (monitoring:<name>) holding the endpoint")

    @model_validator(mode="after")
    def _endpoint(self) -> "SnsSubscription":
        if (self.endpoint is None) == (self.endpoint_secret is None):
            raise ValueError("give exactly one of 'endpoint' or 'endpoint_secret'")
        if self.endpoint is not None:
            pattern = EMAIL_PATTERN if self.protocol == "email" else HTTPS_URL_PATTERN
            if not re.fullmatch(pattern, self.endpoint):
                kind = "an email address" if self.protocol == "email" else "an https:// URL"
                raise ValueError(f"endpoint {self.endpoint!r} is not {kind}")
        return self

    @property
    def identity(self) -> str:
        """Stable identity for logical names: the protocol and what it points at."""
        return f"{self.protocol}:{self.endpoint or 'secret:' + str(self.endpoint_secret)}"


class Route(SpecModel):
    """Targets for one severity, per backend."""

    datadog: list[Handle] = Field(default_factory=list, description="Datadog notification handles, e.g. '@pagerduty-platform'")
    sns: list[SnsSubscription] = Field(default_factory=list, description="SNS subscriptions for CloudWatch alarms")

    @model_validator(mode="after")
    def _not_empty(self) -> "Route":
        if not self.datadog and not self.sns:
            raise ValueError("a route needs at least one Datadog handle or SNS subscription")
        if len(set(self.datadog)) != len(self.datadog):
            raise ValueError("Datadog handles repeat")
        if len({s.identity for s in self.sns}) != len(self.sns):
            raise ValueError("SNS subscriptions repeat")
        return self


class Routes(SpecModel):
    page: Optional[Route] = Field(default=None, description="Critical: wakes someone up")
    ticket: Optional[Route] = Field(default=None, description="Warning: opens a ticket for working hours")

    def get(self, severity: Severity) -> Optional[Route]:
        return self.page if severity == "page" else self.ticket

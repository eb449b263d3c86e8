"""Who hears about what: a page route for critical signals, a ticket route for warnings.

A route names its targets per backend: Datadog handles, SNS subscriptions (CloudWatch alarms) and Sentry targets
(Sentry alerts). Sentry cannot reach a Datadog handle or an SNS subscription: it notifies through its own
integrations (team or member e-mail, Slack, PagerDuty, Opsgenie), identified by Sentry's ids.
"""

import re
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Discriminator, Field, Strict, StringConstraints, Tag, model_validator

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


SentryId = Annotated[int, Strict(), Field(ge=1, description="A Sentry id (a whole number), as Sentry's API shows it")]
SLACK_CHANNEL_PATTERN = r"^#[a-z0-9][a-z0-9_\-.]{0,79}$"


class SentrySlack(SpecModel):
    workspace: SentryId = Field(description="Id of the Slack integration (workspace) in Sentry")
    channel: str = Field(pattern=SLACK_CHANNEL_PATTERN, description="Channel name, e.g. '#platform-alerts'")


class SentryPagerDuty(SpecModel):
    account: SentryId = Field(description="Id of the PagerDuty integration (account) in Sentry")
    service: SentryId = Field(description="Id of the PagerDuty service in that integration")


class SentryOpsgenie(SpecModel):
    account: SentryId = Field(description="Id of the Opsgenie integration (account) in Sentry")
    team: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,127}$", description="Id of the Opsgenie team in that integration")


SENTRY_TARGET_KINDS = ("team", "member", "slack", "pagerduty", "opsgenie")


class SentryTarget(SpecModel):
    """Exactly one of: a Sentry team or member (e-mailed by Sentry), a Slack channel, a PagerDuty service, an Opsgenie team."""

    team: Optional[SentryId] = Field(default=None, description="Sentry team id: Sentry e-mails its members")
    member: Optional[SentryId] = Field(default=None, description="Sentry member (user) id: Sentry e-mails them")
    slack: Optional[SentrySlack] = None
    pagerduty: Optional[SentryPagerDuty] = None
    opsgenie: Optional[SentryOpsgenie] = None

    @model_validator(mode="after")
    def _one(self) -> "SentryTarget":
        given = [kind for kind in SENTRY_TARGET_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(SENTRY_TARGET_KINDS)}" + (f", got {', '.join(given)}" if given else ""))
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in SENTRY_TARGET_KINDS if getattr(self, kind) is not None)

    @property
    def identity(self) -> str:
        """`slack:123:#alerts`, `team:45`: stable, and what the docs show."""
        value: Any = getattr(self, self.kind)
        if isinstance(value, SpecModel):
            return ":".join([self.kind, *(str(v) for v in value.model_dump().values())])
        return f"{self.kind}:{value}"


class Route(SpecModel):
    """Targets for one severity, per backend."""

    datadog: list[Handle] = Field(default_factory=list, description="Datadog notification handles, e.g. '@pagerduty-platform'")
    sns: list[SnsSubscription] = Field(default_factory=list, description="SNS subscriptions for CloudWatch alarms")
    sentry: list[SentryTarget] = Field(
        default_factory=list, description="Sentry targets for Sentry alerts (Sentry cannot notify Datadog handles or SNS)"
    )

    @model_validator(mode="after")
    def _not_empty(self) -> "Route":
        if not self.datadog and not self.sns and not self.sentry:
            raise ValueError("a route needs at least one Datadog handle or SNS subscription, or a Sentry target")
        if len(set(self.datadog)) != len(self.datadog):
            raise ValueError("Datadog handles repeat")
        if len({s.identity for s in self.sns}) != len(self.sns):
            raise ValueError("SNS subscriptions repeat")
        if len({t.identity for t in self.sentry}) != len(self.sentry):
            raise ValueError("Sentry targets repeat")
        return self


class Routes(SpecModel):
    page: Optional[Route] = Field(default=None, description="Critical: wakes someone up")
    ticket: Optional[Route] = Field(default=None, description="Warning: opens a ticket for working hours")

    def get(self, severity: Severity) -> Optional[Route]:
        return self.page if severity == "page" else self.ticket


def _route_kind(value: Any) -> Optional[str]:
    """The union member's tag (capitalised, as pydantic names members, so errors point past it to the key)."""
    if isinstance(value, str):
        return "Severity"
    if isinstance(value, (dict, Route)):
        return "Route"
    return None


# An alert's own route: a severity of the service's routes (`route: ticket`), or targets of its own.
AlertRoute = Annotated[
    Union[Annotated[Severity, Tag("Severity")], Annotated[Route, Tag("Route")]],
    Discriminator(
        _route_kind,
        custom_error_type="route",
        custom_error_message="expected page, ticket or a route of its own {datadog: [...], sns: [...], sentry: [...]}",
    ),
]

LEVEL_SEVERITY: dict[str, Severity] = {"critical": "page", "warning": "ticket"}  # whom a level notifies by default


def level_severity(route: Optional[Union[Severity, Route]], level: str) -> Severity:
    """Whom a level notifies: the route an alert names (`route: ticket`), else critical pages and warning tickets.
    With targets of its own, the level keeps its severity (priority, roll-ups) and notifies those targets."""
    return route if isinstance(route, str) else LEVEL_SEVERITY[level]


def own_route(route: Optional[Union[Severity, Route]]) -> Optional[Route]:
    """An alert's own targets, when it names them instead of a severity of the service's routes."""
    return route if isinstance(route, Route) else None

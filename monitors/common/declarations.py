"""What the builders hand to whoever declares resources: the program (real resources) or the rule checker
(stand-ins). Both walk the same list of declarations per backend (program/aws_walk.py, program/datadog_walk.py),
so the rules check exactly what gets deployed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Optional

from monitors.common.rules import PathKey
from signals import AlertSignal

if TYPE_CHECKING:
    import pulumi

AwsKind = Literal[
    "log_group",
    "metric_filter",
    "subscription_filter",
    "topic",
    "subscription",
    "metric_alarm",
    "composite_alarm",
    "health_check",
    "cloudwatch_dashboard",
    "alarm_mute_rule",
]
DatadogKind = Literal["monitor", "slo", "synthetic", "datadog_dashboard", "downtime"]
SentryKind = Literal["sentry_issue_alert", "sentry_metric_alert"]
Kind = Literal[AwsKind, DatadogKind, SentryKind]


# The argument holding each kind's fixed cloud name (health checks, subscriptions and Datadog resources have none:
# Datadog names are display text, its identity is the id).
NAME_ARGUMENT: dict[str, str] = {
    "log_group": "name",
    "metric_filter": "name",
    "subscription_filter": "name",
    "topic": "name",
    "metric_alarm": "name",
    "composite_alarm": "alarm_name",
    "cloudwatch_dashboard": "dashboard_name",
    "alarm_mute_rule": "name",
}


@dataclass(frozen=True)
class AlertOf:
    """The spec alert a declaration realises, for tools that reason per alert rather than per resource (the alert
    replay's ids, docs/replay.md): a signal (`error_rate`), `health.<check>`, `slo.<name>` or `service_unhealthy`.
    `level`: the one level an alarm watches (critical, warning), or for `slo.<name>` without a tier, the severity
    (page, ticket) of the tiers a composite monitor notifies for; None: all of the alert's (a Datadog monitor holds
    both). `tier`: a burn-rate tier, by its long window (`1h`). `window`: long or short, the silent window alarms of a
    CloudWatch tier. `signal`: a threshold alert's own signal and threshold, so that whoever reads the declaration
    (the rules, the replay) never looks the alert up again by its id. Not part of any resource: plans are unchanged by it."""

    id: str
    level: Optional[str] = None
    tier: Optional[str] = None
    window: Optional[str] = None
    signal: Optional[AlertSignal] = field(default=None, compare=False)

    @classmethod
    def threshold(cls, alert: AlertSignal, level: Optional[str] = None) -> AlertOf:
        """A threshold alert's declaration (a monitor, or an alarm of one `level`)."""
        return cls(alert.key, level=level, signal=alert)


@dataclass(frozen=True)
class Declaration:
    kind: Kind
    logical: str  # Pulumi logical name, unique in the stack
    args: Any  # the ...Args (a typed mirror of the provider SDK's, monitors/<vendor>/sdk)
    region: Optional[str]  # AWS region; None for Datadog and Sentry
    path: PathKey  # where in the service spec it comes from (violations point there)
    depends_on: tuple[str, ...] = ()  # logical names that must exist first (alarms a composite names)
    document: Any = None  # the structured form of a serialised argument (a dashboard body), for the rules
    alert: Optional[AlertOf] = None  # the spec alert it realises (monitors and alarms)

    @property
    def name(self) -> Optional[str]:
        """The fixed cloud name, read from the arguments so it cannot drift: replacing it needs delete-before-replace."""
        argument = NAME_ARGUMENT.get(self.kind)
        return getattr(self.args, argument) if argument else None

    @property
    def aws_region(self) -> str:
        """The region of an AWS declaration (its provider's)."""
        assert self.region is not None, f"{self.logical} is not an AWS declaration"
        return self.region

    @property
    def severity(self) -> Optional[str]:
        """The route an alarm notifies (its `severity` tag), if any."""
        tags = getattr(self.args, "tags", None) or {}
        return tags.get("severity") if self.kind in ("metric_alarm", "composite_alarm") else None


@dataclass(frozen=True)
class Ref:
    """What later declarations may reference of an earlier one."""

    id: pulumi.Input[str]
    arn: pulumi.Input[str]  # what AWS resources reference (a Datadog resource's is its id)
    url: Optional[pulumi.Input[str]] = None  # Datadog dashboards


Declare = Callable[[Declaration], Ref]

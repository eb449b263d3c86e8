"""What the CloudWatch builders hand to whoever declares resources: the program (real resources) or the
rule checker (stand-ins). Both walk the same assembly, so the rules check exactly what gets deployed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Optional

import pulumi

from monitors.common.rules import PathKey

Kind = Literal[
    "log_group",
    "metric_filter",
    "subscription_filter",
    "topic",
    "subscription",
    "metric_alarm",
    "composite_alarm",
    "health_check",
    "dashboard",
]


# The argument holding each kind's fixed cloud name (health checks and subscriptions have none).
NAME_ARGUMENT: dict[str, str] = {
    "log_group": "name",
    "metric_filter": "name",
    "subscription_filter": "name",
    "topic": "name",
    "metric_alarm": "name",
    "composite_alarm": "alarm_name",
    "dashboard": "dashboard_name",
}


@dataclass(frozen=True)
class Declaration:
    kind: Kind
    logical: str  # Pulumi logical name, unique in the stack
    args: Any  # the pulumi_aws ...Args
    region: str
    path: PathKey  # where in the service spec it comes from (violations point there)
    depends_on: tuple[str, ...] = ()  # logical names that must exist first (alarms a composite names)
    document: Any = None  # the structured form of a serialised argument (a dashboard body), for the rules

    @property
    def name(self) -> Optional[str]:
        """The fixed cloud name, read from the arguments so it cannot drift: replacing it needs delete-before-replace."""
        argument = NAME_ARGUMENT.get(self.kind)
        return getattr(self.args, argument) if argument else None

    @property
    def severity(self) -> Optional[str]:
        """The route an alarm notifies (its `severity` tag), if any."""
        tags = getattr(self.args, "tags", None) or {}
        return tags.get("severity") if self.kind in ("metric_alarm", "composite_alarm") else None


@dataclass(frozen=True)
class Ref:
    """What later declarations may reference of an earlier one."""

    arn: pulumi.Input[str]
    id: pulumi.Input[str]


Declare = Callable[[Declaration], Ref]

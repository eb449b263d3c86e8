"""Composite alarms: rules over other alarms' states (burn-rate tiers, the service-unhealthy roll-up)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Optional

from monitors.aws import sdk as aws
from monitors.common.context import Deployment
from monitors.common.declarations import AlertOf, Declaration
from monitors.common.runbook import anchor
from spec import Service

from .alarms import alarm_tags, describe
from .names import aws_name, logical

if TYPE_CHECKING:
    import pulumi

# An SLO's page gets this long to reach ALARM before its ticket acts, and keeps it quiet at least this long after (until
# the slowest ticket tier's short window has let go of the burn: burn_rates.py).
SUPPRESSOR_WAIT_SECONDS = 300
SUPPRESSOR_EXTENSION_SECONDS = 900


def alarm_rule(operator: Literal["AND", "OR"], alarm_names: Sequence[str]) -> str:
    """`ALARM("a") AND ALARM("b")`. Alarm names come from names.aws_name, so they never hold a quote."""
    return f" {operator} ".join(f'ALARM("{name}")' for name in alarm_names)


def composite_alarm_args(
    name: str,
    rule: str,
    description: str,
    *,
    actions: Sequence[pulumi.Input[str]],
    tags: dict[str, str],
    suppressor: Optional[str] = None,
    extension: int = SUPPRESSOR_EXTENSION_SECONDS,
    wait: int = SUPPRESSOR_WAIT_SECONDS,
    ok_actions: Optional[Sequence[pulumi.Input[str]]] = None,
) -> aws.cloudwatch.CompositeAlarmArgs:
    """OK actions are the alarm actions unless given (none: recoveries tell nobody)."""
    return aws.cloudwatch.CompositeAlarmArgs(
        alarm_name=name,
        alarm_rule=rule,
        alarm_description=description,
        alarm_actions=list(actions),
        ok_actions=list(actions if ok_actions is None else ok_actions),
        actions_suppressor=aws.cloudwatch.CompositeAlarmActionsSuppressorArgs(
            alarm=suppressor, wait_period=wait, extension_period=extension
        )
        if suppressor
        else None,
        tags=tags,
    )


def service_unhealthy(
    service: Service, deployment: Deployment, critical: Sequence[Declaration], region: str
) -> Optional[Declaration]:
    """Any critical alarm of the service's region in ALARM. It notifies nobody itself (each critical alarm already
    pages): it is the one alarm a deployment (ECS/CodeDeploy rollback) or a status page watches."""
    here = [d for d in critical if d.name and d.region == region]
    if not here:
        return None
    name = aws_name(service, deployment, "service-unhealthy")
    what = f"{service.service} ({deployment.environment}) is unhealthy: one of its {len(here)} critical alarms is in ALARM"
    args = composite_alarm_args(
        name,
        alarm_rule("OR", [str(d.name) for d in here]),
        describe(service, deployment, what, anchor("service-unhealthy")),
        actions=[],
        tags=alarm_tags(service, deployment, None),
    )
    depends = tuple(d.logical for d in here)
    return Declaration("composite_alarm", logical(service, "service-unhealthy"), args, region, ("alerts",), depends, alert=AlertOf("service_unhealthy"))

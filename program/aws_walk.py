"""The whole CloudWatch side of one service, in declaration order, handed to a `declare` callback.

The program passes a callback that creates resources (program/aws_resources.py); the rule checker passes one that
records the arguments and returns stand-ins (program/checks.py). Same walk, same arguments: the rules cannot drift
from what is deployed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Optional

from dashboards.cloudwatch import dashboard_args, dashboard_body, dashboard_name
from monitors.aws.burn_rates import burn_rate_declarations
from monitors.aws.composites import service_unhealthy
from monitors.aws.health_checks import HEALTH_CHECK_REGION, health_alarm, health_check_declaration
from monitors.aws.levels import level_alarms
from monitors.aws.logs import log_declarations, log_group_args, log_group_name
from monitors.aws.maintenance import chunks, cron_problem, mute_rule_args
from monitors.aws.metrics import watched
from monitors.aws.names import logical
from monitors.aws.topics import alert_topic_declarations, topic_declarations
from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Declare
from signals import alert_signals
from signals.cloudwatch import AwsScope
from spec import Service
from spec.routes import SEVERITIES, Severity

if TYPE_CHECKING:
    import pulumi


def declare_service(
    service: Service,
    deployment: Deployment,
    *,
    region: str,
    scope: AwsScope,
    secret: Callable[[str], pulumi.Input[str]],
    declare: Declare,
    sns_kms_key: Optional[str] = None,
) -> dict[str, pulumi.Input[object]]:
    """Declare everything; returns the component's outputs."""
    group_logical = logical(service, "logs")
    group_name = log_group_name(service, deployment)
    declare(Declaration("log_group", group_logical, log_group_args(service, deployment), region, ("logs",)))
    for filter_declaration in log_declarations(service, deployment, region, group_name, group_logical):
        declare(filter_declaration)

    def topics_in(where: str, severities: list[Severity], suffix: Optional[str]) -> dict[Severity, pulumi.Input[str]]:
        return {
            severity: topic_declarations(
                service, deployment, severity, region=where, region_suffix=suffix, kms_key=sns_kms_key, secret=secret, declare=declare
            )
            for severity in severities
        }

    subscribed = [s for s in SEVERITIES if (route := service.routes.get(s)) is not None and route.sns]  # no topic nobody hears
    topics = topics_in(region, subscribed, None)
    health_severities = [s for s in subscribed if any(c.severity == s for c in service.health_checks)]
    health_topics = topics if region == HEALTH_CHECK_REGION else topics_in(HEALTH_CHECK_REGION, health_severities, HEALTH_CHECK_REGION)

    arns: dict[str, pulumi.Input[str]] = {}  # alarms shown on the dashboard, by logical name
    page_alarms: list[Declaration] = []
    alarms_in: dict[str, list[Declaration]] = {}  # every alarm by region, for maintenance windows

    def alarm(declaration: Declaration) -> None:
        ref = declare(declaration)
        if declaration.region == region:
            arns[declaration.logical] = ref.arn
        if declaration.severity == "page":
            page_alarms.append(declaration)
        alarms_in.setdefault(declaration.aws_region, []).append(declaration)

    alert_topics = {  # alerts with routes of their own, measured here, whose route has SNS subscribers
        alert.key: {
            severity: alert_topic_declarations(
                service, deployment, alert, severity, region=region, kms_key=sns_kms_key, secret=secret, declare=declare
            )
            for severity in sorted({alert.threshold.severity(level) for level, _ in alert.threshold.levels()}, key=SEVERITIES.index)
        }
        for alert in alert_signals(service)
        if (own := alert.threshold.own_route) is not None and own.sns and watched(alert.signal, scope) is not None
    }
    for declaration in level_alarms(service, deployment, scope, topics, region, alert_topics):
        alarm(declaration)

    checks: list[tuple[str, pulumi.Input[str]]] = []
    for check in service.health_checks:
        check_id = declare(health_check_declaration(service, deployment, check)).id
        checks.append((check.name, check_id))
        alarm(health_alarm(service, deployment, check, check_id, health_topics))

    for declaration in burn_rate_declarations(service, deployment, scope, topics, region):
        alarm(declaration)

    outputs: dict[str, pulumi.Input[object]] = {"logGroupName": group_name}
    unhealthy = service_unhealthy(service, deployment, page_alarms, region)
    if unhealthy is not None:
        alarm(unhealthy)
        outputs["serviceUnhealthyAlarm"] = unhealthy.name
    for window in service.maintenance:
        if "aws" not in (window.backends or ("aws",)) or (window.recurring and cron_problem(window) is not None):
            continue  # not muted here; or a rule cron cannot say, which the rules report at its line
        for where in sorted(alarms_in, key=lambda r: (r != region, r)):
            for number, names in enumerate(chunks([str(d.name) for d in alarms_in[where]]), 1):
                suffix = [*([where] if where != region else []), *([str(number)] if number > 1 else [])]
                declare(
                    Declaration(
                        "alarm_mute_rule",
                        logical(service, "maintenance", window.name, *suffix),
                        mute_rule_args(service, deployment, window, names, suffix),
                        where,
                        ("maintenance", window.name),
                        tuple(d.logical for d in alarms_in[where] if d.name in names),
                    )
                )
    if service.dashboards.enabled:
        body = dashboard_body(scope, region, list(arns.values()), checks)
        name = dashboard_name(service, deployment)
        declare(
            Declaration(
                "cloudwatch_dashboard", logical(service, "dashboard"), dashboard_args(service, deployment, body), region,
                ("dashboards",), tuple(arns), document=body,
            )
        )
        outputs["dashboardName"] = name
    for severity, arn in topics.items():
        outputs[f"{severity}TopicArn"] = arn
    return outputs

"""One notification per problem across an alert's levels (issue 19 item 5).

A breach that crosses the warning and the critical threshold in the same minute puts both metric alarms in ALARM: two
alarms, a page and a ticket, where Datadog's one monitor with two thresholds sends one notification. So the warning
alarm tells nobody itself (alarms.held) and a composite alarm notifies for it, `ALARM("<warning>")`, with the critical
alarm as its actions suppressor (PutCompositeAlarm, "ActionsSuppressor": "Actions will be suppressed if the suppressor
alarm is in the ALARM state"):

- both cross at once: the composite enters ALARM while the critical is in ALARM, or within its wait period
  ("WaitPeriod ... The maximum time in seconds that the composite alarm waits for the suppressor alarm to go into the
  ALARM state"), and its actions are held: one page;
- the critical clears while the warning still holds: the extension period ends ("ExtensionPeriod ... The maximum time
  in seconds that the composite alarm waits after suppressor alarm goes out of the ALARM state. After this time, the
  composite alarm performs its actions") with the composite still in ALARM, and its ticket is sent, once;
- both clear together: the composite is OK when the hold ends and tells nobody (it never told ALARM).

`ALARM(w) AND NOT ALARM(c)` would not do (derived): AWS does not say in which order a composite sees two children
change in the same minute, so a breach crossing both could ticket for a moment and then recover; the suppressor exists
for such delays (Create_Composite_Alarm_Suppression: "Use WaitPeriod to compensate for any delays that can occur when a
suppressor alarm changes from OK to ALARM. For example, if a suppressor alarm changes from OK to ALARM within 60
seconds, set WaitPeriod to 60 seconds"). Both alarms are evaluated every minute: 60 seconds each way.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm_Suppression.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Optional

from monitors.common.context import Deployment
from monitors.common.declarations import AlertOf, Declaration
from monitors.common.runbook import anchor
from signals.cloudwatch import AwsScope
from spec import Service
from spec.routes import Severity

from .alarms import NOTIFY, AlertTopics, alarm_tags, describe, held, level_actions, threshold_alarms
from .composites import alarm_rule, composite_alarm_args
from .metrics import watched
from .names import aws_name, logical

if TYPE_CHECKING:
    import pulumi

LEVEL_WAIT_SECONDS = 60  # a critical crossing in the same evaluation minute as the warning holds the warning back
LEVEL_EXTENSION_SECONDS = 60  # a warning clearing in the same minute as the critical never tickets


def level_alarms(
    service: Service,
    deployment: Deployment,
    scope: AwsScope,
    topics: Mapping[Severity, pulumi.Input[str]],
    region: str,
    alert_topics: Optional[AlertTopics] = None,
) -> list[Declaration]:
    """Every threshold alarm of the service (alarms.threshold_alarms), each held warning followed by the composite that
    notifies for it."""
    alarms = threshold_alarms(service, deployment, scope, topics, region, alert_topics)
    critical = {d.alert.id: d for d in alarms if d.alert is not None and d.alert.level == "critical"}
    out: list[Declaration] = []
    for declaration in alarms:
        out.append(declaration)
        alert = declaration.alert
        found = alert.signal if alert is not None else None
        if alert is None or found is None or not held(found.threshold, str(alert.level)):
            continue
        threshold, signal, page = found.threshold, alert.id, critical[alert.id]
        seen = watched(found.signal, scope)
        title = seen.title if seen is not None else signal
        severity = threshold.severity("warning")
        what = (
            f"{service.service} ({deployment.environment}) {title} warning: notifies {severity} while {declaration.name} "
            f"is in ALARM, unless the critical {page.name} is: one notification per problem"
        )
        args = composite_alarm_args(
            aws_name(service, deployment, signal, "warning", NOTIFY),
            alarm_rule("OR", [str(declaration.name)]),
            describe(service, deployment, what, anchor(signal)),
            actions=level_actions(threshold, signal, "warning", topics, alert_topics),
            tags=alarm_tags(service, deployment, severity),
            suppressor=str(page.name),
            extension=LEVEL_EXTENSION_SECONDS,
            wait=LEVEL_WAIT_SECONDS,
            ok_actions=None if threshold.recovery else [],
        )
        depends = (declaration.logical, page.logical)
        out.append(
            Declaration(
                "composite_alarm", logical(service, signal, "warning", NOTIFY), args, region, declaration.path, depends, alert=AlertOf.threshold(found, level="warning")
            )
        )
    return out

"""Sentry alert rules of one service, as pulumiverse-sentry Args (the typed mirror, monitors/sentry/sdk.py): two issue alerts and one metric alert.

Sentry notifies through its own integrations, never a Datadog handle or an SNS subscription: a route reaches Sentry
only through its `sentry` targets. Each target becomes an issue-alert action (a map of strings, as the SDK takes
it) and a metric-alert trigger action.
"""

from __future__ import annotations

from typing import Optional

from monitors.common.context import Deployment
from monitors.sentry import sdk as sentry
from spec import Service
from spec.routes import Route, SentryTarget, Severity
from spec.sources import SentryErrors, SentrySource

# Sentry's rule registry ids (the API's "Create an Issue Alert Rule for a Project").
FIRST_SEEN = "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"
REGRESSION = "sentry.rules.conditions.regression_event.RegressionEventCondition"
ISSUE_CONDITIONS = {"new_issues": FIRST_SEEN, "regressions": REGRESSION}
ISSUE_TITLES = {"new_issues": "new issue", "regressions": "regressed issue"}
EMAIL = "sentry.mail.actions.NotifyEmailAction"
SLACK = "sentry.integrations.slack.notify_action.SlackNotifyServiceAction"
PAGERDUTY = "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction"
OPSGENIE = "sentry.integrations.opsgenie.notify_action.OpsgenieNotifyTeamAction"
ABOVE = 0  # a metric alert's thresholdType: fires above its thresholds
ERRORS_QUERY = ""  # every event of the project's error events
ERROR_EVENTS = ["error"]


def environment(source: SentrySource, deployment: Deployment) -> str:
    """The Sentry environment the alerts watch: the source's, else the stack's environment."""
    return source.environment or deployment.environment


def issue_action(target: SentryTarget) -> dict[str, str]:
    """An issue-alert action (the SDK takes maps of strings)."""
    if target.team is not None:
        return {"id": EMAIL, "targetType": "Team", "targetIdentifier": str(target.team), "fallthroughType": "ActiveMembers"}
    if target.member is not None:
        return {"id": EMAIL, "targetType": "Member", "targetIdentifier": str(target.member), "fallthroughType": "ActiveMembers"}
    if target.slack is not None:
        return {"id": SLACK, "workspace": str(target.slack.workspace), "channel": target.slack.channel}
    if target.pagerduty is not None:
        return {"id": PAGERDUTY, "account": str(target.pagerduty.account), "service": str(target.pagerduty.service)}
    assert target.opsgenie is not None  # a target is exactly one kind
    return {"id": OPSGENIE, "account": str(target.opsgenie.account), "team": target.opsgenie.team}


def metric_action(target: SentryTarget) -> sentry.SentryMetricAlertTriggerActionArgs:
    """A metric-alert trigger action: e-mail to a team or user, or an integration's `specific` target."""
    if target.team is not None:
        return sentry.SentryMetricAlertTriggerActionArgs(type="email", target_type="team", target_identifier=str(target.team))
    if target.member is not None:
        return sentry.SentryMetricAlertTriggerActionArgs(type="email", target_type="user", target_identifier=str(target.member))
    if target.slack is not None:
        return sentry.SentryMetricAlertTriggerActionArgs(
            type="slack", target_type="specific", target_identifier=target.slack.channel, integration_id=target.slack.workspace
        )
    if target.pagerduty is not None:
        return sentry.SentryMetricAlertTriggerActionArgs(
            type="pagerduty", target_type="specific", target_identifier=str(target.pagerduty.service), integration_id=target.pagerduty.account
        )
    assert target.opsgenie is not None  # a target is exactly one kind
    return sentry.SentryMetricAlertTriggerActionArgs(
        type="opsgenie", target_type="specific", target_identifier=target.opsgenie.team, integration_id=target.opsgenie.account
    )


def _targets(route: Optional[Route]) -> list[SentryTarget]:
    return list(route.sentry) if route is not None else []


def issue_route(service: Service, key: str) -> tuple[Severity, Optional[Route]]:
    """Whom an issue alert notifies: its own targets, or the service's route of its severity (ticket by default)."""
    assert service.sources.sentry is not None
    rule = getattr(service.sources.sentry, key)
    return rule.severity, rule.own_route or service.routes.get(rule.severity)


def errors_route(service: Service, errors: SentryErrors, level: str) -> tuple[Severity, Optional[Route]]:
    severity = errors.severity(level)
    return severity, errors.own_route or service.routes.get(severity)


def issue_alert(service: Service, deployment: Deployment, key: str) -> Optional[sentry.SentryIssueAlertArgs]:
    """An issue alert on `new_issues` (first seen) or `regressions` (resolved, then seen again); None when disabled."""
    source = service.sources.sentry
    assert source is not None
    rule = getattr(source, key)
    if not rule.enabled:
        return None
    _, route = issue_route(service, key)
    return sentry.SentryIssueAlertArgs(
        organization=source.organization,
        project=source.project,
        name=f"[{deployment.environment}] {service.service}: {ISSUE_TITLES[key]}",
        action_match="any",
        filter_match="all",
        frequency=rule.frequency.ms // 60_000,
        environment=environment(source, deployment),
        conditions=[{"id": ISSUE_CONDITIONS[key]}],
        actions=[issue_action(target) for target in _targets(route)],
    )


def errors_per_window(rate_per_second: float, window_ms: int) -> float:
    """A rate as the count Sentry compares over its window: 100/h over 10m is 16.6667."""
    return round(rate_per_second * window_ms / 1000, 4)


def error_count_alert(service: Service, deployment: Deployment) -> Optional[sentry.SentryMetricAlertArgs]:
    """A metric alert on `count()` of error events over the window. Sentry needs a critical trigger: an alert with only
    a warning gets a critical trigger at that warning, notifying the warning's route (as on Datadog)."""
    source = service.sources.sentry
    assert source is not None
    errors = source.errors
    if not errors.enabled:
        return None
    levels = errors.levels()
    triggers = []
    for number, (level, rate) in enumerate(levels):
        _, route = errors_route(service, errors, level)
        triggers.append(
            sentry.SentryMetricAlertTriggerArgs(
                label="critical" if number == 0 else "warning",
                alert_threshold=errors_per_window(rate.per_second, errors.window.ms),
                threshold_type=ABOVE,
                actions=[metric_action(target) for target in _targets(route)],
            )
        )
    return sentry.SentryMetricAlertArgs(
        organization=source.organization,
        project=source.project,
        name=f"[{deployment.environment}] {service.service}: error count",
        dataset="events",
        query=ERRORS_QUERY,
        event_types=list(ERROR_EVENTS),
        aggregate="count()",
        time_window=errors.window.ms / 60_000,
        threshold_type=ABOVE,
        environment=environment(source, deployment),
        triggers=triggers,
    )

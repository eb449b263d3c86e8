"""Sentry's rules, checked on the very Args the builders produce, before any resource is declared.

From Sentry's API reference (https://docs.sentry.io/api/alerts/create-an-issue-alert-rule-for-a-project/ and
https://docs.sentry.io/api/alerts/create-a-metric-alert-rule-for-an-organization/) and the serializers behind them:
- issue alert: name at most 64 characters; `frequency` 5 to 43 200 minutes; `actionMatch` and `filterMatch` one of
  all, any, none; at least one action ("You must add an action for this alert to fire");
- metric alert: name at most 256 characters; `timeWindow` one of 1, 5, 10, 15, 30, 60, 120, 240, 1440 minutes;
  `thresholdType` 0 (above) or 1 (below); one or two triggers, the first labelled critical, the second warning; the
  critical threshold not below the warning one (above); action `type` email, slack, msteams, pagerduty, sentry_app,
  sentry_notification or opsgenie, `targetType` specific, user, team or sentry_app, and an `integrationId` for every
  type but email and sentry_app.
vigil adds its own: every alert and every trigger notifies someone (a Sentry target of its route).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from monitors.common.declarations import Declaration
from monitors.common.rules import PathKey, Violation
from spec import Service

from .alerts import ABOVE, EMAIL, ISSUE_CONDITIONS, OPSGENIE, PAGERDUTY, SLACK, errors_route, issue_route

ISSUE_NAME_MAX = 64
METRIC_NAME_MAX = 256
FREQUENCY_MINUTES = (5, 43_200)
MATCHES = ("all", "any", "none")
TIME_WINDOWS = (1, 5, 10, 15, 30, 60, 120, 240, 1440)
THRESHOLD_TYPES = (0, 1)
TRIGGER_LABELS = ("critical", "warning")
ACTION_TYPES = ("email", "slack", "msteams", "pagerduty", "sentry_app", "sentry_notification", "opsgenie")
TARGET_TYPES = ("specific", "user", "team", "sentry_app")
WITHOUT_INTEGRATION = ("email", "sentry_app")
ISSUE_ACTIONS = {EMAIL: ("targetType", "targetIdentifier"), SLACK: ("workspace", "channel"), PAGERDUTY: ("account", "service"), OPSGENIE: ("account", "team")}


def issue_alert_problems(args: Any) -> dict[str, list[str]]:
    """Problems by the spec key they come from ("" for the alert itself)."""
    out: list[str] = []
    frequency: list[str] = []
    if not args.name or len(args.name) > ISSUE_NAME_MAX:
        out.append(f"issue alert name {args.name!r} must be 1-{ISSUE_NAME_MAX} characters")
    low, high = FREQUENCY_MINUTES
    if not isinstance(args.frequency, int) or not low <= args.frequency <= high:
        frequency.append(f"frequency {args.frequency!r} minutes is outside Sentry's {low}-{high} (5m to 30d, whole minutes)")
    for what, value in (("action match", args.action_match), ("filter match", args.filter_match)):
        if value not in MATCHES:
            out.append(f"{what} {value!r} is not one of {', '.join(MATCHES)}")
    for condition in args.conditions or []:
        if condition.get("id") not in ISSUE_CONDITIONS.values():
            out.append(f"condition {condition.get('id')!r} is none vigil builds")
    for action in args.actions or []:
        needs = ISSUE_ACTIONS.get(action.get("id"))
        if needs is None:
            out.append(f"action {action.get('id')!r} is no Sentry notification action vigil builds")
        elif missing := [key for key in needs if not action.get(key)]:
            out.append(f"action {action['id']} lacks {', '.join(missing)}")
        if any(not isinstance(value, str) for value in action.values()):
            out.append("issue alert actions take strings only (the provider's maps of strings)")
    return {"": out, "frequency": frequency}


def metric_alert_problems(args: Any) -> dict[str, list[str]]:
    """Problems by the spec key they come from ("" for the alert itself)."""
    out: list[str] = []
    window: list[str] = []
    if not args.name or len(args.name) > METRIC_NAME_MAX:
        out.append(f"metric alert name {args.name!r} must be 1-{METRIC_NAME_MAX} characters")
    if args.time_window not in TIME_WINDOWS:
        shown = f"{args.time_window:g}" if isinstance(args.time_window, (int, float)) else repr(args.time_window)
        window.append(f"time window {shown} minutes is not one of Sentry's: {', '.join(map(str, TIME_WINDOWS))} (1m, 5m, 10m, 15m, 30m, 1h, 2h, 4h, 1d)")
    if args.threshold_type not in THRESHOLD_TYPES:
        out.append(f"threshold type {args.threshold_type!r} is not 0 (above) or 1 (below)")
    if args.dataset != "events" or args.aggregate != "count()":
        out.append("an error-count alert counts events: dataset events, aggregate count()")
    triggers = list(args.triggers or [])
    if not 1 <= len(triggers) <= 2:
        out.append(f"{len(triggers)} triggers: Sentry takes a critical trigger and an optional warning one")
    for trigger, label in zip(triggers, TRIGGER_LABELS, strict=False):  # more than two: reported above
        if trigger.label != label:
            out.append(f"trigger {trigger.label!r} must be labelled {label!r} (critical first, then warning)")
        for action in trigger.actions or []:
            if action.type not in ACTION_TYPES:
                out.append(f"action type {action.type!r} is not one of {', '.join(ACTION_TYPES)}")
            if action.target_type not in TARGET_TYPES:
                out.append(f"action target type {action.target_type!r} is not one of {', '.join(TARGET_TYPES)}")
            if action.type not in WITHOUT_INTEGRATION and action.integration_id is None:
                out.append(f"a {action.type} action needs the integration's id")
    if len(triggers) == 2 and args.threshold_type == ABOVE and triggers[0].alert_threshold < triggers[1].alert_threshold:
        out.append(f"critical threshold ({triggers[0].alert_threshold:g}) must not be below the warning one ({triggers[1].alert_threshold:g})")
    return {"": out, "window": window}


def _silent(path: PathKey, what: str, severity: str, own: bool) -> Violation:
    if own:
        return Violation(path, f"Sentry's {what} notifies its own route, which has no sentry target: add one")
    return Violation(
        ("routes", severity),
        f"Sentry's {what} notifies the {severity} route, which has no sentry target: add one (Sentry cannot notify Datadog "
        "handles or SNS subscriptions), or leave Sentry out with backends",
    )


def check(service: Service, declarations: Iterable[Declaration]) -> list[Violation]:
    """Every Sentry rule for one service: on what the walk declares (program/sentry_walk.py), at the spec line."""
    violations: list[Violation] = []
    source = service.sources.sentry
    for declaration in declarations:
        args, path = declaration.args, declaration.path
        if declaration.kind == "sentry_issue_alert":
            key = str(path[2])
            for where, messages in issue_alert_problems(args).items():
                violations += [Violation((*path, where) if where else path, f"{args.name}: {m}") for m in messages]
            if not args.actions:
                severity, _ = issue_route(service, key)
                rule = getattr(source, key)
                violations.append(_silent((*path, "route"), f"{key.replace('_', ' ')} alert", severity, rule.own_route is not None))
        elif declaration.kind == "sentry_metric_alert":
            assert source is not None
            for where, messages in metric_alert_problems(args).items():
                violations += [Violation((*path, where) if where else path, f"{args.name}: {m}") for m in messages]
            for (level, _), trigger in zip(source.errors.levels(), args.triggers or [], strict=True):
                if not trigger.actions:
                    severity, _ = errors_route(service, source.errors, level)
                    own = source.errors.own_route is not None
                    violations.append(_silent((*path, "route" if own else level), f"error-count alert ({level})", severity, own))
    return sorted(set(violations))

"""What matters of each Sentry alert rule, in a line or two: when it fires, and whom it notifies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CONDITIONS = {
    "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition": "an issue is first seen",
    "sentry.rules.conditions.regression_event.RegressionEventCondition": "a resolved issue is seen again",
}


def issue_alert(inputs: dict[str, Any]) -> list[str]:
    conditions = [CONDITIONS.get(str(c.get("id")), str(c.get("id"))) for c in inputs.get("conditions") or []]
    return [
        f"{inputs.get('name')}: when {' or '.join(conditions)} in {inputs.get('organization')}/{inputs.get('project')}"
        f" ({inputs.get('environment', 'all environments')}) · at most every {inputs.get('frequency')} min per issue"
    ]


def metric_alert(inputs: dict[str, Any]) -> list[str]:
    triggers = " · ".join(f"{t.get('label')} > {t.get('alertThreshold'):g}" for t in inputs.get("triggers") or [])
    return [
        f"{inputs.get('name')}: {inputs.get('aggregate')} of {', '.join(inputs.get('eventTypes') or [])} events in "
        f"{inputs.get('organization')}/{inputs.get('project')} ({inputs.get('environment', 'all environments')}) "
        f"over {inputs.get('timeWindow')} min",
        triggers,
    ]


SUMMARISERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "sentry:index/sentryIssueAlert:SentryIssueAlert": issue_alert,
    "sentry:index/sentryMetricAlert:SentryMetricAlert": metric_alert,
}

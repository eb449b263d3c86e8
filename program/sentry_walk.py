"""The whole Sentry side of one service, in declaration order, handed to a `declare` callback.

The program passes a callback that creates resources (program/sentry_resources.py); the rule checker passes one that
records the arguments (program/checks.py). Logical names: `<service>-sentry-new-issues`, `<service>-sentry-regressions`,
`<service>-sentry-errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Declare
from monitors.common.runbook import anchor
from monitors.sentry.alerts import ISSUE_CONDITIONS, error_count_alert, issue_alert
from spec import Service

if TYPE_CHECKING:
    import pulumi


def declare_service(service: Service, deployment: Deployment, declare: Declare) -> dict[str, pulumi.Input[object]]:
    """Declare everything; returns the component's outputs (none when the service has no Sentry source)."""
    if service.sources.sentry is None:
        return {}
    ids: dict[str, pulumi.Input[str]] = {}
    for key in ISSUE_CONDITIONS:
        args = issue_alert(service, deployment, key)
        if args is not None:
            logical = f"{service.service}-sentry-{anchor(key)}"
            ids[key] = declare(Declaration("sentry_issue_alert", logical, args, None, ("sources", "sentry", key))).id
    metric = error_count_alert(service, deployment)
    if metric is not None:
        ids["errors"] = declare(Declaration("sentry_metric_alert", f"{service.service}-sentry-errors", metric, None, ("sources", "sentry", "errors"))).id
    return {"sentryAlertIds": ids}

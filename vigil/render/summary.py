"""One line of what matters per resource: the query, the thresholds, who hears about it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vigil.engine import PlannedResource

from . import aws_summary, datadog_summary, sentry_summary

SUMMARISERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    **datadog_summary.SUMMARISERS,
    **aws_summary.SUMMARISERS,
    **sentry_summary.SUMMARISERS,
}


def summarise(resource: PlannedResource) -> list[str]:
    """Lines describing a resource; the name of the thing when nothing more specific is known."""
    summariser = SUMMARISERS.get(resource.type)
    if summariser is not None:
        return summariser(resource.inputs)
    name = resource.inputs.get("name")
    return [str(name)] if name else []


def short_type(type_token: str) -> str:
    """`aws:cloudwatch/metricAlarm:MetricAlarm` -> `aws:MetricAlarm`."""
    package = type_token.split(":", 1)[0]
    return f"{package}:{type_token.rsplit(':', 1)[-1]}"

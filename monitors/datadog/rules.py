"""Datadog's rules (query grammar, thresholds, tags, priorities, synthetics ranges, SLO targets, burn rates)."""

from monitors.common.context import Deployment
from monitors.common.rules import Violation
from spec import Service


def check(service: Service, deployment: Deployment) -> list[Violation]:
    violations: list[Violation] = []
    for tag in deployment.tag_list(service):
        if len(tag) > 200:
            violations.append(Violation(("tags",), f"Datadog tag {tag!r} is longer than 200 characters"))
    return violations

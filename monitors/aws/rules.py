"""AWS's rules (names, periods, evaluation windows, metric math, retention, actions, composites, dashboards)."""

from monitors.aws.logs import log_group_name
from monitors.common.context import Deployment
from monitors.common.rules import Violation
from spec import Service


def check(service: Service, deployment: Deployment) -> list[Violation]:
    violations: list[Violation] = []
    name = log_group_name(service, deployment)
    if len(name) > 512:
        violations.append(Violation(("logs", "group"), f"log group name {name!r} is longer than 512 characters"))
    return violations

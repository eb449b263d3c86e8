"""Every vendor rule for one service, for the backends a stack uses."""

from monitors.aws import rules as aws_rules
from monitors.common.context import Deployment
from monitors.common.rules import Violation
from monitors.datadog import rules as datadog_rules
from spec import Service


def check_service(service: Service, deployment: Deployment, backends: tuple[str, ...]) -> list[Violation]:
    violations: list[Violation] = []
    if "datadog" in backends:
        violations += datadog_rules.check(service, deployment)
    if "aws" in backends:
        violations += aws_rules.check(service, deployment)
    return sorted(set(violations))

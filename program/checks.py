"""Every vendor rule for one service, for the backends a stack uses: each backend's walk is recorded with
stand-ins for what only the cloud knows, and its rules check exactly those declarations."""

from __future__ import annotations

from monitors.aws import rules as aws_rules
from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from monitors.common.rules import Violation
from monitors.datadog import rules as datadog_rules
from signals.cloudwatch import AwsScope, resolve_targets
from spec import Service

from . import aws_walk, datadog_walk

STAND_IN_ACCOUNT = "000000000000"


def recorded_datadog(service: Service, deployment: Deployment) -> list[Declaration]:
    recorded: list[Declaration] = []

    def declare(declaration: Declaration) -> Ref:
        recorded.append(declaration)
        stand_in = f"{declaration.logical}-id"
        return Ref(id=stand_in, arn=stand_in, url=f"https://app.datadoghq.com/dashboard/{stand_in}")

    datadog_walk.declare_service(service, deployment, declare)
    return recorded


def recorded_aws(service: Service, deployment: Deployment) -> list[Declaration]:
    """Every declaration the program would make, with stand-ins for what only AWS knows."""
    recorded: list[Declaration] = []

    def declare(declaration: Declaration) -> Ref:
        recorded.append(declaration)
        return Ref(id=f"{declaration.logical}-id", arn=f"arn:aws:stand-in:{declaration.region}:{STAND_IN_ACCOUNT}:{declaration.logical}")

    source = service.sources.aws
    stack = source.from_stack if source is not None else None
    scope = AwsScope(service, resolve_targets(source, lambda output: f"${{{stack}.{output}}}"), deployment.environment)
    aws_walk.declare_service(service, deployment, deployment.region_of(service), scope, lambda name: "[secret]", declare)
    return recorded


def check_service(service: Service, deployment: Deployment, backends: tuple[str, ...]) -> list[Violation]:
    violations: list[Violation] = []
    if "datadog" in backends:
        violations += datadog_rules.check(service, deployment, recorded_datadog(service, deployment))
    if "aws" in backends:
        violations += aws_rules.check(service, recorded_aws(service, deployment))
    return sorted(set(violations))


def check_datadog(service: Service, deployment: Deployment) -> list[Violation]:
    return check_service(service, deployment, ("datadog",))


def check_aws(service: Service, deployment: Deployment) -> list[Violation]:
    return check_service(service, deployment, ("aws",))

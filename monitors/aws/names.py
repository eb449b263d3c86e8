"""CloudWatch names and Pulumi logical names, from stable identities (service, signal, severity, window).

CloudWatch names carry the environment, since dev and prod may share an account; logical names are
unique within a stack, so they start with the service and never carry a list position.
"""

from monitors.common.context import Deployment
from monitors.common.runbook import anchor
from spec import Service


def aws_name(service: Service, deployment: Deployment, *parts: str) -> str:
    """`<service>-<env>-<parts>`: the name CloudWatch, SNS and Route 53 show, e.g. api-prod-latency-p95-critical."""
    return "-".join([service.service, deployment.environment, *(anchor(p) for p in parts)])


def logical(service: Service, *parts: str) -> str:
    """`<service>-<parts>`: the Pulumi logical name, e.g. api-latency-p95-critical."""
    return "-".join([service.service, *(anchor(p) for p in parts)])

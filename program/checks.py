"""Everything checked of one service before a resource is declared: what its backends cannot measure (an error at
the spec line, naming what is missing), every vendor rule — each backend's walk recorded with stand-ins for
what only the cloud knows, its rules checking exactly those declarations — and the organisation's policies over the
same declarations (program/policies.py: the CrossGuard pack's rules, so what validates passes the pack)."""

from __future__ import annotations

import dataclasses

from monitors.aws import rules as aws_rules
from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from monitors.common.rules import Violation
from monitors.datadog import rules as datadog_rules
from monitors.sentry import rules as sentry_rules
from signals import REGISTRY, alert_signals
from signals.cloudwatch import AwsScope, resolve_targets
from signals.model import BACKEND_NAMES, Unmeasurable
from signals.model import Backend as MetricBackend
from signals.slis import sli
from spec import Service
from spec.service import Backend
from spec.slos import CustomSli

from . import aws_walk, datadog_walk, sentry_walk
from .inputs import stand_in
from .policies import policy_violations


def recorded_datadog(service: Service, deployment: Deployment) -> list[Declaration]:
    recorded: list[Declaration] = []

    def declare(declaration: Declaration) -> Ref:
        recorded.append(declaration)
        return stand_in(declaration)

    datadog_walk.declare_service(service, deployment, declare)
    return recorded


def recorded_aws(service: Service, deployment: Deployment) -> list[Declaration]:
    """Every declaration the program would make, with stand-ins for what only AWS knows."""
    recorded: list[Declaration] = []

    def declare(declaration: Declaration) -> Ref:
        recorded.append(declaration)
        return stand_in(declaration)

    source = service.sources.aws
    stack = source.from_stack if source is not None else None
    scope = AwsScope(service, resolve_targets(source, lambda output: f"${{{stack}.{output}}}"), deployment.environment)
    aws_walk.declare_service(service, deployment, region=deployment.region_of(service), scope=scope, secret=lambda name: "[secret]", declare=declare)
    return recorded


def recorded_sentry(service: Service, deployment: Deployment) -> list[Declaration]:
    recorded: list[Declaration] = []

    def declare(declaration: Declaration) -> Ref:
        recorded.append(declaration)
        return stand_in(declaration)

    sentry_walk.declare_service(service, deployment, declare)
    return recorded


def _unmeasured(missing: dict[MetricBackend, list[str]], unmeasurable: set[MetricBackend], backends: tuple[Backend, ...]) -> str:
    """`CloudWatch needs sources.aws.elasticache; Datadog needs sources.datadog`, and how to leave a backend out."""
    said = "; ".join(needs[0] if b in unmeasurable else f"{BACKEND_NAMES[b]} needs {' and '.join(needs)}" for b, needs in missing.items())
    keep = [b for b in backends if b not in missing]
    out = f"or leave {' and '.join(BACKEND_NAMES[b] for b in missing)} out with backends: [{', '.join(keep)}]" if keep else ""
    return f"{said}{' (' + out + ')' if out else ''}"


def measurability(service: Service, deployment: Deployment) -> list[Violation]:
    """Every alert and SLO is measured by every backend that monitors the service, or is an error at its line:
    nothing in the spec is dropped without a word."""
    backends = deployment.backends_of(service)
    if not backends:
        stack = ", ".join(deployment.backends)
        return [Violation(("backends",), f"this stack deploys only {stack}: nothing would monitor the service; add {stack} to its backends")]
    out: list[Violation] = []
    if service.backends is not None and "sentry" in service.backends and service.sources.sentry is None:
        out.append(Violation(("backends",), "sentry alerts on a Sentry project: give sources.sentry {organization, project}, or leave sentry out"))
    for window in service.maintenance:
        if window.backends is not None and not set(window.backends) & set(backends):
            out.append(
                Violation(
                    ("maintenance", window.name, "backends"),
                    f"window {window.name} mutes only {', '.join(window.backends)}, which does not monitor the service in this stack: it would mute nothing",
                )
            )
    measuring: tuple[MetricBackend, ...] = tuple(b for b in ("datadog", "aws") if b in backends)  # Sentry measures no signal
    if not measuring:  # a Sentry-only service: its alerts, SLOs and checks would be dropped without a word
        only = "only Sentry monitors the service in this stack, and Sentry alerts on its issues and error count alone"
        out += [Violation(alert.path, f"{only}: add datadog or aws to its backends") for alert in alert_signals(service)]
        out += [Violation(("slos", slo.name), f"SLO {slo.name}: {only}") for slo in service.slos]
        out += [Violation(("health_checks", check.name), f"health check {check.name}: {only}") for check in service.health_checks]
        return out
    for alert in alert_signals(service):  # the spec's signals and its custom alerts alike
        signal = alert.signal
        missing = {b: needs for b in measuring if (needs := signal.missing(b, service))}
        if missing:
            unmeasurable = {b for b in missing if isinstance(signal.on(b), Unmeasurable)}
            out.append(Violation(alert.path, _unmeasured(missing, unmeasurable, backends)))
    for slo in service.slos:
        if isinstance(slo.sli, CustomSli) and "aws" in slo.sli.custom:  # the spec's grammar admits it; nothing reads it
            out.append(
                Violation(
                    ("slos", slo.name, "sli", "custom", "aws"),
                    f"SLO {slo.name}: a custom SLI counts good and total events with Datadog queries; CloudWatch has no custom "
                    "SLI (its SLOs are availability and latency_below, from the load balancer): remove 'aws', and leave CloudWatch "
                    "out for this service with backends: [datadog]",
                )
            )
        kind = sli(slo)
        missing = {b: needs for b in measuring if (needs := kind.missing(b, service, slo))}
        if missing:
            unmeasurable = {b for b in missing if isinstance(kind.datadog if b == "datadog" else kind.cloudwatch, Unmeasurable)}
            out.append(Violation(("slos", slo.name), f"SLO {slo.name}: {_unmeasured(missing, unmeasurable, backends)}"))
    return out


def graph_problems(service: Service, deployment: Deployment) -> list[Violation]:
    """A graph the spec asks for (`dashboards.graphs`) is drawn: dashboards on, its section shown, and every backend
    that monitors the service and draws dashboards able to measure it — else an error at its line, never a graph
    silently missing."""
    graphs = service.dashboards.graphs
    if graphs and not service.dashboards.enabled:
        return [Violation(("dashboards", "graphs"), "dashboards.enabled is false: no dashboard would draw these graphs; remove them, or enable dashboards")]
    backends = deployment.backends_of(service)
    measuring: tuple[MetricBackend, ...] = tuple(b for b in ("datadog", "aws") if b in backends)
    if graphs and backends and not measuring:
        return [Violation(("dashboards", "graphs"), "only Sentry monitors the service in this stack, and it draws no dashboard: add datadog or aws to its backends")]
    out: list[Violation] = []
    for index, name in enumerate(graphs):
        signal = REGISTRY[name]
        if signal.section not in service.dashboards.sections:
            out.append(Violation(("dashboards", "graphs", index), f"graph {name} sits in section {signal.section}, which dashboards.sections leaves out: add it"))
        missing = {b: needs for b in measuring if (needs := signal.missing(b, service))}
        if missing:
            unmeasurable = {b for b in missing if isinstance(signal.on(b), Unmeasurable)}
            out.append(Violation(("dashboards", "graphs", index), f"graph {name}: {_unmeasured(missing, unmeasurable, backends)}"))
    return out


def unique_names(declarations: list[Declaration]) -> list[Violation]:
    """Logical names are unique per resource type in a stack (Pulumi's URNs): a custom alert's name may meet another
    resource's (`<slo>-burn-1h`); said at the later declaration's spec line."""
    seen: dict[tuple[str, str], Declaration] = {}
    out: list[Violation] = []
    for declaration in declarations:
        key = (declaration.kind, declaration.logical)
        if key in seen:
            first = seen[key]
            out.append(Violation(declaration.path, f"its {declaration.kind} would be named {declaration.logical}, as the one of {'.'.join(map(str, first.path))}: rename one"))
        else:
            seen[key] = declaration
    return out


def check_service(service: Service, deployment: Deployment) -> list[Violation]:
    """The vendors' rules over each backend's declarations, then the organisation's policies over all of them."""
    violations = measurability(service, deployment) + graph_problems(service, deployment)
    backends = deployment.backends_of(service)
    declared: list[Declaration] = []
    if "datadog" in backends:
        recorded = recorded_datadog(service, deployment)
        declared += recorded
        violations += datadog_rules.check(service, deployment, recorded) + unique_names(recorded)
    if "aws" in backends:
        recorded = recorded_aws(service, deployment)
        declared += recorded
        violations += aws_rules.check(service, recorded) + unique_names(recorded)
    if "sentry" in backends and service.sources.sentry is not None:
        recorded = recorded_sentry(service, deployment)
        declared += recorded
        violations += sentry_rules.check(service, recorded)
    violations += policy_violations(service, deployment, declared, stack_rules=not violations)
    return sorted(set(violations))


def check_datadog(service: Service, deployment: Deployment) -> list[Violation]:
    return check_service(service, dataclasses.replace(deployment, backends=("datadog",)))


def check_aws(service: Service, deployment: Deployment) -> list[Violation]:
    return check_service(service, dataclasses.replace(deployment, backends=("aws",)))

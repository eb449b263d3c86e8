"""Health endpoints: what each checks, from where, how often, and what a failure does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from monitors.common.runbook import anchor
from spec import Service
from spec.health import HealthCheck

from .model import DocsInput
from .sections import deployed_as, of_item, per_environment, steps
from .signals import HEALTH_STEPS
from .words import code, route_words


def _check(name: str) -> Callable[[Service], Optional[HealthCheck]]:
    def find(svc: Service) -> Optional[HealthCheck]:
        return next((c for c in svc.health_checks if c.name == name), None)

    return find


def failure_words(check: HealthCheck) -> str:
    rule = check.failure
    return (
        f"a region fails after {rule.retries} retr{'y' if rule.retries == 1 else 'ies'}; the check alerts when "
        f"{rule.locations} of {len(check.regions)} regions fail at once (Route 53: after {rule.consecutive} consecutive failures)"
    )


def _effect(svc: Service, check: Optional[HealthCheck]) -> Optional[str]:
    if check is None:
        return None
    verb = "pages" if check.severity == "page" else "opens a ticket"
    return f"{verb}: {route_words(svc.routes.get(check.severity), svc.backends)}"


def health_section(inp: DocsInput, service: str, name: str) -> list[str]:
    find = _check(name)

    lines = [f"### {anchor('health', name)}", ""]
    lines += per_environment(
        inp,
        service,
        [
            ("endpoint", of_item(find, lambda c: code(c.url))),
            ("what it checks", of_item(find, lambda c: c.description or "that the endpoint answers")),
            ("expects", of_item(find, lambda c: f"HTTP {c.expect_status} within {c.latency_budget}")),
            ("probed from", of_item(find, lambda c: ", ".join(c.regions))),
            ("how often", of_item(find, lambda c: f"every {c.interval} from each region")),
            ("counts as failing", of_item(find, failure_words)),
            ("a failure", lambda svc: _effect(svc, find(svc))),
        ],
    )
    lines += [
        "",
        "Probed by Datadog synthetic API tests (managed locations in these regions) and Route 53 health checks, "
        "whose alarms live in us-east-1 where Route 53 publishes `HealthCheckStatus`.",
        "",
        *deployed_as(inp, service, anchor("health", name)),
        "",
        *steps(HEALTH_STEPS),
        "",
    ]
    return lines


def health_catalog(inp: DocsInput, service: str) -> list[str]:
    names = sorted({c.name for _, svc in inp.versions(service) for c in svc.health_checks})
    lines = ["## Endpoints probed", ""]
    if not names:
        return [*lines, "This service defines no health checks.", ""]
    for name in names:
        lines += health_section(inp, service, name)
    return lines

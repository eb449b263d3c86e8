"""Health checks: the endpoints Route 53 checkers and Datadog synthetic tests request. No alert signal of its own
(health checks are their own spec section); it holds the replay's `health.<check>` series."""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from spec.health import HealthCheck

from .cloudwatch import AwsScope
from .model import ProbePublication, Publication, Series, Signal, Values

SIGNALS: tuple[Signal, ...] = ()
SERIES = (
    Series(
        name="health",
        unit="up",
        per_check=True,
        means="`health.<check>`: whether the check's endpoint answers (`up`: its expected status, quickly; `down`: no answer).",
    ),
)


def _up(name: str) -> Callable[[Values], Optional[bool]]:
    def up(values: Values) -> Optional[bool]:
        return values[name] > 0 if name in values else None

    return up


def route53_url(check: HealthCheck) -> str:
    """The URL Route 53 checkers request: its fqdn, its port when not HTTPS's, its path."""
    port = "" if check.port == 443 else f":{check.port}"
    return f"https://{check.host}{port}{check.path}"


def published(scope: AwsScope) -> list[Publication]:
    """Every check's URL, as Datadog's synthetic test requests it (the spec's URL) and as Route 53's checkers do."""
    out: list[Publication] = []
    for check in scope.service.health_checks:
        name = f"health.{check.name}"
        for url in dict.fromkeys((check.url, route53_url(check))):
            out.append(ProbePublication(url, _up(name), (name,)))
    return out

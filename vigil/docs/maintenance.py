"""Maintenance windows and Sentry alerts of a service page: what each does per environment, and what is deployed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from spec import Service
from spec.maintenance import MaintenanceWindow
from spec.routes import Route

from ..engine import PlannedResource
from ..render.summary import short_type
from ..routing import is_sentry_alert
from .model import DocsInput, StackDocs
from .sections import describe, of_item, per_environment, who
from .windows import window_words
from .words import DASH, code, table

MUTE_RULES_BEHAVIOUR = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules-behaviour.html"


def _window(name: str) -> Callable[[Service], Optional[MaintenanceWindow]]:
    def find(svc: Service) -> Optional[MaintenanceWindow]:
        return next((w for w in svc.maintenance if w.name == name), None)

    return find


def _deployed(inp: DocsInput, service: str, match: Callable[[PlannedResource], bool]) -> list[str]:
    found: list[tuple[StackDocs, PlannedResource]] = [(s, r) for s, r in inp.resources(service) if match(r)]
    if not found:
        return ["Deployed as: nothing in the planned stacks."]
    rows = [[code(s.stack), code(short_type(r.type)), code(r.name), describe(r), who(s, r)] for s, r in found]
    return ["Deployed as:", "", *table(["stack", "type", "name", "what it does", "notifies"], rows)]


def maintenance_catalog(inp: DocsInput, service: str) -> list[str]:
    """Planned windows when the service's alerts notify nobody; empty when no environment has any."""
    names = sorted({w.name for _, svc in inp.versions(service) for w in svc.maintenance})
    if not names:
        return []
    lines = [
        "## Maintenance windows",
        "",
        "While a window is open, Datadog mutes the service's monitors and synthetic tests in the environment and CloudWatch "
        "mutes the actions of its alarms; both keep evaluating. Route 53 keeps probing, SLOs keep counting the window's "
        "errors against the error budget, and Sentry alerts are not muted. Times are wall-clock times in the window's time zone.",
        "",
        "When a window ends, what is still wrong is told then, and only then: Datadog notifies for a monitor still alerting "
        "as the downtime expires; CloudWatch runs the muted action of an alarm still in the state it was muted in — \"Alarm "
        "action is executed because the mute window has ended and the alarm remains in the same state (ALARM) in which it "
        f"was originally muted\" ([how alarm mute rules work]({MUTE_RULES_BEHAVIOUR})). So a problem that begins during the window "
        "and lasts is told when the window ends, up to the window's length late; one that begins and ends inside it is never told.",
        "",
    ]
    for name in names:
        find = _window(name)
        lines += [f"### maintenance-{name}", ""]
        lines += per_environment(
            inp,
            service,
            [
                ("why", of_item(find, lambda w: w.description or DASH)),
                ("when", of_item(find, window_words)),
                ("mutes", of_item(find, lambda w: ", ".join(w.backends) if w.backends else "every backend monitoring the service")),
            ],
        )
        lines += ["", *_deployed(inp, service, _named(f"{service}-maintenance-{name}")), ""]
    return lines


def _named(prefix: str) -> Callable[[PlannedResource], bool]:
    """A window's resources: `<service>-maintenance-<window>`, and its rules in other regions or beyond 100 alarms."""
    return lambda r: r.name == prefix or r.name.startswith(prefix + "-")


def sentry_words(route: Optional[Route]) -> str:
    """Whom a route reaches in Sentry: its Sentry targets only."""
    targets = [code(t.identity) for t in route.sentry] if route is not None else []
    return ", ".join(targets) or "nobody (the route has no sentry target)"


def _sentry_rule(key: str) -> Callable[[Service], Optional[str]]:
    def get(svc: Service) -> Optional[str]:
        source = svc.sources.sentry
        if source is None:
            return None
        rule = getattr(source, key)
        if not rule.enabled:
            return "off"
        route = rule.own_route or svc.routes.get(rule.severity)
        owner = "its own route" if rule.own_route is not None else f"the {rule.severity} route"
        return f"{owner}: {sentry_words(route)} (at most every {rule.frequency} per issue)"

    return get


def _errors(svc: Service) -> Optional[str]:
    source = svc.sources.sentry
    if source is None:
        return None
    errors = source.errors
    if not errors.enabled:
        return "off"
    levels = []
    for level, rate in errors.levels():
        route = errors.own_route or svc.routes.get(errors.severity(level))
        levels.append(f"{level} above {rate} ({sentry_words(route)})")
    return f"over {errors.window}: " + "; ".join(levels)


def sentry_catalog(inp: DocsInput, service: str) -> list[str]:
    """The Sentry alerts; empty when no environment gives the service a Sentry source."""
    if not any(svc.sources.sentry is not None for _, svc in inp.versions(service)):
        return []
    lines = [
        "## Sentry",
        "",
        "Sentry alerts notify the Sentry targets of the routes (Sentry cannot reach Datadog handles or SNS subscriptions); "
        "they are deployed by stacks whose `monitoring:backends` include `sentry`.",
        "",
        *per_environment(
            inp,
            service,
            [
                ("project", lambda s: code(f"{s.sources.sentry.organization}/{s.sources.sentry.project}") if s.sources.sentry else None),
                ("environment", lambda s: (s.sources.sentry.environment or "the stack's environment") if s.sources.sentry else None),
                ("new issues", _sentry_rule("new_issues")),
                ("regressed issues", _sentry_rule("regressions")),
                ("error count", _errors),
            ],
        ),
        "",
        *_deployed(inp, service, is_sentry_alert),
        "",
    ]
    return lines

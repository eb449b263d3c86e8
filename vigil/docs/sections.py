"""Shared pieces of a service page: per-environment tables and the 'deployed as' listing from the plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional, TypeVar

from spec import Service

from ..engine import PlannedResource
from ..render.summary import short_type, summarise
from ..routing import composite_users, is_alerting, is_monitor, is_sentry_alert, notified
from .model import DocsInput, StackDocs, doc_links
from .words import DASH, code, table

T = TypeVar("T")


Cell = Callable[[Service], Optional[str]]  # a row of per_environment: a service's value, None where it has none


def of_item(find: Callable[[Service], Optional[T]], get: Callable[[T], str]) -> Cell:
    """A row over one item of the service (a health check, an SLO): `get` of the item, None where it is absent."""

    def cell(svc: Service) -> Optional[str]:
        item = find(svc)
        return get(item) if item is not None else None

    return cell


def per_environment(inp: DocsInput, name: str, rows: list[tuple[str, Cell]]) -> list[str]:
    """A table with one column per environment; a cell is '—' where the environment lacks the service or value."""
    envs = list(inp.environments)
    body = []
    for label, get in rows:
        cells = []
        for env in envs:
            svc = inp.service(name, env)
            value = get(svc) if svc is not None else None
            cells.append(value if value is not None else DASH)
        body.append([label, *cells])
    return table(["", *envs], body)


def describe(resource: PlannedResource) -> str:
    """summarise() lines, as code, without the 'notifies' line (shown in its own column)."""
    lines = [line for line in summarise(resource) if not line.startswith("notifies: ")]
    return "<br>".join(code(line) for line in lines) or DASH


def who(stack: StackDocs, resource: PlannedResource, neighbours: Optional[list[PlannedResource]] = None) -> str:
    """Whom the resource notifies; a monitor that notifies nobody itself says which composite it is heard through
    (among `neighbours`, its service's resources)."""
    if not (is_alerting(resource) or is_sentry_alert(resource)):
        return DASH
    def listed(targets: list[str]) -> str:
        return ", ".join(code(t) for t in targets) if targets else "**nobody**"

    everyone = notified(stack.plan, resource, protocol=True)
    if not everyone and is_monitor(resource) and neighbours is not None:
        through = composite_users(stack.plan, resource, neighbours)
        if through:  # a Datadog burn-rate tier: the composite over its severity's tiers notifies for it
            return "nobody itself; heard through " + ", ".join(code(t) for t in through)
    if is_monitor(resource):
        alert, warning = notified(stack.plan, resource, "alert"), notified(stack.plan, resource, "warning")
        if everyone and (alert != everyone or warning != everyone):
            return f"on alert: {listed(alert)}<br>on warning: {listed(warning)}"
    return listed(everyone)


def deployed_as(inp: DocsInput, service: str, anchor: str) -> list[str]:
    """The resources of every stack whose message or description links this section."""
    every = list(inp.resources(service))
    found = [(s, r) for s, r in every if (service, anchor) in doc_links(r)]
    if not found:
        return ["Deployed as: no resource of the planned stacks links this section."]
    mine = {s.stack: [r for t, r in every if t.stack == s.stack] for s, _ in found}
    rows = [[code(s.stack), code(short_type(r.type)), code(r.name), describe(r), who(s, r, mine[s.stack])] for s, r in found]
    return ["Deployed as:", "", *table(["stack", "type", "name", "what it does", "notifies"], rows)]


def steps(items: tuple[str, ...]) -> list[str]:
    return ["What to do:", "", *[f"{i}. {step}" for i, step in enumerate(items, 1)]]

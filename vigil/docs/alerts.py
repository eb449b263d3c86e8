"""The alert catalog: one section per threshold signal, anchored by the signal's name ('error-rate', 'cpu', ...)."""

from __future__ import annotations

from typing import Optional

from monitors.common.runbook import anchor
from signals import REGISTRY
from spec import Service
from spec.alerts import LEVEL_SEVERITY

from .model import DocsInput
from .sections import Cell, deployed_as, per_environment, steps
from .signals import cloudwatch_measure, datadog_measure
from .words import code, route_words, table

COMPARATOR = {"above": ">", "below": "<"}


def title(signal: str) -> str:
    """The signal's title as a heading: 'p95 latency' → 'P95 latency'."""
    words = REGISTRY[signal].title
    return words[:1].upper() + words[1:]


def signals_of(inp: DocsInput, name: str) -> list[str]:
    """Alert names any environment of the service uses, in the spec's order."""
    used = {signal for _, svc in inp.versions(name) for signal, _ in svc.alerts.items()}
    return [s for s in REGISTRY if s in used]


def _threshold(signal: str, level: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold = getattr(svc.alerts, signal, None)
        value = getattr(threshold, level, None) if threshold is not None else None
        return f"{COMPARATOR[REGISTRY[signal].direction]} {value}" if value is not None else None

    return get


def _window(signal: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold = getattr(svc.alerts, signal, None)
        if threshold is None:
            return None
        return str(threshold.window) if threshold.window is not None else "default (see the deployed query)"

    return get


def _route(signal: str, level: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold = getattr(svc.alerts, signal, None)
        if threshold is None or getattr(threshold, level) is None:
            return None
        severity, route = svc.alert_route(signal, level)
        if threshold.own_route is not None:
            return f"its own route: {route_words(route)}"
        if severity != LEVEL_SEVERITY[level]:
            return f"the {severity} route: {route_words(route)}"
        return route_words(route)

    return get


def _sources(inp: DocsInput, name: str, signal: str) -> list[str]:
    """Where the backends that monitor the service read the signal (the deployed query or metric), per environment
    when it differs; a backend that does not monitor the service in an environment is not shown for it."""
    lines: list[str] = []
    for label, measure, backend in (("Datadog", datadog_measure, "datadog"), ("CloudWatch", cloudwatch_measure, "aws")):
        by_env = {
            env: text
            for env, svc in inp.versions(name)
            if backend in inp.backends_of(svc, env) and (text := measure(signal, svc, env)) is not None
        }
        if not by_env:
            continue
        if len(set(by_env.values())) == 1 and len(by_env) == len(inp.versions(name)):
            lines.append(f"- {label}: {next(iter(by_env.values()))}")
        else:
            lines += [f"- {label} ({env}): {text}" for env, text in by_env.items()]
    return lines


def overview(inp: DocsInput, name: str) -> list[str]:
    envs = list(inp.environments)
    header = ["alert", "fires when", *[f"{env}: critical · warning" for env in envs]]
    rows = []
    for signal in signals_of(inp, name):
        cells = []
        for env in envs:
            svc = inp.service(name, env)
            threshold = getattr(svc.alerts, signal, None) if svc else None
            if threshold is None:
                cells.append("off")
            else:
                cells.append(" · ".join(str(v) if v is not None else "—" for v in (threshold.critical, threshold.warning)))
        rows.append([f"[{title(signal)}](#{anchor(signal)})", f"{REGISTRY[signal].direction} threshold", *cells])
    return table(header, rows)


def alert_section(inp: DocsInput, name: str, signal: str) -> list[str]:
    doc = REGISTRY[signal]
    lines = [f"### {anchor(signal)}", "", f"**{title(signal)}** ({code(signal)}): {doc.watches}", ""]
    sources = _sources(inp, name, signal)
    if sources:
        lines += ["Measured from:", "", *sources, ""]
    lines += per_environment(
        inp,
        name,
        [
            ("critical (pages)", _threshold(signal, "critical")),
            ("warning (ticket)", _threshold(signal, "warning")),
            ("evaluated over", _window(signal)),
            ("critical notifies", _route(signal, "critical")),
            ("warning notifies", _route(signal, "warning")),
        ],
    )
    lines += ["", *deployed_as(inp, name, anchor(signal)), "", *steps(doc.steps), ""]
    return lines


def alert_catalog(inp: DocsInput, name: str) -> list[str]:
    lines = [
        "## Alert catalog",
        "",
        "Critical thresholds notify the page route (someone is woken up); warnings notify the ticket route "
        "(handled in working hours). A '—' means the environment does not set that level; 'off' means the alert is not deployed there.",
        "",
    ]
    signals = signals_of(inp, name)
    if not signals:
        return [*lines, "This service defines no threshold alerts.", ""]
    lines += [*overview(inp, name), ""]
    for signal in signals:
        lines += alert_section(inp, name, signal)
    return lines

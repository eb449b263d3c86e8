"""The alert catalog: one section per threshold alert — the spec's signals, then custom alerts — anchored by its name
('error-rate', 'cpu', 'orders-backlog', ...)."""

from __future__ import annotations

from typing import Optional

from monitors.common.runbook import anchor
from signals import REGISTRY, service_signals
from signals.model import CloudWatchAlarm, DatadogLogs, DatadogMetric, Signal
from spec import Service
from spec.alerts import LEVEL_SEVERITY, Threshold
from spec.notify import NO_DATA_WORDS, renotify_words

from .model import DocsInput
from .sections import Cell, deployed_as, per_environment, steps
from .signals import cloudwatch_measure, datadog_measure
from .words import code, route_words, table

COMPARATOR = {"above": ">", "below": "<"}


def signal_of(inp: DocsInput, name: str, alert: str) -> Signal:
    """The alert's signal: the registry's, or a custom alert's own (from the last environment that has it)."""
    if alert in REGISTRY:
        return REGISTRY[alert]
    versions = [svc for _, svc in inp.versions(name) if alert in svc.custom_alerts]
    return service_signals(versions[-1])[alert]


def title(signal: Signal) -> str:
    """The signal's title as a heading: 'p95 latency' → 'P95 latency'."""
    words = signal.title
    return words[:1].upper() + words[1:]


def signals_of(inp: DocsInput, name: str) -> list[str]:
    """Alert ids any environment of the service uses: the spec's signals in their order, then custom alerts by name."""
    used = {alert for _, svc in inp.versions(name) for alert, _ in svc.threshold_alerts()}
    return [s for s in REGISTRY if s in used] + sorted(used - set(REGISTRY))


def _threshold(signal: str, level: str, direction: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold = svc.threshold(signal)
        value = getattr(threshold, level, None) if threshold is not None else None
        return f"{COMPARATOR[direction]} {value}" if value is not None else None

    return get


def _window(signal: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold = svc.threshold(signal)
        if threshold is None:
            return None
        return str(threshold.window) if threshold.window is not None else "default (see the deployed query)"

    return get


def _reminders(inp: DocsInput, name: str, signal: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold = svc.threshold(signal)
        if threshold is None:
            return None
        env = next(env for env, version in inp.versions(name) if version is svc)
        if "datadog" not in inp.backends_of(svc, env):
            return "none: a CloudWatch alarm notifies once per change of state"
        paging = threshold.severity(threshold.levels()[0][0]) == "page"
        return renotify_words(threshold.renotify, paging)

    return get


def default_no_data(signal: Signal, svc: Service, backends: tuple[str, ...]) -> str:
    """What silence does by default on the backends that measure the alert, as the signal's realisations say."""
    said = []
    datadog, cloudwatch = signal.datadog, signal.cloudwatch
    if signal.sparse:
        said.append("published only while it happens, so silence is healthy and each burst alerts anew")
    if "datadog" in backends and isinstance(datadog, (DatadogMetric, DatadogLogs)) and not datadog.missing(svc):
        if signal.sparse and isinstance(datadog, DatadogMetric):
            said.append("Datadog shows OK (on_missing_data: resolve)")
        else:
            said.append("Datadog notifies No Data" if datadog.notify_no_data else "Datadog sends no No Data")
    if "aws" in backends and isinstance(cloudwatch, CloudWatchAlarm) and not cloudwatch.missing(svc):
        said.append(f"CloudWatch treats missing data as {cloudwatch.evaluation.treat_missing_data}")
    return "the signal's own: " + ("; ".join(said) or "—")


def _no_data(inp: DocsInput, name: str, signal: Signal, alert: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold = svc.threshold(alert)
        if threshold is None:
            return None
        if threshold.no_data:
            return f"{threshold.no_data}: {NO_DATA_WORDS[threshold.no_data]}"
        env = next(env for env, version in inp.versions(name) if version is svc)
        return default_no_data(signal, svc, tuple(inp.backends_of(svc, env)))

    return get


def _recovery(signal: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold: Optional[Threshold] = svc.threshold(signal)
        if threshold is None:
            return None
        return "told" if threshold.recovery else "**not told** (`recovery: false`)"

    return get


def _route(signal: str, level: str) -> Cell:
    def get(svc: Service) -> Optional[str]:
        threshold = svc.threshold(signal)
        if threshold is None or getattr(threshold, level) is None:
            return None
        severity, route = svc.alert_route(signal, level)
        if threshold.own_route is not None:
            return f"its own route: {route_words(route, svc.backends)}"
        if severity != LEVEL_SEVERITY[level]:
            return f"the {severity} route: {route_words(route, svc.backends)}"
        return route_words(route, svc.backends)

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
            threshold = svc.threshold(signal) if svc else None
            if threshold is None:
                cells.append("off")
            else:
                cells.append(" · ".join(str(v) if v is not None else "—" for v in (threshold.critical, threshold.warning)))
        found = signal_of(inp, name, signal)
        rows.append([f"[{title(found)}](#{anchor(signal)})", f"{found.direction} threshold", *cells])
    return table(header, rows)


def alert_section(inp: DocsInput, name: str, signal: str) -> list[str]:
    doc = signal_of(inp, name, signal)
    kind = "custom alert" if signal not in REGISTRY else ""
    lines = [f"### {anchor(signal)}", "", f"**{title(doc)}** ({code(signal)}{', ' + kind if kind else ''}): {doc.watches}", ""]
    sources = _sources(inp, name, signal)
    if sources:
        lines += ["Measured from:", "", *sources, ""]
    lines += per_environment(
        inp,
        name,
        [
            ("critical", _threshold(signal, "critical", doc.direction)),
            ("warning", _threshold(signal, "warning", doc.direction)),
            ("evaluated over", _window(signal)),
            ("critical notifies", _route(signal, "critical")),
            ("warning notifies", _route(signal, "warning")),
            ("reminders", _reminders(inp, name, signal)),
            ("no data", _no_data(inp, name, doc, signal)),
            ("recovery", _recovery(signal)),
        ],
    )
    lines += ["", *deployed_as(inp, name, anchor(signal)), "", *steps(doc.steps), ""]
    return lines


def alert_catalog(inp: DocsInput, name: str) -> list[str]:
    lines = [
        "## Alert catalog",
        "",
        "Critical thresholds notify the page route (someone is woken up); warnings notify the ticket route "
        "(handled in working hours) — unless the alert says otherwise (`route`): each alert's *notifies* rows say whom "
        "it tells. A '—' means the environment does not set that level; 'off' means the alert is not deployed there.",
        "",
    ]
    signals = signals_of(inp, name)
    if not signals:
        return [*lines, "This service defines no threshold alerts.", ""]
    lines += [*overview(inp, name), ""]
    for signal in signals:
        lines += alert_section(inp, name, signal)
    return lines

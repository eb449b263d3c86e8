"""Findings → one service's spec: sources from the names the registry matches read, alerts with their levels and
settings, routes from the handles and SNS topics that notify them, tags shared by every object. Every choice that
changes what an object did is a note on it; every object the spec cannot hold keeps its reason."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from monitors.common.context import Deployment
from monitors.datadog.thresholds import priority as default_priority
from signals import REGISTRY
from signals.model import DatadogLogs, DatadogMetric
from spec.grammar import HANDLE_PATTERN, NAME_PATTERN, RESERVED_TAG_KEYS, TAG_KEY_PATTERN, TAG_VALUE_PATTERN
from spec.routes import LEVEL_SEVERITY, Severity

from . import probe
from .reverse import Finding
from .vendors import Estate

SNS_PROTOCOLS = ("email", "https")
RUNBOOK_LINK = re.compile(r"https://[^\s)>\]\"']*runbook[^\s)>\]\"']*", re.I)


@dataclass
class Assembly:
    data: dict[str, Any]
    findings: list[Finding]
    service_notes: list[str] = field(default_factory=list)  # choices about the service as a whole


def _severity(level: str, own_warning_only: bool) -> Severity:
    return "ticket" if own_warning_only else LEVEL_SEVERITY[level]


def _first_team(findings: list[Finding], teams: list[str]) -> tuple[str, Optional[str]]:
    for finding in findings:
        tags = finding.obj.get("tags") if finding.vendor == "datadog" else [f"{k}:{v}" for k, v in (finding.obj.get("Tags") or {}).items()]
        for tag in tags or []:
            key, _, value = str(tag).partition(":")
            if key == "team" and re.fullmatch(NAME_PATTERN, value) and (not teams or value in teams):
                return value, None
    if len(teams) == 1:
        return teams[0], f"team: {teams[0]}, the catalog's one team (no object carried a team tag)"
    return "", None


def _routes_of(findings: list[Finding], estate: Estate) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The service's routes: per severity, the handles most of its levels notify and the SNS subscribers of their topics."""
    handles: dict[str, Counter[tuple[str, ...]]] = {"page": Counter(), "ticket": Counter()}
    topics: dict[str, set[str]] = {"page": set(), "ticket": set()}
    for finding in findings:
        if finding.key is None:
            continue
        only_warning = [lv.level for lv in finding.levels] == ["warning"]
        for level in finding.levels:
            severity = _severity(level.level, only_warning)
            if level.handles:
                handles[severity][level.handles] += 1
            topics[severity].update(level.topics)
    routes: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for severity in ("page", "ticket"):
        route: dict[str, Any] = {}
        if handles[severity]:
            chosen = handles[severity].most_common(1)[0][0]
            route["datadog"] = [h for h in chosen if re.fullmatch(HANDLE_PATTERN, h)]
        subscribers: list[dict[str, str]] = []
        for topic in sorted(topics[severity]):
            known = estate.subscriptions.get(topic)
            if known is None:
                notes.append(f"routes.{severity}.sns: the subscribers of SNS topic {topic} are not in describe-alarms output "
                             f"(`aws sns list-subscriptions-by-topic --topic-arn {topic}` lists them); vigil subscribes them to its own topic per severity")
                continue
            for protocol, endpoint in known:
                entry = {"protocol": protocol, "endpoint": endpoint}
                if protocol not in SNS_PROTOCOLS:
                    notes.append(f"routes.{severity}.sns: {protocol} subscriber {endpoint} of {topic}: the spec's SNS routes are email or https")
                elif entry not in subscribers:
                    subscribers.append(entry)
        if subscribers:
            route["sns"] = subscribers
        if route:
            routes[severity] = route
    return routes, notes


def _own_routes(findings: list[Finding], routes: dict[str, dict[str, Any]]) -> None:
    """An alert notifying other handles than its severity's route gets a route of its own (every level the same), or a note."""
    for finding in findings:
        if finding.key is None or not any(lv.handles for lv in finding.levels):
            continue
        only_warning = [lv.level for lv in finding.levels] == ["warning"]
        differs = [lv for lv in finding.levels if lv.handles and list(lv.handles) != routes.get(_severity(lv.level, only_warning), {}).get("datadog")]
        if not differs:
            continue
        sets = {lv.handles for lv in finding.levels}
        if len(sets) == 1:
            finding.settings["route"] = {"datadog": list(next(iter(sets)))}
        else:
            finding.notes.append(f"its levels notify {'; '.join(' '.join(lv.handles) for lv in finding.levels)}: the spec gives an alert one route for every level, so each level notifies its severity's route")


def _tags_of(findings: list[Finding]) -> tuple[dict[str, str], list[str]]:
    """Tags every Datadog object carries (not the ones vigil sets itself): the service's tags."""
    tag_sets = [set(f.obj.get("tags") or []) for f in findings if f.vendor == "datadog" and f.key is not None]
    if not tag_sets:
        return {}, []
    common = set.intersection(*tag_sets)
    tags: dict[str, str] = {}
    notes = []
    for tag in sorted(common):
        key, sep, value = tag.partition(":")
        if key in RESERVED_TAG_KEYS or key in ("signal", "severity", "slo"):
            continue
        if sep and re.fullmatch(TAG_KEY_PATTERN, key) and re.fullmatch(TAG_VALUE_PATTERN, value):
            tags[key] = value
        else:
            notes.append(f"tag {tag!r}: the spec's tags are key:value, lowercase")
    others = sorted(t for t in {t for s in tag_sets for t in s} - common if t.partition(":")[0] not in ("signal", "severity", "slo", *RESERVED_TAG_KEYS))
    if others:
        notes.append(f"tags on some monitors only ({', '.join(others[:8])}{' …' if len(others) > 8 else ''}): vigil tags every resource of the service alike")
    return tags, notes


def _merge(findings: list[Finding], deployment: Deployment) -> dict[str, dict[str, Any]]:
    """Per alert, its fields: the first object's values, later ones noted where they differ."""
    alerts: dict[str, dict[str, Any]] = {}
    for finding in findings:
        if finding.key is None:
            continue
        entry = alerts.setdefault(finding.where, dict(finding.custom or {}))
        for level in finding.levels:
            held = entry.get(level.level)
            if held is None:
                entry[level.level] = level.value
            elif held != level.value:
                finding.notes.append(f"its {level.level} {level.value} differs from {held} (another object of {finding.where}): the spec keeps {held}")
        for key, value in finding.settings.items():
            if key == "notify_no_data":
                realisation = REGISTRY[finding.key].datadog if finding.custom is None else None
                default = isinstance(realisation, (DatadogMetric, DatadogLogs)) and realisation.notify_no_data
                if value != default:
                    key, value = "no_data", "alert" if value else "ok"
                else:
                    continue
            if key == "priority":
                only_warning = [lv.level for lv in finding.levels] == ["warning"]
                if value == int(default_priority(_severity("critical", only_warning), deployment)):
                    continue
                if not 1 <= value <= 5:
                    finding.notes.append(f"its priority {value} is not 1-5")
                    continue
            if key not in entry:
                entry[key] = value
            elif entry[key] != value:
                finding.notes.append(f"its {key} {value} differs from {entry[key]} (another object of {finding.where}): the spec keeps {entry[key]}")
    return alerts


def _order(entry: dict[str, Any]) -> dict[str, Any]:
    keys = ("description", "fires", "critical", "warning", "window", "renotify", "no_data", "recovery", "priority", "route", "datadog", "aws")
    return {k: entry[k] for k in keys if k in entry} | {k: v for k, v in entry.items() if k not in keys}


def assemble(service: str, findings: list[Finding], estate: Estate, deployment: Deployment, teams: list[str], region: str) -> Assembly:
    """The service's spec (as YAML data) from what was found; `findings` gain notes, or reasons where the spec cannot
    hold them (names that disagree with the service's others)."""
    notes: list[str] = []
    matches = [f.match for f in findings if f.match is not None and f.key is not None]
    sources, conflicts = probe.sources_of(matches)
    for match, why in conflicts:
        for finding in findings:
            if finding.match is match:
                finding.key, finding.match, finding.levels = None, None, []
                finding.reason = f"it reads {why}: one service has one of each source"
    _unique_custom_names(findings)
    vendors = {f.vendor for f in findings}
    if estate.monitors or any(f.vendor == "datadog" and f.key for f in findings):
        vendors.add("datadog")
    if estate.metric_alarms or estate.composite_alarms:
        vendors.add("cloudwatch")
    if "datadog" in vendors and "datadog" not in sources and any(f.key and f.custom is None for f in findings):
        sources["datadog"] = {"apm_service": service}
        notes.append(f"sources.datadog.apm_service: {service}, assumed (no imported query names the APM service)")
    elif "datadog" in sources and "apm_service" not in sources["datadog"]:
        sources["datadog"]["apm_service"] = service
        notes.append(f"sources.datadog.apm_service: {service}, assumed (no imported query names the APM service)")
    if "aws" in sources:
        sources["aws"] = {"region": region, **sources["aws"]}
    routes, route_notes = _routes_of(findings, estate)
    notes += route_notes
    _own_routes(findings, routes)
    alerts = _merge(findings, deployment)
    tags, tag_notes = _tags_of(findings)
    notes += tag_notes
    team, team_note = _first_team(findings, teams)
    if team_note:
        notes.append(team_note)
    if not team:
        team = service if not teams else teams[0]
        notes.append(f"team: {team}, assumed (no object carried a team tag{'' if not teams else ' of a declared team'}): set the owning team")
    runbook = _runbook(findings) or f"docs/runbooks/{service}.md"
    if not _runbook(findings):
        notes.append(f"runbook: {runbook}, to write (no monitor message linked a runbook)")
    data: dict[str, Any] = {"service": service, "team": team}
    if vendors != {"datadog", "cloudwatch"}:
        data["backends"] = ["datadog" if v == "datadog" else "aws" for v in sorted(vendors)] or ["datadog", "aws"]
    data["runbook"] = runbook
    if tags:
        data["tags"] = tags
    data["routes"] = routes
    data["sources"] = sources
    data["alerts"] = {where.split(".", 1)[1]: _order(e) for where, e in alerts.items() if where.startswith("alerts.")}
    custom = {where.split(".", 1)[1]: _order(e) for where, e in alerts.items() if where.startswith("custom_alerts.")}
    if custom:
        data["custom_alerts"] = custom
    data["logs"] = {"retention": "30d"}
    notes.append(f"logs: vigil creates the log group /{team}/{service}/<env> (30d); if the service has its own already, set logs.group to it and logs.adopt: true (docs/adopt.md)")
    _required_routes(data, findings, notes)
    return Assembly(data, findings, notes)


def _unique_custom_names(findings: list[Finding]) -> None:
    """Custom alerts from several objects on the same metric and side become one (its levels); other names stay apart."""
    seen: dict[str, tuple[Any, ...]] = {}
    for finding in findings:
        if finding.custom is None or finding.key is None:
            continue
        identity = (finding.vendor, repr(finding.custom.get("datadog")), repr(finding.custom.get("aws")), finding.custom.get("fires"), repr(sorted(finding.settings.items())))
        same_metric = next((name for name, held in seen.items() if held == identity), None)
        levels = {lv.level for lv in finding.levels}
        if same_metric is not None and not levels & {lv.level for f in findings if f.key == same_metric for lv in f.levels}:
            finding.key = same_metric
            continue
        base, n = finding.key, 2
        while finding.key in seen or finding.key in REGISTRY or finding.key in ("service_unhealthy", "dashboard", "logs") or finding.key.startswith(("slo_", "health_", "maintenance_")):
            finding.key = f"{base[:36]}_{n}"
            n += 1
        seen[finding.key] = identity


def _runbook(findings: list[Finding]) -> Optional[str]:
    for finding in findings:
        found = RUNBOOK_LINK.search(str(finding.obj.get("message") or finding.obj.get("AlarmDescription") or ""))
        if found:
            return found.group(0).rstrip(".,;")
    return None


def _required_routes(data: dict[str, Any], findings: list[Finding], notes: list[str]) -> None:
    """Every severity a level notifies has a route its vendor can reach, so the spec holds and nothing is created that
    notifies nobody unnoticed: where the import could not learn whom (an SNS topic whose subscribers describe-alarms does
    not print, an alarm without actions), an https endpoint in secret config stands in, to set; a severity no monitor
    names a handle for borrows the other severity's handles. Each is a note."""
    used: dict[str, set[str]] = {"page": set(), "ticket": set()}
    for finding in findings:
        if finding.key is None or isinstance(finding.settings.get("route"), dict):
            continue
        only_warning = [lv.level for lv in finding.levels] == ["warning"]
        for level in finding.levels:
            used[_severity(level.level, only_warning)].add(finding.vendor)
    routes = data["routes"]
    for severity, vendors in used.items():
        route = routes.setdefault(severity, {})
        if "cloudwatch" in vendors and not route.get("sns"):
            name = f"{severity}Endpoint"
            route["sns"] = [{"protocol": "https", "endpoint_secret": name}]
            notes.append(f"routes.{severity}.sns: whom the alarms notify is not known here: an https endpoint in secret config monitoring:{name} "
                         f"stands in (`pulumi config set --secret monitoring:{name} ...`); or write the subscribers")
        other = routes.get("ticket" if severity == "page" else "page", {})
        if "datadog" in vendors and not route.get("datadog") and other.get("datadog"):
            route["datadog"] = list(other["datadog"])
            notes.append(f"routes.{severity}.datadog: no monitor named a handle for it: {' '.join(other['datadog'])} (the other route's), to check")
        if not route:
            routes.pop(severity)

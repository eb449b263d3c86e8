"""`vigil drift --stack S`: what Datadog and CloudWatch hold against the stack's plan, in the reviewer's words.

    api · latency_p95 · critical 500ms → 900ms, changed outside vigil  (Datadog monitor api-latency-p95)
    api · error_rate · missing: CloudWatch alarm api-prod-error-rate-critical is not in CloudWatch
    api · extra: Datadog monitor 4711 “api latency (hand-made)” is tagged service:api but is not in the plan

Planned monitors pair with Datadog's by name (then, for a monitor renamed in the UI, by query); planned alarms with
CloudWatch's by name. A pair is compared as the vendor stores things (compare.py). Extra: a monitor tagged
`service:<a service of the stack>` (and this environment's `env:`, or none), an alarm tagged so (read live) or named
`<service>-<env>-…` as vigil names them, that the plan does not hold.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..diff.text import pair
from ..project import load_project
from ..render.escape import code, markdown, printable
from ..stack import Stack
from .compare import (
    COMPOSITE_ALARM,
    METRIC_ALARM,
    MONITOR,
    SYNTHETIC,
    FieldDrift,
    cloudwatch_stored,
    compare_alarm,
    compare_monitor,
    datadog_stored,
    text_matches,
)
from .vendors import Estate, read_cloudwatch_file, read_cloudwatch_live, read_datadog_file, read_datadog_live

THRESHOLD_FIELDS = {"critical": "critical", "warning": "warning", "critical_recovery": "critical recovery", "warning_recovery": "warning recovery"}


class DriftError(Exception):
    pass


@dataclass(frozen=True)
class Item:
    kind: str  # changed | missing | extra
    service: str
    alert: str  # the alert's id (latency_p95, slo.availability, health.live), or "" for an extra object
    vendor: str  # "Datadog monitor", "CloudWatch alarm"
    name: str  # the planned logical name, or the vendor's name / id of an extra object
    lines: tuple[str, ...]
    fields: tuple[FieldDrift, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "service": self.service, "alert": self.alert, "vendor": self.vendor, "name": self.name, "words": list(self.lines)}
        if self.fields:
            out["fields"] = [{"field": f.field, "planned": f.planned, "live": f.live} for f in self.fields]
        return out


@dataclass
class DriftReport:
    stack: str
    items: list[Item] = field(default_factory=list)
    compared: int = 0

    @property
    def has_drift(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class Context:
    """What words a planned resource needs: its service, the alert it realises (id, level), how to read a threshold."""

    service: str
    alert: str
    level: Optional[str]
    spell: Any  # (field, number) -> spec words, or None


def _spell(service: Any, scope: Any, declaration: Any, found: Any, number: Any) -> Optional[str]:
    """A vendor's threshold in the spec's words (`900ms`), through the alert's own realisation; None when unknown."""
    from monitors.aws.metrics import watched
    from signals.model import DatadogLogs, DatadogMetric

    from .units import from_cloudwatch, from_datadog, registry_kind, written

    if found is None or isinstance(number, bool) or not isinstance(number, (int, float)):
        return None
    key = found.key
    kind = registry_kind(key) if found.path[0] == "alerts" else service.custom_alerts[key].kind
    if declaration.kind == "monitor" and isinstance(found.signal.datadog, (DatadogMetric, DatadogLogs)):
        value = from_datadog(found.signal.datadog, kind, float(number), found.threshold.window or found.signal.datadog.window)
    elif declaration.kind == "metric_alarm":
        seen = watched(found.signal, scope)
        if seen is None:
            return None
        seen = seen.over(found.threshold.window)
        value = from_cloudwatch(seen.convert, kind, float(number), seen.evaluation.period)
    else:
        return None
    return str(written(value)) if value is not None else None


def _placeholder(stack: Optional[str], output: str) -> str:
    return f"${{{stack}.{output}}}"


def _contexts(target: Stack) -> dict[str, Context]:
    """Every planned alerting resource's context, from the walks' record of which declaration realises which alert."""
    from program.checks import recorded_aws, recorded_datadog
    from signals import alert_signal
    from signals.cloudwatch import AwsScope, resolve_targets

    deployment = target.deployment
    out: dict[str, Context] = {}
    for service in target.services:
        backends = deployment.backends_of(service)
        declared = (recorded_datadog(service, deployment) if "datadog" in backends else []) + (recorded_aws(service, deployment) if "aws" in backends else [])
        source = service.sources.aws
        stack = source.from_stack if source is not None else None
        scope = AwsScope(service, resolve_targets(source, functools.partial(_placeholder, stack)), deployment.environment)
        for declaration in declared:
            if declaration.alert is not None:
                found = alert_signal(service, declaration.alert.id)
                spell = functools.partial(_spell, service, scope, declaration, found)
                out[declaration.logical] = Context(service.service, declaration.alert.id, declaration.alert.level, spell)
    return out


def _field_words(drift: FieldDrift, context: Optional[Context]) -> str:
    spell = context.spell if context is not None else None
    if drift.field in THRESHOLD_FIELDS or drift.field == "Threshold":
        label = THRESHOLD_FIELDS.get(drift.field) or (context.level if context and context.level else "threshold")
        shown = pair(drift.planned, drift.live, 80)
        before = (spell(drift.planned) if spell else None) or shown[0]
        after = (spell(drift.live) if spell else None) or shown[1]
        return f"{label} {before} → {after}"
    if drift.field in ("message", "AlarmDescription"):
        return f"{drift.field} edited"
    before, after = pair(drift.planned, drift.live, 80)  # a long query cut around where it differs
    return f"{drift.field} {before} → {after}"


def _read(project: Path, target: Any, services: Sequence[Any], deployment: Any, datadog_file: Optional[Path], cloudwatch_file: Optional[Path]) -> Estate:
    estate = Estate()
    uses = {b for s in services for b in deployment.backends_of(s)}
    if "datadog" in uses:
        if datadog_file is not None:
            estate.extend(read_datadog_file(datadog_file))
        else:
            estate.extend(read_datadog_live(target.settings.datadog_api_url, [f"service:{s.service}" for s in services]))
    if "aws" in uses:
        if cloudwatch_file is not None:
            estate.extend(read_cloudwatch_file(cloudwatch_file))
        else:
            places = sorted({(deployment.region_of(s), s.sources.aws.account.role_arn if s.sources.aws and s.sources.aws.account else None,
                              s.sources.aws.account.external_id if s.sources.aws and s.sources.aws.account else None) for s in services
                             if "aws" in deployment.backends_of(s)}, key=str)
            if any(c.severity for s in services for c in s.health_checks):
                places += [("us-east-1", role, external) for _, role, external in places if ("us-east-1", role, external) not in places]
            for region, role, external in places:
                estate.extend(read_cloudwatch_live(region, role_arn=role, external_id=external, subscriptions=False, tags=True))
    return estate


def drift_stack(project: Path, stack: str, catalog: Optional[Path], datadog_file: Optional[Path] = None, cloudwatch_file: Optional[Path] = None) -> DriftReport:
    from vigil.planning import plan_stack

    _, resolved = load_project(project, catalog)
    target = next((t for t in resolved if t.name == stack), None)
    if target is None:
        raise DriftError(f"no stack {stack!r} (Pulumi.{stack}.yaml)")
    plan = plan_stack(project, stack, catalog).to_dict()
    services = list(target.services)
    estate = _read(project, target, services, target.deployment, datadog_file, cloudwatch_file)
    return compare_stack(stack, plan, estate, _contexts(target), [s.service for s in services], target.environment)


def _service_of(resource: dict[str, Any], parents: dict[str, str]) -> str:
    return parents.get(resource["name"], resource.get("parent") or "shared")


def compare_stack(stack: str, plan: dict[str, Any], estate: Estate, contexts: dict[str, Context], services: list[str], environment: str) -> DriftReport:
    """The drift between a plan (its JSON document) and what the vendors hold."""
    report = DriftReport(stack)
    resources = plan["resources"]
    monitors = [r for r in resources if r["type"] in (MONITOR, SYNTHETIC)]
    alarms = [r for r in resources if r["type"] in (METRIC_ALARM, COMPOSITE_ALARM)]
    live_by_name: dict[str, list[dict[str, Any]]] = {}
    for monitor in estate.monitors:
        live_by_name.setdefault(str(monitor.get("name", "")).strip(), []).append(monitor)
    pairs: dict[str, dict[str, Any]] = {}
    stored = {r["name"]: datadog_stored(r) for r in monitors}
    for resource in monitors:
        candidates = [m for m in live_by_name.get(stored[resource["name"]]["name"], []) if id(m) not in {id(p) for p in pairs.values()}]
        if candidates:
            pairs[resource["name"]] = candidates[0]
    taken = {id(m) for m in pairs.values()}
    for resource in monitors:  # renamed in the UI: the same query, tagged for the same service
        if resource["name"] in pairs or resource["type"] != MONITOR:
            continue
        query = stored[resource["name"]]["query"]
        for monitor in estate.monitors:
            if id(monitor) not in taken and text_matches(query, str(monitor.get("query", "")).strip()) and set(stored[resource["name"]]["tags"]) & set(monitor.get("tags") or []):
                pairs[resource["name"]] = monitor
                taken.add(id(monitor))
                break
    ids = {f"${{{name}.id}}": str(monitor.get("id")) for name, monitor in pairs.items() if monitor.get("id") is not None}

    def resolve(token: str) -> Optional[str]:
        return ids.get(token)

    for resource in monitors:
        name = resource["name"]
        context = contexts.get(name)
        service = context.service if context else (resource.get("parent") or "shared")
        alert = context.alert if context else ""
        vendor = "Datadog monitor" if resource["type"] == MONITOR else "Datadog synthetic test's monitor"
        live = pairs.get(name)
        if live is None:
            report.items.append(Item("missing", service, alert, vendor, name, (f"{service} · {alert or name} · missing: {vendor} “{stored[name]['name']}” ({name}) is not in Datadog",)))
            continue
        report.compared += 1
        found = compare_monitor(stored[name], live, resolve)
        if found:
            lines = tuple(f"{service} · {alert or name} · {_field_words(d, context)}, changed outside vigil  ({vendor} {name}, id {live.get('id')})" for d in found)
            report.items.append(Item("changed", service, alert, vendor, name, lines, tuple(found)))
    for monitor in estate.monitors:
        if id(monitor) in taken:
            continue
        tags = {str(t) for t in monitor.get("tags") or []}
        owner = next((s for s in services if f"service:{s}" in tags), None)
        envs = {t.split(":", 1)[1] for t in tags if t.startswith("env:")}
        if owner is not None and (not envs or environment in envs):
            label = f"Datadog monitor {monitor.get('id')} “{monitor.get('name', '')}”"
            report.items.append(Item("extra", owner, "", "Datadog monitor", str(monitor.get("id")), (f"{owner} · extra: {label} is tagged service:{owner} but is not in the plan",)))
    live_alarms = {str(a["AlarmName"]): a for a in [*estate.metric_alarms, *estate.composite_alarms]}
    planned_names = set()
    for resource in alarms:
        wanted = cloudwatch_stored(resource)
        alarm_name = str(wanted["AlarmName"])
        planned_names.add(alarm_name)
        context = contexts.get(resource["name"])
        service = context.service if context else (resource.get("parent") or "shared")
        alert = context.alert if context else ""
        live = live_alarms.get(alarm_name)
        if live is None:
            report.items.append(Item("missing", service, alert, "CloudWatch alarm", resource["name"], (f"{service} · {alert or resource['name']} · missing: CloudWatch alarm {alarm_name} is not in CloudWatch",)))
            continue
        report.compared += 1
        found = compare_alarm(wanted, live)
        if found:
            lines = tuple(f"{service} · {alert or resource['name']} · {_field_words(d, context)}, changed outside vigil  (CloudWatch alarm {alarm_name})" for d in found)
            report.items.append(Item("changed", service, alert, "CloudWatch alarm", resource["name"], lines, tuple(found)))
    for name, alarm in sorted(live_alarms.items()):
        if name in planned_names:
            continue
        alarm_tags: dict[str, Any] = alarm.get("Tags") or {}
        owner = next((s for s in services if alarm_tags.get("service") == s and alarm_tags.get("env", environment) == environment), None)
        owner = owner or next((s for s in services if name.startswith(f"{s}-{environment}-")), None)
        if owner is not None:
            why = f"tagged service={owner}" if alarm_tags.get("service") == owner else f"named {owner}-{environment}-…"
            report.items.append(Item("extra", owner, "", "CloudWatch alarm", name, (f"{owner} · extra: CloudWatch alarm {name} is {why} but is not in the plan",)))
    report.items.sort(key=lambda i: (i.service, {"changed": 0, "missing": 1, "extra": 2}[i.kind], i.alert, i.name))
    return report


def render(report: DriftReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"stack": report.stack, "drift": report.has_drift, "compared": report.compared, "items": [i.to_dict() for i in report.items]}, indent=2, ensure_ascii=False) + "\n"
    lines = [line for item in report.items for line in item.lines]
    if fmt == "markdown":  # an issue's body: the vendors' names and queries escaped, handles never mentions
        if not lines:
            return f"No drift in stack {code(report.stack)}: {report.compared} monitor(s) and alarm(s) as the plan says.\n"
        head = f"### Drift in stack {code(report.stack)}\n\n{len(report.items)} difference(s) between the plan and what the vendors hold:\n\n"
        return head + "".join(f"- {markdown(line)}\n" for line in lines) + "\nFix it in the spec (a pull request), or run `pulumi up` to restore what the spec says.\n"
    if not lines:
        return f"no drift in stack {printable(report.stack)}: {report.compared} monitor(s) and alarm(s) as the plan says\n"
    return "\n".join(printable(line) for line in lines) + "\n"

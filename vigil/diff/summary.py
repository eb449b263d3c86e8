"""The reviewer's summary, in words: danger first, then thresholds, routes, alerts, SLOs, dashboards, the rest.

    api · p95 latency · page at 500 ms → 400 ms  (Datadog monitor `api-latency-p95`)
    api · page: @pagerduty-platform → @pagerduty-oncall  (12 alerts)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional

from ..render.escape import code
from . import facets as f
from .danger import Danger, dangers
from .model import ADDED, REMOVED, RENAMED, SERVICE_COMPONENT, Diff, ResourceChange
from .text import pair

SECTIONS = ("Services", "Thresholds", "Routes", "Alerts added", "Alerts removed", "SLOs and burn rates", "Dashboards", "Renamed", "Other changes")


@dataclass
class Summary:
    danger: list[Danger] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in SECTIONS})
    hints: list[str] = field(default_factory=list)

    def add(self, section: str, line: str) -> None:
        self.sections[section].append(line)

    def to_dict(self) -> dict[str, Any]:
        return {
            "danger": [d.to_dict() for d in self.danger],
            **{k: v for k, v in self.sections.items() if v},
            **({"hints": self.hints} if self.hints else {}),
        }


def _ref(change_or_resource: Any) -> str:
    resource = change_or_resource.resource if isinstance(change_or_resource, ResourceChange) else change_or_resource
    return f"({f.describe_type(resource['type'])} {code(resource['name'])})"


def _levels(resource: dict[str, Any], index: f.PlanIndex) -> str:
    return ", ".join(f"{sev} at {words}" for sev, words in f.level_words(f.thresholds(resource, index), f.unit(resource)).items())


def _routes_of(resource: dict[str, Any], index: f.PlanIndex) -> str:
    who = f.recipients(resource, index)
    return "; ".join(f"{sev} → {', '.join(names)}" for sev, names in sorted(who.items()))


def _threshold_lines(change: ResourceChange, old_ix: f.PlanIndex, new_ix: f.PlanIndex, service: Optional[str]) -> list[str]:
    assert change.old is not None and change.new is not None
    before, after = f.thresholds(change.old, old_ix), f.thresholds(change.new, new_ix)
    u_old, u_new = f.unit(change.old), f.unit(change.new)
    moved = []
    levels = sorted(set(before) | set(after), key=lambda s: (s not in after, s))
    changed = {s for s in levels if not _same(before.get(s), after.get(s))}
    for severity in levels:
        a, b = before.get(severity), after.get(severity)
        if severity not in changed or (severity.endswith(" recovery") and severity.split()[0] in changed):
            continue  # a recovery level that follows its moved threshold is no news
        if a is None:
            moved.append(f"{severity} at {f.format_value(b, u_new)} (new)")
        elif b is None:
            moved.append(f"{severity} at {f.format_value(a, u_old)} removed")
        else:
            suffix = f.suffix_of(a, u_old) if u_old == u_new else None  # old and new in one unit when they can be
            moved.append(f"{severity} at {f.format_value(a, u_old, suffix)} → {f.format_value(b, u_new, suffix)}")
    if not moved:
        return []
    label = f.where(change.new, service)
    if f.is_burn_rate(change.new):
        windows = f.burn_windows(change.new)
        label += f" ({windows})" if windows else ""
    return [f"{label} · {m}  {_ref(change)}" for m in moved]


def _same(a: Any, b: Any) -> bool:
    return f.number(a) == f.number(b) and (f.number(a) is not None or a == b)


def _route_lines(diff: Diff, old_ix: f.PlanIndex, new_ix: f.PlanIndex, renames: dict[str, str]) -> list[str]:
    """Alerts present on both sides whose recipients differ, grouped by service, severity and transition."""
    old_alerts = {(r["type"], r["name"]): r for r in old_ix.resources if f.is_alert(r)}
    groups: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for resource in new_ix.resources:
        if not f.is_alert(resource):
            continue
        old = old_alerts.get((resource["type"], renames.get(resource["name"], resource["name"])))
        if old is None:
            continue
        before, after = f.recipients(old, old_ix), f.recipients(resource, new_ix)
        service = new_ix.service_of(resource) or "shared"
        for severity in sorted(set(before) | set(after)):
            a, b = tuple(before.get(severity, ())), tuple(after.get(severity, ()))
            if a != b:
                groups.setdefault((service, severity, a, b), []).append(resource["name"])
    lines = []
    for (service, severity, a, b), names in sorted(groups.items()):
        gone = [x for x in a if x not in b]
        new = [x for x in b if x not in a]
        detail = f"{', '.join(a) or 'nobody'} → {', '.join(b) or 'nobody'}"
        if set(a) & set(b):  # some stay: say who joins and who leaves
            detail += f" (+{', +'.join(new) or 'nobody'}; −{', −'.join(gone) or 'nobody'})"
        which = code(names[0]) if len(names) == 1 else f"{len(names)} alerts: " + ", ".join(code(n) for n in names)
        lines.append(f"{service} · {severity}: {detail}  ({which})")
    return lines


def _slo_lines(change: ResourceChange, service: Optional[str]) -> list[str]:
    words = " ".join(w for w in f.signal(change.resource, service).split() if w.lower() != "slo")
    label = f"{service or 'shared'} · {words or change.name} SLO"
    if change.kind == ADDED:
        return [f"{label} added: " + _objectives(change.resource) + f"  {_ref(change)}"]
    if change.kind == REMOVED:
        return [f"{label} removed (was {_objectives(change.resource)})  {_ref(change)}"]
    assert change.old is not None and change.new is not None
    before, after = f.slo_objectives(change.old), f.slo_objectives(change.new)
    lines = []
    for timeframe in sorted(set(before) | set(after)):
        a, b = before.get(timeframe, {}), after.get(timeframe, {})
        for key, word in (("target", "objective"), ("warning", "warning")):
            if f.number(a.get(key)) != f.number(b.get(key)):
                lines.append(
                    f"{label} · {timeframe} {word} {f.format_value(a.get(key), '%')} → {f.format_value(b.get(key), '%')}  {_ref(change)}"
                )
    return lines


def _objectives(resource: dict[str, Any]) -> str:
    return ", ".join(f"{tf} objective {f.format_value(v.get('target'), '%')}" for tf, v in f.slo_objectives(resource).items()) or "no objective"


def _dashboard_line(change: ResourceChange, service: Optional[str]) -> str:
    label = f"{service or 'shared'} · {f.describe_type(change.type)} {code(change.name)}"
    if change.kind in (ADDED, REMOVED):
        return f"{label} {change.kind}"
    assert change.old is not None and change.new is not None
    a, b = f.widget_count(change.old), f.widget_count(change.new)
    widgets = f" (widgets {a} → {b})" if a != b and a is not None and b is not None else ""
    changed = sorted({c.path.split(".", 2)[1].split("[")[0].split("{")[0] for c in change.fields if c.path.startswith("inputs.")})
    return f"{label} changed{widgets}: {', '.join(changed) or 'options'}"


def _other_line(change: ResourceChange, service: Optional[str]) -> str:
    paths = [c.path.removeprefix("inputs.") for c in change.fields]
    if len(change.fields) <= 3:
        paths = [f"{p} {' → '.join(pair(c.old, c.new, 50))}" for p, c in zip(paths, change.fields, strict=False)]
    shown = ", ".join(paths[:6]) + (f" and {len(paths) - 6} more" if len(paths) > 6 else "")
    if change.kind in (ADDED, REMOVED):
        return f"{service or 'shared'} · {f.describe_type(change.type)} {code(change.name)} {change.kind}"
    return f"{service or 'shared'} · {f.describe_type(change.type)} {code(change.name)} changed: {shown}"


def _identity(resource: dict[str, Any]) -> list[tuple[str, str]]:
    """What makes two resources of one type the same thing: their inputs, or their cloud name."""
    inputs = resource.get("inputs") or {}
    keys = [("inputs", json.dumps(inputs, sort_keys=True, default=str))]
    physical = next((k for k in ("name", "alarmName", "dashboardName") if k in inputs), None)
    if physical is not None:
        keys.append((physical, str(inputs[physical])))
    return keys


def _rename_hints(diff: Diff) -> list[str]:
    """Removed + added pairs that look like one resource renamed without `aliases` (same inputs or cloud name)."""
    added: dict[tuple[str, str, str], str] = {}
    for change in diff.changes:
        if change.kind == ADDED and change.custom and change.new is not None:
            for key in _identity(change.new):
                added.setdefault((change.type, *key), change.name)
    hints = []
    for gone in diff.changes:
        if gone.kind != REMOVED or not gone.custom or gone.old is None:
            continue
        match = next((added[k] for k in ((gone.type, *key) for key in _identity(gone.old)) if k in added), None)
        if match is not None:
            hints.append(
                f"{code(gone.name)} → {code(match)} looks like a rename: without "
                f'{code(f"aliases=[pulumi.Alias(name={json.dumps(gone.name)})]")} Pulumi deletes {code(gone.name)} and creates {code(match)}'
            )
    return hints


def summarise(diff: Diff) -> Summary:
    old_ix, new_ix = f.PlanIndex(diff.base), f.PlanIndex(diff.head)
    summary = Summary(danger=dangers(diff))
    renames = {c.name: c.old_name for c in diff.changes if c.kind == RENAMED and c.old_name}
    others: dict[tuple[str, str], list[str]] = {}
    owned: dict[tuple[str, Optional[str]], int] = {}  # (kind, service) → resources added or removed with it
    for change in diff.changes:
        if change.custom and change.kind in (ADDED, REMOVED):
            key = (change.kind, (old_ix if change.kind == REMOVED else new_ix).service_of(change.resource))
            owned[key] = owned.get(key, 0) + 1
    for change in diff.changes:
        if change.type == SERVICE_COMPONENT and change.kind in (ADDED, REMOVED):
            summary.add("Services", f"service {code(change.name)} {change.kind} ({owned.get((change.kind, change.name), 0)} resources)")
    for change in diff.changes:
        if not change.custom:
            continue
        index = old_ix if change.kind == REMOVED else new_ix
        service = index.service_of(change.resource)
        resource = change.resource
        if change.kind == RENAMED:
            summary.add("Renamed", f"{service or 'shared'} · {code(change.old_name)} → {code(change.name)} (aliased: same resource, not replaced)  {_ref(change)}")
        if f.is_alert(resource):
            section = "SLOs and burn rates" if f.is_slo_alert(resource, service) else None
            if change.kind == ADDED:
                routes = _routes_of(resource, new_ix)
                label = f.where(resource, service)
                levels = _levels(resource, new_ix)
                summary.add(section or "Alerts added", f"{label}{' · ' + levels if levels else ''}{' · ' + routes if routes else ''}  {_ref(change)} added")
            elif change.kind == REMOVED:
                label = f.where(resource, service)
                levels = _levels(resource, old_ix)
                summary.add(section or "Alerts removed", f"{label}{' · was ' + levels if levels else ''}  {_ref(change)} removed")
            else:
                lines = _threshold_lines(change, old_ix, new_ix, service)
                for line in lines:
                    summary.add(section or "Thresholds", line)
                routed = f.recipients(change.old, old_ix) != f.recipients(resource, new_ix)  # type: ignore[arg-type]
                rest = tuple(c for c in change.fields if not _covered(c.path, bool(lines), routed))
                if rest:
                    summary.add("Other changes", _other_line(_with_fields(change, rest), service))
        elif f.is_slo(resource):
            for line in _slo_lines(change, service):
                summary.add("SLOs and burn rates", line)
        elif f.is_dashboard(resource):
            summary.add("Dashboards", _dashboard_line(change, service))
        elif change.kind in (ADDED, REMOVED):
            others.setdefault((service or "shared", change.kind), []).append(f"{f.describe_type(change.type)} {code(change.name)}")
        elif change.fields:
            summary.add("Other changes", _other_line(change, service))
    for (service, kind), names in sorted(others.items()):
        summary.add("Other changes", f"{service} · {kind}: {', '.join(names)}")
    for line in _route_lines(diff, old_ix, new_ix, renames):
        summary.add("Routes", line)
    summary.hints = _rename_hints(diff)
    return summary


def _with_fields(change: ResourceChange, fields: tuple[Any, ...]) -> ResourceChange:
    return ResourceChange(change.kind, change.type, change.name, change.old, change.new, fields, change.replaces, change.old_name)


def _covered(path: str, thresholds_moved: bool, routes_changed: bool) -> bool:
    """Field changes the threshold and route lines already tell; the rest is listed under other changes."""
    if path.startswith(("inputs.monitorThresholds", "inputs.threshold")):
        return True
    if thresholds_moved and path.startswith(("inputs.query", "inputs.message", "inputs.alarmDescription", "inputs.name")):
        return True  # the query and the words restate the threshold
    return path.startswith(("inputs.message", "inputs.alarmActions")) and routes_changed

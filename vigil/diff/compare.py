"""The structural diff of two plans: resources matched by (type, logical name), fields compared on flattened paths.

A resource whose head declares `aliases` naming a base resource of the same type is a rename, not a
delete and an add. Lists of plain values (tags, actions) compare as whole values; lists of objects and
JSON documents held in strings (CloudWatch dashboard bodies) are compared element by element.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from .danger import replacing_paths
from .model import ABSENT, ADDED, CHANGED, REMOVED, RENAMED, Diff, FieldChange, ResourceChange

Key = tuple[str, str]


def _json_document(value: str) -> Any:
    text = value.strip()
    if not text or text[0] not in "{[":
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, (dict, list)) else None


def _scalar_list(value: list[Any]) -> bool:
    return all(not isinstance(v, (dict, list)) for v in value)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf paths of a value: `a.b`, `a[0].c`; a JSON string is flattened as its document (`body{}.widgets[0]`)."""
    if isinstance(value, str):
        document = _json_document(value)
        if document is not None:
            return flatten(document, prefix + "{}")
        return {prefix: value}
    if isinstance(value, dict):
        if not value:
            return {prefix: {}}
        out: dict[str, Any] = {}
        for key in sorted(value):
            out.update(flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        if not value or _scalar_list(value):
            return {prefix: value}
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix: value}


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    """Changed leaves of a resource's inputs and options (parent and provider included, as options)."""
    sides = []
    for resource in (old, new):
        flat = flatten(resource.get("inputs") or {}, "inputs")
        flat.update(flatten(resource.get("options") or {}, "options"))
        flat["parent"] = resource.get("parent")
        sides.append(flat)
    before, after = sides
    changes = []
    for path in sorted(set(before) | set(after)):
        a, b = before.get(path, ABSENT), after.get(path, ABSENT)
        if a != b:
            changes.append(FieldChange(path, a, b))
    return tuple(changes)


def _index(plan: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    return {(r["type"], r["name"]): r for r in plan.get("resources", [])}


def _renames(base: dict[Key, dict[str, Any]], head: dict[Key, dict[str, Any]]) -> dict[Key, Key]:
    """head key → base key, for head resources whose aliases name a base resource that the head no longer has."""
    out: dict[Key, Key] = {}
    claimed: set[Key] = set()
    for key, resource in sorted(head.items()):
        if key in base:
            continue
        for alias in resource.get("aliases") or ():
            old_key = (key[0], alias)
            if old_key in base and old_key not in head and old_key not in claimed:
                out[key] = old_key
                claimed.add(old_key)
                break
    return out


def _change(kind: str, key: Key, old: Optional[dict[str, Any]], new: Optional[dict[str, Any]], old_name: Optional[str] = None) -> ResourceChange:
    fields = field_changes(old, new) if old is not None and new is not None else ()
    replaces = replacing_paths(key[0], fields) if old is not None and new is not None else ()
    return ResourceChange(kind, key[0], key[1], old, new, fields, replaces, old_name)


def compare(
    base: dict[str, Any],
    head: dict[str, Any],
    base_label: str = "base",
    head_label: str = "head",
    stack: Optional[str] = None,
) -> Diff:
    """Every resource added, removed, renamed or changed between two plan documents, in (type, name) order."""
    old, new = _index(base), _index(head)
    renames = _renames(old, new)
    renamed_from = set(renames.values())
    changes: list[ResourceChange] = []
    for key in sorted(set(old) | set(new)):
        if key in new and key in old:
            change = _change(CHANGED, key, old[key], new[key])
            if change.fields:
                changes.append(change)
        elif key in new and key in renames:
            changes.append(_change(RENAMED, key, old[renames[key]], new[key], old_name=renames[key][1]))
        elif key in new:
            changes.append(_change(ADDED, key, None, new[key]))
        elif key not in renamed_from:
            changes.append(_change(REMOVED, key, old[key], None))
    return Diff(
        stack=stack or str(head.get("stack") or base.get("stack") or ""),
        base_label=base_label,
        head_label=head_label,
        base=base,
        head=head,
        changes=tuple(changes),
    )

"""What a diff is made of: resource changes with field-level old → new, over two plan documents.

Plans are the plan JSON contract (`Plan.to_dict()`): plain dicts, so a diff can be computed from
`vigil plan --format json` output of any revision, or from a real `pulumi preview --json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "(absent)"})()

ADDED, REMOVED, CHANGED, RENAMED = "added", "removed", "changed", "renamed"


@dataclass(frozen=True)
class FieldChange:
    path: str  # "inputs.monitorThresholds.critical", "inputs.thresholds[0].target", "options.protect"
    old: Any  # ABSENT when the field is new
    new: Any  # ABSENT when the field is gone

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.old is not ABSENT:
            out["old"] = self.old
        if self.new is not ABSENT:
            out["new"] = self.new
        return out


@dataclass(frozen=True)
class ResourceChange:
    kind: str  # added | removed | changed | renamed (a rename may change fields too)
    type: str
    name: str  # the head's logical name (the base's for a removal)
    old: Optional[dict[str, Any]]  # the base's resource, None when added
    new: Optional[dict[str, Any]]  # the head's resource, None when removed
    fields: tuple[FieldChange, ...] = ()
    replaces: tuple[str, ...] = ()  # changed paths that force the provider to replace the resource
    old_name: Optional[str] = None  # for renames

    @property
    def resource(self) -> dict[str, Any]:
        return self.new if self.new is not None else self.old  # type: ignore[return-value]

    @property
    def custom(self) -> bool:
        return is_custom(self.resource)

    def field(self, path: str) -> Optional[FieldChange]:
        return next((f for f in self.fields if f.path == path), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "type": self.type, "name": self.name}
        if self.old_name:
            out["oldName"] = self.old_name
        out["fields"] = [f.to_dict() for f in self.fields]
        if self.replaces:
            out["replaces"] = list(self.replaces)
        return out


SERVICE_COMPONENT = "vigil:index:ServiceMonitoring"


def is_custom(resource: dict[str, Any]) -> bool:
    """Custom (cloud) resources vs the project's own components (package `vigil`), which hold nothing."""
    if "custom" in resource:
        return bool(resource["custom"])
    return resource["type"].split(":", 1)[0] != "vigil"


@dataclass(frozen=True)
class Diff:
    stack: str
    base_label: str
    head_label: str
    base: dict[str, Any]  # plan documents
    head: dict[str, Any]
    changes: tuple[ResourceChange, ...] = field(default=())

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        out = {ADDED: 0, REMOVED: 0, CHANGED: 0, RENAMED: 0}
        for change in self.changes:
            out[change.kind] += 1
        return out

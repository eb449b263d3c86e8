"""A stack's config as the engine would hand it to the program, read from `Pulumi.<stack>.yaml`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT = "monitoring"


class StackConfigError(Exception):
    pass


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]  # "monitoring:catalog" -> string, as Pulumi passes config to programs
    secret_keys: frozenset[str]

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(f"{self.project}:{key}", default)


def _as_config_string(value: Any) -> str:
    """Pulumi passes structured config as JSON and booleans as 'true'/'false'."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def stacks(project_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def read_stack_config(project_dir: Path, stack: str) -> StackConfig:
    project_file = project_dir / "Pulumi.yaml"
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        known = ", ".join(stacks(project_dir)) or "none"
        raise StackConfigError(f"no stack '{stack}': {stack_file} does not exist (stacks: {known})")
    try:
        project_doc = yaml.safe_load(project_file.read_text()) or {}
        document = yaml.safe_load(stack_file.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise StackConfigError(f"cannot read stack config {stack_file}: {exc}") from None
    for path, doc, key in ((project_file, project_doc, "config"), (stack_file, document, "config")):
        if not isinstance(doc, dict) or not isinstance(doc.get(key) or {}, dict):
            raise StackConfigError(f"{path}: expected a mapping with a '{key}:' mapping")
    project = str(project_doc.get("name", PROJECT))
    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    for key, value in (document.get("config") or {}).items():
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[full] = "[secret]"  # encrypted offline: present, value unknown
            secret_keys.add(full)
        else:
            values[full] = _as_config_string(value)
    for key, declared in (project_doc.get("config") or {}).items():  # Pulumi.yaml defaults, as the engine applies them
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(declared, dict) and "default" in declared:
            values.setdefault(full, _as_config_string(declared["default"]))
    return StackConfig(project, stack, values, frozenset(secret_keys))

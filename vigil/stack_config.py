"""A stack's config as the engine would hand it to the program, read from `Pulumi.<stack>.yaml`.

Both files are read with the catalog's hardened YAML reader: a broken file is one error naming the file, the line
and what is wrong (not UTF-8, a key that is not a string, invalid YAML...), never a traceback. Each value remembers
where it was written, so a bad setting is blamed on its file, line and key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spec.errors import SpecError
from spec.yaml_source import KEY, Document, Location, YamlProblem, read_mapping

PROJECT = "monitoring"


class StackConfigError(Exception):
    """A stack's files or settings are wrong: one message per problem (file:line:column first where known)."""

    def __init__(self, *messages: str) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]  # "monitoring:catalog" -> string, as Pulumi passes config to programs
    secret_keys: frozenset[str]
    origins: dict[str, Location] = field(default_factory=dict)  # "monitoring:catalog" -> Pulumi.dev.yaml:4:3

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(f"{self.project}:{key}", default)

    def origin(self, key: str) -> str:
        """Where a setting was written (file:line:column), or the stack file where it would be set."""
        found = self.origins.get(f"{self.project}:{key}")
        return str(found) if found else f"Pulumi.{self.stack}.yaml"

    def location(self, key: str) -> Location:
        """Where a setting was written, or the stack file's first line (where it would be set)."""
        return self.origins.get(f"{self.project}:{key}") or Location(f"Pulumi.{self.stack}.yaml", 1, 1)


@dataclass(frozen=True, order=True)
class StackProblem(SpecError):
    """A stack file's problem said among the catalog's (one round of every problem), as vigil says it on its own:
    `error: <file:line:column>: <message>`."""

    def __str__(self) -> str:
        return f"error: {self.message}"


def _as_config_string(value: Any) -> str:
    """Pulumi passes structured config as JSON and booleans as 'true'/'false'."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def stacks(project_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def _read(path: Path) -> Document:
    try:
        return read_mapping(path, path.name)
    except YamlProblem as problem:
        where = ".".join(str(part) for part in problem.path)
        raise StackConfigError(f"{problem.location}: {where + ': ' if where else ''}{problem.message}") from None
    except OSError as exc:
        raise StackConfigError(f"{path.name}: cannot read: {exc.strerror or exc}") from None


def _config(document: Document) -> dict[str, Any]:
    config = document.data.get("config") or {}
    if not isinstance(config, dict):
        where = document.marks.get(("config",))
        raise StackConfigError(f"{where or document.file}: 'config:' must be a mapping of key: value lines")
    return config


# Pulumi's stack (and project) names: letters, digits, '-', '_' and '.'. A stack's is a file name here
# (Pulumi.<stack>.yaml): no '/'.
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def no_stack(project_dir: Path, stack: str) -> StackConfigError:
    """The error for a stack the project has no file of, naming those it has (a name that cannot be one: said so)."""
    if not STACK_NAME.fullmatch(stack) or set(stack) == {"."}:
        return StackConfigError(f"{stack!r} is not a stack name: letters, digits, '-', '_' and '.' (its file is Pulumi.<stack>.yaml)")
    known = ", ".join(stacks(project_dir)) or "none"
    return StackConfigError(f"no stack '{stack}': {project_dir / f'Pulumi.{stack}.yaml'} does not exist (stacks: {known})")


def read_stack_config(project_dir: Path, stack: str) -> StackConfig:
    project_file = project_dir / "Pulumi.yaml"
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    if not STACK_NAME.fullmatch(stack) or set(stack) == {"."} or not stack_file.is_file():
        raise no_stack(project_dir, stack)
    project_doc, document = _read(project_file), _read(stack_file)
    project = project_doc.data.get("name", PROJECT)
    if not isinstance(project, str) or not project:
        raise StackConfigError(f"{project_doc.marks.get(('name',)) or project_file.name}: the project 'name:' must be a string")
    if not STACK_NAME.fullmatch(project):  # it prefixes every config key, and names the plan
        raise StackConfigError(
            f"{project_doc.marks.get(('name',)) or project_file.name}: the project 'name:' must be a Pulumi project name: letters, digits, '-', '_' and '.', got {project!r}"
        )
    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    origins: dict[str, Location] = {}
    for key, value in _config(document).items():
        full = key if ":" in key else f"{project}:{key}"
        origins[full] = document.marks.get(("config", key, KEY)) or Location(stack_file.name, 1, 1)
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[full] = "[secret]"  # encrypted offline: present, value unknown
            secret_keys.add(full)
        else:
            values[full] = _as_config_string(value)
    for key, declared in _config(project_doc).items():  # Pulumi.yaml defaults, as the engine applies them
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(declared, dict) and "default" in declared and full not in values:
            values[full] = _as_config_string(declared["default"])
            origins[full] = project_doc.marks.get(("config", key, "default")) or Location(project_file.name, 1, 1)
    return StackConfig(project, stack, values, frozenset(secret_keys), origins)

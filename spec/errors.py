"""Spec errors: one line per problem with file:line:column, the field path and what is allowed."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any, Optional, Union

from pydantic import BaseModel, ValidationError

from .grammar import PATTERN_HELP
from .yaml_source import KEY, Location, PathKey


@dataclass(frozen=True, order=True)
class SpecError:
    location: Optional[Location]
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.path or '<service>'}: {self.message}"


class ErrorAt(ValueError):
    """A validator's problem with one part of the value it checks (a list's item, a field of the model): raised
    instead of a ValueError, it is reported at that part's own line, `path` below the validated field."""

    def __init__(self, path: PathKey, message: str) -> None:
        super().__init__(message)
        self.path = path


class SpecErrors(Exception):
    """All the problems of one run, sorted by file and line."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.location or Location("", 0, 0), e.path, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[PathKey, tuple[Any, ...]]:
    """Split pydantic's loc into the part that exists in the data and the rest (union tags dropped)."""
    path: list[Union[str, int]] = []
    node = data
    rest = list(loc)
    while rest:
        part = rest[0]
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
        elif isinstance(part, str) and (part.startswith(("function-", "literal[")) or part[:1].isupper() or part in {"availability", "latency", "custom"}):
            rest.pop(0)  # a union member or validator tag, not a key
            continue
        else:
            break
        path.append(part)
        rest.pop(0)
    return tuple(path), tuple(rest)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, dict):
        args = typing.get_args(annotation)
        if origin is dict:
            args = args[1:]
        return [m for arg in args for m in _models_in(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _allowed_keys(model: type[BaseModel], path: PathKey) -> list[str]:
    models = [model]
    for part in path:
        if isinstance(part, int):
            continue
        nxt: list[type[BaseModel]] = []
        for m in models:
            field = m.model_fields.get(part)
            if field is not None:
                nxt.extend(_models_in(field.annotation))
        models = nxt
        if not models:
            return []
    return sorted({name for m in models for name in m.model_fields})


def _message(err: Any, key: Optional[str], allowed: list[str]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden" and key is not None:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key '{key}'{hint} allowed: {', '.join(allowed)}"
    if kind == "missing" and key is not None:
        return f"required key '{key}' is missing"
    message = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    if kind == "string_pattern_mismatch":
        pattern = err["ctx"]["pattern"]
        expected = PATTERN_HELP.get(pattern, f"a value matching {pattern}")
        return f"expected {expected}, got {err['input']!r}"
    if kind.startswith("literal_error"):
        return f"{message}, got {err['input']!r}"
    if kind == "string_type" and (err.get("input") is None or isinstance(err.get("input"), (bool, int, float))):
        return f"{message}, got {_yaml_word(err.get('input'))}: quote it to mean the text"
    return message


def _yaml_word(value: Any) -> str:
    """What YAML made of an unquoted word: `no`, `off` and `yes` are booleans, `1.10` a number, `~` or nothing null."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads an unquoted yes/no/on/off/true/false as a boolean)"
    if value is None:
        return "null (YAML reads an empty value, ~ or null as nothing)"
    return f"the number {value!r} (YAML reads unquoted digits as a number)"


def from_validation_error(
    exc: ValidationError,
    data: dict[str, Any],
    model: type[BaseModel],
    where: dict[PathKey, tuple[PathKey, Location]],
) -> list[SpecError]:
    """Map pydantic's errors onto the spec's written paths and locations."""
    out = []
    for err in exc.errors(include_url=False):
        raised = (err.get("ctx") or {}).get("error")
        below = raised.path if isinstance(raised, ErrorAt) else ()
        path, rest = _data_path(data, tuple(err["loc"]) + below)
        key = str(rest[0]) if rest and err["type"] in ("extra_forbidden", "missing") else None
        if err["type"] == "extra_forbidden" and key is None and path:
            key, path = str(path[-1]), path[:-1]
        probe = path + ((key, KEY) if key and err["type"] == "extra_forbidden" else ())
        if rest[:1] in (("[key]",), (KEY,)):  # a mapping's key is wrong (a name's grammar): its own line, not its value's
            probe = (*path, KEY)
        written_path, location = path, None
        for cut in range(len(probe), -1, -1):
            if probe[:cut] in where:
                written_path, location = where[probe[:cut]]
                written_path = written_path + probe[cut:]
                break
        if key and err["type"] == "extra_forbidden":  # shown at the key; the path is its mapping
            written_path = written_path[:-2] if written_path[-1:] == (KEY,) else written_path[:-1]
        elif written_path[-1:] == (KEY,):
            written_path = written_path[:-1]
        message = _message(err, key, _allowed_keys(model, path))
        shown = format_path(written_path + ((key,) if key and err["type"] == "missing" else ()))
        out.append(SpecError(location, shown, message))
    return out

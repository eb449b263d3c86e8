"""Safe YAML with positions: every value keeps the file, line and column it came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import yaml

PathKey = tuple[Union[str, int], ...]
KEY = "\0key"  # path suffix under which a mapping key's own position is kept


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class YamlProblem(Exception):
    def __init__(self, location: Location, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


@dataclass(frozen=True)
class Document:
    """One service's mapping from a catalog file, with the location of every value by its path."""

    file: str
    data: dict[str, Any]
    marks: dict[PathKey, Location]


def _location(file: str, node: yaml.Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


# libyaml's parser, where PyYAML was built with it, composes a catalog about 14 times faster; same nodes and marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp", "merge")
}


def _build(file: str, node: yaml.Node, path: PathKey, marks: dict[PathKey, Location], scalar: yaml.SafeLoader) -> Any:
    marks[path] = _location(file, node)
    if node.tag not in _PLAIN_TAGS:  # no object construction, ever; nor binary, sets or ordered maps
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem(_location(file, node), f"unsupported YAML tag '{shown}'")
    if isinstance(node, yaml.MappingNode):
        scalar.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(file, key_node, (*path, KEY), {}, scalar)
            if not isinstance(key, str):
                raise YamlProblem(_location(file, key_node), f"keys must be strings, got {key!r}")
            if key in out:
                raise YamlProblem(_location(file, key_node), f"duplicate key {key!r}")
            marks[(*path, key, KEY)] = _location(file, key_node)
            out[key] = _build(file, value_node, (*path, key), marks, scalar)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(file, item, (*path, i), marks, scalar) for i, item in enumerate(node.value)]
    try:
        return scalar.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise YamlProblem(_location(file, node), f"unsupported YAML value: {exc.problem}") from None


def read_documents(path: Path, display: str) -> list[Document]:
    """Every service mapping in one file: a mapping per YAML document, or a list of mappings."""
    text = path.read_text(encoding="utf-8")
    scalar = yaml.SafeLoader("")
    documents: list[Document] = []
    try:
        nodes = list(yaml.compose_all(text, Loader=_COMPOSER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(Location(display, line, column), f"invalid YAML: {exc.problem or exc.context}") from None
    for node in nodes:
        if node is None:
            continue
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            if not isinstance(item, yaml.MappingNode):
                raise YamlProblem(_location(display, item), "expected a service (a mapping with 'service:', 'team:', ...)")
            marks: dict[PathKey, Location] = {}
            data = _build(display, item, (), marks, scalar)
            documents.append(Document(display, data, marks))
    return documents

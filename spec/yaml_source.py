"""Safe YAML with positions: every value keeps the file, line and column it came from.

Hostile files get one clear error at their line, never a traceback, a hang or a memory blow-up: bytes that are
not UTF-8, control characters (raw or escaped), nesting deeper than any spec needs (as written, or once aliases are
expanded), an alias inside the collection it names (a value containing itself), aliases that expand a file far
beyond its written size (an "alias bomb"; all checked on the event stream, before anything is expanded), merge
keys of the wrong shape, keys that are not strings, numbers too large to stay exact, and files larger than any catalog
needs (bytes and values, counted before anything is built).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import yaml

from .units import MAX_NUMBER

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
    def __init__(self, location: Location, message: str, path: PathKey = ()) -> None:
        super().__init__(message)
        self.location = location
        self.message = message
        self.path = tuple(part for part in path if part != KEY)  # where in the document, when known


@dataclass(frozen=True)
class Document:
    """One service's mapping from a catalog file, with the location of every value by its path."""

    file: str
    data: dict[str, Any]
    marks: dict[PathKey, Location]


def _location(file: str, node: Union[yaml.Node, yaml.Event]) -> Location:
    mark = node.start_mark  # the parser sets it on every node and event
    return Location(file, mark.line + 1, mark.column + 1) if mark is not None else Location(file, 1, 1)


def _at_offset(file: str, text: str, offset: int) -> Location:
    line_start = text.rfind("\n", 0, offset) + 1
    return Location(file, text.count("\n", 0, offset) + 1, offset - line_start + 1)


MAX_DEPTH = 32  # mappings and lists nested in one another; the spec itself needs fewer than 10
# What one file may hold, checked before anything is built (composing costs about 40 µs and 0.6 KB per value): a
# service is about 200 values, so a file holds a thousand services; split larger catalogs into files.
MAX_VALUES = 200_000
MAX_BYTES = 16 * 2**20
# Aliases may make a file at most this many times its written size (plus a floor for small files with merge keys).
ALIAS_GROWTH, ALIAS_FLOOR = 10, 10_000
# C0 and C1 control characters but tab and newline: never meant in a spec, and a terminal or Markdown hazard; and the
# bidirectional embeddings, overrides and isolates, which make a line read differently from what it holds ("Trojan
# Source", CVE-2021-42574).
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _check_events(file: str, text: str) -> None:
    """Depth, cycles and alias expansion, on the event stream: nothing is composed or expanded yet (bounded memory).

    Each collection's size counts its values as the composer would expand them: an alias adds its anchor's size,
    and its anchor's height to the depth it is written at. An alias inside the very collection it names would make
    a value that contains itself (a route holding itself): every walk over it would recurse forever."""
    written = 0
    sizes: dict[str, int] = {}
    heights: dict[str, int] = {}  # anchor -> collections nested in one another within it (a scalar: 0)
    open_: list[list[Any]] = [[0, None, 0, ""]]  # per open collection: [expanded size so far, anchor, height so far, kind]
    for event in yaml.parse(text, Loader=_COMPOSER):
        if isinstance(event, (yaml.CollectionStartEvent, yaml.ScalarEvent)) and written >= MAX_VALUES:
            raise YamlProblem(_location(file, event), f"the file holds more than {MAX_VALUES} values: split it into smaller files (a catalog: one service per file)")
        if isinstance(event, yaml.CollectionStartEvent):
            written += 1
            open_.append([1, event.anchor, 1, "mapping" if isinstance(event, yaml.MappingStartEvent) else "list"])
            if len(open_) - 1 > MAX_DEPTH:
                raise YamlProblem(_location(file, event), f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor, height, _ = open_.pop()
            if anchor is not None:
                sizes[anchor], heights[anchor] = size, height
            open_[-1][0] += size
            open_[-1][2] = max(open_[-1][2], height + 1)
        elif isinstance(event, yaml.ScalarEvent):
            written += 1
            if event.anchor is not None:
                sizes[event.anchor], heights[event.anchor] = 1, 0
            open_[-1][0] += 1
        elif isinstance(event, yaml.AliasEvent):
            anchor = event.anchor or ""
            kind = next((entry[3] for entry in open_ if entry[1] == anchor), None)
            if kind is not None:
                raise YamlProblem(
                    _location(file, event), f"alias *{anchor} refers to the {kind} it is written in: a value cannot contain itself"
                )
            height = heights.get(anchor, 0)
            if len(open_) - 1 + height > MAX_DEPTH:
                raise YamlProblem(_location(file, event), f"alias *{anchor} nests the file deeper than {MAX_DEPTH} levels once expanded")
            open_[-1][0] += sizes.get(anchor, 1)
            open_[-1][2] = max(open_[-1][2], height + 1)
            limit = max(ALIAS_FLOOR, ALIAS_GROWTH * written)
            if sum(entry[0] for entry in open_) > limit:
                raise YamlProblem(
                    _location(file, event),
                    f"alias *{event.anchor} expands the file beyond {limit} values ({ALIAS_GROWTH}× what is written): refused",
                )


def _checked_scalar(file: str, node: yaml.Node, path: PathKey, value: Any) -> Any:
    if isinstance(value, str) and (bad := _CONTROL.search(value)):
        raise YamlProblem(_location(file, node), f"control character U+{ord(bad.group()):04X} is not allowed", path)
    if isinstance(value, float) and not math.isfinite(value):
        raise YamlProblem(_location(file, node), f"{node.value!r} is not a finite number", path)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise YamlProblem(_location(file, node), f"number {_short(str(node.value))} is too large (at most {MAX_NUMBER})", path)
    return value


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


# libyaml's parser, where PyYAML was built with it, composes a catalog about 14 times faster; same nodes and marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp", "merge")
}


def _build(file: str, node: yaml.Node, path: PathKey, marks: dict[PathKey, Location], scalar: yaml.SafeLoader) -> Any:
    marks[path] = _location(file, node)
    if node.tag not in _PLAIN_TAGS:  # no object construction, ever; nor binary, sets or ordered maps
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem(_location(file, node), f"unsupported YAML tag '{shown}'", path)
    if isinstance(node, yaml.MappingNode):
        try:
            scalar.flatten_mapping(node)
        except yaml.constructor.ConstructorError as exc:  # a merge key (<<) of the wrong shape: shown at the key
            merge = next((k for k, _ in node.value if k.tag == "tag:yaml.org,2002:merge"), node)
            raise YamlProblem(_location(file, merge), f"merge key '<<': {exc.problem}", path) from None
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(file, key_node, (*path, KEY), {}, scalar)
            if not isinstance(key, str):
                raise YamlProblem(_location(file, key_node), f"keys must be strings, got {key!r}", path)
            if key in out:
                raise YamlProblem(_location(file, key_node), f"duplicate key {key!r}", path)
            marks[(*path, key, KEY)] = _location(file, key_node)
            out[key] = _build(file, value_node, (*path, key), marks, scalar)
            if isinstance(value_node, yaml.CollectionNode) and value_node.start_mark.line != key_node.start_mark.line:
                marks[(*path, key)] = _location(file, key_node)  # a block below its key: a problem of it is the key's
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(file, item, (*path, i), marks, scalar) for i, item in enumerate(node.value)]
    try:
        value = scalar.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
        problem = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else str(exc)
        raise YamlProblem(_location(file, node), f"unsupported YAML value: {problem}", path) from None
    return _checked_scalar(file, node, path, value)


def _decode(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = _at_offset(display, data[: exc.start].decode("utf-8", errors="replace"), exc.start)
        raise YamlProblem(where, f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded; save the file as UTF-8") from None


def _compose(path: Path, display: str) -> list[yaml.Node]:
    """The file's YAML documents as nodes, after every check that must come before composing."""
    with path.open("rb") as stream:  # at most MAX_BYTES, whatever it is (a pipe, /dev/zero)
        data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlProblem(Location(display, 1, 1), f"the file holds more than {MAX_BYTES // 2**20} MiB: split it into smaller files (a catalog: one service per file)")
    text = _decode(data, display)
    if (bidi := _BIDI.search(text)) is not None:  # anywhere, comments too: what a reviewer reads must be what it holds
        raise YamlProblem(_at_offset(display, text, bidi.start()), f"bidirectional control character U+{ord(bidi.group()):04X} is not allowed: the line would read differently from what it holds")
    try:
        _check_events(display, text)
        return [node for node in yaml.compose_all(text, Loader=_COMPOSER) if node is not None]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a raw control character)
        offset = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        where = _at_offset(display, text, offset) if offset >= 0 else Location(display, 1, 1)
        raise YamlProblem(where, f"invalid YAML: character U+{int(exc.character):04X} is not allowed ({exc.reason})") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(Location(display, line, column), f"invalid YAML: {exc.problem or exc.context}") from None


def read_documents(path: Path, display: str) -> list[Document]:
    """Every service mapping in one file: a mapping per YAML document, or a list of mappings."""
    scalar = yaml.SafeLoader("")
    documents: list[Document] = []
    for node in _compose(path, display):
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            if not isinstance(item, yaml.MappingNode):
                raise YamlProblem(_location(display, item), "expected a service (a mapping with 'service:', 'team:', ...)")
            marks: dict[PathKey, Location] = {}
            data = _build(display, item, (), marks, scalar)
            documents.append(Document(display, data, marks))
    return documents


def read_mapping(path: Path, display: str) -> Document:
    """A file holding one mapping (such as a Pulumi project or stack file), with the same checks; empty: {}."""
    nodes = _compose(path, display)
    if len(nodes) > 1:
        raise YamlProblem(_location(display, nodes[1]), "expected one YAML document, found more")
    if nodes and not isinstance(nodes[0], yaml.MappingNode):
        raise YamlProblem(_location(display, nodes[0]), "expected a mapping (key: value lines)")
    marks: dict[PathKey, Location] = {}
    data = _build(display, nodes[0], (), marks, yaml.SafeLoader("")) if nodes else {}
    return Document(display, data, marks)

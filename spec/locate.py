"""Where a problem found after loading (a vendor rule, a stack's check) was written: a path of the service as one
environment sees it, placed at the line of its base or its overlay, an identity (an SLO's name, a tier's long window)
turned into the list position it was written at."""

from __future__ import annotations

from typing import Any

from .errors import SpecError, format_path
from .overlay import merged_marks, overlay_of, seen_by
from .units import Duration
from .yaml_source import Document, PathKey

IDENTITY_KEYS = ("name", "long")  # what identifies a list item: a check or SLO by name, a burn-rate tier by long window


def has_route(data: Any, severity: str) -> bool:
    """Whether the data writes a route of that severity itself."""
    routes = data.get("routes") if isinstance(data, dict) else None
    return isinstance(routes, dict) and routes.get(severity) is not None


def place(document: Document, environment: str, path: PathKey, prefix: PathKey = ()) -> SpecError:
    """The location a path of the document (as one environment sees it) was written at; `prefix` names the document
    inside its file (a team's mapping inside `teams:`)."""
    where = merged_marks(document.marks, overlay_of(document.data, environment), environment)
    path = _by_identity(seen_by(document.data, environment), path)
    for cut in range(len(path), -1, -1):
        if path[:cut] in where:
            written, location = where[path[:cut]]
            return SpecError(location, format_path(prefix + written + path[cut:]), "")
    return SpecError(None, format_path(prefix + path), "")


def _same(written: Any, identity: str) -> bool:
    """A written identity equals the canonical one ('72h' is the tier '3d')."""
    if str(written) == identity:
        return True
    try:
        return str(Duration.parse(str(written))) == identity
    except (ValueError, AttributeError):
        return False


def _by_identity(data: Any, path: PathKey) -> PathKey:
    """Turn identities in a path (("slos", "latency")) into the list positions they were written at."""
    out: list[Any] = []
    node = data
    for part in path:
        if isinstance(node, list) and isinstance(part, str):
            index = next(
                (i for i, item in enumerate(node) if isinstance(item, dict) and any(_same(item.get(k), part) for k in IDENTITY_KEYS)),
                None,
            )
            if index is None:
                return tuple(out)
            part = index
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)

"""Environment overlays: maps merge, lists replace, null removes; the result is validated afresh."""

from typing import Any

from .yaml_source import KEY, Location, PathKey


def merge(base: Any, overlay: Any) -> Any:
    if isinstance(base, dict) and isinstance(overlay, dict):
        out = dict(base)
        for key, value in overlay.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = merge(out[key], value)
            else:
                out[key] = value
        return out
    return overlay


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def merged_marks(
    marks: dict[PathKey, Location], overlay: dict[str, Any], environment: str
) -> dict[PathKey, tuple[PathKey, Location]]:
    """For each path of the merged document: the path and location it was written at."""
    prefix: PathKey = ("environments", environment)
    out: dict[PathKey, tuple[PathKey, Location]] = {
        path: (path, loc) for path, loc in marks.items() if path[:1] != ("environments",)
    }
    overlaid = {path[2:]: (path, loc) for path, loc in marks.items() if path[:2] == prefix and len(path) > 2}
    for path in overlaid:  # a replaced list or value no longer points at the base's values
        if path[-1:] == (KEY,) or isinstance(_at(overlay, path), dict):
            continue
        for stale in [p for p in out if p[: len(path)] == path and p != path]:
            del out[stale]
    out.update(overlaid)
    return out


def overlay_of(data: dict[str, Any], environment: str) -> Any:
    """The overlay a document writes for one environment (`environments.<env>`), {} when none; as written (it may
    be no mapping: its validation says so)."""
    overlays = data.get("environments")
    return (overlays.get(environment) if isinstance(overlays, dict) else None) or {}


def seen_by(data: dict[str, Any], environment: str) -> Any:
    """A document's data as one environment sees it: its overlay merged over the base, the overlays dropped."""
    return merge(data, {"environments": None, **overlay_of(data, environment)})

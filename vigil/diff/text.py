"""Showing values compactly: long strings cut around where they differ, lists as what left and what joined."""

from __future__ import annotations

import json
from typing import Any

from .model import ABSENT


def show(value: Any, width: int) -> str:
    if value is ABSENT:
        return "(absent)"
    text = value.replace("\n", "\\n") if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 1] + "…"


def _window(old: str, new: str, width: int, context: int = 30) -> tuple[str, str]:
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    cut = max(0, start - context)

    def window(text: str) -> str:
        stop = len(text) - max(0, end - context)
        middle = text[cut:stop]
        tail = "…" if stop < len(text) else ""
        if len(middle) > width:
            middle, tail = middle[: width - 1], "…"
        return (("…" if cut else "") + middle + tail).replace("\n", "\\n")

    return window(old), window(new)


def pair(old: Any, new: Any, width: int = 120) -> tuple[str, str]:
    """Both sides of a change, each at most about `width` characters, the difference kept in view."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > width:
        return _window(old, new, width)
    if isinstance(old, list) and isinstance(new, list) and len(show(old, 10**6)) + len(show(new, 10**6)) > width:
        gone = [v for v in old if v not in new]
        joined = [v for v in new if v not in old]
        if gone or joined:
            return show(gone, width) + " gone", show(joined, width) + " joined"
    return show(old, width), show(new, width)

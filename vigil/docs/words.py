"""Small formatting helpers for generated Markdown: durations in words, Markdown cells, routes, slugs."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Optional

from spec.routes import Route

DASH = "—"


def duration_words(seconds: float) -> str:
    """A span as people say it: 2592.0 -> '43m 12s', 86400 -> '1d'. Rounded to the second."""
    total = round(seconds)
    if total <= 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts)


def number(value: float) -> str:
    """Shortest exact decimal with at most 4 places: 14.4 -> '14.4', 1.0 -> '1'."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", "<br>")


def code(text: str) -> str:
    """Inline code that survives backticks inside the text."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def route_words(route: Optional[Route], backends: Optional[Collection[str]] = None) -> str:
    """Who a route reaches: Datadog handles, then SNS subscriptions (secret endpoints by their config key), then Sentry
    targets — only those of the `backends` that monitor the service (a service's own `backends`; None: all)."""
    if route is None:
        return "nobody (route not defined)"
    uses = (lambda backend: True) if backends is None else (lambda backend: backend in backends)
    targets = [code(h) for h in route.datadog] if uses("datadog") else []
    for sub in route.sns if uses("aws") else []:
        where = sub.endpoint if sub.endpoint is not None else f"secret config {code('monitoring:' + str(sub.endpoint_secret))}"
        targets.append(f"SNS {sub.protocol} {where}")
    targets += [f"Sentry {code(t.identity)}" for t in route.sentry] if uses("sentry") else []
    return ", ".join(targets) or "nobody"


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to '-'."""
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(markdown: str) -> set[str]:
    """Every anchor a Markdown document offers: heading slugs (with GitHub's -1, -2 for repeats) and explicit ids."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            slug = github_slug(match.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
        found.update(re.findall(r"<a (?:id|name)=\"([^\"]+)\"", line))
    return found

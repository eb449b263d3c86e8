"""A diff as text (terminals), Markdown (pull-request comments) or JSON (machines): summary first, details after."""

from __future__ import annotations

import json
from typing import Any

from ..render.escape import code, markdown, printable
from .facets import describe_type
from .model import Diff, FieldChange
from .summary import SECTIONS, Summary, summarise
from .text import pair

MAX_VALUE = 120


def _pair(old: Any, new: Any) -> tuple[str, str]:
    return pair(old, new, MAX_VALUE)


def _headline(diff: Diff) -> str:
    counts = diff.counts()
    if not diff.has_changes:
        return "No monitoring changes."
    parts = [f"{n} {kind}" for kind, n in counts.items() if n]
    return f"{len(diff.changes)} resource change(s): {', '.join(parts)}."


def _field_line(change: FieldChange, replaces: tuple[str, ...]) -> str:
    mark = "  [forces replacement]" if change.path in replaces else ""
    old, new = _pair(change.old, change.new)
    return f"{change.path}: {old} → {new}{mark}"


def render_text(diff: Diff, summary: Summary | None = None) -> str:
    summary = summary or summarise(diff)
    lines = [f"Monitoring changes · stack {diff.stack} · {diff.base_label} → {diff.head_label}", _headline(diff), ""]
    if summary.danger:
        lines.append("!! DANGER")
        lines += [f"  !! {d.message}" for d in summary.danger]
        lines.append("")
    for section in SECTIONS:
        if summary.sections[section]:
            lines.append(f"== {section}")
            lines += [f"  {line}" for line in summary.sections[section]]
            lines.append("")
    if summary.hints:
        lines.append("== Hints")
        lines += [f"  {hint}" for hint in summary.hints]
        lines.append("")
    if diff.changes:
        lines.append("== Resources")
        for change in diff.changes:
            renamed = f" (was {change.old_name})" if change.old_name else ""
            lines.append(f"  {change.kind:<8} {describe_type(change.type)} {change.name}{renamed}")
            lines += [f"             {_field_line(c, change.replaces)}" for c in change.fields]
        lines.append("")
    return "\n".join(printable(line) for line in lines)  # names and values may hold terminal escapes


def _cell(text: str) -> str:
    """A value as a table cell's code span: no Markdown, no pipe ending the cell, no GitHub @-mention."""
    return markdown(code(text), table=True) if text else ""


def _bounded(lines: list[str], budget: int, unit: str) -> tuple[list[str], int]:
    """As many lines as fit in `budget` characters; the rest counted, not shown."""
    kept: list[str] = []
    used = 0
    note = 80 + len(unit)  # room always left for the "… and N more" line
    for index, line in enumerate(lines):
        if used + len(line) + 1 > budget - note:
            rest = f"- … and {len(lines) - index} more {unit} (run `vigil diff` locally for all)"
            return [*kept, rest], used + len(rest) + 1
        kept.append(line)
        used += len(line) + 1
    return kept, used


def render_markdown(diff: Diff, summary: Summary | None = None, max_length: int | None = None) -> str:
    """Markdown for a PR comment; `max_length` (characters) keeps it under a comment's size limit by leaving
    out what does not fit: field-level rows first, then summary lines; danger lines only when they alone overflow."""
    summary = summary or summarise(diff)
    labels = markdown(f"stack {code(diff.stack)} · {code(diff.base_label)} → {code(diff.head_label)}")
    head = [f"### Monitoring changes · {labels}", "", _headline(diff), ""]
    budget = (max_length or 10**12) - sum(len(line) + 1 for line in head) - 300  # 300: the final note
    if summary.danger:
        shown, used = _bounded([f"- **{d.kind}**: {markdown(d.message)}" for d in summary.danger], budget - 30, "dangers")
        head += ["#### ⚠️ Danger", "", *shown, ""]
        budget -= used + 30
    left_out: list[str] = []
    body: list[str] = []
    groups = [(section, summary.sections[section]) for section in SECTIONS] + [("Hints", summary.hints)]
    for section, entries in groups:
        if not entries:
            continue
        overhead = len(section) + 8
        if budget < overhead + 200:
            left_out.append(section)
            continue
        shown, used = _bounded([f"- {markdown(line)}" for line in entries], budget - overhead, "lines")
        body += [f"#### {section}", "", *shown, ""]
        budget -= used + overhead
    if diff.changes:
        rows = []
        for change in diff.changes:
            name = code(change.name) + (f" (was {code(change.old_name)})" if change.old_name else "")
            label = f"{change.kind} | {markdown(f'{describe_type(change.type)} {name}', table=True)}"
            if not change.fields:
                rows.append(f"| {label} | | | |")
            for c in change.fields:
                mark = " ⚠️ replaces" if c.path in change.replaces else ""
                old, new = _pair(c.old, c.new)
                rows.append(f"| {label} | {_cell(c.path)}{mark} | {_cell(old)} | {_cell(new)} |")
        table_head = [
            f"<details><summary>Field-level changes ({len(diff.changes)} resources)</summary>",
            "",
            "| change | resource | field | old | new |",
            "| --- | --- | --- | --- | --- |",
        ]
        overhead = sum(len(line) + 1 for line in table_head) + 20
        if budget < overhead + 200:
            left_out.append("field-level changes")
        else:
            shown, _ = _bounded(rows, budget - overhead, "field changes")
            if shown and shown[-1].startswith("- … and"):
                shown = [*shown[:-1], "", shown[-1][2:]]
            body += [*table_head, *shown, "", "</details>", ""]
    if left_out:
        body += [f"_Left out to fit: {', '.join(left_out)} — run `vigil diff` locally for all._", ""]
    return "\n".join(head + body)


def render_json(diff: Diff, summary: Summary | None = None) -> str:
    summary = summary or summarise(diff)
    document = {
        "stack": diff.stack,
        "base": diff.base_label,
        "head": diff.head_label,
        "counts": diff.counts(),
        "summary": summary.to_dict(),
        "changes": [c.to_dict() for c in diff.changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}

"""A diff as text (terminals), Markdown (pull-request comments) or JSON (machines): summary first, details after."""

from __future__ import annotations

import json
from typing import Any

from .facets import HANDLE, describe_type
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
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A table cell as a code span: no Markdown, and no GitHub @-mention of a Datadog handle."""
    if not text:
        return ""
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _unmention(line: str) -> str:
    """Datadog handles in code spans, so a PR comment never notifies a GitHub user named like one."""
    parts = line.split("`")
    for i in range(0, len(parts), 2):  # outside code spans only
        parts[i] = HANDLE.sub(lambda m: f"`{m.group(0)}`", parts[i])
    return "`".join(parts)


def render_markdown(diff: Diff, summary: Summary | None = None) -> str:
    summary = summary or summarise(diff)
    lines = [f"### Monitoring changes · stack `{diff.stack}` · `{diff.base_label}` → `{diff.head_label}`", "", _headline(diff), ""]
    if summary.danger:
        lines += ["#### ⚠️ Danger", ""]
        lines += [f"- **{d.kind}**: {_unmention(d.message)}" for d in summary.danger]
        lines.append("")
    for section in SECTIONS:
        if summary.sections[section]:
            lines += [f"#### {section}", ""]
            lines += [f"- {_unmention(line)}" for line in summary.sections[section]]
            lines.append("")
    if summary.hints:
        lines += ["#### Hints", ""]
        lines += [f"- {_unmention(hint)}" for hint in summary.hints]
        lines.append("")
    if diff.changes:
        lines += [
            f"<details><summary>Field-level changes ({len(diff.changes)} resources)</summary>",
            "",
            "| change | resource | field | old | new |",
            "| --- | --- | --- | --- | --- |",
        ]
        for change in diff.changes:
            name = f"`{change.name}`" + (f" (was `{change.old_name}`)" if change.old_name else "")
            label = f"{change.kind} | {describe_type(change.type)} {name}"
            if not change.fields:
                lines.append(f"| {label} | | | |")
            for c in change.fields:
                mark = " ⚠️ replaces" if c.path in change.replaces else ""
                old, new = _pair(c.old, c.new)
                lines.append(f"| {label} | `{c.path}`{mark} | {_cell(old)} | {_cell(new)} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


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

"""The plan as Markdown, for pull requests and docs."""

from __future__ import annotations

from vigil.engine import Plan

from .summary import short_type, summarise
from .table import groups


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(plan: Plan) -> str:
    count = sum(r.custom for r in plan.resources)
    lines = [f"## Monitoring plan · stack `{plan.stack}`", "", f"{count} resources.", ""]
    for heading, resources in groups(plan):
        lines += [f"### {heading}", "", "| type | name | what it does |", "| --- | --- | --- |"]
        for resource in resources:
            detail = "<br>".join(_cell(d) for d in summarise(resource))
            lines.append(f"| {short_type(resource.type)} | `{resource.name}` | {detail} |")
        lines.append("")
    return "\n".join(lines)

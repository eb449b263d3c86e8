"""The plan as Markdown, for pull requests and docs."""

from __future__ import annotations

from vigil.engine import Plan

from .escape import code, markdown
from .summary import short_type, summarise
from .table import groups


def render_markdown(plan: Plan) -> str:
    """Names as code, the rest escaped (vigil.render.escape): a spec's text never becomes markup or a mention."""
    count = sum(r.custom for r in plan.resources)
    lines = [f"## Monitoring plan · stack {code(plan.stack)}", "", f"{count} resources.", ""]
    for heading, resources in groups(plan):
        lines += [f"### {markdown(heading)}", "", "| type | name | what it does |", "| --- | --- | --- |"]
        for resource in resources:
            detail = "<br>".join(markdown(d, table=True) for d in summarise(resource))
            lines.append(f"| {markdown(short_type(resource.type), table=True)} | {markdown(code(resource.name), table=True)} | {detail} |")
        lines.append("")
    return "\n".join(lines)

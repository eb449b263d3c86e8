"""The plan for people: grouped by service, showing queries, thresholds and routes."""

from __future__ import annotations

from vigil.engine import Plan, PlannedResource

from .escape import printable
from .summary import short_type, summarise


def _options(resource: PlannedResource) -> str:
    flags = [k for k in ("protect", "retainOnDelete", "deleteBeforeReplace") if resource.options.get(k)]
    return f"  [{', '.join(flags)}]" if flags else ""


def groups(plan: Plan) -> list[tuple[str, list[PlannedResource]]]:
    """(heading, resources): shared resources (providers, team-wide ones) first, then one group per service."""
    by_service: dict[str, list[PlannedResource]] = {}
    for resource in plan.resources:
        if resource.custom:
            by_service.setdefault(plan.service_of(resource) or "", []).append(resource)
    out = [("shared", by_service.pop(""))] if "" in by_service else []
    return out + sorted(by_service.items())


def render_table(plan: Plan) -> str:
    lines = [f"Plan for stack '{plan.stack}' of project '{plan.project}': {sum(r.custom for r in plan.resources)} resources", ""]
    for heading, resources in groups(plan):
        lines.append(f"== {heading} ({len(resources)})")
        width = max((len(short_type(r.type)) for r in resources), default=0)
        for resource in resources:
            lines.append(f"  {short_type(resource.type):<{width}}  {resource.name}{_options(resource)}")
            for detail in summarise(resource):
                lines.append(f"  {'':<{width}}    {detail}")
        lines.append("")
    return "\n".join(printable(line) for line in lines)  # a terminal gets no control character of a value

"""The plan for people: grouped by service, showing queries, thresholds and routes."""

from __future__ import annotations

from vigil.engine import Plan, PlannedResource

from .summary import short_type, summarise


def _options(resource: PlannedResource) -> str:
    flags = [k for k in ("protect", "retainOnDelete", "deleteBeforeReplace") if resource.options.get(k)]
    return f"  [{', '.join(flags)}]" if flags else ""


def groups(plan: Plan) -> list[tuple[str, list[PlannedResource]]]:
    """(heading, resources): shared resources (providers, team-wide ones) first, then one group per service."""
    components = sorted(r.name for r in plan.resources if not r.custom and r.parent is None)
    parent_of = {r.name: r.parent for r in plan.resources}

    def root(resource: PlannedResource) -> str:
        name = resource.name
        while parent_of.get(name) is not None:
            name = parent_of[name]  # type: ignore[assignment]
        return name if name in components else ""

    out: list[tuple[str, list[PlannedResource]]] = []
    shared = [r for r in plan.resources if r.custom and root(r) == ""]
    if shared:
        out.append(("shared", shared))
    for component in components:
        members = [r for r in plan.resources if r.custom and root(r) == component]
        out.append((component, members))
    return out


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
    return "\n".join(lines)

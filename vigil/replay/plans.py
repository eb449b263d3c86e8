"""Reading a plan as the replay needs it: its resources (from a Plan, the test kit's PlanView or `vigil plan
--format json`), the references between them, and the inputs each evaluator understands."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Optional, Protocol, Union

from ..engine import Plan, PlannedResource
from ..routing import topic_of
from .errors import ReplayError


class Viewed(Protocol):
    """The test kit's PlanView (the test kit builds on the replay, so the replay does not import it)."""

    @property
    def plan(self) -> Plan: ...


PlanLike = Union[Plan, Viewed, Mapping[str, Any]]


def resources_of(plan: PlanLike) -> tuple[PlannedResource, ...]:
    """The planned resources of a Plan, a PlanView, or a plan document as `vigil plan --format json` prints it."""
    if isinstance(plan, Plan):
        return plan.resources
    if not isinstance(plan, Mapping):
        return plan.plan.resources
    try:
        return tuple(
            PlannedResource(
                type=str(r["type"]),
                name=str(r["name"]),
                parent=r.get("parent"),
                inputs=dict(r.get("inputs") or {}),
                options=dict(r.get("options") or {}),
                custom=True,
            )
            for r in plan["resources"]
        )
    except (KeyError, TypeError) as exc:
        raise ReplayError(f"not a plan document (expected {{'resources': [{{type, name, inputs, options}}...]}}): {exc}") from None


def referenced(value: object) -> Optional[str]:
    """The resource a plan placeholder such as `${api-availability-slo.id}` names, or None for anything else."""
    return topic_of(value) if isinstance(value, str) else None


def region_of(resource: PlannedResource) -> str:
    """Which provider (and so region) registers it: alarm names are unique per region, not globally."""
    return str(resource.options.get("provider") or "")


def check_inputs(resource: PlannedResource, understood: Iterable[str], where: Mapping[str, Any] | None = None, path: str = "") -> None:
    """Every input the resource sets must be one the evaluator understands (or knows to be irrelevant to when it
    notifies): an unknown option is an error, never a silent pass. `None` values and empty lists count as unset."""
    values = resource.inputs if where is None else where
    known = set(understood)
    unknown = sorted(k for k, v in values.items() if k not in known and v not in (None, [], {}))
    if unknown:
        raise ReplayError(f"the replay does not understand {', '.join(path + k for k in unknown)}", resource.name)


def number(resource: PlannedResource, value: object, what: str) -> float:
    """A numeric input (thresholds arrive as strings from the Datadog SDK)."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            pass
    raise ReplayError(f"{what} must be a number, got {value!r}", resource.name)

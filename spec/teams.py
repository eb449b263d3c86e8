"""Teams, declared once: their routes, escalation and tags, which the services of the team inherit.

A catalog declares teams in documents of the form `teams: {<team>: {routes, escalation, tags, environments}}`,
by convention in `teams.yaml` at the catalog's root. A service names its team (`team: platform`) and inherits its
routes — the service's own `routes` override them per severity — and its tags (the service's own win per key).
Once a catalog declares any team, every service must name a declared one.
"""

from typing import Optional

from pydantic import Field, field_validator

from .base import Overlaid, SpecModel
from .errors import ErrorAt
from .grammar import RESERVED_TAG_KEYS, Name, TagKey, TagValue
from .routes import Routes
from .units import Duration

TEAM_FILE_NAMES = ("teams.yaml", "teams.yml")


class EscalationStep(SpecModel):
    """Who is reached when a page stays unacknowledged. The paging tool escalates; vigil documents its policy."""

    notify: str = Field(min_length=1, max_length=200, description="Who is reached, in words, e.g. 'secondary on-call (PagerDuty)'")
    after: Optional[Duration] = Field(
        default=None, description="How long the page stays unacknowledged before this step; none for the first step"
    )


class Team(SpecModel):
    """A team as one environment sees it."""

    description: Optional[str] = None
    routes: Routes = Field(default_factory=Routes, description="Routes every service of the team inherits (a service's own override per severity)")
    escalation: list[EscalationStep] = Field(default_factory=list, description="Escalation policy, in order; shown on the on-call page")
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, description="Tags every service of the team carries (its own win per key)")

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: dict[str, str]) -> dict[str, str]:
        reserved = sorted(RESERVED_TAG_KEYS & set(tags))
        if reserved:
            raise ValueError(f"tag keys {', '.join(reserved)} are set by the tool; remove them")
        return dict(sorted(tags.items()))

    @field_validator("escalation")
    @classmethod
    def _escalation(cls, steps: list[EscalationStep]) -> list[EscalationStep]:
        for number, step in enumerate(steps):
            if number == 0:
                continue
            if step.after is None:
                raise ErrorAt((number,), f"step {number + 1} ({step.notify!r}) needs 'after': how long the page stays unacknowledged first")
            earlier = steps[number - 1].after
            if earlier is not None and not earlier < step.after:
                raise ErrorAt((number, "after"), f"step {number + 1} comes after {step.after}, which is not later than step {number}'s {earlier}")
        return steps


class TeamFile(Team, Overlaid):
    """A team as written in a teams file: the base, plus per-environment overlays merged over it."""


class TeamsDocument(SpecModel):
    """A teams file's document: `teams: {<team>: {...}}`."""

    teams: dict[Name, TeamFile] = Field(min_length=1, description="Teams by name (the name services give in `team:`)")

"""The base of every spec model: unknown keys are errors, values are immutable once validated; and the
per-environment overlays a service or a team is written with."""

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import ErrorAt
from .grammar import NAME_PATTERN, PATTERN_HELP
from .yaml_source import KEY


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")


class Overlaid(SpecModel):
    """As written in a catalog file: the base, plus per-environment overlays merged over it (spec/overlay.py)."""

    environments: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-environment overlays, merged over the base (maps merge, lists replace, null removes)",
    )

    @field_validator("environments")
    @classmethod
    def _env_names(cls, envs: dict[str, Any]) -> dict[str, Any]:
        for name in envs:
            if not re.fullmatch(NAME_PATTERN, name):
                raise ErrorAt((name, KEY), f"environment name {name!r}: expected {PATTERN_HELP[NAME_PATTERN]}")
        return envs

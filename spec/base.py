"""The base of every spec model: unknown keys are errors, values are immutable once validated."""

from pydantic import BaseModel, ConfigDict


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")

"""Dashboards: one per service and backend, with the sections a reviewer expects."""

from typing import Literal

from pydantic import Field, field_validator

from .base import SpecModel

Section = Literal[
    "slos", "latency", "errors", "throughput", "resources", "database", "cache", "queues", "functions", "gateway", "tables", "custom",
    "health", "alerts",
]
SECTIONS: tuple[Section, ...] = (
    "slos", "latency", "errors", "throughput", "resources", "database", "cache", "queues", "functions", "gateway", "tables", "custom",
    "health", "alerts",
)


class Dashboards(SpecModel):
    enabled: bool = True
    sections: list[Section] = Field(default_factory=lambda: list(SECTIONS), min_length=1)

    @field_validator("sections")
    @classmethod
    def _unique(cls, sections: list[Section]) -> list[Section]:
        if len(set(sections)) != len(sections):
            raise ValueError("sections repeat")
        return sections

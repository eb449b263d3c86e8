"""Dashboards: one per service and backend, with the sections a reviewer expects. They draw the signals the service
alerts on, and those `graphs` asks for without an alert: nothing else (a graph nobody asked for is noise)."""

import difflib
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from .alerts import Alerts
from .base import SpecModel

Section = Literal[
    "slos", "latency", "errors", "throughput", "resources", "database", "cache", "queues", "functions", "gateway", "tables", "custom",
    "health", "alerts",
]
SECTIONS: tuple[Section, ...] = (
    "slos", "latency", "errors", "throughput", "resources", "database", "cache", "queues", "functions", "gateway", "tables", "custom",
    "health", "alerts",
)


def _signal_name(name: str) -> str:
    if name not in Alerts.names():
        close = difflib.get_close_matches(name, Alerts.names(), n=1)
        hint = f" did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"'{name}' is no signal;{hint} signals: {', '.join(Alerts.names())}")
    return name


SignalName = Annotated[str, AfterValidator(_signal_name)]


class Dashboards(SpecModel):
    enabled: bool = True
    sections: list[Section] = Field(default_factory=lambda: list(SECTIONS), min_length=1)
    graphs: list[SignalName] = Field(
        default_factory=list,
        description="Signals to graph though nothing alerts on them, by name (e.g. [cpu, memory]); a signal with an alert is graphed already",
        json_schema_extra={"items": {"type": "string", "enum": list(Alerts.names())}},
    )

    @field_validator("sections")
    @classmethod
    def _unique(cls, sections: list[Section]) -> list[Section]:
        if len(set(sections)) != len(sections):
            raise ValueError("sections repeat")
        return sections

    @field_validator("graphs")
    @classmethod
    def _once(cls, graphs: list[str]) -> list[str]:
        if len(set(graphs)) != len(graphs):
            raise ValueError("graphs repeat")
        return graphs

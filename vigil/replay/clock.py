"""When the vendors evaluate: CloudWatch alarms and most Datadog monitors every minute, on the minute grid that
starts at the replay's origin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ReplayError

MINUTE = 60


@dataclass(frozen=True)
class Clock:
    """The replay's span: evaluations at `start + k × every` for every k ≥ 1 up to `end`."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ReplayError(f"the replay ends ({self.end}) before it starts ({self.start})")

    def ticks(self, every: int = MINUTE) -> range:
        return range(self.start + every, self.end + 1, every)


def states_on(initial: str, changes: Sequence[tuple[int, str]], ticks: range) -> list[str]:
    """A timeline's state at each tick (its changes in time order): the state after every change at or before it."""
    out: list[str] = []
    state = initial
    for at, new in changes:
        before = min(len(ticks), max(0, -((ticks.start - at) // ticks.step)))  # ticks earlier than the change
        if before > len(out):
            out += [state] * (before - len(out))
        state = new
    out += [state] * (len(ticks) - len(out))
    return out

"""The result of a replay for one alert resource: its states over time and the moments it notified someone."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal, Optional

Backend = Literal["aws", "datadog"]
# What a notification says, in both vendors' terms:
#   alert      CloudWatch ALARM, Datadog Alert (a monitor's critical threshold; a synthetic test failing)
#   warning    Datadog Warn
#   recovery   back to OK from alert or warning
#   ok         CloudWatch OK from INSUFFICIENT_DATA (a new alarm's first OK runs its OK actions)
#   no_data    Datadog No Data (notify_no_data)
#   insufficient_data  CloudWatch INSUFFICIENT_DATA (its insufficient-data actions)
Level = Literal["alert", "warning", "recovery", "ok", "no_data", "insufficient_data"]
LEVELS: tuple[Level, ...] = ("alert", "warning", "recovery", "ok", "no_data", "insufficient_data")

# States as the vendors name them.
ALARM, OK, INSUFFICIENT_DATA = "ALARM", "OK", "INSUFFICIENT_DATA"
DD_OK, DD_WARN, DD_ALERT, DD_NO_DATA = "OK", "Warn", "Alert", "No Data"


@dataclass(frozen=True)
class Notification:
    """Someone was told: at `at` (seconds), that the resource entered `state` (`level`), through `targets` —
    SNS topics (logical names) for an alarm, `@handles` rendered for that state for a Datadog monitor."""

    at: int
    level: Level
    state: str
    targets: tuple[str, ...]
    renotify: bool = False


@dataclass
class Timeline:
    """One alert resource over a replay: the state it starts in, each change of state, and each notification."""

    resource: str
    type: str
    backend: Backend
    initial: str
    changes: list[tuple[int, str]] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)

    def enter(self, at: int, state: str) -> bool:
        """Record a change of state at `at` (changes come in time order); False when it is already in `state`."""
        if self.current == state:
            return False
        self.changes.append((at, state))
        return True

    @property
    def current(self) -> str:
        """The state after the last change."""
        return self.changes[-1][1] if self.changes else self.initial

    def state_at(self, t: int) -> str:
        """The state at instant t (a change at t counts)."""
        index = bisect.bisect_right([at for at, _ in self.changes], t)
        return self.changes[index - 1][1] if index else self.initial

    def entered(self, state: str) -> list[int]:
        """Every moment it entered `state`."""
        return [at for at, s in self.changes if s == state]

    def notified(self, level: Optional[Level] = None) -> list[Notification]:
        """Its notifications, or those at one level."""
        return [n for n in self.notifications if level is None or n.level == level]

    def first(self, level: Level = "alert") -> Optional[int]:
        """When it first notified at `level`, or None if it never did."""
        found = self.notified(level)
        return found[0].at if found else None

    def fired(self, level: Level = "alert") -> bool:
        return self.first(level) is not None

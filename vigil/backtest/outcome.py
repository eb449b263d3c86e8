"""What an alert did over the back-test's window, per level: from the replay's timelines, as the replay judges firings.

A notification is a firing as the replay counts one (`vigil.replay.expect.alert_firings`: a resource telling the
route, a renotification being a reminder); minutes in alert are those its notifying resources spent in a state
that tells the route (ALARM or Alert for its alert level, Warn for the warning, No Data where it notifies).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from ..replay import ALARM, DD_ALERT, DD_NO_DATA, DD_WARN, Timeline
from ..replay.alerts import AlertPart
from ..replay.expect import alert_firings
from .reads import LEVEL_OF
from .requests import DAY, Window


@dataclass(frozen=True)
class LevelOutcome:
    route: str  # page or ticket
    notifications: tuple[int, ...]  # epoch seconds of each firing (reminders not counted)
    reminders: int
    episodes: tuple[tuple[int, int], ...]  # [start, end) in alert at this level, within the window
    silent: bool = False  # a roll-up that tells nobody itself (service_unhealthy): no notification, ever
    entered: tuple[int, ...] = ()  # a silent roll-up's entries into ALARM (what a rollback or status page sees)

    @property
    def level(self) -> str:
        return LEVEL_OF[self.route]

    @property
    def minutes_in_alert(self) -> float:
        return sum(end - start for start, end in self.episodes) / 60

    @property
    def longest_minutes(self) -> float:
        return max((end - start for start, end in self.episodes), default=0) / 60

    def changes_per_day(self, window: Window) -> float:
        changes = sum((start > window.start) + (end < window.end) for start, end in self.episodes)
        return round(changes / (window.days or 1), 3)

    @property
    def first(self) -> Optional[int]:
        return self.notifications[0] if self.notifications else None

    @property
    def last(self) -> Optional[int]:
        return self.notifications[-1] if self.notifications else None


def _alerting(part: AlertPart, route: str) -> set[str]:
    if part.by_state is not None:
        return {ALARM, DD_ALERT} if part.by_state == route else set()
    states: set[str] = set()
    if part.routes.get("alert") == route:
        states |= {ALARM, DD_ALERT}
    if part.routes.get("warning") == route:
        states.add(DD_WARN)
    if part.routes.get("no_data") == route:
        states.add(DD_NO_DATA)
    return states


def _intervals(timeline: Timeline, states: set[str], window: Window) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    since: Optional[int] = window.start if timeline.initial in states else None
    for at, state in timeline.changes:
        if state in states and since is None:
            since = at
        elif state not in states and since is not None:
            out.append((since, at))
            since = None
    if since is not None:
        out.append((since, window.end))
    return [(max(a, window.start), min(b, window.end)) for a, b in out if b > window.start and a < window.end and min(b, window.end) > max(a, window.start)]


def _union(intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def level_outcome(parts: Sequence[AlertPart], timelines: Mapping[str, Timeline], route: str, window: Window) -> LevelOutcome:
    inside = [p for p in parts if p.resource in timelines]
    firings = [f.at for f in alert_firings(inside, timelines) if f.route == route and window.start < f.at <= window.end]
    reminders = 0
    intervals: list[tuple[int, int]] = []
    for part in inside:
        timeline = timelines[part.resource]
        told = [n for n in timeline.notifications if part.routes.get(n.level) == route]
        reminders += sum(1 for n in told if n.renotify and window.start < n.at <= window.end)
        if told or part.by_state == route:  # a part that tells this route (a silent tier is heard through its composite)
            intervals += _intervals(timeline, _alerting(part, route), window)
    if inside and all(p.by_state is not None for p in inside):  # the replay's "fires" of a roll-up notifies no one
        return LevelOutcome(route, (), 0, tuple(_union(intervals)), silent=True, entered=tuple(sorted(firings)))
    return LevelOutcome(route, tuple(sorted(firings)), reminders, tuple(_union(intervals)))


__all__ = ["DAY", "LevelOutcome", "level_outcome"]

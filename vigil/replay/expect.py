"""Judging expectations: when each alert fired, at which route, on each backend, from the replay's timelines.

An alert fires at a route when one of its resources notifies that route (its first notification of a state: a
renotification is a reminder, not a new firing) — or, for the roll-up that notifies nobody itself, when it enters
ALARM. `fires: critical` and `page` ask for the page route; `warning` and `ticket` for the ticket route; `any` for
either; `never` for neither, over the whole scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from spec.routes import Severity

from .alerts import ROUTE_OF, AlertPart
from .scenario import Fires
from .timeline import ALARM, DD_ALERT, Backend, Timeline


@dataclass(frozen=True)
class Firing:
    """An alert told its route something at `at` (seconds): `how` is the state it entered, in its vendor's words
    (ALARM; Alert, Warn, No Data)."""

    at: int
    route: Severity
    how: str
    resource: str


def firings(part: AlertPart, timeline: Timeline) -> list[Firing]:
    """Every time the part fired, in time order."""
    if part.by_state is not None:
        return [Firing(t, part.by_state, state, part.resource) for state in (ALARM, DD_ALERT) for t in timeline.entered(state)]
    out = []
    for notification in timeline.notifications:
        route = part.routes.get(notification.level)
        if route is not None and not notification.renotify:
            out.append(Firing(notification.at, route, notification.state, part.resource))
    return out


def alert_firings(parts: Sequence[AlertPart], timelines: Mapping[str, Timeline]) -> list[Firing]:
    return sorted((f for part in parts for f in firings(part, timelines[part.resource])), key=lambda f: (f.at, f.route, f.resource))


def clock(seconds: Optional[int]) -> str:
    """A time from the start, as scenarios write them: `75m`, `2h 5m`, `1d 2h`, `122m 1s`... ; `never` for None."""
    if seconds is None:
        return "never"
    minutes, rest = divmod(int(seconds), 60)
    if minutes < 120:
        text = f"{minutes}m" if minutes or not rest else ""
        return f"{text} {rest}s".strip() if rest else text
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        text = f"{hours}h" + (f" {minutes}m" if minutes else "")
    else:
        days, hours = divmod(hours, 24)
        text = f"{days}d" + (f" {hours}h" if hours else "") + (f" {minutes}m" if minutes else "")
    return text + (f" {rest}s" if rest else "")


def fired_words(found: Sequence[Firing]) -> str:
    """`page at 62m (alert), ticket at 61m (warning)`: the first firing at each route; `never` when none."""
    if not found:
        return "never"
    first: dict[Severity, Firing] = {}
    for firing in found:
        first.setdefault(firing.route, firing)
    return ", ".join(f"{f.route} at {clock(f.at)} ({f.how})" for f in sorted(first.values(), key=lambda f: f.at))


@dataclass(frozen=True)
class Outcome:
    """One expectation on one backend: held or not, and what happened."""

    scenario: str
    alert: str
    backend: Backend
    expected: str  # `critical by 75m`, `never`
    got: str  # `page at 62m (alert)`, `never`
    passed: bool
    first: Optional[int]  # when it first fired as expected (None: it did not)
    firings: tuple[Firing, ...]

    def line(self) -> str:
        """One line: scenario, alert, backend, expected, got."""
        mark = "ok  " if self.passed else "FAIL"
        return f"{mark} {self.scenario}: {self.alert} on {self.backend}: expected {self.expected}, got {self.got}"


def judge(
    scenario: str, alert: str, backend: Backend, *, fires: Fires, by: Optional[int], expected: str, found: Sequence[Firing], times: Optional[int] = None
) -> Outcome:
    """Whether `found` meets `fires` (by `by`; exactly `times` firings at that level over the scenario, when given)."""
    if fires == "never":
        return Outcome(scenario, alert, backend, expected, fired_words(found), not found, None, tuple(found))
    route = ROUTE_OF[fires]
    matching = [f for f in found if route is None or f.route == route]
    first = matching[0].at if matching else None
    passed = first is not None and (by is None or first <= by)
    got = fired_words(found)
    if times is not None:  # exactly so many at that level; 0: never at that level, whatever the other levels do
        passed = len(matching) == times and (times == 0 or passed)
        got += f"; {len(matching)} firing(s)" + (": " + ", ".join(f"{clock(f.at)} ({f.resource})" for f in matching) if len(matching) > 1 else "")
    return Outcome(scenario, alert, backend, expected, got, passed, first, tuple(found))

"""Who a Datadog monitor tells, and when (monitors/notify, api/latest/monitors).

A monitor notifies on each change of state: Alert, Warn, No Data (only with `notify_no_data`), and OK after any
of them (a recovery). The `@handles` told are those its message renders for that state ({{#is_alert}} blocks and
the like, vigil.routing). With `renotify_interval` (minutes), it notifies again while it stays in a state of
`renotify_statuses` (default: Alert and No Data) that long after its last notification.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from ...engine import PlannedResource
from ...routing import handles, message_for
from ..errors import ReplayError
from ..plans import number
from ..timeline import DD_ALERT, DD_NO_DATA, DD_OK, DD_WARN, Level, Notification, Timeline

LEVEL_OF: dict[str, Level] = {DD_ALERT: "alert", DD_WARN: "warning", DD_NO_DATA: "no_data", DD_OK: "recovery"}
_STATUSES = {"alert": DD_ALERT, "warn": DD_WARN, "no data": DD_NO_DATA}


@dataclass(frozen=True)
class Notifier:
    message: str
    renotify_every: int  # seconds; 0: never
    renotify_states: frozenset[str]

    def change(self, timeline: Timeline, t: int, old: str, new: str) -> None:
        """Record entering `new` at t, and its notification."""
        timeline.enter(t, new)
        if new == DD_OK and old == DD_OK:
            return
        self._tell(timeline, t, new, renotify=False)

    def tick(self, timeline: Timeline, t: int, state: str) -> None:
        """Re-notify when the state has lasted `renotify_interval` since the last notification."""
        if not self.renotify_every or state not in self.renotify_states or not timeline.notifications:
            return
        if t - timeline.notifications[-1].at >= self.renotify_every:
            self._tell(timeline, t, state, renotify=True)

    def _tell(self, timeline: Timeline, t: int, state: str, renotify: bool) -> None:
        level = LEVEL_OF[state]
        targets = tuple(handles(message_for(self.message, level)))
        if targets:
            timeline.notifications.append(Notification(t, level, state, targets, renotify))


def notifier(resource: PlannedResource, message: object, options: Mapping[str, Any]) -> Notifier:
    """From a monitor's `message`, `renotifyInterval` and `renotifyStatuses` (wherever the resource keeps them)."""
    interval = options.get("renotifyInterval")
    every = int(number(resource, interval, "renotifyInterval")) * 60 if interval else 0
    statuses = options.get("renotifyStatuses")
    if statuses:
        unknown = [s for s in statuses if s not in _STATUSES]
        if unknown:
            raise ReplayError(f"renotifyStatuses {unknown} (known: {', '.join(_STATUSES)})", resource.name)
        states = frozenset(_STATUSES[s] for s in statuses)
    else:
        states = frozenset({DD_ALERT, DD_NO_DATA})
    return Notifier(str(message or ""), every, states)


def optional_seconds(resource: PlannedResource, value: object, what: str, scale: int = 1) -> Optional[int]:
    return None if value is None else int(number(resource, value, what) * scale)

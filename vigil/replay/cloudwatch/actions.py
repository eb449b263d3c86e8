"""What an alarm does on a change of state: the actions of the state it enters (SNS topics, as the plan names them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..plans import referenced
from ..timeline import ALARM, INSUFFICIENT_DATA, Level, Notification, Timeline


def action_targets(actions: object) -> tuple[str, ...]:
    """Alarm actions as the plan shows them: `${api-page-topic.arn}` → `api-page-topic`; any other ARN as written."""
    if not isinstance(actions, list):
        return ()
    return tuple(referenced(a) or str(a) for a in actions)


def notify(timeline: Timeline, actions: Mapping[str, Sequence[str]], t: int, old: str, new: str) -> None:
    """Record the notification of entering `new` from `old`, when that state has actions."""
    targets = tuple(actions.get(new, ()))
    if targets:
        level: Level = "alert" if new == ALARM else "insufficient_data" if new == INSUFFICIENT_DATA else "recovery" if old == ALARM else "ok"
        timeline.notifications.append(Notification(t, level, new, targets))

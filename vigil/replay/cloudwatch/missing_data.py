"""How a CloudWatch alarm decides its state from the datapoints of one evaluation (AlarmThatSendsEmail.html,
"Configuring how CloudWatch alarms treat missing data" and "Avoiding premature transitions to alarm state").

Each run fetches an *evaluation range* of the most recent periods, longer than `EvaluationPeriods` (N):

1. With at least N real datapoints in the range, the newest N real ones are judged (reaching back past gaps);
   the missing-data setting is not used. ALARM when at least M (`DatapointsToAlarm`) breach, else OK.
2. With fewer, the real ones are kept and the rest filled with the setting, as few as needed: `breaching` and
   `notBreaching` fill breaching or not; `missing` and `ignore` fill nothing, and then
   - no real point at all: INSUFFICIENT_DATA (`missing`) or the current state (`ignore`);
   - at least M breaching: ALARM; any real point not breaching: OK;
   - only breaching points, fewer than M: the premature-alarm rule — ALARM (`missing` only) when the oldest
     breaching point within the last N is at least M positions old and every newer point breaches or is absent;
     otherwise INSUFFICIENT_DATA (`missing`) or the current state (`ignore`).

The AWS tables (N = 3, range 5) are pinned by tests/replay/test_cloudwatch_missing_data.py. Two readings were
needed to fit every row, and docs/replay.md names them: the premature rule counts age against M (the doc's
M-of-N sentence says N, but its own `- - - X -` row alarms with M = 2, N = 3), and it yields to a real
non-breaching point in the range (`0 - X - -` stays OK with M = 2). The range is N + 2 periods: AWS documents 5 for
N = 3 and says the size depends on the period, without a general rule (an assumption, said so in the docs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from ..errors import ReplayError
from ..timeline import ALARM, INSUFFICIENT_DATA, OK

TREATMENTS = ("missing", "ignore", "breaching", "notBreaching")
Point = Optional[bool]  # True breaching, False not breaching, None missing


def evaluation_range(periods: int) -> int:
    """How many periods each evaluation fetches: N + 2 (AWS's example: 5 for N = 3)."""
    return periods + 2


def decide(points: Sequence[Point], periods: int, datapoints: int, treat: str, current: str) -> str:
    """The alarm's next state from its evaluation range (oldest first, newest last)."""
    if treat not in TREATMENTS:
        raise ReplayError(f"treatMissingData must be one of {', '.join(TREATMENTS)}, got {treat!r}")
    real = [p for p in points if p is not None]
    if len(real) >= periods:
        return ALARM if sum(real[-periods:]) >= datapoints else OK
    if not real:
        return {"missing": INSUFFICIENT_DATA, "ignore": current, "breaching": ALARM, "notBreaching": OK}[treat]
    breaches = sum(real)
    if treat == "breaching":
        return ALARM if breaches + (periods - len(real)) >= datapoints else OK
    if breaches >= datapoints:
        return ALARM
    if treat == "notBreaching" or False in real:
        return OK
    if treat == "missing" and premature(points, periods, datapoints):
        return ALARM
    return INSUFFICIENT_DATA if treat == "missing" else current


def premature(points: Sequence[Point], periods: int, datapoints: int) -> bool:
    """The oldest breaching point within the last N is at least M positions old (the newest is position 1),
    and every newer point breaches or is missing."""
    recent = list(points[-periods:])
    for index, point in enumerate(recent):
        if point is True:
            age = len(recent) - index
            return age >= datapoints and all(p is not False for p in recent[index + 1 :])
    return False

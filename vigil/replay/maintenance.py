"""Maintenance windows in the replay: the plan's Datadog downtime schedules and CloudWatch alarm mute rules, active at
the wall-clock times a scenario's `start` gives its steps, silence the notifications of what they mute — never the
evaluation: monitors and alarms keep changing state.

- **Datadog** ([Downtimes API][dt]): a downtime mutes the monitors and synthetic tests whose tags include all of its
  `monitor_identifier.monitor_tags` (every group: `scope: "*"`), for each occurrence of its one-time or recurring
  schedule (an RRULE from a local start in its time zone, for its duration). When an occurrence expires, a muted
  monitor still in Alert, Warn or No Data notifies then (the defaults `notify_end_states` alert, warn, no data and
  `notify_end_types` expired).
- **CloudWatch** ([alarm mute rules][mr]): a mute rule mutes the actions of the alarms it names while active: from
  each time its `cron(minute hour day-of-month month day-of-week)` matches (or its `at(...)`), in its time zone, for
  its duration, between its start and expire dates. When it ends, an alarm whose action was muted and that is still
  in the state it was muted in runs that action then ([how alarm mute rules work][mrb]: "Alarm action is executed
  because the mute window has ended and the alarm remains in the same state (ALARM) in which it was originally
  muted"; actions of every state alike, OK and INSUFFICIENT_DATA too); an alarm back in another state runs nothing.
  With overlapping rules, the last one to end decides.

*Assumed*: cron's day-of-month and day-of-week, both restricted, match either (as cron does; vigil writes `*` for the
one it does not use). Without `start`, a scenario has no wall-clock time and no window applies; the report says so.

[dt]: https://docs.datadoghq.com/api/latest/downtimes/
[mr]: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules.html
[mrb]: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules-behaviour.html
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Optional
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from ..engine import PlannedResource
from ..routing import handles, message_for
from .errors import ReplayError
from .timeline import DD_ALERT, DD_NO_DATA, DD_WARN, Backend, Level, Notification, Timeline

DOWNTIME = "datadog:index/downtimeSchedule:DowntimeSchedule"
MUTE_RULE = "aws:cloudwatch/alarmMuteRule:AlarmMuteRule"
MONITORS = ("datadog:index/monitor:Monitor", "datadog:index/syntheticsTest:SyntheticsTest")
ALARMS = {"aws:cloudwatch/metricAlarm:MetricAlarm": "name", "aws:cloudwatch/compositeAlarm:CompositeAlarm": "alarmName"}
END_STATES: dict[str, Level] = {DD_ALERT: "alert", DD_WARN: "warning", DD_NO_DATA: "no_data"}
_DURATION = re.compile(r"^(?P<n>[0-9]+)(?P<unit>[mhdw])$")
_ISO = re.compile(r"^P(?:(?P<d>[0-9]+)D)?(?:T(?:(?P<h>[0-9]+)H)?(?:(?P<m>[0-9]+)M)?)?$")
_CRON = re.compile(r"^cron\((?P<fields>[^)]*)\)$")
_AT = re.compile(r"^at\((?P<when>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2})\)$")
_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_WEEKDAYS = {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}  # AWS cron: 1 = Sunday


@dataclass(frozen=True)
class Muting:
    """One window of the plan over a replay: what it mutes and when (seconds from the scenario's start)."""

    resource: str
    backend: Backend
    targets: frozenset[str]  # plan names of the monitors, tests or alarms it mutes
    intervals: tuple[tuple[int, int], ...]
    notify_at_end: bool  # what was muted may be told when the window ends (Datadog: still alerting; CloudWatch: still in the muted state)

    def active(self, at: int) -> bool:
        return any(begin <= at < end for begin, end in self.intervals)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _seconds(begin: datetime, end: datetime, origin: datetime) -> tuple[int, int]:
    return int((begin - origin).total_seconds()), int((end - origin).total_seconds())


def _downtime_length(text: str) -> timedelta:
    found = _DURATION.fullmatch(text)
    if not found:
        raise ReplayError(f"downtime duration {text!r} is not a whole number of m, h, d or w")
    return timedelta(minutes=int(found["n"]) * {"m": 1, "h": 60, "d": 1440, "w": 10080}[found["unit"]])


def _iso_length(text: str) -> timedelta:
    found = _ISO.fullmatch(text)
    if not found or not any(found.groups()):
        raise ReplayError(f"mute rule duration {text!r} is not an ISO 8601 duration such as PT2H")
    return timedelta(days=int(found["d"] or 0), hours=int(found["h"] or 0), minutes=int(found["m"] or 0))


def downtime_intervals(inputs: Mapping[str, Any], origin: datetime, span: int) -> list[tuple[int, int]]:
    """The downtime's occurrences overlapping [origin, origin + span], in seconds from the origin."""
    end_of_replay = origin + timedelta(seconds=span)
    one = inputs.get("oneTimeSchedule")
    if one:
        return [_seconds(_utc(str(one["start"])), _utc(str(one["end"])), origin)]
    recurring = inputs.get("recurringSchedule") or {}
    zone = ZoneInfo(str(recurring.get("timezone") or "UTC"))
    out: list[tuple[int, int]] = []
    for recurrence in recurring.get("recurrences") or []:
        length = _downtime_length(str(recurrence["duration"]))
        start = datetime.fromisoformat(str(recurrence["start"])).replace(tzinfo=zone)
        rule = rrulestr(str(recurrence["rrule"]), dtstart=start)
        for occurrence in rule.between(origin.astimezone(zone) - length, end_of_replay.astimezone(zone), inc=True):
            begin = occurrence.astimezone(UTC)
            out.append(_seconds(begin, begin + length, origin))
    return out


def _field(text: str, low: int, high: int, names: Mapping[str, int]) -> Optional[frozenset[int]]:
    """A cron field as the values it allows; None for any (`*`, `?`)."""
    if text in ("*", "?"):
        return None
    values: set[int] = set()
    for part in text.split(","):
        bounds = [names.get(p.upper(), None) if not p.isdigit() else int(p) for p in part.split("-")]
        if any(b is None for b in bounds) or len(bounds) > 2:
            raise ReplayError(f"cron field {text!r}: the replay reads numbers, names, lists and ranges")
        first, last = bounds[0], bounds[-1]
        assert first is not None and last is not None
        if not low <= first <= last <= high:
            raise ReplayError(f"cron field {text!r} is outside {low}-{high}")
        values.update(range(first, last + 1))
    return frozenset(values)


def _cron_matches(fields: Sequence[Optional[frozenset[int]]], when: datetime) -> bool:
    minute, hour, day, month, weekday = fields
    if (minute is not None and when.minute not in minute) or (hour is not None and when.hour not in hour):
        return False
    if month is not None and when.month not in month:
        return False
    day_ok = day is None or when.day in day
    week_ok = weekday is None or (when.isoweekday() % 7 + 1) in weekday
    if day is not None and weekday is not None:
        return day_ok or week_ok
    return day_ok and week_ok


def mute_rule_intervals(inputs: Mapping[str, Any], origin: datetime, span: int) -> list[tuple[int, int]]:
    """The mute rule's active periods overlapping [origin, origin + span], in seconds from the origin."""
    schedule = (inputs.get("rule") or {}).get("schedule") or {}
    zone = ZoneInfo(str(schedule.get("timezone") or "UTC"))
    length = _iso_length(str(schedule.get("duration") or ""))
    expression = str(schedule.get("expression") or "")
    at = _AT.fullmatch(expression)
    if at:
        begin = datetime.fromisoformat(at["when"]).replace(tzinfo=zone).astimezone(UTC)
        return [_seconds(begin, begin + length, origin)]
    cron = _CRON.fullmatch(expression)
    if not cron or len(cron["fields"].split()) != 5:
        raise ReplayError(f"mute rule expression {expression!r} is neither cron(minute hour day month weekday) nor at(...)")
    parts = cron["fields"].split()
    fields = [_field(parts[0], 0, 59, {}), _field(parts[1], 0, 23, {}), _field(parts[2], 1, 31, {}), _field(parts[3], 1, 12, _MONTHS),
              _field(parts[4], 1, 7, _WEEKDAYS)]
    first = _utc(str(inputs["startDate"])) if inputs.get("startDate") else None
    last = _utc(str(inputs["expireDate"])) if inputs.get("expireDate") else None
    out: list[tuple[int, int]] = []
    minute = (origin - length).replace(second=0, microsecond=0)
    stop = origin + timedelta(seconds=span)
    while minute <= stop:
        local = minute.astimezone(zone)
        if _cron_matches(fields, local) and (first is None or minute >= first) and (last is None or minute < last):
            out.append(_seconds(minute, minute + length, origin))
        minute += timedelta(minutes=1)
    return out


def mutings(resources: Iterable[PlannedResource], origin: datetime, span: int) -> list[Muting]:
    """Every window of the plan's resources over a replay of `span` seconds from `origin` (what it mutes, when)."""
    resources = list(resources)
    out: list[Muting] = []
    for resource in resources:
        try:
            if resource.type == DOWNTIME:
                tags = set((resource.inputs.get("monitorIdentifier") or {}).get("monitorTags") or [])
                muted = frozenset(r.name for r in resources if r.type in MONITORS and tags <= set(r.inputs.get("tags") or []))
                intervals = downtime_intervals(resource.inputs, origin, span)
                out.append(Muting(resource.name, "datadog", muted, tuple(sorted(intervals)), True))
            elif resource.type == MUTE_RULE:
                names = set((resource.inputs.get("muteTargets") or {}).get("alarmNames") or [])
                muted = frozenset(r.name for r in resources if r.type in ALARMS and r.inputs.get(ALARMS[r.type]) in names)
                intervals = mute_rule_intervals(resource.inputs, origin, span)
                out.append(Muting(resource.name, "aws", muted, tuple(sorted(intervals)), True))
        except (ReplayError, ValueError, KeyError) as exc:
            raise ReplayError(f"maintenance window not understood: {exc}", resource.name) from None
    return out


def silenced(timelines: Mapping[str, Timeline], windows: Sequence[Muting], messages: Mapping[str, str]) -> dict[str, Timeline]:
    """The timelines with the notifications that fall in a window of what it mutes taken out (states unchanged), and
    what each vendor tells when a window ends: a Datadog monitor still alerting when a downtime's occurrence expires
    notifies then (`messages`: each monitor's); a CloudWatch alarm still in the state whose action was muted runs it."""
    out: dict[str, Timeline] = {}
    for name, timeline in timelines.items():
        muting = [w for w in windows if name in w.targets]
        if not muting:
            out[name] = timeline
            continue
        kept = [n for n in timeline.notifications if not any(w.active(n.at) for w in muting)]
        for window in (w for w in muting if w.notify_at_end):
            for begin, end in window.intervals:
                if window.backend == "aws":
                    kept += _mute_rule_end(timeline, [w for w in muting if w.backend == "aws"], begin, end)
                    continue
                state = timeline.state_at(end)
                level = END_STATES.get(state)
                if level is not None and not window.active(end) and end > 0:
                    targets = tuple(handles(message_for(messages.get(name, ""), level)))
                    if targets:
                        kept.append(Notification(end, level, state, targets))
        out[name] = dataclasses.replace(timeline, notifications=sorted(kept, key=lambda n: n.at))
    return out


def _mute_rule_end(timeline: Timeline, rules: Sequence[Muting], begin: int, end: int) -> list[Notification]:
    """At the end of a mute rule's active period (when no other rule still mutes the alarm): the last action muted
    since the alarm was last unmuted, run again if the alarm is still in the state it was muted in."""
    if end <= 0 or any(rule.active(end) for rule in rules):
        return []
    since = begin  # overlapping rules: the muted span is their union, back to the last moment nothing muted the alarm
    while (earlier := min((b for rule in rules for b, e in rule.intervals if b < since <= e), default=since)) < since:
        since = earlier
    muted = [n for n in timeline.notifications if since <= n.at < end]
    if not muted or timeline.state_at(end) != muted[-1].state:
        return []
    last = muted[-1]
    return [Notification(end, last.level, last.state, last.targets)]

"""Maintenance windows on Datadog: downtime schedules (`datadog.DowntimeSchedule`, Downtimes API v2).

A downtime mutes the service's monitors and synthetic tests in the environment: every group (`scope: "*"`) of the
monitors carrying both its `service:` and `env:` tags (the tags vigil gives every monitor it creates). A recurring
window is a recurrence (an RRULE without DTSTART, DTEND or DURATION, a local start without offset, a duration in
m, h, d or w) in the window's time zone; a one-off window has a start and end in UTC.
"""

from __future__ import annotations

import re
from typing import Any

from monitors.common.context import Deployment
from monitors.datadog import sdk as datadog
from spec import Service
from spec.maintenance import NOT_IN_RRULE, MaintenanceWindow, canonical_rrule, rrule_parts

DURATION_UNITS = (("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000))
DURATION = re.compile(r"^[0-9]+[mhdw]$")
LOCAL_START = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$")
UTC_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+00:00$")


def downtime_duration(ms: int) -> str:
    """Whole minutes in the largest unit that divides them: 2h, 90m, 1w."""
    for unit, size in DURATION_UNITS:
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms // 60_000}m"


def monitor_tags(service: Service, deployment: Deployment) -> list[str]:
    return [f"env:{deployment.environment}", f"service:{service.service}"]


def downtime_args(service: Service, deployment: Deployment, window: MaintenanceWindow) -> datadog.DowntimeScheduleArgs:
    what = f"Maintenance window {window.name} of {service.service} ({deployment.environment})"
    schedule: dict[str, Any] = {}
    if window.recurring:
        assert window.rrule is not None and window.duration is not None
        schedule["recurring_schedule"] = datadog.DowntimeScheduleRecurringScheduleArgs(
            timezone=window.timezone,
            recurrences=[
                datadog.DowntimeScheduleRecurringScheduleRecurrenceArgs(
                    rrule=canonical_rrule(window.rrule), duration=downtime_duration(window.duration.ms), start=f"{window.start}:00"
                )
            ],
        )
    else:
        schedule["one_time_schedule"] = datadog.DowntimeScheduleOneTimeScheduleArgs(
            start=window.start_utc.strftime("%Y-%m-%dT%H:%M:%S+00:00"), end=window.end_utc.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        )
    return datadog.DowntimeScheduleArgs(
        scope="*",
        monitor_identifier=datadog.DowntimeScheduleMonitorIdentifierArgs(monitor_tags=monitor_tags(service, deployment)),
        message=f"{what}: {window.description}" if window.description else what,
        display_timezone=window.timezone,
        mute_first_recovery_notification=True,
        **schedule,
    )


def downtime_problems(args: Any) -> list[str]:
    """Datadog's rules for a downtime schedule (Downtimes API v2)."""
    out: list[str] = []
    if (args.one_time_schedule is None) == (args.recurring_schedule is None):
        out.append("a downtime has exactly one of a one-time or a recurring schedule")
    if not args.monitor_identifier or not args.monitor_identifier.monitor_tags:
        out.append("a downtime names the monitors it mutes (monitor tags)")
    if args.recurring_schedule is not None:
        for recurrence in args.recurring_schedule.recurrences:
            if not DURATION.fullmatch(recurrence.duration or ""):
                out.append(f"duration {recurrence.duration!r} must be a whole number of m, h, d or w")
            if not LOCAL_START.fullmatch(recurrence.start or ""):
                out.append(f"recurrence start {recurrence.start!r} must be a local time without UTC offset")
            parts = rrule_parts(recurrence.rrule or "")
            if "FREQ" not in parts or any(p in parts for p in NOT_IN_RRULE):
                out.append(f"rrule {recurrence.rrule!r} needs FREQ and takes no DTSTART, DTEND or DURATION")
    if args.one_time_schedule is not None:
        start, end = args.one_time_schedule.start, args.one_time_schedule.end
        for what, value in (("start", start), ("end", end)):
            if not UTC_TIME.fullmatch(value or ""):
                out.append(f"one-time {what} {value!r} must be ISO 8601 with a UTC offset of zero")
        if start and end and not start < end:
            out.append(f"one-time end {end} must come after its start {start}")
    return out

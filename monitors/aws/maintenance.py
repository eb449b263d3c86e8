"""Maintenance windows on CloudWatch: alarm mute rules (`aws.cloudwatch.AlarmMuteRule`, PutAlarmMuteRule).

A mute rule mutes the actions of the alarms it names while its schedule is active; the alarms keep evaluating and
changing state. Its schedule is a `cron(minute hour day-of-month month day-of-week)` expression (recurring) or an
`at(yyyy-MM-ddThh:mm)` one (one-off), in the rule's time zone, and a duration in ISO 8601 (PT1M to P15D). A rule
names at most 100 alarms of its own account and region: a service gets one rule per window and region (more when
it has more alarms there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Optional

from monitors.aws import sdk as aws
from monitors.common.context import Deployment
from spec import Service
from spec.maintenance import MaintenanceWindow

from .names import aws_name

MUTE_TARGETS_MAX = 100  # PutAlarmMuteRule: MuteTargets.AlarmNames
DAYS = {"MO": "MON", "TU": "TUE", "WE": "WED", "TH": "THU", "FR": "FRI", "SA": "SAT", "SU": "SUN"}
CRON_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")  # datetime.weekday() order
CRON_PARTS = ("FREQ", "INTERVAL", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYMONTH", "UNTIL", "WKST")


def iso_duration(ms: int) -> str:
    """Whole minutes in ISO 8601: 2h -> PT2H, 1d 2h 30m -> P1DT2H30M."""
    minutes = ms // 60_000
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


def cron_problem(window: MaintenanceWindow) -> Optional[str]:
    """Why a recurring window's rule cannot be written as a CloudWatch cron expression (None: it can)."""
    parts = window.rrule_parts
    unsupported = [name for name in parts if name not in CRON_PARTS]
    if unsupported:
        return f"{', '.join(unsupported)} cannot be said in cron"
    if parts.get("INTERVAL", "1") != "1":
        return f"INTERVAL={parts['INTERVAL']} (every n-th occurrence) cannot be said in cron"
    if any(not day.isalpha() for day in parts.get("BYDAY", "").split(",") if day):
        return f"BYDAY={parts['BYDAY']} (the n-th weekday of a month) cannot be said in cron"
    if any(day.startswith("-") for day in parts.get("BYMONTHDAY", "").split(",")):
        return f"BYMONTHDAY={parts['BYMONTHDAY']} (days counted from the month's end) cannot be said in cron"
    if "BYDAY" in parts and "BYMONTHDAY" in parts:
        return "BYDAY with BYMONTHDAY means both at once, where cron means either"
    return None


def cron_expression(window: MaintenanceWindow) -> str:
    """The rule as `cron(M H DoM Mon DoW)`: fields the rule sets, else the start's own (the time of day; the weekday of
    a weekly rule; the day of a monthly one; the day and month of a yearly one). Only for rules cron_problem accepts."""
    parts = window.rrule_parts
    start = datetime.strptime(window.start, "%Y-%m-%dT%H:%M")
    freq = parts["FREQ"]
    minute = parts.get("BYMINUTE", str(start.minute))
    hour = parts.get("BYHOUR", "*" if freq == "HOURLY" else str(start.hour))
    days = ",".join(DAYS[d] for d in parts["BYDAY"].split(",")) if "BYDAY" in parts else None
    month_day = parts.get("BYMONTHDAY")
    month = parts.get("BYMONTH")
    if freq == "WEEKLY" and days is None:
        days = CRON_WEEKDAYS[start.weekday()]
    if freq in ("MONTHLY", "YEARLY") and days is None and month_day is None:
        month_day = str(start.day)
    if freq == "YEARLY" and month is None:
        month = str(start.month)
    return f"cron({minute} {hour} {month_day or '*'} {month or '*'} {days or '*'})"


def _timestamp(when: datetime) -> str:
    """RFC 3339 in UTC with seconds 00, as the mute rule's start and expire dates take them."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00Z")


def _until(window: MaintenanceWindow) -> Optional[str]:
    until = window.rrule_parts.get("UNTIL")
    if until is None:
        return None
    return _timestamp(datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC))


def mute_rule_args(
    service: Service, deployment: Deployment, window: MaintenanceWindow, alarm_names: Sequence[str], suffix: Sequence[str] = ()
) -> aws.cloudwatch.AlarmMuteRuleArgs:
    """One mute rule: the window's schedule over (at most 100 of) the service's alarms of one region. A recurring
    window starts muting at its first occurrence (start date) and stops at its rule's UNTIL (expire date)."""
    expression = cron_expression(window) if window.recurring else f"at({window.start})"
    what = f"Maintenance window {window.name} of {service.service} ({deployment.environment})"
    return aws.cloudwatch.AlarmMuteRuleArgs(
        name=aws_name(service, deployment, "maintenance", window.name, *suffix),
        description=f"{what}: {window.description}" if window.description else what,
        rule=aws.cloudwatch.AlarmMuteRuleRuleArgs(
            schedule=aws.cloudwatch.AlarmMuteRuleRuleScheduleArgs(
                expression=expression, duration=iso_duration(window.length.ms), timezone=window.timezone
            )
        ),
        mute_targets=aws.cloudwatch.AlarmMuteRuleMuteTargetsArgs(alarm_names=list(alarm_names)),
        start_date=_timestamp(window.start_utc) if window.recurring else None,
        expire_date=_until(window) if window.recurring else None,
        tags={**deployment.tags(service), "maintenance": window.name},
    )


def chunks(names: Sequence[str]) -> list[list[str]]:
    """Alarm names in groups a mute rule can take."""
    return [list(names[i : i + MUTE_TARGETS_MAX]) for i in range(0, len(names), MUTE_TARGETS_MAX)]

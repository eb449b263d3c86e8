"""A maintenance window in words, as on-call people say it: "Sundays 22:00–01:00 Europe/London", "the last day of
every month 20:00–02:00 America/New_York", "once: 2030-03-01 22:00 to 2030-03-02 02:00 Europe/Berlin".

Times are the window's wall-clock times in its time zone (how both vendors schedule it). A rule beyond these words
(hours or minutes set by the rule, BYSETPOS, week or year-day numbers) is shown as written, with its start.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from spec.maintenance import MaintenanceWindow

from .words import code

DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second-to-last", -3: "third-to-last"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
WORDED = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "UNTIL", "COUNT", "WKST"}  # the parts said in words


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _nth(day: int) -> str:
    """1 -> '1st', 22 -> '22nd'; -1 -> 'last day', -2 -> 'second-to-last day'."""
    if day < 0:
        return f"{ORDINALS.get(day, f'{-day}th-to-last')} day"
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _weekday(token: str) -> tuple[int | None, str]:
    """`SU` -> (None, 'Sunday'); `-1FR` -> (-1, 'Friday'); `2TU` -> (2, 'Tuesday')."""
    day = DAYS[token[-2:]]
    return (int(token[:-2]), day) if token[:-2] else (None, day)


def hours(window: MaintenanceWindow, start: datetime) -> str:
    """`22:00–01:00`, or `22:00 for 2d` when it lasts a day or more."""
    assert window.duration is not None
    length = timedelta(milliseconds=window.duration.ms)
    if length >= timedelta(days=1):
        return f"{start:%H:%M} for {window.duration}"
    return f"{start:%H:%M}–{start + length:%H:%M}"


def _every(interval: int, unit: str) -> str:
    return f"every {unit}" if interval == 1 else f"every {interval} {unit}s"


def _days(window: MaintenanceWindow, start: datetime) -> str | None:
    """When it recurs, in words; None when the rule says more than these words can."""
    parts = window.rrule_parts
    if set(parts) - WORDED:
        return None
    frequency, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    weekdays = [_weekday(t) for t in parts["BYDAY"].split(",")] if "BYDAY" in parts else []
    monthdays = [int(d) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
    months = [MONTHS[int(m) - 1] for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else []
    if frequency == "HOURLY" and not (weekdays or monthdays or months):
        return _every(interval, "hour")
    if frequency == "DAILY" and not (monthdays or months) and all(n is None for n, _ in weekdays):
        days = _and([f"{d}s" for _, d in weekdays]) if weekdays else None
        return days if days and interval == 1 else f"{_every(interval, 'day')}{f' on {days}' if days else ''}"
    if frequency == "WEEKLY" and not (monthdays or months) and all(n is None for n, _ in weekdays):
        days = _and([f"{d}s" for _, d in weekdays] or [f"{start:%A}s"])
        return days if interval == 1 else f"{_every(interval, 'week')} on {days}"
    if frequency == "MONTHLY" and not months and not (weekdays and monthdays):
        if weekdays and all(n is not None for n, _ in weekdays):
            which = _and([f"the {ORDINALS.get(n or 0, f'{n}th')} {d}" for n, d in weekdays])
        elif weekdays:
            return None  # every Monday of the month: a weekly window, better written as one
        else:
            which = f"the {_and([_nth(d) for d in monthdays or [start.day]])}"
        return f"{which} of {_every(interval, 'month')}"
    if frequency == "YEARLY" and not weekdays and len(months) <= 1 and len(monthdays) <= 1 and interval == 1:
        day = monthdays[0] if monthdays else start.day
        return f"every year on {day if day > 0 else _nth(day) + ' of'} {months[0] if months else f'{start:%B}'}"
    return None


def window_words(window: MaintenanceWindow) -> str:
    """When the window mutes, in words and its time zone."""
    start = datetime.strptime(window.start, "%Y-%m-%dT%H:%M")
    if not window.recurring:
        end = datetime.strptime(window.end, "%Y-%m-%dT%H:%M") if window.end else start + timedelta(milliseconds=window.duration.ms if window.duration else 0)
        return f"once: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} {window.timezone}"
    days = _days(window, start)
    if days is None:
        return f"by the rule {code(str(window.rrule))} from {start:%Y-%m-%d %H:%M}, {window.duration} each, {window.timezone}"
    parts = window.rrule_parts
    until = f", until {parts['UNTIL'][:4]}-{parts['UNTIL'][4:6]}-{parts['UNTIL'][6:8]} (UTC)" if "UNTIL" in parts else ""
    count = f", {parts['COUNT']} times" if "COUNT" in parts else ""
    when = f"from {start:%H:%M}, {window.duration} each," if parts["FREQ"] == "HOURLY" else hours(window, start)
    return f"{days[0].upper()}{days[1:]} {when} {window.timezone}, from {start:%Y-%m-%d}{until}{count}"

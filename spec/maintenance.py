"""Maintenance windows: planned times when a service's alerts notify nobody.

A window is one-off (`start` and `end`, or `start` and `duration`) or recurring (`rrule`, RFC 5545, with `start`
and `duration`); times are wall-clock times in the window's `timezone` (an IANA name), written without an offset.
Datadog mutes the service's monitors in the environment (a downtime schedule); CloudWatch mutes the actions of
its alarms (alarm mute rules). Windows are per environment: write them under `environments.<env>.maintenance`
for one environment only.
"""

from __future__ import annotations

import functools
import itertools
import re
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Literal, Optional

from dateutil import rrule as dateutil_rrule
from pydantic import Field, field_validator, model_validator

from .base import SpecModel
from .errors import ErrorAt
from .grammar import Name, message_text_problem
from .units import Duration

LOCAL_TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$"
MutedBackend = Literal["datadog", "aws"]
FREQUENCIES = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# RFC 5545 RRULE parts; Datadog takes the rule without the ones that set start or length (DTSTART, DTEND, DURATION).
RRULE_PARTS = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST")
NOT_IN_RRULE = ("DTSTART", "DTEND", "DURATION")
FIRST_YEAR, LAST_YEAR = 1971, 9998


@functools.cache
def timezones() -> frozenset[str]:
    """IANA time zone names this machine knows (the `tzdata` package pins them where the system has none)."""
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def rrule_parts(rule: str) -> dict[str, str]:
    """`FREQ=WEEKLY;BYDAY=SU` -> {"FREQ": "WEEKLY", "BYDAY": "SU"} (names upper-cased; no validation)."""
    out: dict[str, str] = {}
    for part in rule.split(";"):
        name, _, value = part.partition("=")
        out[name.strip().upper()] = value.strip()
    return out


class MaintenanceWindow(SpecModel):
    name: Name
    description: Optional[str] = Field(default=None, description="Why: shown in the downtime's message and the mute rule's description")
    timezone: str = Field(default="UTC", description="IANA time zone of start and end, e.g. Europe/Berlin")
    start: str = Field(pattern=LOCAL_TIME_PATTERN, description="Local start, YYYY-MM-DDTHH:MM (no offset); a recurring window's first occurrence")
    end: Optional[str] = Field(default=None, pattern=LOCAL_TIME_PATTERN, description="Local end of a one-off window")
    duration: Optional[Duration] = Field(default=None, description="How long each occurrence lasts (recurring), or the one-off window")
    rrule: Optional[str] = Field(default=None, min_length=6, max_length=512, description="RFC 5545 recurrence, e.g. FREQ=WEEKLY;BYDAY=SU")
    backends: Optional[list[MutedBackend]] = Field(
        default=None, min_length=1, description="Which backends it mutes; default every backend that monitors the service (Sentry cannot be muted)"
    )

    @field_validator("description")
    @classmethod
    def _description(cls, text: Optional[str]) -> Optional[str]:
        problem = message_text_problem(text) if text is not None else None
        if problem:
            raise ValueError(problem)
        return text

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if value not in timezones():
            import difflib

            close = difflib.get_close_matches(value, sorted(timezones()), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"unknown time zone {value!r}{hint} (IANA names such as Europe/Berlin or UTC)")
        return value

    @field_validator("start", "end")
    @classmethod
    def _local_time(cls, value: Optional[str]) -> Optional[str]:
        if value is not None:
            try:
                when = datetime.strptime(value, "%Y-%m-%dT%H:%M")
            except ValueError:
                raise ValueError(f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM)") from None
            if not FIRST_YEAR <= when.year <= LAST_YEAR:  # so that any zone, and any look-back or length, stays in the calendar
                raise ValueError(f"{value!r}: a year from {FIRST_YEAR} to {LAST_YEAR}")
        return value

    @field_validator("rrule")
    @classmethod
    def _rrule(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        if value.upper().startswith("RRULE:"):
            raise ValueError("write the rule without 'RRULE:', e.g. FREQ=WEEKLY;BYDAY=SU")
        parts = rrule_parts(value)
        for name in parts:
            if name in NOT_IN_RRULE:
                raise ValueError(f"{name} does not belong in the rule: the window's start and duration say when and how long")
            if name not in RRULE_PARTS:
                raise ValueError(f"unknown rule part {name!r}; allowed: {', '.join(RRULE_PARTS)}")
        if parts.get("FREQ") not in FREQUENCIES:
            raise ValueError(f"the rule needs FREQ, one of {', '.join(FREQUENCIES)}")
        if "UNTIL" in parts and "COUNT" in parts:
            raise ValueError("give UNTIL or COUNT, not both")
        if "UNTIL" in parts and not re.fullmatch(r"[0-9]{8}T[0-9]{6}Z", parts["UNTIL"]):
            raise ValueError(f"UNTIL={parts['UNTIL']} must be a UTC time such as 20261231T000000Z (RFC 5545: the start has a time zone)")
        try:
            dateutil_rrule.rrulestr(value, dtstart=datetime(2000, 1, 1, tzinfo=UTC))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not an RFC 5545 rule: {exc}") from None
        return value

    @model_validator(mode="after")
    def _shape(self) -> MaintenanceWindow:
        if self.duration is not None and self.duration.ms % 60_000:
            raise ErrorAt(("duration",), f"duration {self.duration} must be whole minutes (both vendors schedule by the minute)")
        if self.rrule is not None:
            if self.duration is None or self.end is not None:
                raise ValueError("a recurring window (rrule) takes 'duration', the length of each occurrence, and no 'end'")
        elif (self.end is None) == (self.duration is None):
            raise ValueError("a one-off window takes 'end' or 'duration' (one of them); a recurring one takes 'rrule'")
        starts = self.start_utc
        if self.duration is not None:
            try:
                starts + timedelta(milliseconds=self.duration.ms)
            except OverflowError:
                raise ErrorAt(("duration",), f"duration {self.duration} from {self.start} ends after the year {LAST_YEAR + 1}") from None
        if self.local(self.start).replace(tzinfo=None) != datetime.strptime(self.start, "%Y-%m-%dT%H:%M"):
            raise ErrorAt(("start",), f"start {self.start} does not exist in {self.timezone} (the clocks skip it)")
        if self.end is not None and not self.end_utc > starts:
            raise ErrorAt(("end",), f"end ({self.end}) must come after start ({self.start})")
        if self.rrule is not None:
            occurrences = self.occurrences(3)
            if not occurrences:
                raise ErrorAt(("rrule",), f"the rule has no occurrence from {self.start} on")
            assert self.duration is not None
            gaps = [b - a for a, b in itertools.pairwise(occurrences)]
            if gaps and min(gaps) < timedelta(milliseconds=self.duration.ms):
                gap = Duration(int(min(gaps).total_seconds() * 1000))
                raise ErrorAt(("duration",), f"each occurrence lasts {self.duration}, longer than the {gap} between occurrences: windows would overlap")
        return self

    @property
    def recurring(self) -> bool:
        return self.rrule is not None

    def local(self, text: str) -> datetime:
        """A written local time as an aware datetime in the window's zone (round-tripped, so a skipped time shows)."""
        zone = zoneinfo.ZoneInfo(self.timezone)
        naive = datetime.strptime(text, "%Y-%m-%dT%H:%M")
        return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)

    @property
    def start_utc(self) -> datetime:
        return self.local(self.start).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """When a one-off window ends."""
        if self.end is not None:
            return self.local(self.end).astimezone(UTC)
        assert self.duration is not None
        return self.start_utc + timedelta(milliseconds=self.duration.ms)

    @property
    def length(self) -> Duration:
        """How long the window (or each occurrence) lasts."""
        if self.duration is not None:
            return self.duration
        return Duration(int((self.end_utc - self.start_utc).total_seconds() * 1000))

    def occurrences(self, count: int) -> list[datetime]:
        """The first `count` starts of a recurring window (from `start` on), in its time zone."""
        assert self.rrule is not None
        rule = dateutil_rrule.rrulestr(self.rrule, dtstart=self.local(self.start))
        out: list[datetime] = []
        for when in rule:
            out.append(when)
            if len(out) == count:
                break
        return out

    @property
    def rrule_parts(self) -> dict[str, str]:
        return rrule_parts(self.rrule) if self.rrule else {}


def canonical_rrule(rule: str) -> str:
    """Upper-cased names, parts in the order written: what both vendors receive."""
    return ";".join(f"{name}={value}" for name, value in rrule_parts(rule).items())



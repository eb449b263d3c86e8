"""Replay scenarios: series of the registry's signals over time, and what the alerts must do (docs/replay.md).

    service: api
    stack: prod            # optional; --stack wins; default dev
    step: 1m               # one value per step (>= 10s; divides a minute or is whole minutes)
    series:                # "V xN" holds V for N steps; segments joined by commas; `absent` for no data
      requests: 20/s x720
      errors: 0% x60, 100% x660
      health.live: up x60, down x660
    expect:
      - {alert: error_rate, fires: critical, by: 75m}
      - {alert: latency_p95, fires: never}

A file is read with the spec's YAML loader (every value keeps its line) and checked by pydantic models, so every
problem is one line with file:line:column, the field path and what is allowed — the spec's own error format.
Series names and units are the registry's (`signals.SERIES`); which alerts and checks exist is the service's, checked
when the scenario meets its stack (vigil.replay.stack).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Field, Strict, ValidationError, field_validator, model_validator

from signals import SERIES
from signals.model import Series
from spec import Duration, Percent, Rate
from spec.base import SpecModel
from spec.errors import SpecError, SpecErrors, format_path, from_validation_error
from spec.grammar import CUSTOM_ALERT_PATTERN, NAME_PATTERN, STACK_PATTERN, UTC_TIME_PATTERN
from spec.units import MAX_NUMBER
from spec.yaml_source import KEY, Location, PathKey, YamlProblem, read_documents

from .timeline import Backend

Fires = Literal["critical", "warning", "page", "ticket", "any", "never"]
FIRES: tuple[Fires, ...] = ("critical", "warning", "page", "ticket", "any", "never")
MIN_STEP = 10
# Bounds of a scenario, checked before anything is allocated: the replay holds every series and what each vendor
# receives per step (about 5 KB a step for a small service), so 10^7 steps would take gigabytes. 30 days (an SLO's
# usual window) of 1-minute steps; a step coarser than a minute is published as 1-minute points, hence the duration.
MAX_STEPS = 43_200
MAX_DAYS = 30
FIRST_YEAR, LAST_YEAR = 1971, 9998  # a start's year: the calendar (years 1-9999) holds its look-back and its days
ABSENT = "absent"
_SEGMENT = re.compile(r"^(?P<value>\S+)(?:\s+x(?P<count>[0-9]+))?$")
_COUNT = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
UNIT_WORDS = {
    "rate": "a rate with a unit: /s, /m or /h (e.g. '20/s')",
    "percent": "a percentage with '%' (e.g. '2%')",
    "duration": "a duration with a unit: ms, s, m (e.g. '120ms')",
    "count": "a number (e.g. '40')",
    "up": "up or down",
    "any": "a value in its alert's thresholds' unit: a number (500), a percentage (5%), a duration (800ms) or a rate (20/m)",
}


class ExpectModel(SpecModel):
    alert: str = Field(min_length=1, description="An alert id: error_rate, health.<check>, slo.<name>[.page|.ticket], service_unhealthy, ...")
    fires: Fires = Field(description="critical | warning | page | ticket | any | never")
    by: Optional[Duration] = Field(default=None, description="At or before this time from the start")
    backend: Optional[Backend] = Field(default=None, description="Only this backend (datadog or aws); default: every backend deploying the alert")
    times: Optional[Annotated[int, Strict()]] = Field(
        default=None,
        ge=0,
        description="Exactly this many firings at that level over the whole scenario (1: one page for one problem; 0: never at "
        "that level, whatever the other levels do)",
    )

    @model_validator(mode="after")
    def _by_never(self) -> ExpectModel:
        if self.fires == "never" and self.by is not None:
            raise ValueError("'by' does not go with 'fires: never' (never holds for the whole scenario)")
        if self.fires == "never" and self.times is not None:
            raise ValueError("'times' does not go with 'fires: never'")
        if self.times == 0 and self.by is not None:
            raise ValueError("'by' does not go with 'times: 0' (never at that level holds for the whole scenario)")
        return self


SeriesText = Union[str, int, float]


class ScenarioModel(SpecModel):
    service: str = Field(pattern=NAME_PATTERN, description="The service, as the catalog names it")
    stack: Optional[str] = Field(default=None, pattern=STACK_PATTERN, description="Stack to replay (--stack wins; default dev)")
    description: Optional[str] = None
    step: Duration = Field(description="One value per step, at least 10s; it divides a minute or is whole minutes")
    start: Optional[str] = Field(
        default=None,
        pattern=UTC_TIME_PATTERN,
        description="The wall-clock time of the first step, in UTC (2030-03-01T20:00Z): maintenance windows then apply",
    )
    series: dict[str, SeriesText] = Field(default_factory=dict, description="Signal -> 'V xN' segments joined by commas")
    expect: list[ExpectModel] = Field(min_length=1, description="What the alerts must do")

    @field_validator("start")
    @classmethod
    def _start(cls, start: Optional[str]) -> Optional[str]:
        """A real time, far enough from the calendar's ends for the replay to look back (maintenance windows, warm-up)
        and run its days."""
        if start is None:
            return None
        try:
            when = datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(f"start {start} is not a time: {exc}") from None
        if not FIRST_YEAR <= when.year <= LAST_YEAR:
            raise ValueError(f"start {start}: a scenario starts from the year {FIRST_YEAR} to {LAST_YEAR}")
        return start

    @field_validator("step")
    @classmethod
    def _step(cls, step: Duration) -> Duration:
        seconds = step.ms / 1000
        if seconds < MIN_STEP or not seconds.is_integer() or not (60 % seconds == 0 or seconds % 60 == 0):
            raise ValueError(f"step {step}: at least {MIN_STEP}s, and dividing a minute (10s, 20s, 30s) or whole minutes (1m, 5m)")
        return step


@dataclass(frozen=True)
class Expectation:
    alert: str
    fires: Fires
    by: Optional[int]  # seconds from the start
    backend: Optional[Backend]
    index: int  # its position under `expect:` (errors point there)
    times: Optional[int] = None

    def words(self) -> str:
        """As written: `critical by 75m`, `never`, `any`, `page by 62m, once`, `warning, 0 times`."""
        said = self.fires + (f" by {Duration(self.by * 1000)}" if self.by is not None else "")
        if self.times is not None:
            said += ", once" if self.times == 1 else f", {self.times} times"
        return said


@dataclass(frozen=True)
class Scenario:
    """A scenario, parsed: values per step in canonical units (None: absent at that step)."""

    name: str  # the file, or a name given
    service: str
    stack: Optional[str]
    step: int  # seconds
    series: Mapping[str, tuple[Optional[float], ...]]
    expect: tuple[Expectation, ...]
    marks: Mapping[PathKey, Location] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)  # a custom alert's series: the kind of value written (percent, ...)
    start: Optional[datetime] = None  # the first step's wall-clock time (UTC): maintenance windows apply

    @property
    def length(self) -> int:
        return max((len(v) for v in self.series.values()), default=0)

    def problem(self, path: PathKey, message: str, at_key: bool = False) -> SpecError:
        """A problem found after parsing, at the line it was written (the key's own line with `at_key`)."""
        probe = (*path, KEY) if at_key else path
        for cut in range(len(probe), -1, -1):
            if probe[:cut] in self.marks:
                return SpecError(self.marks[probe[:cut]], format_path(path), message)
        return SpecError(None, f"{self.name}: {format_path(path)}", message)


def series_of(name: str) -> Optional[Series]:
    """The registry series a scenario key names: `requests`, `health.<check>` for a per-check series, or
    `custom.<alert>` for a custom alert's."""
    found = SERIES.get(name)
    if found is not None and not found.per_check and not found.per_alert:
        return found
    head, dot, tail = name.partition(".")
    per = SERIES.get(head)
    if dot and per is not None and per.per_check and re.fullmatch(NAME_PATTERN, tail):
        return per
    if dot and per is not None and per.per_alert and re.fullmatch(CUSTOM_ALERT_PATTERN, tail):
        return per
    return None


def kind_of_value(text: str) -> str:
    """The kind of value a custom alert's series writes: percent, rate, duration or number (as thresholds are read)."""
    for kind, quantity in (("percent", Percent), ("rate", Rate), ("duration", Duration)):
        if re.fullmatch(quantity.pattern, text):
            return kind
    if _NUMBER.match(text):
        return "number"
    raise ValueError(f"expected {UNIT_WORDS['any']}, got {text!r}")


def parse_value(text: str, unit: str) -> Optional[float]:
    """One value in its series' unit, canonical: per second, percent, seconds, a number, 1/0 for up/down."""
    if text == ABSENT:
        if unit == "up":
            raise ValueError("a health check is up or down at every step (absent is for metrics)")
        return None
    if unit == "up":
        if text not in ("up", "down"):
            raise ValueError(f"expected up or down, got {text!r}")
        return 1.0 if text == "up" else 0.0
    if unit == "count":
        if not _COUNT.match(text):
            raise ValueError(f"expected {UNIT_WORDS['count']}, got {text!r}")
        return _number(text)
    if unit == "any":
        kind = kind_of_value(text)
        return _number(text) if kind == "number" else parse_value(text, kind)
    if unit == "rate":
        return float(Rate._validate(text).per_second)
    if unit == "percent":
        value = Percent._validate(text).value
        return float(value)
    return float(Duration._validate(text).seconds)


def _number(text: str) -> float:
    value = float(text)
    if not value <= MAX_NUMBER:  # 400 digits read as inf
        raise ValueError(f"too large (at most {MAX_NUMBER})")
    return value


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


def parse_series(text: str, unit: str) -> list[Optional[float]]:
    """`0% x60, 100% x660`: each segment's value held for its count of steps (1 without `xN`); at most MAX_STEPS in
    all, checked before the steps are made."""
    out: list[Optional[float]] = []
    most = f"a scenario has at most {MAX_STEPS} steps"
    for position, segment in enumerate(text.split(","), 1):
        match = _SEGMENT.match(segment.strip())
        where = f"segment {position} ({_short(segment.strip())!r})"
        if not match:
            raise ValueError(f"{where}: expected 'V xN' (a value, then x and a count of steps), e.g. '20/s x60'")
        digits = match.group("count") or "1"
        if len(digits) > 30:  # int() of thousands of digits is slow, or refused
            raise ValueError(f"{where}: a count of {len(digits)} digits; {most}")
        count = int(digits)
        if count < 1:
            raise ValueError(f"{where}: a segment lasts at least one step")
        if count > MAX_STEPS:
            raise ValueError(f"{where}: {count} steps; {most}")
        if len(out) + count > MAX_STEPS:
            raise ValueError(f"{where}: the series reaches {len(out) + count} steps; {most}")
        try:
            value = parse_value(match.group("value"), unit)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        out += [value] * count
    return out


def series_kind(text: str) -> Optional[str]:
    """The one kind of value a custom alert's series holds (None: only `absent`); ValueError when segments differ."""
    kinds = set()
    for segment in text.split(","):
        match = _SEGMENT.match(segment.strip())
        if match and match.group("value") != ABSENT:
            kinds.add(kind_of_value(match.group("value")))
    if len(kinds) > 1:
        raise ValueError(f"its values are of different kinds ({', '.join(sorted(kinds))}): write them all in its alert's thresholds' unit")
    return kinds.pop() if kinds else None


def _parsed_series(
    raw: Mapping[str, Any], draft: Scenario, kinds: Optional[dict[str, str]] = None
) -> tuple[dict[str, tuple[Optional[float], ...]], list[SpecError]]:
    """Each series in canonical units, and the problems (unknown names, values not in the unit, lengths that differ).
    A custom alert's series also records the kind of value it holds in `kinds`."""
    errors: list[SpecError] = []
    series: dict[str, tuple[Optional[float], ...]] = {}
    for key, text in raw.items():
        found = series_of(str(key))
        if found is None:
            known = [f"{s.name}.<check>" if s.per_check else f"{s.name}.<alert>" if s.per_alert else s.name for s in SERIES.values()]
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            errors.append(draft.problem(("series", key), f"unknown signal '{key}'; {hint}known: {', '.join(known)}", at_key=True))
            continue
        if not isinstance(text, (str, int, float)) or isinstance(text, bool):
            continue  # the model's own error says what is expected
        try:
            series[key] = tuple(parse_series(str(text), found.unit))
            kind = series_kind(str(text)) if found.per_alert and found.unit == "any" else None
            if kind is not None and kinds is not None:
                kinds[key] = kind
        except ValueError as exc:
            errors.append(draft.problem(("series", key), str(exc)))
    lengths = {key: len(values) for key, values in series.items()}
    longest = max(lengths.values(), default=0)
    for key, steps in lengths.items():
        if steps != longest:
            errors.append(
                draft.problem(("series", key), f"{steps} steps, where the longest series has {longest}: every series covers the whole scenario (`{ABSENT} xN` for no data)")
            )
    return series, errors


def _validated(data: Any, name: str, marks: Mapping[PathKey, Location]) -> Scenario:
    where = {path: (path, loc) for path, loc in marks.items()}
    if not isinstance(data, dict):
        raise SpecErrors([SpecError(marks.get(()), "", "expected a scenario: a mapping with service, step, series and expect")])
    raw = data.get("series")
    draft = Scenario(name, str(data.get("service")), None, 60, {}, (), marks)
    kinds: dict[str, str] = {}
    series, errors = _parsed_series(raw if isinstance(raw, dict) else {}, draft, kinds)
    try:
        model = ScenarioModel.model_validate(data)
    except ValidationError as exc:
        found = from_validation_error(exc, data, ScenarioModel, where)
        errors += found if marks else [SpecError(None, f"{name}: {e.path}", e.message) for e in found]
        raise SpecErrors(errors) from None
    if errors:
        raise SpecErrors(errors)
    expect = tuple(
        Expectation(e.alert, e.fires, int(e.by.ms // 1000) if e.by is not None else None, e.backend, i, e.times) for i, e in enumerate(model.expect)
    )
    start = datetime.fromisoformat(model.start.replace("Z", "+00:00")) if model.start else None
    scenario = Scenario(name, model.service, model.stack, int(model.step.ms // 1000), series, expect, marks, kinds, start)
    if not series:
        raise SpecErrors([scenario.problem(("series",), "no series: give at least one signal its values (a signal left out is absent)")])
    end = scenario.length * scenario.step
    if end > MAX_DAYS * 86_400:
        longest = max(scenario.series, key=lambda key: len(scenario.series[key]))
        message = f"{scenario.length} steps of {model.step} last {Duration(end * 1000)}; a scenario lasts at most {MAX_DAYS}d"
        raise SpecErrors([scenario.problem(("series", longest), message)])
    late = [e for e in expect if e.by is not None and e.by > end]
    if late:
        shown = Duration(end * 1000)
        raise SpecErrors([scenario.problem(("expect", e.index, "by"), f"{Duration((e.by or 0) * 1000)} is after the scenario's end ({shown})") for e in late])
    return scenario


SCENARIO = "scenario"  # the label of a problem with the whole file (a service file's is `<service>`)


def load_scenario(path: Path, display: Optional[str] = None) -> Scenario:
    """Read and check a scenario file; every problem at once, each at its line (SpecErrors)."""
    shown = display or str(path)
    try:
        documents = read_documents(path, shown)
    except YamlProblem as problem:
        raise SpecErrors([SpecError(problem.location, format_path(problem.path) or SCENARIO, problem.message)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecErrors([SpecError(Location(shown, 1, 1), SCENARIO, f"cannot read the scenario: {exc}")]) from None
    if len(documents) != 1:
        where = documents[1].marks.get(()) if len(documents) > 1 else Location(shown, 1, 1)
        raise SpecErrors([SpecError(where, SCENARIO, f"one scenario per file, found {len(documents)}")])
    return _validated(documents[0].data, shown, documents[0].marks)


def scenario_of(data: Mapping[str, Any], name: str = "scenario") -> Scenario:
    """A scenario given as a mapping (the test kit's `plan.replay({...})`): the same checks, problems named by path."""
    return _validated(dict(data), name, {})


__all__ = ["FIRES", "Expectation", "Scenario", "load_scenario", "parse_series", "scenario_of", "series_of"]

"""Quantities parse with their units; a bare number or a wrong unit is an error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from spec.units import Duration, Percent, Rate


class Holder(BaseModel):
    duration: Duration | None = None
    percent: Percent | None = None
    rate: Rate | None = None


@pytest.mark.parametrize(
    ("text", "ms"),
    [("500ms", 500), ("1s", 1000), ("1.5s", 1500), ("5m", 300_000), ("1h", 3_600_000), ("30d", 2_592_000_000)],
)
def test_duration_parses_to_milliseconds(text: str, ms: int) -> None:
    assert Holder(duration=text).duration.ms == ms  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "canonical"), [("60s", "1m"), ("1500ms", "1500ms"), ("24h", "1d"), ("90m", "90m")])
def test_duration_prints_canonically(text: str, canonical: str) -> None:
    assert str(Duration.parse(text)) == canonical


@pytest.mark.parametrize("bad", [500, "500", "5 m", "5min", "-1s", "0s", "1.0005s", True, "1e3ms", "ms"])
def test_duration_rejects_missing_or_wrong_units(bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Holder(duration=bad)
    assert "duration" in str(caught.value)


@pytest.mark.parametrize(("text", "value"), [("1%", 1.0), ("0.5%", 0.5), ("99.9%", 99.9), ("100%", 100.0), ("0%", 0.0)])
def test_percent_parses(text: str, value: float) -> None:
    percent = Holder(percent=text).percent
    assert percent is not None and percent.value == value and percent.fraction == value / 100


@pytest.mark.parametrize("bad", [1, 0.5, "1", "1 %", "101%", "-1%", "1pct", ".5%"])
def test_percent_rejects(bad: object) -> None:
    with pytest.raises(ValidationError):
        Holder(percent=bad)


@pytest.mark.parametrize(("text", "per_second"), [("5/s", 5.0), ("120/m", 2.0), ("3600/h", 1.0), ("0.5/s", 0.5)])
def test_rate_parses(text: str, per_second: float) -> None:
    rate = Holder(rate=text).rate
    assert rate is not None and rate.per_second == per_second and str(rate) == text


@pytest.mark.parametrize("bad", [5, "5", "5/d", "5 per s", "/s"])
def test_rate_rejects(bad: object) -> None:
    with pytest.raises(ValidationError):
        Holder(rate=bad)


def test_rate_window_count() -> None:
    assert Rate.parse("100/m").per(300) == pytest.approx(500)


@given(st.integers(min_value=1, max_value=10**9))
def test_duration_round_trips_through_its_canonical_text(ms: int) -> None:
    duration = Duration(ms)
    assert Duration.parse(str(duration)) == duration


@given(st.integers(min_value=0, max_value=100_000))
def test_percent_round_trips(thousandths: int) -> None:
    percent = Percent(thousandths / 1000)
    assert Percent.parse(str(percent)) == percent


def test_quantities_order_and_compare_by_value() -> None:
    assert Duration.parse("400ms") < Duration.parse("0.5s")
    assert Duration.parse("60s") == Duration.parse("1m")
    assert Percent.parse("0.5%") < Percent.parse("1%")
    assert Rate.parse("60/m") == Rate.parse("1/s")
    assert Duration.parse("1s") != Percent.parse("1%")

"""CloudWatch's missing-data rules, pinned on the tables of AlarmThatSendsEmail.html ("How alarm state is evaluated
when data is missing", evaluation range 5, N = 3) and its premature-alarm examples."""

import pytest

from vigil.replay import ALARM, INSUFFICIENT_DATA, OK, ReplayError
from vigil.replay.cloudwatch.missing_data import decide, evaluation_range, premature

KEEP = "keep"  # "Retain current state"
MODES = ("missing", "ignore", "breaching", "notBreaching")


def points(text: str) -> list:
    """`0 - X - X` (oldest first): 0 not breaching, X breaching, - missing."""
    return [{"0": False, "X": True, "-": None}[c] for c in text.split()]


# (data points, M, N, expected per mode: missing, ignore, breaching, notBreaching)
AWS_TABLE = [
    ("0 - X - X", 3, 3, (OK, OK, OK, OK)),
    ("0 - - - -", 3, 3, (OK, OK, OK, OK)),
    ("- - - - -", 3, 3, (INSUFFICIENT_DATA, KEEP, ALARM, OK)),
    ("0 X X - X", 3, 3, (ALARM, ALARM, ALARM, ALARM)),
    ("- - X - -", 3, 3, (ALARM, KEEP, ALARM, OK)),
    ("0 - X - X", 2, 3, (ALARM, ALARM, ALARM, ALARM)),
    ("0 0 X 0 X", 2, 3, (ALARM, ALARM, ALARM, ALARM)),
    ("0 - X - -", 2, 3, (OK, OK, ALARM, OK)),
    ("- - - - 0", 2, 3, (OK, OK, ALARM, OK)),
    ("- - - X -", 2, 3, (ALARM, KEEP, ALARM, OK)),
]


@pytest.mark.parametrize("current", [OK, ALARM, INSUFFICIENT_DATA])
@pytest.mark.parametrize(("data", "m", "n", "expected"), AWS_TABLE)
def test_aws_table_rows(data: str, m: int, n: int, expected: tuple[str, ...], current: str) -> None:
    for mode, want in zip(MODES, expected, strict=True):
        got = decide(points(data), n, m, mode, current)
        assert got == (current if want == KEEP else want), (data, f"{m} of {n}", mode, current)


def test_the_evaluation_range_of_three_periods_is_five() -> None:
    assert evaluation_range(3) == 5


@pytest.mark.parametrize("data", ["- - - - X", "- - - X -"])
def test_a_recent_lone_breach_is_not_premature_with_three_of_three(data: str) -> None:
    # "the alarm does not go immediately into ALARM state when the data is either - - - - X or - - - X -"
    assert not premature(points(data), 3, 3)
    assert decide(points(data), 3, 3, "missing", OK) == INSUFFICIENT_DATA
    assert decide(points(data), 3, 3, "ignore", OK) == OK


def test_enough_real_points_reach_back_past_gaps_and_ignore_the_setting() -> None:
    # 3 real points in the range: the newest three real ones (X X X) are judged, whatever the setting
    for mode in MODES:
        assert decide(points("X - X - X"), 3, 3, mode, OK) == ALARM
        assert decide(points("X 0 - X X"), 3, 3, mode, ALARM) == OK


def test_m_of_n_needs_m_breaching_not_consecutive() -> None:
    assert decide(points("- - X 0 X"), 3, 2, "missing", OK) == ALARM
    assert decide(points("- - X 0 0"), 3, 2, "missing", ALARM) == OK
    assert decide(points("X X 0 0 X X 0 X"), 5, 3, "missing", OK) == ALARM  # 3 of the newest 5 (0 X X 0 X)
    assert decide(points("X X X 0 0 X 0 0"), 5, 3, "missing", ALARM) == OK


def test_an_unknown_setting_is_an_error() -> None:
    with pytest.raises(ReplayError, match="treatMissingData"):
        decide(points("- - - - -"), 3, 3, "zero", OK)

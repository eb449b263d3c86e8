"""Metric math as vigil's alarms use it (`100*m1/m2`, `IF(m2 >= 100, 100*m1/m2, 0)`), per using-metric-math.html:
missing values are 0 in arithmetic, a point that divides by zero is dropped, a time stamp where no input has a point
is absent; comparisons, AND/OR and IF as the page's tables show them."""

import pytest

from vigil.replay import ReplayError
from vigil.replay.cloudwatch.expressions import evaluate, evaluate_columns, parse, references


def test_the_error_ratio_expression() -> None:
    ratio = parse("100*m1/m2")
    assert references(ratio) == {"m1", "m2"}
    assert evaluate(ratio, {"m1": 6, "m2": 1200}) == pytest.approx(0.5)
    assert evaluate(ratio, {"m1": None, "m2": 1200}) == 0  # ALB publishes no 5xx count while it is zero
    assert evaluate(ratio, {"m1": None, "m2": None}) is None  # no traffic: no point
    assert evaluate(ratio, {"m1": 3, "m2": None}) is None  # 3 / 0: dropped


def test_precedence_unary_minus_power_and_parentheses() -> None:
    assert evaluate(parse("1 + 2 * 3"), {}) == 7
    assert evaluate(parse("(1 + 2) * 3"), {}) == 9
    assert evaluate(parse("2 ^ 3 ^ 2"), {}) == 512
    assert evaluate(parse("-m1 - -2"), {"m1": 5}) == -3
    assert evaluate(parse("e1 / 2"), {"e1": 3}) == 1.5
    assert evaluate(parse("m1 ^ 0.5"), {"m1": -4}) is None  # no real value: dropped


@pytest.mark.parametrize("text", ["FILL(m1, REPEAT)", "FILL(m1, m2)", "DIFF(m1, m2)", "RATE(m1)", "MAX([m1, m2])", "IF(m1)", "IF(m1, m2, m3, m4)", "m1 +", "(m1", "m1 m2", "100*M1"])
def test_what_the_replay_does_not_implement_is_an_error(text: str) -> None:
    with pytest.raises(ReplayError, match="metric math"):
        parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "100*m1/m2", "100*m1/(m1+m2)", "-m1 - m2 * 2", "m1 ^ 0.5 + m2", "(m1 - m2) / (m2 - 3)", "42", "IF(m2 >= 100, 100*m1/m2, 0)",
        "IF(m1, m2, m1 - m2)", "IF(m1 > 0 AND m2 < 1 || m1 == -4, 1 / m1)", "m1 != m2",
    ],
)  # fmt: skip
def test_a_whole_column_evaluates_like_each_time_stamp(text: str) -> None:
    """Alarms evaluate their metric math over every minute at once: the same values as row by row."""
    values: list[float | None] = [None, 0.0, 1.0, 3.0, -4.0, 1200.0, 0.25]
    m1 = [a for a in values for _ in values]
    m2 = [b for _ in values for b in values]
    node = parse(text)
    assert evaluate_columns(node, {"m1": m1, "m2": m2}, len(m1)) == [evaluate(node, {"m1": a, "m2": b}) for a, b in zip(m1, m2, strict=True)]


# The page's own tables (using-metric-math.html, "Comparison and logical operators" and "Using IF expressions"):
# metric1 [30, 20, 0, 0] and metric2 [20, -, 20, -]; for IF, metric1 [1, 1, 0, 0, -], metric2 [30, -, 0, 0, 30],
# metric3 [0, 0, 20, -, 20].
COMPARED = {"metric1": [30.0, 20.0, 0.0, 0.0], "metric2": [20.0, None, 20.0, None]}
BRANCHES = {"metric1": [1.0, 1.0, 0.0, 0.0, None], "metric2": [30.0, None, 0.0, 0.0, 30.0], "metric3": [0.0, 0.0, 20.0, None, 20.0]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metric1 < metric2", [0, 0, 1, 0]),
        ("metric1 >= 30", [1, 0, 0, 0]),
        ("metric1 > 15 AND metric2 > 15", [1, 0, 0, 0]),
        ("metric1 > 15 && metric2 > 15", [1, 0, 0, 0]),
        ("metric1 > 25 OR metric2 > 15", [1, 0, 1, 0]),
    ],
)
def test_comparisons_and_logical_operators_as_the_page_shows_them(text: str, expected: list[float]) -> None:
    node = parse(text)
    assert evaluate_columns(node, COMPARED, 4) == expected
    assert [evaluate(node, {k: v[i] for k, v in COMPARED.items()}) for i in range(4)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IF(metric1, metric2, metric3)", [30, 0, 20, None, None]),
        ("IF(metric1, 5, metric3)", [5, 5, 20, None, None]),
        ("IF(metric1, metric2, 5)", [30, 0, 5, 5, None]),
        ("IF(metric1, metric2)", [30, 0, None, None, None]),
    ],
)
def test_if_as_the_page_shows_it(text: str, expected: list[float | None]) -> None:
    node = parse(text)
    assert evaluate_columns(node, BRANCHES, 5) == expected
    assert [evaluate(node, {k: v[i] for k, v in BRANCHES.items()}) for i in range(5)] == expected


def test_the_low_traffic_guard() -> None:
    """vigil's guarded error ratio: a point only where there was traffic, 0 below the minimum, the ratio above it."""
    guard = parse("IF(m2 >= 100, 100*m1/m2, 0)")
    assert references(guard) == {"m1", "m2"}
    assert evaluate(guard, {"m1": 1, "m2": 4}) == 0  # one error in a quiet minute: not a 25 % error rate
    assert evaluate(guard, {"m1": 6, "m2": 1200}) == pytest.approx(0.5)
    assert evaluate(guard, {"m1": None, "m2": None}) is None  # no traffic at all: no point, missing-data rules apply


# FILL and DIFF (using-metric-math.html, "Metric math syntax and functions").
FILL_SAYS = "Fills the missing values of a time series."
DIFF_SAYS = "Returns the difference between each value in the time series and the preceding value from that time series."


def test_fill_gives_every_period_a_point() -> None:
    """FILL: "Fills the missing values of a time series." A sparse count filled with 0 has a point at every period, so an
    alarm on it never meets missing data (AWS/DynamoDB alarms ignore TreatMissingData: they must not need it)."""
    assert "missing values" in FILL_SAYS
    sparse = [None, None, 7.0, 3.0, None, None]
    assert evaluate_columns(parse("FILL(m1, 0)"), {"m1": sparse}, 6) == [0.0, 0.0, 7.0, 3.0, 0.0, 0.0]
    assert evaluate_columns(parse("FILL(q1, -1)"), {"q1": sparse}, 6) == [-1.0, -1.0, 7.0, 3.0, -1.0, -1.0]
    assert evaluate_columns(parse("FILL(m1, 0) + m2"), {"m1": sparse, "m2": [None] * 6}, 6) == [0.0, 0.0, 7.0, 3.0, 0.0, 0.0]
    with pytest.raises(ReplayError, match="evaluate_columns"):
        evaluate(parse("FILL(m1, 0)"), {"m1": None})  # a time stamp alone cannot say what FILL needs


def test_diff_is_each_point_less_the_preceding_one() -> None:
    """DIFF: "Returns the difference between each value in the time series and the preceding value from that time
    series." The first point has no preceding one; a gap has no point, and the next point is compared with the last one
    before the gap."""
    assert "preceding value" in DIFF_SAYS
    depth = [None, 2.0, 2.0, 3.0, None, 5.0, 1.0]
    assert evaluate_columns(parse("DIFF(m1)"), {"m1": depth}, 7) == [None, None, 0.0, 1.0, None, 2.0, -4.0]
    # filled first: an empty queue that published nothing reads 0, so its first message is an increase of 1
    assert evaluate_columns(parse("DIFF(FILL(m1, 0))"), {"m1": [None, None, 1.0, 1.0, 2.0]}, 5) == [None, 0.0, 1.0, 0.0, 1.0]

"""Metric math as vigil's alarms use it (`100*m1/m2`), per using-metric-math.html: missing values are 0 in
arithmetic, a point that divides by zero is dropped, a time stamp where no input has a point is absent."""

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


@pytest.mark.parametrize("text", ["FILL(m1, 0)", "IF(m1 > 1, m1, 0)", "m1 +", "(m1", "m1 m2", "100*M1"])
def test_what_the_replay_does_not_implement_is_an_error(text: str) -> None:
    with pytest.raises(ReplayError, match="metric math"):
        parse(text)


@pytest.mark.parametrize("text", ["100*m1/m2", "100*m1/(m1+m2)", "-m1 - m2 * 2", "m1 ^ 0.5 + m2", "(m1 - m2) / (m2 - 3)", "42"])
def test_a_whole_column_evaluates_like_each_time_stamp(text: str) -> None:
    """Alarms evaluate their metric math over every minute at once: the same values as row by row."""
    values: list[float | None] = [None, 0.0, 1.0, 3.0, -4.0, 1200.0, 0.25]
    m1 = [a for a in values for _ in values]
    m2 = [b for _ in values for b in values]
    node = parse(text)
    assert evaluate_columns(node, {"m1": m1, "m2": m2}, len(m1)) == [evaluate(node, {"m1": a, "m2": b}) for a, b in zip(m1, m2, strict=True)]

"""Composite alarms (rules, references) and the actions suppressor's wait and extension periods, hand-computed."""

from __future__ import annotations

import pytest

from vigil.replay import ALARM, OK, ReplayError, Sample, VendorData, evaluate
from vigil.replay.cloudwatch.composites import holds, parse_rule

from .plans import COMPOSITE_ALARM, metric_alarm, plan, resource

MIN = 60


def composite(name: str, rule: str, **inputs: object) -> dict:
    base = {"alarmName": name, "alarmRule": rule, "alarmActions": ["${page.arn}"], "okActions": ["${page.arn}"]}
    base.update(inputs)
    return resource(COMPOSITE_ALARM, name, base)


def breaching(metric: str, minutes: range, length: int = 30) -> tuple[str, list]:
    return metric, [Sample.value(20 if i in minutes else 0) for i in range(length)]


def data_of(*series: tuple[str, list]) -> VendorData:
    data = VendorData(step=60, length=len(series[0][1]))
    for name, points in series:
        data.add_cloudwatch("Test", name, None, points)
    return data


def child(name: str) -> dict:
    return metric_alarm(name, metricName=name, alarmActions=[], okActions=[])


@pytest.mark.parametrize(
    ("rule", "states", "expected"),
    [
        ('ALARM("a") AND ALARM("b")', {"a": ALARM, "b": OK}, False),
        ('ALARM("a") OR ALARM("b")', {"a": ALARM, "b": OK}, True),
        ("ALARM(a) AND NOT OK(b)", {"a": ALARM, "b": "INSUFFICIENT_DATA"}, True),
        ('(ALARM("a") OR ALARM("b")) AND INSUFFICIENT_DATA("c")', {"a": OK, "b": ALARM, "c": "INSUFFICIENT_DATA"}, True),
        ('ALARM("a") OR ALARM("b") AND ALARM("c")', {"a": ALARM, "b": OK, "c": OK}, True),  # AND binds tighter
        ("TRUE AND NOT FALSE", {}, True),
    ],
)
def test_rules(rule: str, states: dict, expected: bool) -> None:
    assert holds(parse_rule(rule), states) is expected


@pytest.mark.parametrize("rule", ['ALARM("a") XOR ALARM("b")', 'ALARM("a") AND', 'ALARMS("a")', '(ALARM("a")'])
def test_malformed_rules_are_errors(rule: str) -> None:
    with pytest.raises(ReplayError, match="alarm rule"):
        parse_rule(rule)


def test_a_composite_follows_its_inputs_by_name_and_by_arn() -> None:
    rule = 'ALARM("a") AND ALARM(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:b)'
    timelines = evaluate(plan(child("a"), child("b"), composite("both", rule)), data_of(breaching("a", range(5, 15)), breaching("b", range(10, 20))))
    assert timelines["both"].changes == [(1 * MIN, OK), (11 * MIN, ALARM), (16 * MIN, OK)]
    assert [(n.at, n.level) for n in timelines["both"].notifications] == [(MIN, "ok"), (11 * MIN, "alert"), (16 * MIN, "recovery")]


def test_unknown_inputs_and_cycles_are_errors_naming_the_composite() -> None:
    with pytest.raises(ReplayError, match=r"all-of.*'nowhere' is not in the plan"):
        evaluate(plan(child("a"), composite("all-of", 'ALARM("a") AND ALARM("nowhere")')), data_of(breaching("a", range(0))))
    other_region = resource(COMPOSITE_ALARM, "elsewhere", {"alarmName": "elsewhere", "alarmRule": 'ALARM("a")'}, provider="aws-us-east-1")
    with pytest.raises(ReplayError, match=r"elsewhere.*not in the plan"):
        evaluate(plan(child("a"), other_region), data_of(breaching("a", range(0))))
    with pytest.raises(ReplayError, match="cycle"):
        evaluate(plan(composite("x", 'ALARM("y")'), composite("y", 'ALARM("x")')), data_of(breaching("a", range(0))))


def suppressed(c_minutes: range, s_minutes: range) -> list[tuple[int, str]]:
    """C's composite X (suppressed by S's alarm, wait 2 min, extension 3 min): its notifications (minute, level)."""
    x = composite("x", 'ALARM("c")', actionsSuppressor={"alarm": "s", "waitPeriod": 120, "extensionPeriod": 180})
    timelines = evaluate(plan(child("c"), child("s"), x), data_of(breaching("c", c_minutes), breaching("s", s_minutes)))
    assert timelines["x"].entered(ALARM) == [c_minutes.start * MIN + MIN]  # its state does not wait
    return [(n.at // MIN, n.level) for n in timelines["x"].notifications]


def test_the_wait_period_expires_without_the_suppressor_then_actions_run() -> None:
    # X enters ALARM at 6 min; the suppressor never alarms: X acts when its 2-minute wait ends
    assert suppressed(range(5, 30), range(0)) == [(1, "ok"), (8, "alert")]


def test_the_suppressor_arriving_within_the_wait_holds_until_its_extension_ends() -> None:
    # X ALARM at 6; S ALARM at 7 (within the wait) until it clears at 11; the extension holds to 14: act then
    assert suppressed(range(5, 30), range(6, 10)) == [(1, "ok"), (14, "alert")]


def test_a_suppressed_alarm_that_ended_meanwhile_tells_nobody() -> None:
    # S in ALARM from 3 to 21 min; X in ALARM from 6 to 16 min: held all along, OK again when the hold ends
    assert suppressed(range(5, 15), range(2, 20)) == [(1, "ok")]


def test_a_suppressor_already_in_alarm_holds_at_once() -> None:
    # S ALARM from 3 min, X ALARM at 11; S clears at 16, extension to 19: X, still in ALARM, acts at 19
    assert suppressed(range(10, 30), range(2, 15)) == [(1, "ok"), (19, "alert")]


def test_composites_read_composites_in_order() -> None:
    inner = composite("inner", 'ALARM("a")', alarmActions=[], okActions=[])
    outer = composite("outer", 'ALARM("inner") OR ALARM("b")')
    timelines = evaluate(plan(outer, child("a"), child("b"), inner), data_of(breaching("a", range(4, 6)), breaching("b", range(0))))
    assert timelines["outer"].entered(ALARM) == [5 * MIN] and timelines["outer"].entered(OK)[-1] == 7 * MIN

"""Datadog composite monitors: the status table of monitors/types/composite, and composites over planned monitors."""

from __future__ import annotations

import pytest

from vigil.replay import DD_ALERT, DD_NO_DATA, DD_OK, DD_WARN, ReplayError, Sample, VendorData, evaluate
from vigil.replay.datadog.composites import _Parser, status

from .plans import MONITOR, monitor, plan, resource

MIN = 60
ROWS = [
    (DD_ALERT, DD_WARN, "&&", DD_WARN),
    (DD_ALERT, DD_WARN, "||", DD_ALERT),
    (DD_ALERT, DD_OK, "&&", DD_OK),
    (DD_ALERT, DD_OK, "||", DD_ALERT),
    (DD_WARN, DD_OK, "&&", DD_OK),
    (DD_WARN, DD_OK, "||", DD_WARN),
    (DD_NO_DATA, DD_WARN, "&&", DD_NO_DATA),
    (DD_NO_DATA, DD_WARN, "||", DD_WARN),
    (DD_NO_DATA, DD_OK, "&&", DD_OK),
    (DD_NO_DATA, DD_OK, "||", DD_NO_DATA),
    (DD_NO_DATA, DD_NO_DATA, "&&", DD_NO_DATA),
]


@pytest.mark.parametrize(("a", "b", "op", "expected"), ROWS)
def test_the_documented_status_table(a: str, b: str, op: str, expected: str) -> None:
    expr = _Parser(f"${{a.id}} {op} ${{b.id}}").parse()
    assert status(expr, {"a": a, "b": b}) == expected


@pytest.mark.parametrize(("a", "expected"), [(DD_NO_DATA, DD_NO_DATA), (DD_ALERT, DD_OK), (DD_WARN, DD_OK), (DD_OK, DD_ALERT)])
def test_negation(a: str, expected: str) -> None:
    assert status(_Parser("!${a.id}").parse(), {"a": a}) == expected


def composite(query: str, **inputs: object) -> dict:
    base = {"name": "both", "type": "composite", "query": query, "message": "{{#is_alert}}@pager{{/is_alert}}"}
    base.update(inputs)
    return resource(MONITOR, "both", base, provider="datadog")


def gauges(a: list[float], b: list[float]) -> VendorData:
    data = VendorData(step=60, length=len(a))
    data.add_datadog("a", ["env:x"], "gauge", [Sample.value(v) for v in a])
    data.add_datadog("b", ["env:x"], "gauge", [Sample.value(v) for v in b])
    return data


def test_a_composite_over_two_monitors() -> None:
    monitors = [monitor(n, f"avg(last_1m):avg:{n}{{env:x}} > 10", 10) for n in ("a", "b")]
    data = gauges([0, 20, 20, 20, 0, 0], [0, 0, 20, 20, 20, 0])
    timelines = evaluate(plan(*monitors, composite("${a.id} && ${b.id}")), data)
    assert timelines["both"].changes == [(3 * MIN, DD_ALERT), (5 * MIN, DD_OK)]
    either = evaluate(plan(*monitors, composite("${a.id} || !(${b.id})")), data)["both"]
    assert either.changes == [(MIN, DD_ALERT), (5 * MIN, DD_OK), (6 * MIN, DD_ALERT)]


@pytest.mark.parametrize(
    ("query", "message"),
    [("123 && 456", "monitor id 123"), ("${a.id} && ${c.id}", "names no monitor"), ("${a.id} &&", "ends too early"), ("${a.id} & ${a.id}", "cannot read")],
)
def test_composites_the_replay_cannot_resolve_are_errors(query: str, message: str) -> None:
    with pytest.raises(ReplayError, match=f"both.*{message}"):
        evaluate(plan(monitor("a", "avg(last_1m):avg:a{env:x} > 10", 10), composite(query)), gauges([0], [0]))


def test_a_composite_of_a_composite_is_refused() -> None:
    inner = resource(MONITOR, "inner", {"name": "inner", "type": "composite", "query": "${a.id}", "message": ""}, provider="datadog")
    with pytest.raises(ReplayError, match="composites cannot use composites"):
        evaluate(plan(monitor("a", "avg(last_1m):avg:a{env:x} > 10", 10), inner, composite("${inner.id} && ${a.id}")), gauges([0], [0]))


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ({"b1": DD_ALERT, "t1": DD_OK, "b6": DD_OK, "t6": DD_ALERT}, DD_OK),  # the fast tier burns, its window is too quiet
        ({"b1": DD_ALERT, "t1": DD_ALERT, "b6": DD_OK, "t6": DD_OK}, DD_ALERT),
        ({"b1": DD_OK, "t1": DD_OK, "b6": DD_ALERT, "t6": DD_ALERT}, DD_ALERT),
        ({"b1": DD_ALERT, "t1": DD_OK, "b6": DD_ALERT, "t6": DD_OK}, DD_OK),
    ],
)
def test_guarded_tiers_the_way_vigil_writes_them(states: dict[str, str], expected: str) -> None:
    """vigil's SLO composites: each burn-rate tier with its traffic, `(b1 && t1) || (b6 && t6)` (parenthesised: Datadog
    documents no precedence between && and ||)."""
    assert status(_Parser("(${b1.id} && ${t1.id}) || (${b6.id} && ${t6.id})").parse(), states) == expected

"""Synthetic API tests over time, on the worked examples of synthetics/guide/how-synthetics-monitors-trigger-alerts
and hand-computed location rules."""

from __future__ import annotations

from typing import Optional

import pytest

from vigil.replay import DD_ALERT, DD_OK, Probe, ReplayError, VendorData, evaluate

from .plans import SYNTHETIC, plan, resource

MIN = 60
URL = "https://api.example.com/health/live"
REGIONS = ["aws:ap-southeast-1", "aws:eu-west-1", "aws:us-east-1"]


def synthetic(**options: object) -> dict:
    base_options = {"tickEvery": 60, "minFailureDuration": 0, "minLocationFailed": 1, "retry": {"count": 0, "interval": 300}}
    base_options.update(options)
    return resource(SYNTHETIC, "check", {
        "name": "check", "type": "api", "subtype": "http", "status": "live", "locations": REGIONS[:1] if options.get("one") else REGIONS,
        "message": "{{#is_alert}}@pager{{/is_alert}}{{#is_recovery}}@pager{{/is_recovery}}",
        "requestDefinition": {"method": "GET", "url": URL, "timeout": 2},
        "assertions": [{"type": "statusCode", "operator": "is", "target": "200"}, {"type": "responseTime", "operator": "lessThan", "target": "1000"}],
        "optionsList": {k: v for k, v in base_options.items() if k != "one"},
    }, provider="datadog")


def probes(down: range, length: int = 80, regions: Optional[dict[str, range]] = None) -> VendorData:
    data = VendorData(step=60, length=length)
    data.add_probes(URL, [Probe.down() if i in down else Probe.up() for i in range(length)],
                    {r: [Probe.down() if i in m else Probe.up() for i in range(length)] for r, m in (regions or {}).items()})
    return data


def test_doc_example_minimum_duration_longer_than_the_frequency() -> None:
    # every 15 min, minimum duration 13 min, 1 of 1 location: fails at t15 → ALERT at t28
    check = synthetic(one=True, tickEvery=900, minFailureDuration=780)
    timeline = evaluate(plan(check), probes(range(15, 40)))["check"]
    assert timeline.entered(DD_ALERT) == [28 * MIN]


def test_doc_example_fast_retries_delay_the_alert() -> None:
    # every 30 min, 2 retries 1 min apart, minimum duration 5 min: fails at t30, t31, t32 → ALERT at t37; passes at t60
    check = synthetic(one=True, tickEvery=1800, minFailureDuration=300, retry={"count": 2, "interval": 60000})
    timeline = evaluate(plan(check), probes(range(30, 60)))["check"]
    assert timeline.changes == [(37 * MIN, DD_ALERT), (60 * MIN, DD_OK)]
    assert [(n.at // MIN, n.level) for n in timeline.notifications] == [(37, "alert"), (60, "recovery")]


def test_vigil_shaped_test_two_of_three_locations_for_two_minutes() -> None:
    check = synthetic(minLocationFailed=2, minFailureDuration=120, retry={"count": 1, "interval": 1000})
    everywhere = evaluate(plan(check), probes(range(10, 30)))["check"]
    # runs at 10:00 fail, retried at 10:01: the rule holds from 10:01; two minutes later it alerts
    assert everywhere.changes == [(10 * MIN + 121, DD_ALERT), (30 * MIN, DD_OK)]
    one_region = evaluate(plan(check), probes(range(0), regions={"eu-west-1": range(10, 30)}))["check"]
    assert one_region.changes == []
    two = evaluate(plan(check), probes(range(0), regions={"eu-west-1": range(10, 30), "us-east-1": range(10, 30)}))["check"]
    assert two.entered(DD_ALERT) == [10 * MIN + 121]


def test_a_break_resets_the_minimum_duration_timer() -> None:
    check = synthetic(minFailureDuration=180)
    assert evaluate(plan(check), probes(range(10, 12)))["check"].changes == []  # failing 10:00 to 12:00: 2 minutes < 3
    flapping = VendorData(step=60, length=80)
    flapping.add_probes(URL, [Probe.down() if 10 <= i < 30 and i != 12 else Probe.up() for i in range(80)])
    assert evaluate(plan(check), flapping)["check"].entered(DD_ALERT) == [16 * MIN]  # the pass at 12:00 restarts the timer at 13:00


def test_assertions_and_timeout() -> None:
    slow = VendorData(step=60, length=10)
    slow.add_probes(URL, [Probe(200, 1500.0) if i >= 5 else Probe.up() for i in range(10)])
    assert evaluate(plan(synthetic()), slow)["check"].entered(DD_ALERT) == [5 * MIN]
    wrong = VendorData(step=60, length=10)
    wrong.add_probes(URL, [Probe(301, 20.0) if i >= 5 else Probe.up() for i in range(10)])
    assert evaluate(plan(synthetic()), wrong)["check"].entered(DD_ALERT) == [5 * MIN]


def test_a_paused_test_never_alerts_and_unknown_assertions_are_errors() -> None:
    paused = synthetic()
    paused["inputs"]["status"] = "paused"
    assert evaluate(plan(paused), probes(range(0, 80)))["check"].changes == []
    body = synthetic()
    body["inputs"]["assertions"].append({"type": "body", "operator": "contains", "target": "ok"})
    with pytest.raises(ReplayError, match=r"check.*statusCode and responseTime"):
        evaluate(plan(body), probes(range(0)))


def test_a_replay_starting_late_starts_the_monitor_then() -> None:
    # the endpoint is down from 10 min; replayed from 20 min, the rule holds from the start: alert at 20 + 0
    timeline = evaluate(plan(synthetic()), probes(range(10, 80)), start=20 * MIN)["check"]
    assert timeline.changes == [(20 * MIN, DD_ALERT)]

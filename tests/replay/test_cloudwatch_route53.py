"""Route 53 health checks feeding their HealthCheckStatus alarms: request interval, failure threshold, the share of
healthy checkers, hand-computed from the probes."""

from __future__ import annotations

from typing import Optional

import pytest

from vigil.replay import ALARM, OK, Probe, ReplayError, VendorData, evaluate

from .plans import HEALTH_CHECK, metric_alarm, plan, resource

MIN = 60
URL = "https://api.example.com/health/live"
REGIONS = ["ap-southeast-1", "eu-west-1", "us-east-1"]


def check(**inputs: object) -> dict:
    base = {"type": "HTTPS", "fqdn": "api.example.com", "port": 443, "resourcePath": "/health/live", "failureThreshold": 3,
            "requestInterval": 30, "regions": REGIONS, "measureLatency": True, "enableSni": True, "referenceName": "live"}
    base.update(inputs)
    return resource(HEALTH_CHECK, "live-check", base, provider="aws-us-east-1")


def alarm() -> dict:
    """The alarm vigil builds: Minimum of HealthCheckStatus over a minute below 1, 1 of 1, missing data breaching."""
    return metric_alarm(
        "live-alarm", namespace="AWS/Route53", metricName="HealthCheckStatus", dimensions={"HealthCheckId": "${live-check.id}"},
        statistic="Minimum", threshold=1, comparisonOperator="LessThanThreshold", treatMissingData="breaching",
    )


def replay(down: range, regions: Optional[dict[str, range]] = None, length: int = 40, **inputs: object):
    data = VendorData(step=60, length=length)
    outcome = [Probe(503, 20.0) if i in down else Probe.up() for i in range(length)]
    by_region = {r: [Probe.down() if i in minutes else Probe.up() for i in range(length)] for r, minutes in (regions or {}).items()}
    data.add_probes(URL, outcome, by_region)
    return evaluate(plan(check(**inputs), alarm()), data)["live-alarm"]


def test_three_failures_thirty_seconds_apart_then_a_minute_of_zeros() -> None:
    # down from 10 min: failures at 10:00, 10:30, 11:00 flip the checkers at 11:00; the minute 11-12 is all 0
    timeline = replay(range(10, 20))
    assert timeline.entered(ALARM) == [12 * MIN]
    # up from 20 min: successes at 20:00, 20:30, 21:00 flip back at 21:00; the minute 21-22 is all 1
    assert timeline.entered(OK) == [1 * MIN, 22 * MIN]


def test_a_failure_threshold_of_one_flips_at_the_first_failure() -> None:
    assert replay(range(10, 20), failureThreshold=1).entered(ALARM) == [11 * MIN]


def test_a_ten_second_interval_flips_within_the_first_minute() -> None:
    assert replay(range(10, 20), requestInterval=10).entered(ALARM) == [11 * MIN]


def test_a_short_blip_under_the_threshold_is_not_an_outage() -> None:
    # one minute down = failures at 10:00 and 10:30 only: two in a row, threshold three
    assert replay(range(10, 11)).entered(ALARM) == []


def test_healthy_while_more_than_18_percent_of_checkers_are() -> None:
    assert replay(range(0), regions={"eu-west-1": range(10, 20), "us-east-1": range(10, 20)}).entered(ALARM) == []
    everywhere = dict.fromkeys(REGIONS, range(10, 20))
    assert replay(range(0), regions=everywhere).entered(ALARM) == [12 * MIN]


def test_slow_answers_fail_and_an_inverted_check_alarms_when_the_endpoint_is_up() -> None:
    data = VendorData(step=60, length=20)
    data.add_probes(URL, [Probe(200, 2500.0) if 5 <= i < 15 else Probe.up() for i in range(20)])
    assert evaluate(plan(check(), alarm()), data)["live-alarm"].entered(ALARM) == [7 * MIN]
    assert replay(range(0), invertHealthcheck=True).entered(ALARM) == [MIN]


def test_no_probes_for_the_url_means_no_status_at_all() -> None:
    timeline = evaluate(plan(check(), alarm()), VendorData(step=60, length=5))["live-alarm"]
    assert timeline.entered(ALARM) == [MIN]  # missing data is breaching for this alarm


@pytest.mark.parametrize(("inputs", "message"), [({"type": "TCP"}, "HTTP and HTTPS"), ({"searchString": "ok"}, "searchString"), ({"requestInterval": 20}, "10 or 30")])
def test_unsupported_health_checks_are_errors(inputs: dict, message: str) -> None:
    with pytest.raises(ReplayError, match=f"live-check.*{message}"):
        evaluate(plan(check(**inputs)), VendorData(step=60, length=1))

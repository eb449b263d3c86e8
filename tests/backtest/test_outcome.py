"""Per-level outcomes from replay timelines: a notifying alarm counts its notifications; a roll-up that tells nobody
itself (CloudWatch's service_unhealthy composite, no actions) counts none, and says when it was in ALARM instead."""

from __future__ import annotations

import pytest

from vigil.backtest.outcome import level_outcome
from vigil.backtest.requests import Window
from vigil.replay import ALARM
from vigil.replay.alerts import AlertPart
from vigil.replay.timeline import Notification, Timeline

WINDOW = Window(0, 86400)


def _timeline(name: str, *, told: bool) -> Timeline:
    timeline = Timeline(name, "aws:cloudwatch/metricAlarm:MetricAlarm", "aws", "OK")
    for start, end in ((600, 1200), (3600, 7200)):
        timeline.enter(start, ALARM)
        timeline.enter(end, "OK")
        if told:
            timeline.notifications.append(Notification(start, "alert", ALARM, ("api-page-topic",)))
    return timeline


def test_an_alarm_that_pages_counts_its_notifications() -> None:
    part = AlertPart("api-error-rate-critical", "aws", "error_rate", {"alert": "page"})
    outcome = level_outcome([part], {part.resource: _timeline(part.resource, told=True)}, "page", WINDOW)
    assert (outcome.notifications, outcome.silent, outcome.minutes_in_alert) == ((600, 3600), False, 70)


def test_a_roll_up_that_tells_nobody_counts_no_notification() -> None:
    part = AlertPart("api-service-unhealthy", "aws", "service_unhealthy", {}, by_state="page")
    outcome = level_outcome([part], {part.resource: _timeline(part.resource, told=False)}, "page", WINDOW)
    assert (outcome.notifications, outcome.silent, outcome.entered, outcome.minutes_in_alert) == ((), True, (600, 3600), 70)


def test_cloudwatch_stamps_are_utc_whatever_their_spelling(monkeypatch: pytest.MonkeyPatch) -> None:
    """The AWS CLI prints `2024-06-01T00:00:00+00:00`; `Z`, another offset, epoch seconds and a stamp without an offset
    (UTC, as CloudWatch means it) are the same instant, on a machine in any time zone."""
    import time

    from vigil.backtest.reads import CloudWatchSeries, Place
    from vigil.backtest.requests import AwsQuery, AwsRequest
    from vigil.backtest.responses import Received, read_aws
    from vigil.replay.data import CloudWatchMetric

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        series = CloudWatchSeries(Place("eu-west-1"), CloudWatchMetric("AWS/RDS", "CPUUtilization", (("DBInstanceIdentifier", "db"),)))
        request = AwsRequest("aws-x", Place("eu-west-1"), 60, (AwsQuery("m0", series, "Maximum"),), 0, 0)
        for spelled in ("2024-06-01T00:00:00+00:00", "2024-06-01T00:00:00Z", "2024-06-01T02:00:00+02:00", "2024-06-01T00:00:00", 1717200000):
            received = {series: Received()}
            read_aws(request, [{"MetricDataResults": [{"Id": "m0", "Timestamps": [spelled], "Values": [5.0], "StatusCode": "Complete"}]}], received)
            assert received[series].points[("Maximum",)].stamps.tolist() == [1717200000], spelled
    finally:
        monkeypatch.undo()
        time.tzset()

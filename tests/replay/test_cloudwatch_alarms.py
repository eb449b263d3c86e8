"""CloudWatch metric alarms over time, on hand-built alarms and data: the sliding window, M of N, missing data
over a run, actions on changes only, metric math, and the options the replay refuses."""

from __future__ import annotations

from typing import Optional

import pytest

from vigil.replay import ALARM, INSUFFICIENT_DATA, OK, ReplayError, Sample, VendorData, evaluate

from .plans import metric_alarm, plan

MIN = 60


def data_of(values: list[Optional[float]], step: int = 60) -> VendorData:
    """`Test/Metric` with one Sum per step (None: absent)."""
    data = VendorData(step=step, length=len(values))
    data.add_cloudwatch("Test", "Metric", None, [None if v is None else Sample.value(v) for v in values])
    return data


def run(values: list[Optional[float]], **inputs: object):
    return evaluate(plan(metric_alarm("a", **inputs)), data_of(values))["a"]


def test_starts_insufficient_then_one_breaching_minute_alarms_and_recovers() -> None:
    timeline = run([1, 1, 20, 20, 1, 1])
    assert timeline.initial == INSUFFICIENT_DATA
    assert timeline.changes == [(1 * MIN, OK), (3 * MIN, ALARM), (5 * MIN, OK)]
    assert [(n.at, n.level, n.targets) for n in timeline.notifications] == [
        (1 * MIN, "ok", ("page",)),
        (3 * MIN, "alert", ("page",)),
        (5 * MIN, "recovery", ("page",)),
    ]


def test_three_of_five_fires_on_the_third_breaching_minute() -> None:
    timeline = run([1] * 5 + [20, 1, 20, 20] + [1] * 5, evaluationPeriods=5, datapointsToAlarm=3)
    # minute 5 breaches (known at 6), 6 does not, 7 and 8 do: the third breach of the last five is known at 9 min
    assert timeline.entered(ALARM) == [9 * MIN]
    # it returns to OK once fewer than three of the last five breach: at 11 min the five are 6..10 → 7, 8 breach
    assert timeline.entered(OK)[-1] == 11 * MIN


def test_a_five_minute_period_slides_every_minute() -> None:
    # Sum over 5 minutes > 10: two minutes of 6 make 12 — the alarm fires as soon as both are in one window
    timeline = run([0] * 10 + [6, 0, 0, 0, 6] + [0] * 10, period=300)
    assert timeline.entered(ALARM) == [15 * MIN]  # the window 10..15 holds both
    assert timeline.entered(OK)[-1] == 16 * MIN  # 11..16 holds one


def test_treat_missing_data_over_a_gap() -> None:
    values: list[Optional[float]] = [1] * 5 + [None] * 10
    common = {"evaluationPeriods": 3, "datapointsToAlarm": 3}
    # minutes 0-4 have points. At 7 min the range (minutes 2-6) still holds 3 real points; at 8 and 9 min the
    # real non-breaching points outweigh the fill (0 + 1, 0 + 2 breaching of 3); at 10 min the range is empty.
    assert run(values, treatMissingData="breaching", **common).entered(ALARM) == [10 * MIN]
    assert run(values, treatMissingData="notBreaching", **common).entered(ALARM) == []
    assert run(values, treatMissingData="missing", **common).entered(INSUFFICIENT_DATA) == [10 * MIN]
    ignore = run(values, treatMissingData="ignore", **common)
    assert ignore.changes == [(1 * MIN, OK)]  # held OK throughout the gap


def test_premature_alarm_with_missing_data() -> None:
    # X then nothing: with "missing", - - X - - alarms once the X is 3 periods old (the premature-alarm rule)
    timeline = run([None] * 5 + [20] + [None] * 5, evaluationPeriods=3, datapointsToAlarm=3)
    # at 6 min the range is - - - - X, at 7 min - - - X -: not yet; at 8 min - - X - -: ALARM
    assert timeline.entered(ALARM) == [8 * MIN]
    # at 9 min (- X - - -) no breaching point is left within the last three periods: insufficient data again
    assert timeline.entered(INSUFFICIENT_DATA) == [9 * MIN]


def test_actions_run_on_changes_only_and_not_when_disabled() -> None:
    timeline = run([20] * 10)
    assert [n.level for n in timeline.notifications] == ["alert"]
    assert run([20] * 10, actionsEnabled=False).notifications == []
    silent = run([20] * 10, alarmActions=[], okActions=[])
    assert silent.entered(ALARM) == [MIN] and silent.notifications == []


def test_metric_math_ratio_with_alb_style_counts() -> None:
    data = VendorData(step=60, length=6)
    data.add_cloudwatch("AWS/ApplicationELB", "RequestCount", {"LoadBalancer": "lb"}, [Sample.events(100)] * 4 + [None, None])
    data.add_cloudwatch("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", {"LoadBalancer": "lb"}, [None, Sample.events(2), None, None, None, None])

    def metric(name: str) -> dict:
        return {"namespace": "AWS/ApplicationELB", "metricName": name, "dimensions": {"LoadBalancer": "lb"}, "stat": "Sum", "period": 60}

    alarm = metric_alarm(
        "ratio",
        namespace=None, metricName=None, statistic=None, period=None, threshold=1, treatMissingData="breaching",
        metricQueries=[
            {"id": "m1", "metric": metric("HTTPCode_Target_5XX_Count")},
            {"id": "m2", "metric": metric("RequestCount")},
            {"id": "e1", "expression": "100*m1/m2", "label": "ratio", "returnData": True},
        ],
    )
    timeline = evaluate(plan(alarm), data)["ratio"]
    # 0 % (no 5xx point = 0), 2 % > 1 %, 0 %, 0 %, then no traffic: 0/0 dropped, and "breaching" needs the range to run dry
    assert timeline.changes == [(1 * MIN, OK), (2 * MIN, ALARM), (3 * MIN, OK)]


def test_percentile_alarm_with_low_samples_ignored() -> None:
    data = VendorData(step=60, length=3)
    latencies = [Sample.values([(0.1, 30), (2.0, 5)])] * 3  # p95 is 2 s, but 35 samples < 10/(1-0.95) = 200
    data.add_cloudwatch("Test", "Metric", None, latencies)
    common = {"statistic": None, "extendedStatistic": "p95", "threshold": 0.5}
    assert evaluate(plan(metric_alarm("a", **common)), data)["a"].entered(ALARM) == [MIN]
    held = evaluate(plan(metric_alarm("a", evaluateLowSampleCountPercentiles="ignore", **common)), data)["a"]
    assert held.changes == []


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"unit": "Seconds"}, "does not understand unit"),
        ({"thresholdMetricId": "ad1"}, "does not understand thresholdMetricId"),
        ({"comparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold"}, "comparisonOperator"),
        ({"treatMissingData": "zero"}, "treatMissingData"),
        ({"period": 30}, "sub-minute"),
        ({"extendedStatistic": "p99"}, "exactly one of statistic and extendedStatistic"),
        ({"datapointsToAlarm": 2}, "datapointsToAlarm 2"),
        ({"statistic": "Median"}, "unknown statistic"),
    ],
)
def test_what_the_replay_does_not_understand_names_the_alarm(inputs: dict, message: str) -> None:
    with pytest.raises(ReplayError, match=message) as caught:
        evaluate(plan(metric_alarm("broken-alarm", **inputs)), data_of([1]))
    assert "broken-alarm" in str(caught.value)

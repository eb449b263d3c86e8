"""Datadog threshold monitors over time, hand-computed: as_count vs as_rate, recovery thresholds, warning levels,
evaluation delay, require_full_window, no data, re-notification, log alerts, percentiles."""

from __future__ import annotations

from typing import Optional

import pytest

from vigil.replay import DD_ALERT, DD_NO_DATA, DD_OK, DD_WARN, ReplayError, Sample, VendorData, evaluate
from vigil.replay.datadog.metrics import DatadogData, WindowedFormula
from vigil.replay.datadog.queries import parse_monitor_query
from vigil.replay.datadog.thresholds import Level, Thresholds

from .plans import MONITOR, monitor, plan, resource

MIN = 60
TAGS = ["env:x"]


def gauge(values: list[Optional[float]]) -> VendorData:
    data = VendorData(step=60, length=len(values))
    data.add_datadog("test.gauge", TAGS, "gauge", [None if v is None else Sample.value(v) for v in values])
    return data


def test_as_count_sums_before_dividing_and_as_rate_after() -> None:
    # as-count-in-monitor-evaluations: errors 1..5, totals 5 each → 0.6 with as_count(), 3 with as_rate()
    data = VendorData(step=60, length=5)
    data.add_datadog("requests.error", [], "count", [Sample.value(float(v)) for v in (1, 2, 3, 4, 5)])
    data.add_datadog("requests.total", [], "count", [Sample.value(5.0)] * 5)
    datadog = DatadogData(data)
    for modifier, expected in (("as_count", 0.6), ("as_rate", 3.0)):
        query = parse_monitor_query(f"sum(last_5m): sum:requests.error{{*}}.{modifier}() / sum:requests.total{{*}}.{modifier}() > 1")
        assert WindowedFormula(datadog, query.formula, "sum").value(range(0, 5)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("comparator", "recovery", "still", "recovered"),
    [(">", 8, 8.5, 8), (">=", 8, 8, 7.9), ("<", 12, 11.5, 12), ("<=", 12, 12, 12.1)],
)
def test_recovery_thresholds_per_comparator(comparator: str, recovery: float, still: float, recovered: float) -> None:
    thresholds = Thresholds(comparator, (Level(DD_ALERT, 10, recovery),))
    assert thresholds.next(DD_ALERT, still) == DD_ALERT
    assert thresholds.next(DD_ALERT, recovered) == DD_OK
    assert thresholds.next(DD_OK, still) == DD_OK  # the recovery threshold is no trigger


def test_without_recovery_threshold_it_recovers_when_the_condition_fails() -> None:
    assert Thresholds(">", (Level(DD_ALERT, 10, None),)).next(DD_ALERT, 9.99) == DD_OK


def test_critical_and_warning_with_their_recovery_thresholds() -> None:
    thresholds = Thresholds(">", (Level(DD_ALERT, 1, 0.9), Level(DD_WARN, 0.5, 0.45)))
    state, seen = DD_OK, []
    for value in (0.6, 1.2, 0.95, 0.7, 0.47, 0.45):
        state = thresholds.next(state, value)
        seen.append(state)
    assert seen == [DD_WARN, DD_ALERT, DD_ALERT, DD_WARN, DD_WARN, DD_OK]


def test_notifications_follow_the_message_blocks_of_each_state() -> None:
    query = "avg(last_1m):avg:test.gauge{env:x} > 10"
    resources = plan(monitor("m", query, 10, monitorThresholds={"critical": "10", "warning": "5"}))
    timeline = evaluate(resources, gauge([0, 7, 20, 7, 0]))["m"]
    assert timeline.changes == [(2 * MIN, DD_WARN), (3 * MIN, DD_ALERT), (4 * MIN, DD_WARN), (5 * MIN, DD_OK)]
    assert [(n.at // MIN, n.level, n.targets) for n in timeline.notifications] == [
        (2, "warning", ("@chat",)),
        (3, "alert", ("@pager",)),
        (4, "warning", ("@chat",)),
        (5, "recovery", ("@chat", "@pager")),
    ]


def test_evaluation_delay_shifts_the_window() -> None:
    values: list[Optional[float]] = [0] * 20 + [100] * 10
    query = "avg(last_5m):avg:test.gauge{env:x} > 10"
    assert evaluate(plan(monitor("m", query, 10)), gauge(values))["m"].entered(DD_ALERT) == [21 * MIN]
    delayed = evaluate(plan(monitor("m", query, 10, evaluationDelay=300)), gauge(values))["m"]
    assert delayed.entered(DD_ALERT) == [26 * MIN]


def test_require_full_window() -> None:
    every_other: list[Optional[float]] = [None] * 10 + [100 if i % 2 == 0 else None for i in range(20)]
    query = "avg(last_5m):avg:test.gauge{env:x} > 10"
    assert evaluate(plan(monitor("m", query, 10)), gauge(every_other))["m"].entered(DD_ALERT) == [11 * MIN]
    # full: the first bucket (minute) must have data and at most three be empty — first true for the window 10-14
    full = evaluate(plan(monitor("m", query, 10, requireFullWindow=True)), gauge(every_other))["m"]
    assert full.entered(DD_ALERT) == [15 * MIN]
    sparse: list[Optional[float]] = [100 if i % 4 == 0 else None for i in range(40)]
    wide = "avg(last_10m):avg:test.gauge{env:x} > 10"
    assert evaluate(plan(monitor("m", wide, 10, requireFullWindow=True)), gauge(sparse))["m"].changes == []  # 7 of 10 empty


def test_no_data_after_the_timeframe_and_back() -> None:
    rate = [5.0] * 30 + [None] * 30 + [5.0] * 10
    data = VendorData(step=60, length=len(rate))
    data.add_datadog("hits", TAGS, "count", [None if r is None else Sample.events(r * 60) for r in rate])
    query = "avg(last_10m):sum:hits{env:x}.as_rate() < 1"
    options = {"notifyNoData": True, "noDataTimeframe": 20, "requireFullWindow": True}
    timeline = evaluate(plan(monitor("m", query, 1, **options)), data)["m"]
    # the last point is minute 29; twenty minutes without any: No Data at 50 min. Data again from minute 60, but the
    # window must be full (its first minute with data): the first run that evaluates is at 70 min
    assert timeline.changes == [(50 * MIN, DD_NO_DATA), (70 * MIN, DD_OK)]
    assert [(n.at // MIN, n.level) for n in timeline.notifications] == [(50, "no_data"), (70, "recovery")]
    without = evaluate(plan(monitor("m", query, 1, requireFullWindow=True)), data)["m"]
    assert without.changes == []  # no value: the state holds


def test_renotification_while_in_alert() -> None:
    timeline = evaluate(plan(monitor("m", "avg(last_1m):avg:test.gauge{env:x} > 10", 10, renotifyInterval=60)), gauge([20.0] * 150))["m"]
    assert [(n.at // MIN, n.renotify) for n in timeline.notifications] == [(1, False), (61, True), (121, True)]


def test_percentile_over_the_whole_window() -> None:
    data = VendorData(step=60, length=10)
    fast, slow = Sample.values([(0.1, 100)]), Sample.values([(1.0, 100)])
    data.add_datadog("latency", TAGS, "distribution", [fast] * 5 + [slow] + [fast] * 4)
    query = "percentile(last_5m):p95:latency{env:x} > 0.5"
    # one slow minute of five: 20 % of the window's requests at 1 s, so the window's p95 is 1 s for five minutes
    timeline = evaluate(plan(monitor("m", query, 0.5)), data)["m"]
    assert timeline.changes == [(6 * MIN, DD_ALERT)]
    few = [Sample.values([(0.1, 99), (1.0, 1)])] * 10  # 1 % slow: p95 stays at 0.1
    data2 = VendorData(step=60, length=10)
    data2.add_datadog("latency", TAGS, "distribution", few)
    assert evaluate(plan(monitor("m", query, 0.5)), data2)["m"].changes == []


def test_log_alert_counts_lines_and_zero_is_a_value() -> None:
    data = VendorData(step=60, length=12)
    data.add_logs(["service:api", "env:prod", "status:error"], [0, 0] + [120] * 6 + [0] * 4)
    data.add_logs(["service:api", "env:prod", "status:info"], [1000] * 12)
    log = resource(MONITOR, "logs", {
        "name": "logs", "type": "log alert", "message": "{{#is_alert}}@pager{{/is_alert}}",
        "query": 'logs("service:api env:prod status:error").index("*").rollup("count").last("5m") > 500',
        "monitorThresholds": {"critical": "500", "criticalRecovery": "450"},
    }, provider="datadog")
    timeline = evaluate(plan(log), data)["logs"]
    # 5 minutes of 120 lines (600 > 500) first at 7 min; back to <= 450 once 3 of the last 5 minutes have none (360)
    assert timeline.changes == [(7 * MIN, DD_ALERT), (10 * MIN, DD_OK)]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"onMissingData": "show_no_data"}, "onMissingData 'show_no_data'"),
        ({"onMissingData": "resolve", "notifyNoData": True}, "onMissingData replaces notifyNoData"),
        ({"newGroupDelay": 60}, "newGroupDelay on a query without grouping"),
        ({"monitorThresholds": {"critical": "9"}}, "differs from the query's threshold"),
        ({"monitorThresholds": {"critical": "10", "criticalRecovery": "11"}}, "recovery threshold 11"),
        ({"monitorThresholds": {"critical": "10", "ok": "1"}}, "monitorThresholds.ok"),
        ({"type": "service check"}, "monitor type"),
        ({"query": "avg(last_5m):avg:test.gauge{env:x} by {host} > 10"}, "needs notify_by"),
        ({"notifyBies": ["*"]}, "notify_by on a query without grouping"),
    ],
)
def test_what_the_replay_does_not_understand_names_the_monitor(inputs: dict, message: str) -> None:
    inputs = dict(inputs)
    query = inputs.pop("query", "avg(last_5m):avg:test.gauge{env:x} > 10")
    with pytest.raises(ReplayError, match=f"broken.*{message}"):
        evaluate(plan(monitor("broken", query, 10, **inputs)), gauge([1.0]))


def test_a_count_without_modifier_and_a_gauge_with_one_are_errors() -> None:
    data = VendorData(step=60, length=2)
    data.add_datadog("hits", TAGS, "count", [Sample.events(1)] * 2)
    with pytest.raises(ReplayError, match=r"needs \.as_count"):
        evaluate(plan(monitor("m", "sum(last_5m):sum:hits{env:x} > 10", 10)), data)
    with pytest.raises(ReplayError, match="applies to counts"):
        evaluate(plan(monitor("m", "sum(last_5m):sum:test.gauge{env:x}.as_count() > 10", 10)), gauge([1.0]))


def test_a_window_reaching_before_the_data_is_not_full() -> None:
    # from the replay's start: the window's first bucket lies before any data until the window is wholly inside it
    query = "avg(last_10m):avg:test.gauge{env:x} > 80"
    timeline = evaluate(plan(monitor("m", query, 80, requireFullWindow=True)), gauge([90.0] * 20))["m"]
    assert timeline.entered(DD_ALERT) == [10 * MIN]
    assert evaluate(plan(monitor("m", query, 80)), gauge([90.0] * 20))["m"].entered(DD_ALERT) == [MIN]


def test_a_multi_alert_notifying_as_a_simple_alert_follows_its_worst_group() -> None:
    """`by {task_arn}` with notify_by ["*"] (the busiest task against its limit, as Datadog's own ECS Fargate monitors
    do): one task hot is enough, while the average over tasks stays under the threshold."""
    data = VendorData(step=60, length=30)
    hot = [Sample.value(30.0)] * 10 + [Sample.value(95.0)] * 10 + [Sample.value(30.0)] * 10
    data.add_datadog("cpu.usage", [*TAGS, "task_arn:a"], "gauge", hot)
    data.add_datadog("cpu.usage", [*TAGS, "task_arn:b"], "gauge", [Sample.value(20.0)] * 30)
    data.add_datadog("cpu.usage", [*TAGS, "task_arn:c"], "gauge", [Sample.value(20.0)] * 30)
    data.add_datadog("cpu.limit", [*TAGS, "task_arn:a"], "gauge", [Sample.value(100.0)] * 30)
    data.add_datadog("cpu.limit", [*TAGS, "task_arn:b"], "gauge", [Sample.value(100.0)] * 30)
    data.add_datadog("cpu.limit", [*TAGS, "task_arn:c"], "gauge", [Sample.value(100.0)] * 30)
    busiest = "avg(last_5m):100 * sum:cpu.usage{env:x} by {task_arn} / sum:cpu.limit{env:x} by {task_arn} > 80"
    average = "avg(last_5m):100 * sum:cpu.usage{env:x} / sum:cpu.limit{env:x} > 80"
    timelines = evaluate(plan(monitor("busiest", busiest, 80, notifyBies=["*"]), monitor("average", average, 80)), data)
    # task a's 5-minute average passes 80 % at 14 min ((30 + 4 × 95) / 5 = 82), falls under it at 22 min (69)
    assert timelines["busiest"].changes == [(14 * MIN, DD_ALERT), (22 * MIN, DD_OK)]
    assert [n.level for n in timelines["busiest"].notifications] == ["alert", "recovery"]  # one notification, not one per task
    assert timelines["average"].changes == []  # (95 + 20 + 20) / 300 = 45 %: one hot task averaged away


# Datadog's On Missing Data guide (monitors/guide/on_missing_data), its table of `on_missing_data` values.
RESOLVE_SAYS = '"on_missing_data": "resolve" | If data is missing Show OK'
DEFAULT_SAYS = '"on_missing_data": "default" if using sum or count aggregation | If data is missing Evaluate as 0'


def _sparse(values: list[Optional[float]]) -> VendorData:
    data = VendorData(step=60, length=len(values))
    data.add_datadog("test.throttles", TAGS, "count", [None if v is None else Sample.value(v) for v in values])
    return data


@pytest.mark.parametrize("option", ["resolve", "default"])
def test_a_sparse_count_alerts_again_on_a_second_burst_with_on_missing_data(option: str) -> None:
    """"If data is missing Show OK" (resolve) and, for a sum, "If data is missing Evaluate as 0" (default): a window
    without data recovers, so a second burst alerts again. Without the option the last status holds: one alert only."""
    assert "Show OK" in RESOLVE_SAYS and "Evaluate as 0" in DEFAULT_SAYS
    burst = [None] * 10 + [5.0] * 3 + [None] * 20 + [5.0] * 3 + [None] * 20
    query = "sum(last_5m):sum:test.throttles{env:x}.as_count() > 1"
    held = evaluate(plan(monitor("held", query, 1)), _sparse(burst))["held"]
    assert [s for _, s in held.changes] == [DD_ALERT]  # the second burst finds it still alerting: nobody is told
    told = evaluate(plan(monitor("told", query, 1, onMissingData=option)), _sparse(burst))["told"]
    assert [s for _, s in told.changes] == [DD_ALERT, DD_OK, DD_ALERT, DD_OK]
    assert [at for at, state in told.changes if state == DD_ALERT] == [11 * MIN, 34 * MIN]


def test_default_with_another_aggregation_keeps_the_last_status() -> None:
    """"If using all other aggregation types | If data is missing Show last known status"."""
    query = "avg(last_5m):avg:test.gauge{env:x} > 10"
    timeline = evaluate(plan(monitor("avg", query, 10, onMissingData="default")), gauge([20.0] * 3 + [None] * 20))["avg"]
    assert timeline.current == DD_ALERT


def test_a_new_group_starts_alerting_after_its_new_group_delay() -> None:
    """"new_group_delay: time (in seconds) before starting alerting on new groups, to allow newly created applications or
    containers to fully start. Should be a non negative integer. Default: 60."
    (https://docs.datadoghq.com/monitors/guide/monitor_api_options/). Task b starts at minute 10 already at 95 %: its
    first point is Datadog's at 11 min, so it may alert from 12 min (60 s later), or from 16 min with a delay of 300 s; a
    task reporting from the first step is no new group, and alerts on its first run."""
    data = VendorData(step=60, length=30)
    data.add_datadog("cpu.usage", [*TAGS, "task_arn:a"], "gauge", [Sample.value(20.0)] * 30)
    data.add_datadog("cpu.usage", [*TAGS, "task_arn:b"], "gauge", [None] * 10 + [Sample.value(95.0)] * 20)
    query = "avg(last_5m):sum:cpu.usage{env:x} by {task_arn} > 80"
    timelines = evaluate(plan(monitor("m", query, 80, notifyBies=["*"]), monitor("slow", query, 80, notifyBies=["*"], newGroupDelay=300)), data)
    assert timelines["m"].entered(DD_ALERT) == [12 * MIN]  # without the delay: 11 min, its first point's run
    assert timelines["slow"].entered(DD_ALERT) == [16 * MIN]
    old = VendorData(step=60, length=30)
    old.add_datadog("cpu.usage", [*TAGS, "task_arn:a"], "gauge", [Sample.value(95.0)] * 30)
    assert evaluate(plan(monitor("m", query, 80, notifyBies=["*"])), old)["m"].entered(DD_ALERT) == [MIN]
    with pytest.raises(ReplayError, match="newGroupDelay on a query without grouping"):
        evaluate(plan(monitor("m", "avg(last_5m):sum:cpu.usage{env:x} > 80", 80, newGroupDelay=60)), old)

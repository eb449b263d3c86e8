"""SLO burn-rate alerts on both backends, against the Google SRE Workbook's worked example ("Alerting on SLOs":
15 % errors for 10 minutes on a 99.9 % SLO, 14.4× over 1 h confirmed over 5 min, fires after about 5 minutes and
resets 5 minutes after the errors end, where a long window alone would take about an hour), time-slice SLOs and
error-budget alerts."""

from __future__ import annotations

from typing import Optional

import pytest

from vigil.replay import ALARM, DD_ALERT, DD_OK, OK, ReplayError, Sample, VendorData, evaluate

from .plans import COMPOSITE_ALARM, MONITOR, SLO, metric_alarm, plan, resource

MIN = 60
APM = ["service:api", "env:prod"]
HITS = "sum:trace.http.request.hits{service:api,env:prod}.as_count()"
ERRORS = "sum:trace.http.request.errors{service:api,env:prod}.as_count()"
LB = {"LoadBalancer": "app/api/1"}


def workbook_data(minutes: int = 200) -> VendorData:
    """1000 requests a minute; 15 % errors in minutes 120-129 (two healthy hours first, longer than the long window)."""
    share = [0.15 if 120 <= i < 130 else 0.0 for i in range(minutes)]
    data = VendorData(step=60, length=minutes)
    data.add_datadog("trace.http.request.hits", APM, "count", [Sample.events(1000)] * minutes)
    data.add_datadog("trace.http.request.errors", APM, "count", [Sample.value(1000 * s) for s in share])
    data.add_cloudwatch("AWS/ApplicationELB", "RequestCount", LB, [Sample.events(1000)] * minutes)
    data.add_cloudwatch("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", LB, [Sample.events(1000 * s) if s else None for s in share])
    return data


def availability_slo(target: float = 99.9) -> dict:
    return resource(SLO, "availability-slo", {
        "name": "availability", "type": "metric", "timeframe": "30d", "targetThreshold": target,
        "thresholds": [{"target": target, "timeframe": "30d"}],
        "query": {"numerator": f"{HITS} - {ERRORS}", "denominator": HITS},
    }, provider="datadog")


def slo_alert(name: str, query: str, critical: float, **inputs: object) -> dict:
    base = {"name": name, "type": "slo alert", "query": query, "message": "{{#is_alert}}@pager{{/is_alert}}", "monitorThresholds": {"critical": str(critical)}}
    base.update(inputs)
    return resource(MONITOR, name, base, provider="datadog")


def burn(long: str, short: str, rate: float, slo: str = "availability-slo") -> dict:
    return slo_alert(f"burn-{long}", f'burn_rate("${{{slo}.id}}").over("30d").long_window("{long}").short_window("{short}") > {rate:g}', rate)


def ratio_alarm(name: str, period: int, threshold: float) -> dict:
    def metric(metric_name: str) -> dict:
        return {"namespace": "AWS/ApplicationELB", "metricName": metric_name, "dimensions": LB, "stat": "Sum", "period": period}

    return metric_alarm(
        name, namespace=None, metricName=None, statistic=None, period=None, threshold=threshold, treatMissingData="notBreaching",
        alarmActions=[], okActions=[],
        metricQueries=[
            {"id": "m1", "metric": metric("HTTPCode_Target_5XX_Count")},
            {"id": "m2", "metric": metric("RequestCount")},
            {"id": "e1", "expression": "100*m1/m2", "returnData": True},
        ],
    )


def test_datadog_fast_burn_fires_after_about_five_minutes_and_resets_five_minutes_after() -> None:
    timeline = evaluate(plan(availability_slo(), burn("1h", "5m", 14.4)), workbook_data())["burn-1h"]
    # the 1 h error ratio passes 1.44 % after 0.1 % / 15 % × 60 min × 14.4 = 5.76 minutes of errors: at 126 min
    # the short window holds errors until the run at 135 min, when minutes 130-134 are clean
    assert timeline.changes == [(126 * MIN, DD_ALERT), (135 * MIN, DD_OK)]
    assert timeline.first("alert") == 126 * MIN


def test_cloudwatch_fast_burn_tier_matches_and_the_long_window_alone_lags_an_hour() -> None:
    tier = resource(COMPOSITE_ALARM, "tier", {
        "alarmName": "tier", "alarmRule": 'ALARM("long") AND ALARM("short")', "alarmActions": ["${page.arn}"], "okActions": ["${page.arn}"],
    })
    timelines = evaluate(plan(ratio_alarm("long", 3600, 1.44), ratio_alarm("short", 300, 1.44), tier), workbook_data())
    assert timelines["tier"].entered(ALARM) == [126 * MIN]
    assert timelines["tier"].entered(OK)[-1] == 135 * MIN
    # alone, the 1 h window stays over 1.44 % while it holds 6 error minutes or more: until 185 min
    assert timelines["long"].entered(OK)[-1] == 185 * MIN


def test_a_burn_under_the_tier_never_fires() -> None:
    data = VendorData(step=60, length=300)
    data.add_datadog("trace.http.request.hits", APM, "count", [Sample.events(1000)] * 300)
    data.add_datadog("trace.http.request.errors", APM, "count", [Sample.value(10.0)] * 300)  # 1 %: a 10x burn
    timelines = evaluate(plan(availability_slo(), burn("1h", "5m", 14.4), burn("6h", "30m", 6)), data)
    assert timelines["burn-1h"].changes == []
    assert timelines["burn-6h"].entered(DD_ALERT) == [MIN]  # 10x from the start: over 6x in both windows


def test_no_traffic_holds_the_state() -> None:
    data = VendorData(step=60, length=30)
    traffic: list[Optional[Sample]] = [Sample.events(100)] * 10 + [None] * 20
    data.add_datadog("trace.http.request.hits", APM, "count", traffic)
    data.add_datadog("trace.http.request.errors", APM, "count", [Sample.value(100.0)] * 10 + [None] * 20)
    timeline = evaluate(plan(availability_slo(), burn("1h", "5m", 14.4)), data)["burn-1h"]
    assert timeline.changes == [(MIN, DD_ALERT)]  # the 5-minute window empties at 15 min: no value, still Alert


def latency_slo() -> dict:
    return resource(SLO, "latency-slo", {
        "name": "latency", "type": "time_slice", "timeframe": "30d", "targetThreshold": 99,
        "thresholds": [{"target": 99, "timeframe": "30d"}],
        "sliSpecification": {"timeSlice": {
            "comparator": "<=", "threshold": 0.5, "queryIntervalSeconds": 300,
            "query": {"formula": {"formulaExpression": "query1"},
                      "queries": [{"metricQuery": {"dataSource": "metrics", "name": "query1", "query": "p95:trace.http.request{service:api,env:prod}"}}]},
        }},
    }, provider="datadog")


def test_time_slice_burn_counts_bad_slices_and_missing_data_is_uptime() -> None:
    minutes = 120
    slow = range(60, 75)  # slices 60-65, 65-70, 70-75 have a p95 of 1 s
    no_data = range(90, 110)  # no requests at all: those slices are up
    data = VendorData(step=60, length=minutes)
    data.add_datadog("trace.http.request", APM, "distribution", [
        None if i in no_data else Sample.values([(1.0 if i in slow else 0.1, 100)]) for i in range(minutes)
    ])
    timeline = evaluate(plan(latency_slo(), burn("1h", "5m", 14.4, slo="latency-slo")), data)["burn-1h"]
    # at 65 min the last hour's 12 whole slices hold 1 bad (8 %: burn 8.3); at 70 min 2 of 12 (burn 16.7) and the
    # slice 65-70 is bad: Alert. Between slice ends the 5-minute window holds no whole slice: the state holds.
    # At 80 min the slice 75-80 is good: OK.
    assert timeline.changes == [(70 * MIN, DD_ALERT), (80 * MIN, DD_OK)]


def test_error_budget_alert() -> None:
    data = VendorData(step=60, length=90)
    data.add_datadog("trace.http.request.hits", APM, "count", [Sample.events(1000)] * 90)
    data.add_datadog("trace.http.request.errors", APM, "count", [Sample.value(0.0)] * 60 + [Sample.value(10.0)] * 30)
    alert = slo_alert("budget", 'error_budget("${availability-slo.id}").over("30d") > 75', 75)
    timeline = evaluate(plan(availability_slo(), alert), data)["budget"]
    # budget 0.1 %; 1 % errors from minute 60: after k minutes, 10k errors of (60 + k) × 1000 requests consume
    # 1000 k / (60 + k) % of the budget: over 75 % from k = 5 (76.9 %; k = 4 gives 62.5 %)
    assert timeline.entered(DD_ALERT) == [65 * MIN]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('burn_rate("${nowhere.id}").over("30d").long_window("1h").short_window("5m") > 14.4', "names no SLO"),
        ('burn_rate("${availability-slo.id}").over("7d").long_window("1h").short_window("5m") > 14.4', "differs from the SLO's timeframe"),
        ('burn_rate("${availability-slo.id}").over("30d").long_window("1h").short_window("2h") > 14.4', "shorter than the long window"),
        ('burn_rate("abc123").over("30d").long_window("1h").short_window("5m") > 14.4', "names no SLO"),
        ("avg(last_5m):avg:x{*} > 14.4", "not an SLO alert query"),
    ],
)
def test_slo_alerts_the_replay_cannot_resolve_are_errors(query: str, message: str) -> None:
    with pytest.raises(ReplayError, match=f"bad.*{message}"):
        evaluate(plan(availability_slo(), slo_alert("bad", query, 14.4)), VendorData(step=60, length=1))


def test_an_slo_whose_queries_are_not_counts_is_an_error() -> None:
    broken = availability_slo()
    broken["inputs"]["query"]["numerator"] = "sum:trace.http.request.hits{service:api}.as_rate()"
    with pytest.raises(ReplayError, match=r"availability-slo.*as_count"):
        evaluate(plan(broken), VendorData(step=60, length=1))


def test_a_settled_history_makes_the_error_budget_the_share_of_the_whole_timeframe() -> None:
    """Scenarios start with the service as it had long been (VendorData.settled): a 30-day error budget then counts 30
    days of traffic before the data, not only the data's 90 minutes."""
    data = VendorData(step=60, length=90, settled=True)
    data.add_datadog("trace.http.request.hits", APM, "count", [Sample.events(1000)] * 90)
    data.add_datadog("trace.http.request.errors", APM, "count", [Sample.value(0.0)] * 60 + [Sample.value(1000.0)] * 30)
    alert = slo_alert("budget", 'error_budget("${availability-slo.id}").over("30d") > 75', 75)
    timeline = evaluate(plan(availability_slo(), alert), data)["budget"]
    # the budget is 0.1 % of 30 days of 1000 requests a minute: 43 200 failed requests; a total outage spends 1000 a
    # minute, over 75 % (32 400) after 33 minutes: from minute 60, at 93 min — past the data, so never here
    assert timeline.changes == []
    longer = VendorData(step=60, length=100, settled=True)
    longer.add_datadog("trace.http.request.hits", APM, "count", [Sample.events(1000)] * 100)
    longer.add_datadog("trace.http.request.errors", APM, "count", [Sample.value(0.0)] * 60 + [Sample.value(1000.0)] * 40)
    assert evaluate(plan(availability_slo(), alert), longer)["budget"].entered(DD_ALERT) == [93 * MIN]


def test_late_series_are_read_only_as_far_as_they_have_arrived() -> None:
    """The AWS integration's counts reach Datadog 15 minutes late: an SLO window read at its end holds them only up to
    15 minutes before. A load balancer answering everything itself (its 5xx, nothing reaches APM) burns the SLO only
    once those counts arrive: the 1 h window passes 14.4x 15 minutes and a bit after the outage starts, and a short
    window holds some of them only if it is longer than the delay."""
    elb = "sum:aws.applicationelb.httpcode_elb_5xx{loadbalancer:app/api/1}.as_count()"
    slo = availability_slo()
    slo["inputs"]["query"] = {"numerator": f"{HITS} - {ERRORS}", "denominator": f"{HITS} + {elb}"}
    minutes = 150
    data = VendorData(step=60, length=minutes, settled=True)
    data.add_datadog("trace.http.request.hits", APM, "count", [Sample.events(1000)] * 60 + [None] * 90)
    data.add_datadog("trace.http.request.errors", APM, "count", [Sample.value(0.0)] * 60 + [None] * 90)
    data.add_datadog("aws.applicationelb.httpcode_elb_5xx", ["loadbalancer:app/api/1"], "count", [None] * 60 + [Sample.events(1000)] * 90, delay=900)
    timelines = evaluate(plan(slo, burn("1h", "5m", 14.4), burn("6h", "20m", 14.4)), data)
    # 5 minutes hold nothing that has arrived (no APM traffic, no 5xx yet): no value, the state holds
    assert timelines["burn-1h"].changes == []
    # 20 minutes hold the 5xx of their first 5 minutes. At t the 6 h window holds 420 - t minutes of requests from
    # before the outage and the k = t - 75 minutes of 5xx that have arrived: a share k / 345, over 1.44 % from k = 5
    # (1.45 %), the 5xx of minute 64 arriving at 80 min
    assert timelines["burn-6h"].entered(DD_ALERT) == [80 * MIN]

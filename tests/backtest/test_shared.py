"""The cache the two sides of `vigil diff --backtest` share (vigil/backtest/shared.py): each Datadog query and each
CloudWatch series is asked once, whatever batch a side puts it in; each side gets the vendor's format back, under its
own query ids; a refusal is kept and said again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vigil.backtest import Refused, Shared
from vigil.backtest.reads import CloudWatchSeries, DatadogKey, Place
from vigil.backtest.requests import AwsQuery, AwsRequest, DatadogRequest, Request
from vigil.replay import CloudWatchMetric

PLACE = Place("eu-west-1")


def _series(name: str) -> CloudWatchSeries:
    return CloudWatchSeries(PLACE, CloudWatchMetric.of("AWS/RDS", name, {"DBInstanceIdentifier": "db"}))


def _aws(*names: str) -> AwsRequest:
    return AwsRequest("aws-stack-eu-west-1-p60-00", PLACE, 60, tuple(AwsQuery(f"m{i}", _series(n), "Maximum") for i, n in enumerate(names)), 0, 600)


def _datadog(query: str) -> DatadogRequest:
    return DatadogRequest("datadog-x", DatadogKey("x", (), (), "gauge", "avg"), "", query, 0, 600)


class Vendor:
    """Answers every series with its name's length, in two pages (GetMetricData's NextToken); refuses `Refused*`."""

    def __init__(self) -> None:
        self.asked: list[Any] = []

    def datadog(self, request: DatadogRequest) -> Any:
        self.asked.append(request.query)
        if "refused" in request.query:
            raise Refused("Datadog refused it: HTTP 403 Forbidden")
        return {"status": "ok", "series": [{"pointlist": [[0, 1.0]], "scope": "*"}], "query": request.query}

    def where(self, request: Request, page: int) -> str:
        return request.id

    def aws(self, request: AwsRequest) -> list[Any]:
        self.asked.append([q.series.metric.name for q in request.queries])
        if any(q.series.metric.name.startswith("Refused") for q in request.queries):
            raise Refused("CloudWatch refused GetMetricData in eu-west-1: AccessDenied: not allowed")
        pages = []
        for stamps in (["1970-01-01T00:00:00+00:00"], ["1970-01-01T00:01:00+00:00"]):
            pages.append({"MetricDataResults": [{"Id": q.id, "Timestamps": stamps, "Values": [float(len(q.series.metric.name))], "StatusCode": "Complete"} for q in request.queries]})
        return pages


def test_each_series_is_asked_once_whatever_the_batch(tmp_path: Path) -> None:
    vendor = Vendor()
    base, head = Shared(vendor, tmp_path), Shared(vendor, tmp_path)  # two sides, two processes' worth of objects
    first = base.aws(_aws("CPU", "Memory"))
    second = head.aws(_aws("Memory", "Connections"))  # Memory is m0 here, m1 on the base's side
    assert vendor.asked == [["CPU", "Memory"], ["Connections"]]  # the head asks only what the base did not
    (page,) = second
    by_id = {r["Id"]: r for r in page["MetricDataResults"]}
    assert by_id["m0"]["Values"] == [6.0, 6.0] and by_id["m0"]["Timestamps"] == ["1970-01-01T00:00:00+00:00", "1970-01-01T00:01:00+00:00"]
    assert by_id["m1"]["Values"] == [11.0, 11.0] and by_id["m1"]["StatusCode"] == "Complete"  # both pages, in order
    assert {r["Id"] for r in first[0]["MetricDataResults"]} == {"m0", "m1"}
    assert base.datadog(_datadog("avg:x{*}")) == head.datadog(_datadog("avg:x{*}"))
    assert vendor.asked[-1] == "avg:x{*}" and vendor.asked.count("avg:x{*}") == 1
    assert base.asked == 2 and head.asked == 1


def test_a_refusal_is_kept_and_said_to_both_sides(tmp_path: Path) -> None:
    vendor = Vendor()
    base, head = Shared(vendor, tmp_path), Shared(vendor, tmp_path)
    for side in (base, head):
        with pytest.raises(Refused, match="HTTP 403"):
            side.datadog(_datadog("avg:refused{*}"))
        (page,) = side.aws(_aws("RefusedMetric"))
        (result,) = page["MetricDataResults"]
        assert result["StatusCode"] == "Forbidden" and "AccessDenied" in result["Messages"][0]["Value"]
    assert vendor.asked == ["avg:refused{*}", ["RefusedMetric"]]

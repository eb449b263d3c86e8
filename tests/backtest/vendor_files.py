"""Vendor responses, in the vendors' own formats, for the requests `vigil backtest --queries` lists: what a test (or
the benchmark) writes where `--record` would, from series it makes or reads (tests/fixtures/backtest/).

`Values(kind, what, stamps) -> [value or None]` gives a series' values at its stamps (epoch seconds): `kind` is
`datadog` (what: the metric query sent) or `aws` (what: `<MetricName> <Stat>`).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Optional

Values = Callable[[str, str, Sequence[int]], Sequence[Optional[float]]]
_SCOPE = re.compile(r"^[^:]+:(?P<metric>[^{]+)\{(?P<scope>[^}]*)\}(?: by \{(?P<by>[^}]*)\})?")


def parse_time(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def datadog_response(query: Mapping[str, Any], values: Values, groups: Sequence[str] = ("t1",)) -> dict[str, Any]:
    """Datadog's GET /api/v1/query response: series[].pointlist in epoch milliseconds."""
    match = _SCOPE.match(query["query"])
    assert match, query["query"]
    stamps = list(range(query["from"], query["to"], 60))
    found = values("datadog", query["query"], stamps)
    scope = match.group("scope")
    by = [k for k in (match.group("by") or "").split(",") if k]
    series = []
    for group in groups if by else [""]:
        tags = [f"{k}:{group}" for k in by]
        points = [[t * 1000, v] for t, v in zip(stamps, found, strict=True) if v is not None]
        steps = [b[0] - a[0] for a, b in itertools.pairwise(points)]
        interval = min(steps) // 1000 if steps else 60  # the data's own step
        series.append({
            "metric": match.group("metric"), "display_name": match.group("metric"), "expression": query["query"],
            "scope": ",".join([scope, *tags]), "tag_set": tags, "pointlist": points, "interval": interval, "length": len(points),
            "start": stamps[0] * 1000 if stamps else 0, "end": stamps[-1] * 1000 if stamps else 0, "aggr": None, "unit": None,
        })
    return {"status": "ok", "res_type": "time_series", "resp_version": 1, "query": query["query"], "from_date": query["from"] * 1000,
            "to_date": query["to"] * 1000, "series": series, "group_by": by, "message": "", "values": [], "times": []}


def aws_response(query: Mapping[str, Any], values: Values) -> dict[str, Any]:
    """GetMetricData's response as the AWS CLI prints it."""
    request = query["request"]
    start, end = parse_time(request["StartTime"]), parse_time(request["EndTime"])
    results = []
    for one in request["MetricDataQueries"]:
        stat = one["MetricStat"]
        stamps = list(range(start, end, stat["Period"]))
        found = values("aws", f"{stat['Metric']['MetricName']} {stat['Stat']}", stamps)
        kept = [(t, v) for t, v in zip(stamps, found, strict=True) if v is not None]
        results.append({
            "Id": one["Id"], "Label": f"{stat['Metric']['MetricName']} {stat['Stat']}",
            "Timestamps": [datetime.fromtimestamp(t, UTC).isoformat() for t, _ in kept], "Values": [v for _, v in kept], "StatusCode": "Complete",
        })
    return {"MetricDataResults": results, "Messages": []}


def write_responses(queries: Sequence[Mapping[str, Any]], folder: Path, values: Values) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for query in queries:
        body = datadog_response(query, values) if query["backend"] == "datadog" else aws_response(query, values)
        (folder / f"{query['id']}.json").write_text(json.dumps(body), encoding="utf-8")

"""Every vendor request a back-test needs, with ids safe as file names (`vigil backtest --queries`).

- Datadog: one metrics query (`GET /api/v1/query`) per series and day. The query API returns a bounded number of
  points per series — Datadog rolls a series up to keep it under about 1,500 points, whatever `.rollup()` asks
  (https://docs.datadoghq.com/dashboards/functions/rollup/, "Rollup interval: enforced versus custom") — so the
  back-test asks for one day (1,440 one-minute points) at a time, keeping the alert's own resolution.
- CloudWatch: one `GetMetricData` per account, region and retention band (batches of at most 500 queries, the API's
  limit), paginated by `NextToken`. CloudWatch keeps one-minute points for 15 days, five-minute points for 63 days
  and one-hour points for 455 days, and returns nothing for an older start at a finer period
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html): each band is asked
  at the finest period it still has.

Ids name the series (a hash of the query) and the chunk counted back from the newest — never a time — so the
files recorded today are found by a back-test from them tomorrow.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Optional, Union

from .reads import AlertReads, CloudWatchSeries, DatadogKey, Place

DAY = 86400
MINUTE = 60
DATADOG_CHUNK = DAY  # 1,440 one-minute points: under the query API's ~1,500 points per series
MAX_QUERIES = 500  # GetMetricData's limit of MetricDataQueries per request
# (age limit of the band in seconds, the finest period CloudWatch keeps for it)
RETENTION: tuple[tuple[int, int], ...] = ((15 * DAY, 60), (63 * DAY, 300), (455 * DAY, 3600))


@dataclass(frozen=True)
class DatadogRequest:
    id: str
    key: DatadogKey
    percentile: str  # '' unless the key is a distribution
    query: str
    start: int  # epoch seconds
    end: int

    def document(self) -> dict[str, Any]:
        return {"id": self.id, "backend": "datadog", "query": self.query, "from": self.start, "to": self.end}


@dataclass(frozen=True)
class AwsQuery:
    id: str  # the MetricDataQuery's Id (m0, m1, ...)
    series: CloudWatchSeries
    stat: str


@dataclass(frozen=True)
class AwsRequest:
    id: str
    place: Place
    period: int
    queries: tuple[AwsQuery, ...]
    start: int
    end: int

    def body(self) -> dict[str, Any]:
        """GetMetricData's request, as boto3 takes it (times as ISO 8601)."""
        return {
            "MetricDataQueries": [
                {
                    "Id": q.id,
                    "MetricStat": {
                        "Metric": {
                            "Namespace": q.series.metric.namespace,
                            "MetricName": q.series.metric.name,
                            "Dimensions": [{"Name": k, "Value": v} for k, v in q.series.metric.dimensions],
                        },
                        "Period": self.period,
                        "Stat": q.stat,
                    },
                    "ReturnData": True,
                }
                for q in self.queries
            ],
            "StartTime": iso(self.start),
            "EndTime": iso(self.end),
            "ScanBy": "TimestampAscending",
        }

    def document(self) -> dict[str, Any]:
        return {"id": self.id, "backend": "aws", "region": self.place.region, "account": self.place.account, "request": self.body()}


Request = Union[DatadogRequest, AwsRequest]


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-")[:60] or "series"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Window:
    """The report's span [start, end) in epoch seconds (whole minutes)."""

    start: int
    end: int

    @property
    def days(self) -> float:
        return (self.end - self.start) / DAY


def window_ending(end: int, days: int) -> Window:
    end -= end % MINUTE
    return Window(end - days * DAY, end)


def lookbacks(alerts: Sequence[AlertReads]) -> tuple[dict[CloudWatchSeries, int], dict[DatadogKey, int]]:
    """How far before the report each series is fetched: the longest look back of the alerts reading it."""
    cw: dict[CloudWatchSeries, int] = {}
    dd: dict[DatadogKey, int] = {}
    for alert in alerts:
        for series in alert.cloudwatch:
            cw[series] = max(cw.get(series, 0), alert.lookback)
        for key in alert.datadog:
            dd[key] = max(dd.get(key, 0), alert.lookback)
    return cw, dd


def requests(alerts: Sequence[AlertReads], window: Window) -> list[Request]:
    """Every request, Datadog's first, each vendor's in a stable order."""
    cw_back, dd_back = lookbacks(alerts)
    stats: dict[CloudWatchSeries, set[str]] = {}
    percentiles: dict[DatadogKey, set[str]] = {}
    for alert in alerts:
        for series, fetched in alert.cloudwatch.items():
            stats.setdefault(series, set()).update(fetched)
        for key, wanted in alert.datadog.items():
            percentiles.setdefault(key, set()).update(wanted)
    out: list[Request] = []
    for key in sorted(percentiles):
        for percentile in sorted(percentiles[key]):
            out += _datadog(key, percentile, window, dd_back[key])
    by_place: dict[Place, list[CloudWatchSeries]] = {}
    for one in sorted(stats):
        by_place.setdefault(one.place, []).append(one)
    for place, several in sorted(by_place.items()):
        out += _aws(place, several, stats, window, max(cw_back[s] for s in several))
    return out


def _datadog(key: DatadogKey, percentile: str, window: Window, lookback: int) -> list[DatadogRequest]:
    query = key.query(percentile or None)
    first = window.start - lookback
    first -= first % MINUTE
    out: list[DatadogRequest] = []
    chunk, end = 0, window.end
    while end > first:
        start = max(first, end - DATADOG_CHUNK)
        out.append(DatadogRequest(f"datadog-{_slug(key.metric)}-{_hash(query)}-{chunk:02d}", key, percentile, query, start, end))
        chunk, end = chunk + 1, start
    return out


def _aws(place: Place, series: Sequence[CloudWatchSeries], stats: Mapping[CloudWatchSeries, set[str]], window: Window, lookback: int) -> list[AwsRequest]:
    first = window.start - lookback
    account = place.account or "stack"
    pairs = [(s, stat) for s in series for stat in sorted(stats[s])]
    out: list[AwsRequest] = []
    newer = window.end
    for age, period in RETENTION:
        oldest = window.end - age
        start = max(first, oldest)
        start -= start % period
        if start < oldest:
            start += period
        if start >= newer:
            continue
        for batch in range(0, len(pairs), MAX_QUERIES):
            chunk = pairs[batch:batch + MAX_QUERIES]
            queries = tuple(AwsQuery(f"m{i}", s, stat) for i, (s, stat) in enumerate(chunk))
            out.append(AwsRequest(f"aws-{account}-{place.region}-p{period}-{batch // MAX_QUERIES:02d}", place, period, queries, start, newer))
        newer = start
        if start <= first:
            break
    return out


def unavailable(alerts: Sequence[AlertReads], window: Window) -> Optional[str]:
    """Said when an alert needs CloudWatch data older than CloudWatch keeps (455 days)."""
    cw_back, _ = lookbacks(alerts)
    if cw_back and window.end - (window.start - max(cw_back.values())) > RETENTION[-1][0]:
        return "CloudWatch keeps no data older than 455 days"
    return None


def document(found: Sequence[Request]) -> dict[str, Any]:
    """`--queries --format json`."""
    return {"queries": [r.document() for r in found]}

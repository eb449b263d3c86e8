"""Metrics Insights queries in alarms, as vigil writes them (query-syntax of Metrics Insights, cloudwatch-metrics-
insights-querylanguage.html): `SELECT FUNCTION(metric) FROM SCHEMA("namespace", key, ...) WHERE key = 'value' AND ...`.

`SCHEMA("namespace", keys)` reads the metrics of that namespace whose dimensions are exactly those keys ("Only metrics
that have exactly those dimension keys are included"); WHERE keeps those whose values match. The function aggregates
every matching series in each period into one series: SUM adds their sums, MAX and MIN take the extremes, AVG divides
the sum of all values by their count, COUNT counts them. A period where no matching series has a point has none. The
alarm reads the query through metric math (`FILL(q1, 0)`) like any other query id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..data import CloudWatchMetric
from ..errors import ReplayError
from .metrics import CloudWatchData
from .statistics import parse_statistic

_QUERY = re.compile(
    r'^\s*SELECT\s+(?P<function>AVG|COUNT|MAX|MIN|SUM)\((?P<metric>[A-Za-z0-9_.\-]+)\)\s+FROM\s+SCHEMA\(\s*"(?P<namespace>[^"]+)"'
    r"(?P<keys>(?:\s*,\s*[A-Za-z0-9_.\-]+)*)\s*\)(?:\s+WHERE\s+(?P<where>.+?))?\s*$",
    re.IGNORECASE,
)
_CONDITION = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*=\s*'([^']*)'\s*$")


@dataclass(frozen=True)
class InsightsQuery:
    function: str
    namespace: str
    metric: str
    keys: frozenset[str]
    where: tuple[tuple[str, str], ...]  # (key, value) conditions, all required
    period: int


def is_insights(expression: str) -> bool:
    return expression.lstrip().upper().startswith("SELECT ")


def parse_insights(text: str, period: int) -> InsightsQuery:
    match = _QUERY.match(text)
    if not match:
        raise ReplayError(
            f"Metrics Insights query {text!r}: the replay reads SELECT SUM|AVG|MAX|MIN|COUNT(metric) FROM SCHEMA(\"namespace\", keys) "
            "[WHERE key = 'value' AND ...]"
        )
    keys = frozenset(k.strip() for k in match.group("keys").split(",") if k.strip())
    where: dict[str, str] = {}
    for condition in re.split(r"\s+AND\s+", match.group("where") or "", flags=re.IGNORECASE) if match.group("where") else []:
        found = _CONDITION.match(condition)
        if found is None:
            raise ReplayError(f"Metrics Insights query {text!r}: the replay filters with key = 'value' conditions joined by AND")
        where[found.group(1)] = found.group(2)
    if not set(where) <= keys:
        raise ReplayError(f"Metrics Insights query {text!r}: it filters on {', '.join(sorted(set(where) - keys))}, which the schema does not hold")
    return InsightsQuery(match.group("function").upper(), match.group("namespace"), match.group("metric"), keys, tuple(sorted(where.items())), period)


def reads(query: InsightsQuery, metric: CloudWatchMetric) -> bool:
    """Whether the query reads the metric: its namespace and name, exactly the schema's keys, the WHERE values."""
    dims = dict(metric.dimensions)
    return (
        metric.namespace == query.namespace and metric.name == query.metric and set(dims) == query.keys
        and all(dims.get(k) == v for k, v in query.where)
    )  # fmt: skip


def matching(query: InsightsQuery, data: CloudWatchData) -> list[CloudWatchMetric]:
    """The metrics the query reads."""
    return sorted((metric for metric in data.metrics() if reads(query, metric)), key=str)


def insights_column(query: InsightsQuery, data: CloudWatchData, ends: range) -> list[Optional[float]]:
    """The query's one series: for each period ending at each end, the function over every matching series."""
    found = matching(query, data)
    if not found:
        return [None] * len(ends)
    stat = {"SUM": "Sum", "MAX": "Maximum", "MIN": "Minimum", "AVG": "Sum", "COUNT": "SampleCount"}[query.function]
    columns = [data.statistic(metric, parse_statistic(stat), query.period, ends) for metric in found]
    counts = [data.statistic(metric, parse_statistic("SampleCount"), query.period, ends) for metric in found] if query.function == "AVG" else []
    out: list[Optional[float]] = []
    for index in range(len(ends)):
        values: list[float] = [v for c in columns if (v := c[index]) is not None]
        if not values:
            out.append(None)
        elif query.function in ("SUM", "COUNT"):
            out.append(sum(values))
        elif query.function == "MAX":
            out.append(max(values))
        elif query.function == "MIN":
            out.append(min(values))
        else:
            samples = sum(c[index] or 0.0 for c in counts)
            out.append(sum(values) / samples if samples else None)
    return out

"""The vendors' responses, read: points per series and statistic, in epoch seconds.

- CloudWatch's GetMetricData response as the AWS CLI prints it: `MetricDataResults[]` with `Id`, `Timestamps` (ISO
  8601, or epoch seconds), `Values`, `StatusCode` (`Complete`, `PartialData` with a `NextToken` for the next page,
  `Forbidden`, `InternalError`), and `Messages`.
- Datadog's metrics query response (`GET /api/v1/query`): `status`, `series[]` each with `pointlist` (`[epoch ms,
  value or null]`), `scope` (the query's tags and, for a grouped query, the group's), `interval`; `error` when
  `status` is `error`.

A response that is not of that shape is a `ResponseError` naming what is wrong, never a quiet empty series.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Optional

import numpy

from .requests import AwsQuery, AwsRequest, DatadogRequest


class ResponseError(ValueError):
    """A response body that is not the vendor's format; `page`: which page of the response (0 for Datadog's)."""

    def __init__(self, message: str, page: int = 0) -> None:
        super().__init__(message)
        self.page = page


class Points:
    """One series' points: epoch seconds and values, two arrays in time order (a month of one-minute points costs 16
    bytes a point, where a dict costs about a hundred). Chunks come in any order; a stamp given twice keeps the value
    given last."""

    __slots__ = ("_pending", "_stamps", "_values")

    def __init__(self) -> None:
        self._stamps = numpy.empty(0, dtype=numpy.int64)
        self._values = numpy.empty(0, dtype=numpy.float64)
        self._pending: list[tuple[numpy.ndarray, numpy.ndarray]] = []

    def add(self, stamps: numpy.ndarray, values: numpy.ndarray) -> None:
        if len(stamps):
            self._pending.append((stamps, values))

    def _settle(self) -> None:
        if not self._pending:
            return
        parts = [(self._stamps, self._values), *self._pending]
        self._pending = []
        stamps = numpy.concatenate([s for s, _ in parts])
        values = numpy.concatenate([v for _, v in parts])
        if len(stamps) > 1 and not bool((stamps[1:] > stamps[:-1]).all()):
            order = numpy.argsort(stamps, kind="stable")  # equal stamps keep the order they came in
            stamps, values = stamps[order], values[order]
            last = numpy.append(stamps[1:] != stamps[:-1], True)  # the last given of equal stamps
            stamps, values = stamps[last], values[last]
        self._stamps, self._values = stamps, values

    @property
    def stamps(self) -> numpy.ndarray:
        self._settle()
        return self._stamps

    @property
    def values(self) -> numpy.ndarray:
        self._settle()
        return self._values

    def within(self, begin: int, end: int) -> numpy.ndarray:
        """The stamps in [begin, end)."""
        stamps = self.stamps
        return stamps[numpy.searchsorted(stamps, begin) : numpy.searchsorted(stamps, end)]

    def __len__(self) -> int:
        return len(self.stamps)


@dataclass
class Received:
    """What came back for one series: its points per statistic (CloudWatch) or per group and percentile (Datadog),
    the resolution of each chunk (seconds between its closest points), and refusals."""

    points: dict[tuple[str, ...], Points] = field(default_factory=dict)
    resolutions: list[tuple[int, int, int]] = field(default_factory=list)  # (first stamp, last stamp, seconds) per chunk
    refusals: list[str] = field(default_factory=list)

    def add(self, key: tuple[str, ...], stamps: list[int], values: list[Optional[float]], resolution: Optional[int] = None, floor: int = 0) -> None:
        """A chunk's points; its resolution is the vendor's word for it when given, else the greatest common divisor
        of the steps between its points (a count published only when not zero leaves gaps of whole steps)."""
        if len(stamps) != len(values):
            raise ValueError("as many stamps as values")
        given = numpy.fromiter((v is not None for v in values), dtype=bool, count=len(values))
        times = numpy.array(stamps, dtype=numpy.int64)
        numbers = numpy.array(values, dtype=numpy.float64)  # None becomes NaN, dropped with the other non-finite values
        finite = numpy.isfinite(numbers)
        self.points.setdefault(key, Points()).add(times[finite], numbers[finite])
        present = numpy.sort(times[given])
        if not len(present):
            return
        steps = numpy.diff(present)
        steps = steps[steps > 0]
        first, last = int(present[0]), int(present[-1])
        if resolution:
            self.resolutions.append((first, last, resolution))
        elif len(steps):
            self.resolutions.append((first, last, max(floor, int(numpy.gcd.reduce(steps)))))

    @property
    def any_points(self) -> bool:
        return any(len(points) for points in self.points.values())

    def stamps_within(self, begin: int, end: int) -> numpy.ndarray:
        """Every stamp with a point of any statistic or group in [begin, end), once, in time order."""
        found = [points.within(begin, end) for points in self.points.values() if len(points)]
        if not found:
            return numpy.empty(0, dtype=numpy.int64)
        if all(numpy.array_equal(one, found[0]) for one in found[1:]):  # the statistics of one metric share their stamps
            return found[0]
        return numpy.unique(numpy.concatenate(found))

    def resolution(self, begin: Optional[int] = None, end: Optional[int] = None) -> Optional[int]:
        """The coarsest resolution of the chunks with points in [begin, end]: how fine the data is everywhere there."""
        found = [r for first, last, r in self.resolutions if (end is None or first <= end) and (begin is None or last >= begin)]
        return max(found) if found else None

    @property
    def last(self) -> Optional[int]:
        """The end of the latest point (its stamp plus its chunk's resolution)."""
        if not self.resolutions:
            stamps = [int(points.stamps[-1]) for points in self.points.values() if len(points)]
            return max(stamps) + 60 if stamps else None
        return max(last + r for _, last, r in self.resolutions)


def _iso_seconds(text: str) -> int:
    """ISO 8601 in epoch seconds; a stamp without an offset is UTC (what CloudWatch means), never the machine's zone."""
    parsed = datetime.fromisoformat(text)  # Python 3.11 reads a final Z too
    return int((parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)).timestamp())


LATEST = 2**40  # epoch seconds (year 36812): a stamp past it is not a time, and would overflow the arrays' int64


def _stamp(value: Any, where: str) -> int:
    if isinstance(value, str):
        try:
            return _iso_seconds(value)
        except ValueError:
            pass
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return int(value)
    raise ResponseError(f"{where}: a timestamp must be ISO 8601 or epoch seconds, got {value!r}")


def _in_range(stamps: list[int], where: str) -> list[int]:
    """The stamps, each a time (epoch seconds within ±2**40): a huge number is said, never an overflow."""
    if stamps and not -LATEST < min(stamps) <= max(stamps) < LATEST:
        raise ResponseError(f"{where}: a timestamp out of range, got {float(max(stamps, key=abs)):g} s")
    return stamps


def _number(value: Any, where: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ResponseError(f"{where}: a value must be a number or null, got {value!r}")


def read_aws(request: AwsRequest, pages: list[Any], received: Mapping[object, Received]) -> None:
    """Each page of a GetMetricData response into the `received` of each query's series, keyed by statistic."""
    by_id = {q.id: q for q in request.queries}
    for n, page in enumerate(pages):
        try:
            _read_page(page, f"page {n + 1}", request, by_id, received)
        except ResponseError as exc:
            raise ResponseError(str(exc), n) from None


def _read_page(page: Any, where: str, request: AwsRequest, by_id: Mapping[str, AwsQuery], received: Mapping[object, Received]) -> None:
    """One page of a GetMetricData response (`where`: which, for errors)."""
    if not isinstance(page, dict) or not isinstance(page.get("MetricDataResults"), list):
        raise ResponseError(f"{where}: expected GetMetricData's response, an object with MetricDataResults[]")
    for result in page["MetricDataResults"]:
        if not isinstance(result, dict) or result.get("Id") not in by_id:
            raise ResponseError(f"{where}: a result whose Id is none of the request's ({', '.join(by_id)}): {str(result)[:80]}")
        query = by_id[result["Id"]]
        target = received[query.series]
        status = result.get("StatusCode", "Complete")
        if status in ("Forbidden", "InternalError"):
            messages = "; ".join(str(m.get("Value", m)) for m in result.get("Messages") or [] if isinstance(m, dict))
            said = messages if messages.startswith("CloudWatch") else f"CloudWatch answered {status} for {query.series.label} {query.stat}" + (f": {messages}" if messages else "")
            target.refusals.append(said)
            continue
        stamps, values = result.get("Timestamps") or [], result.get("Values") or []
        if not isinstance(stamps, list) or not isinstance(values, list) or len(stamps) != len(values):
            raise ResponseError(f"{where}: {result['Id']}: Timestamps and Values must be lists of the same length")
        label = f"{where}: {result['Id']}"
        try:  # the common case at full speed; anything odd is said stamp by stamp
            found = [_iso_seconds(s) for s in stamps]
        except (TypeError, ValueError, OverflowError):
            found = [_stamp(s, label) for s in stamps]
        target.add((query.stat,), _in_range(found, label), [_number(v, label) for v in values], floor=request.period)


def read_datadog(request: DatadogRequest, body: Any, target: Received) -> None:
    """One metrics-query response into the key's `received`, keyed by the series' group tags and percentile."""
    if not isinstance(body, dict) or ("series" not in body and body.get("status") != "error"):
        raise ResponseError("expected Datadog's metrics query response, an object with series[]")
    if body.get("status") == "error":
        reason = str(body.get("error") or "no reason given")
        target.refusals.append(reason if reason.startswith("Datadog") else f"Datadog answered an error for {request.query}: {reason}")
        return
    series = body.get("series")
    if not isinstance(series, list):
        raise ResponseError("series must be a list")
    scope = set(request.key.scope)
    for n, one in enumerate(series):
        where = f"series[{n}]"
        if not isinstance(one, dict) or not isinstance(one.get("pointlist"), list):
            raise ResponseError(f"{where}: expected an object with pointlist[[epoch ms, value], ...]")
        tags = tuple(sorted(t for t in str(one.get("scope") or "").split(",") if t and t != "*" and t not in scope))
        try:  # the common case at full speed; anything odd is said point by point below
            stamps = [int(t) // 1000 for t, _ in one["pointlist"]]
            values = [None if v is None else float(v) for _, v in one["pointlist"]]
            if any(isinstance(p[0], bool) or isinstance(p[1], (bool, str)) for p in one["pointlist"]):
                raise TypeError
        except (TypeError, ValueError, OverflowError):
            stamps, values = [], []
            for point in one["pointlist"]:
                if not isinstance(point, list) or len(point) != 2:
                    raise ResponseError(f"{where}: a point must be [epoch ms, value], got {point!r}") from None
                stamps.append(_stamp(point[0], where) // 1000)
                values.append(_number(point[1], where))
        interval = one.get("interval")
        target.add((request.percentile, *tags), _in_range(stamps, where), values, interval if isinstance(interval, int) and interval > 0 else None)

"""A fetcher whose answers several back-tests share: `vigil diff --backtest` back-tests the base's alerts and the
head's, each with its own code, against the same history, asking the vendors once.

The answers are kept in a folder, per request as the vendor would be asked it: a Datadog query and its time span,
and a CloudWatch series — account, region, metric, statistic, period and time span — whatever batch it came in
(the two sides batch their series differently when their metrics differ). A request whose answers are all kept is
not sent; one with some kept asks only for the rest, in one GetMetricData. A refusal is kept too, so both sides say
the same. The vendor's own formats are kept, so any revision's code reads them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Optional

from .requests import AwsQuery, AwsRequest, DatadogRequest, Request
from .run import Fetcher, Refused


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


class Shared:
    """Asks `inner` only what no back-test sharing `folder` asked before."""

    def __init__(self, inner: Fetcher, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.inner, self.folder = inner, folder
        self.asked = 0  # requests sent to `inner` (tests read it)

    def _read(self, name: str) -> Optional[Any]:
        path = self.folder / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def _write(self, name: str, body: Any) -> None:
        path = self.folder / f"{name}.json"
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps(body), encoding="utf-8")
        partial.replace(path)  # whole or absent, never half written

    def where(self, request: Request, page: int) -> str:
        return request.id

    def datadog(self, request: DatadogRequest) -> Any:
        name = "datadog-" + _key(request.query, request.start, request.end)
        kept = self._read(name)
        if kept is None:
            self.asked += 1
            try:
                kept = self.inner.datadog(request)
            except Refused as exc:
                kept = {"status": "error", "error": str(exc), "series": [], "vigil_refused": True}
            self._write(name, kept)
        if isinstance(kept, dict) and kept.get("vigil_refused"):
            raise Refused(str(kept["error"]))
        return kept

    def _series(self, request: AwsRequest, query: AwsQuery) -> str:
        place, metric = request.place, query.series.metric
        return "aws-" + _key(place.region, place.account, place.role_arn, metric.namespace, metric.name, metric.dimensions, query.stat, request.period, request.start, request.end)

    def aws(self, request: AwsRequest) -> list[Any]:
        names = {q.id: self._series(request, q) for q in request.queries}
        kept = {qid: found for qid, name in names.items() if (found := self._read(name)) is not None}
        missing = [q for q in request.queries if q.id not in kept]
        if missing:
            self.asked += 1
            ask = AwsRequest(request.id, request.place, request.period, tuple(AwsQuery(f"m{i}", q.series, q.stat) for i, q in enumerate(missing)), request.start, request.end)
            try:
                answers = _by_id(self.inner.aws(ask))
            except Refused as exc:
                answers = {q.id: {"Timestamps": [], "Values": [], "StatusCode": "Forbidden", "Messages": [{"Code": "Forbidden", "Value": str(exc)}]} for q in ask.queries}
            for original, asked in zip(missing, ask.queries, strict=True):
                found = answers.get(asked.id, {"Timestamps": [], "Values": [], "StatusCode": "Complete"})
                self._write(names[original.id], found)
                kept[original.id] = found
        return [{"MetricDataResults": [{"Id": q.id, **kept[q.id]} for q in request.queries], "Messages": []}]


def _by_id(pages: list[Any]) -> dict[str, dict[str, Any]]:
    """Each query's answer over every page of a GetMetricData response: its points in order, the worst status."""
    out: dict[str, dict[str, Any]] = {}
    for page in pages:
        results = page.get("MetricDataResults") if isinstance(page, dict) else None
        for result in results if isinstance(results, list) else []:
            if not isinstance(result, dict) or "Id" not in result:
                continue
            found = out.setdefault(str(result["Id"]), {"Timestamps": [], "Values": [], "StatusCode": "Complete", "Messages": []})
            found["Timestamps"] += list(result.get("Timestamps") or [])
            found["Values"] += list(result.get("Values") or [])
            found["Messages"] += list(result.get("Messages") or [])
            if result.get("StatusCode") in ("Forbidden", "InternalError"):
                found["StatusCode"] = result["StatusCode"]
    return out

"""Recorded responses: `--record DIR` writes each vendor response body, `--from DIR` back-tests from them only.

`DIR/<id>.json` per request (`vigil backtest --queries` lists the ids); a CloudWatch request answered in several
pages is `DIR/<id>.1.json`, `DIR/<id>.2.json`, ... Each file holds the vendor's own response format: Datadog's
metrics query response, CloudWatch's GetMetricData response as the AWS CLI prints it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .requests import AwsRequest, DatadogRequest, Request
from .run import BacktestError, Fetcher, Refused


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BacktestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BacktestError(f"{path}: not JSON ({exc})") from None


class Files:
    """A fetcher that reads what `--record` wrote."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            said = "a file, not a folder" if folder.exists() else "no such folder"
            raise BacktestError(f"{folder}: {said} of recorded responses (`vigil backtest --record DIR` writes one)")
        self.folder = folder

    def _pages(self, request_id: str) -> list[Path]:
        single = self.folder / f"{request_id}.json"
        if single.is_file():
            return [single]
        pattern = re.compile(re.escape(request_id) + r"\.(\d+)\.json$")
        numbered = sorted((int(m.group(1)), p) for p in self.folder.iterdir() if (m := pattern.match(p.name)))
        if not numbered:
            raise BacktestError(f"{single}: missing (recorded responses need one file per request of `vigil backtest --queries`)")
        return [p for _, p in numbered]

    def where(self, request: Request, page: int) -> str:
        return str(self._pages(request.id)[page])

    def datadog(self, request: DatadogRequest) -> Any:
        path = self._pages(request.id)[0]
        body = _load(path)
        if not isinstance(body, dict) or ("series" not in body and body.get("status") != "error"):
            raise BacktestError(f"{path}: not a Datadog metrics query response (expected an object with series[])")
        return body

    def aws(self, request: AwsRequest) -> list[Any]:
        out = []
        for path in self._pages(request.id):
            page = _load(path)
            if not isinstance(page, dict) or not isinstance(page.get("MetricDataResults"), list):
                raise BacktestError(f"{path}: not a GetMetricData response (expected an object with MetricDataResults[])")
            out.append(page)
        return out


class Recording:
    """A fetcher that asks another (the vendors) and writes each response body under `folder`."""

    def __init__(self, inner: Fetcher, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.inner, self.folder = inner, folder

    def where(self, request: Request, page: int) -> str:
        single = self.folder / f"{request.id}.json"
        return str(single if single.is_file() else self.folder / f"{request.id}.{page + 1}.json")

    def _write(self, name: str, body: Any) -> None:
        (self.folder / name).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")

    def datadog(self, request: DatadogRequest) -> Any:
        try:
            body = self.inner.datadog(request)
        except Refused as exc:  # kept as Datadog words an error, so --from says the same
            self._write(f"{request.id}.json", {"status": "error", "error": str(exc), "series": []})
            raise
        self._write(f"{request.id}.json", body)
        return body

    def aws(self, request: AwsRequest) -> list[Any]:
        try:
            pages = self.inner.aws(request)
        except Refused as exc:  # kept as GetMetricData words a refusal per query, so --from says the same
            results = [{"Id": q.id, "Timestamps": [], "Values": [], "StatusCode": "Forbidden", "Messages": [{"Code": "Forbidden", "Value": str(exc)}]} for q in request.queries]
            self._write(f"{request.id}.json", {"MetricDataResults": results, "Messages": []})
            raise
        if len(pages) == 1:
            self._write(f"{request.id}.json", pages[0])
        else:
            for n, page in enumerate(pages, 1):
                self._write(f"{request.id}.{n}.json", page)
        return pages

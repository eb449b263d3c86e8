"""A local stand-in for Datadog's API on 127.0.0.1, for tests of code that talks to it through datadog-api-client
(`Configuration(host=server.url)`, or the site variable pointed at it), in Datadog's own JSON.

    with DatadogServer(monitors=[...]) as server:                    # server.url: http://127.0.0.1:<port>
        server.route("GET", "/api/v1/query", lambda request: (200, {...}))
        server.replies.append((429, {"errors": ["Too many requests"]}))

- Every answer carries Datadog's rate-limit headers (`X-RateLimit-Limit`, `-Period`, `-Remaining`, `-Reset`,
  https://docs.datadoghq.com/api/latest/rate-limits/); `replies` queues canned answers (a 429, a 403) ahead of any route.
- The monitor endpoints of `api/v1` (https://docs.datadoghq.com/api/latest/monitors/): `GET /api/v1/monitor` (`page`,
  `page_size`, `monitor_tags`, `name`), `GET`, `PUT` and `DELETE /api/v1/monitor/<id>`, `POST /api/v1/monitor`. A
  create or an edit stores the monitor as Datadog does on save (the provider's perpetual-diff issues): name, message
  and query trimmed, thresholds as numbers, the server's defaults added (`notify_audit`, `silenced`, `new_host_delay`,
  `include_tags`, `notify_no_data`; `groupby_simple_monitor` for log alerts), an id, `multi`, the creation fields and
  `overall_state: "No Data"`. Seeded monitors are served as given (recorded shapes keep their own fields).
- Other routes are handlers registered per method and path (`route`); anything else is a 404, so a test also proves
  nothing else was called. Every request is recorded (method, path, query, headers).
- With `keys` set, a request without those `DD-API-KEY` and `DD-APPLICATION-KEY` headers gets 403
  `{"errors": ["Forbidden"]}`, as Datadog answers.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Optional
from urllib.parse import parse_qs, urlparse

MONITOR_PATH = re.compile(r"^/api/v1/monitor(?:/(?P<id>[0-9]+))?/?$")
SERVER_DEFAULTS = {"notify_audit": False, "new_host_delay": 300, "include_tags": True, "notify_no_data": False, "silenced": {}}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    def json(self) -> dict[str, Any]:
        return json.loads(self.body or b"{}")


Handler = Callable[[Request], tuple[int, Any]]


def stored(body: dict[str, Any], monitor_id: int) -> dict[str, Any]:
    """A monitor as Datadog keeps it after a create or an edit."""
    monitor = copy.deepcopy(body)
    for key in ("name", "message", "query"):
        if isinstance(monitor.get(key), str):
            monitor[key] = monitor[key].strip()
    options = {**SERVER_DEFAULTS, **(monitor.get("options") or {})}
    if isinstance(options.get("escalation_message"), str):
        options["escalation_message"] = options["escalation_message"].strip()
    options["thresholds"] = {k: float(v) for k, v in (options.get("thresholds") or {}).items() if v is not None}
    if monitor.get("type") == "log alert":
        options.setdefault("groupby_simple_monitor", False)
    monitor["options"] = options
    monitor.setdefault("tags", [])
    monitor.setdefault("priority", None)
    monitor.update(
        id=monitor_id, org_id=321813, multi=" by " in str(monitor.get("query", "")), created="2026-01-01T00:00:00.000000+00:00",
        modified="2026-01-01T00:00:00.000000+00:00", deleted=None, restricted_roles=None, overall_state_modified=None,
        overall_state="No Data", creator={"name": None, "handle": "vigil-tests@example.com", "email": "vigil-tests@example.com", "id": 1},
    )
    return monitor


@dataclass
class DatadogServer:
    """The API in a thread; `monitors` seeds the monitor store (served as given), `requests` records what was asked."""

    monitors: dict[int, dict[str, Any]] = field(default_factory=dict)  # seeded as a list of monitors, kept by id
    keys: Optional[tuple[str, str]] = None  # (API key, application key) required of every request, or anything goes
    limit: int = 100
    period: int = 60
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    replies: list[tuple[int, Any]] = field(default_factory=list)  # served first, in order, whatever the route
    requests: list[Request] = field(default_factory=list)
    remaining: Optional[int] = None  # X-RateLimit-Remaining to send (default: limit minus requests so far)

    def __post_init__(self) -> None:
        self._ids = itertools.count(900_000_001)
        seeded = self.monitors.values() if isinstance(self.monitors, dict) else self.monitors
        self.monitors = {}
        for monitor in seeded:
            monitor = copy.deepcopy(monitor)
            monitor.setdefault("id", next(self._ids))
            self.monitors[int(monitor["id"])] = monitor

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        monitor = stored(body, next(self._ids))
        self.monitors[monitor["id"]] = monitor
        return monitor

    def answer(self, request: Request) -> tuple[int, Any]:
        if self.replies:
            return self.replies.pop(0)
        if self.keys is not None and (request.headers.get("DD-API-KEY"), request.headers.get("DD-APPLICATION-KEY")) != self.keys:
            return 403, {"errors": ["Forbidden"]}
        if (request.method, request.path) in self.routes:
            return self.routes[(request.method, request.path)](request)
        found = MONITOR_PATH.match(request.path)
        if found is None:
            return 404, {"errors": ["Not found"]}
        return self._monitor(request, int(found.group("id")) if found.group("id") else None)

    def _monitor(self, request: Request, monitor_id: Optional[int]) -> tuple[int, Any]:
        if request.method == "GET" and monitor_id is None:
            return 200, self._list(request.query)
        if request.method == "POST" and monitor_id is None:
            return 200, self.create(request.json())
        if monitor_id is None or monitor_id not in self.monitors:
            return 404, {"errors": ["Monitor not found"]}
        if request.method == "GET":
            return 200, self.monitors[monitor_id]
        if request.method == "PUT":
            held, body = self.monitors[monitor_id], request.json()
            merged = {**held, **body, "options": {**held.get("options", {}), **body.get("options", {})}}
            self.monitors[monitor_id] = stored(merged, monitor_id)
            return 200, self.monitors[monitor_id]
        if request.method == "DELETE":
            self.monitors.pop(monitor_id)
            return 200, {"deleted_monitor_id": monitor_id}
        return 405, {"errors": ["Method not allowed"]}

    def _list(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """`monitor_tags`: every tag given is on the monitor (Datadog's filter); `page` from 0, `page_size` (default all)."""
        found = sorted(self.monitors.values(), key=lambda m: int(m["id"]))
        wanted = [t for t in query.get("monitor_tags", "").split(",") if t]
        found = [m for m in found if all(t in (m.get("tags") or []) for t in wanted)]
        if query.get("name"):
            found = [m for m in found if query["name"].lower() in str(m.get("name", "")).lower()]
        if "page" in query:
            size = int(query.get("page_size", "100"))
            page = int(query["page"])
            found = found[page * size : (page + 1) * size]
        return found

    def __enter__(self) -> DatadogServer:
        server = self

        class Handle(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = {k: ",".join(v) for k, v in parse_qs(parsed.query).items()}
                request = Request(self.command, parsed.path, query, dict(self.headers), body)
                server.requests.append(request)
                status, answer = server.answer(request)
                data = json.dumps(answer).encode()
                remaining = server.remaining if server.remaining is not None else max(0, server.limit - len(server.requests))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-RateLimit-Limit", str(server.limit))
                self.send_header("X-RateLimit-Period", str(server.period))
                self.send_header("X-RateLimit-Remaining", str(remaining))
                self.send_header("X-RateLimit-Reset", "1")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __exit__(self, kind: Optional[type[BaseException]], value: Optional[BaseException], trace: Optional[TracebackType]) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

"""A local Datadog API on 127.0.0.1 for tests: the monitor endpoints of `api/v1`, in Datadog's own JSON, reached through
`datadog-api-client` exactly as the real API is (a `Configuration(host=...)` or `VIGIL_DATADOG_API_URL`).

    with DatadogServer(monitors=[...]) as server:   # server.url: http://127.0.0.1:<port>
        ...

- `GET /api/v1/monitor` (`page`, `page_size`, `monitor_tags`, `tags`, `name`) and `GET /api/v1/monitor/<id>`;
- `POST /api/v1/monitor` (create) and `PUT /api/v1/monitor/<id>` (edit) store a monitor as Datadog does on save
  (https://docs.datadoghq.com/api/latest/monitors/#create-a-monitor; the provider's perpetual-diff issues): name,
  message and query trimmed, thresholds as numbers, the server's defaults added (`notify_audit`, `silenced`,
  `new_host_delay`, `include_tags`, `notify_no_data`; `groupby_simple_monitor` for log alerts), an id, `multi`, the
  creation fields and `overall_state: "No Data"`;
- `DELETE /api/v1/monitor/<id>`;
- without the `DD-API-KEY` and `DD-APPLICATION-KEY` headers: 403 `{"errors": ["Forbidden"]}`, as Datadog answers.
Seeded monitors are served as given (recorded shapes keep their own fields).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qs, urlparse

MONITOR_PATH = re.compile(r"^/api/v1/monitor(?:/(?P<id>[0-9]+))?/?$")
SERVER_DEFAULTS = {"notify_audit": False, "new_host_delay": 300, "include_tags": True, "notify_no_data": False, "silenced": {}}


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


class DatadogServer:
    """The API in a thread; `monitors` seeds it (served as given), `requests` records what was asked."""

    def __init__(self, monitors: Optional[list[dict[str, Any]]] = None, api_key: str = "test-api-key", app_key: str = "test-app-key") -> None:
        self.monitors: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(900_000_001)
        for monitor in monitors or []:
            monitor = copy.deepcopy(monitor)
            monitor.setdefault("id", next(self._ids))
            self.monitors[int(monitor["id"])] = monitor
        self.requests: list[tuple[str, str]] = []
        self.keys = (api_key, app_key)
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        monitor = stored(body, next(self._ids))
        self.monitors[monitor["id"]] = monitor
        return monitor

    def __enter__(self) -> DatadogServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method: str) -> None:
                url = urlparse(self.path)
                server.requests.append((method, self.path))
                if (self.headers.get("DD-API-KEY"), self.headers.get("DD-APPLICATION-KEY")) != server.keys:
                    return self._answer(403, {"errors": ["Forbidden"]})
                found = MONITOR_PATH.match(url.path)
                if found is None:
                    return self._answer(404, {"errors": ["Not found"]})
                monitor_id = int(found.group("id")) if found.group("id") else None
                if method == "GET" and monitor_id is None:
                    return self._answer(200, server._list(parse_qs(url.query)))
                if method == "POST" and monitor_id is None:
                    return self._answer(200, server.create(self._body()))
                if monitor_id not in server.monitors:
                    return self._answer(404, {"errors": ["Monitor not found"]})
                if method == "GET":
                    return self._answer(200, server.monitors[monitor_id])
                if method == "PUT":
                    held = server.monitors[monitor_id]
                    body = self._body()
                    merged = {**held, **body, "options": {**held.get("options", {}), **body.get("options", {})}}
                    server.monitors[monitor_id] = stored(merged, monitor_id)
                    return self._answer(200, server.monitors[monitor_id])
                if method == "DELETE":
                    server.monitors.pop(monitor_id)
                    return self._answer(200, {"deleted_monitor_id": monitor_id})
                return self._answer(405, {"errors": ["Method not allowed"]})

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"{}")

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_PUT(self) -> None:
                self._route("PUT")

            def do_DELETE(self) -> None:
                self._route("DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _list(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        """`monitor_tags`: every tag given is on the monitor (Datadog's filter); `page` from 0, `page_size` (default all)."""
        found = sorted(self.monitors.values(), key=lambda m: int(m["id"]))
        wanted = [t for t in ",".join(query.get("monitor_tags", [])).split(",") if t]
        found = [m for m in found if all(t in (m.get("tags") or []) for t in wanted)]
        if query.get("name"):
            found = [m for m in found if query["name"][0].lower() in str(m.get("name", "")).lower()]
        if "page" in query:
            size = int(query.get("page_size", ["100"])[0])
            page = int(query["page"][0])
            found = found[page * size : (page + 1) * size]
        return found

"""A local stand-in for Datadog's API on 127.0.0.1, for tests of code that talks to it through datadog-api-client.

It answers in Datadog's own format, with its rate-limit headers (`X-RateLimit-Limit`, `-Period`, `-Remaining`,
`-Reset`, https://docs.datadoghq.com/api/latest/rate-limits/). Routes are handlers registered per method and path;
`replies` queues canned statuses (a 429, a 403) ahead of them. It records every request (method, path, query,
headers) and refuses anything but the routes it has (404), so a test also proves nothing else was called.

    with DatadogServer() as server:
        server.route("GET", "/api/v1/query", lambda request: (200, {...}))
        server.replies.append((429, {"errors": ["Too many requests"]}))
        ... Configuration(host=server.url) ...
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Optional
from urllib.parse import parse_qs, urlparse


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


Handler = Callable[[Request], tuple[int, Any]]


@dataclass
class DatadogServer:
    limit: int = 100
    period: int = 60
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    replies: list[tuple[int, Any]] = field(default_factory=list)  # served first, in order, whatever the route
    requests: list[Request] = field(default_factory=list)
    remaining: Optional[int] = None  # X-RateLimit-Remaining to send (default: limit minus requests so far)

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def __enter__(self) -> DatadogServer:
        server = self

        class Handle(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parsed = urlparse(self.path)
                request = Request(self.command, parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()}, dict(self.headers))
                server.requests.append(request)
                if server.replies:
                    status, body = server.replies.pop(0)
                elif (self.command, parsed.path) in server.routes:
                    status, body = server.routes[(self.command, parsed.path)](request)
                else:
                    status, body = 404, {"errors": ["Not found"]}
                data = json.dumps(body).encode()
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

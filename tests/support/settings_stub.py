"""Alexa's Settings API (and any other Alexa API path) as a real HTTP server on loopback.

It counts what a deployer would watch: requests per path, the TCP connections
they came on (keep-alive shows as fewer connections than requests) and the
bearer token each carried. The skill reaches it through ``ALEXA_API_URL``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ZONE_PATH = "/v2/devices/{device}/settings/System.timeZone"


class SettingsStub:
    """What the stub answers and what it saw. ``zone=None`` answers 500; ``delay`` stalls."""

    def __init__(self) -> None:
        self.zone: str | None = "UTC"
        self.status = 200
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        self.connections = 0
        self.url = ""
        self._lock = threading.Lock()

    def zone_calls(self) -> int:
        return sum(1 for r in self.requests if r["path"].endswith("/settings/System.timeZone"))

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    def connected(self) -> None:
        with self._lock:
            self.connections += 1


def _handler(stub: SettingsStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Alexa's API endpoints do

        def setup(self) -> None:
            super().setup()
            stub.connected()

        def log_message(self, *args: Any) -> None:  # quiet test output
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            stub.record(
                {
                    "method": self.command,
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "body": body.decode("utf-8", "replace"),
                }
            )
            if stub.delay:
                time.sleep(stub.delay)
            if self.path.endswith("/settings/System.timeZone") and stub.zone is not None:
                status, payload = stub.status, json.dumps(stub.zone)
            elif self.path.endswith("/settings/System.timeZone"):
                status, payload = 500, json.dumps({"message": "unavailable"})
            else:
                status, payload = stub.status, json.dumps({"echo": body.decode("utf-8", "replace")})
            data = payload.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up at its deadline closed the socket: expected, not news


@contextmanager
def settings_stub() -> Iterator[SettingsStub]:
    """A stub listening on 127.0.0.1 for the length of the block."""
    stub = SettingsStub()
    server = _QuietServer(("127.0.0.1", 0), _handler(stub))
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

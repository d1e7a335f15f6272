"""The device's settings for ``trust-renewal chat --time-zone``: Alexa's Settings API on loopback.

The skill reads a device's time zone from Alexa's Settings API (handlers/time_zones)
and, from it, the country whose help lines to give (handlers/countries). The chat
plays a device set to a zone by answering that one API call from a small HTTP
server on 127.0.0.1, so the skill takes its ordinary path; every other Alexa API
call gets 404, as a local run has no access to them.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

_ZONE_PATH = re.compile(r"^/v2/devices/[^/]+/settings/System\.timeZone$")


def check_zone(zone: str) -> str:
    """An IANA zone name this runtime knows ("Europe/London"), or ValueError."""
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError, OSError):
        raise ValueError(f"unknown time zone {zone!r} (an IANA name, like Europe/London)") from None
    return zone


class DeviceSettings:
    """A loopback server answering the device's time zone; ``close()`` stops it."""

    def __init__(self, zone: str) -> None:
        self.zone = check_zone(zone)
        answer = json.dumps(self.zone).encode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # the chat's output is the conversation
                pass

            def _reply(self) -> None:
                found = _ZONE_PATH.match(self.path.split("?", 1)[0])
                body = answer if found else b'{"message": "not available in a local chat"}'
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _reply

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def device_id(self) -> str:
        """A device ID of its own per zone: the skill keeps each device's zone for a day."""
        return "amzn1.ask.device.local-" + re.sub(r"[^A-Za-z0-9]+", "-", self.zone)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

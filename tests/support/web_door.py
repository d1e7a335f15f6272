"""The web door on loopback, and a misbehaving stand-in for Amazon's certificate host.

Shared by tests/journeys/test_web_door_red_team.py and bench/robustness.py.
Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import http.client
import os
import socket
import threading

from trust_renewal.web import door
from trust_renewal.web.verification import fetch_certificate_chain

DEADLINE = 0.3  # a certificate fetch's whole deadline, here


class Upstream:
    """A loopback stand-in for Amazon's certificate host, misbehaving on request.

    ``modes`` maps a file name to: "ok" (the chain), "404", "stall" (accept,
    never answer), "stall-once" (stall the first time, then "ok") or "trickle"
    (headers with ``Connection: close`` at once, then the body a byte at a time).
    """

    def __init__(
        self, chain: bytes, modes: dict[str, str], gap: float = 0.05, deadline: float = DEADLINE
    ) -> None:
        self.deadline = deadline
        self.chain, self.modes, self.gap = chain, modes, gap
        self.requests: list[str] = []
        self.trickle_bytes_sent = 0
        self.trickle_ended_early = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def fetch(self, url: str) -> bytes:
        """The verifier's fetch: Amazon's URL, sent here through the real fetch and its deadline."""
        name = url.rsplit("/", 1)[-1]
        return fetch_certificate_chain(f"http://127.0.0.1:{self.port}/echo.api/{name}", self.deadline)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        try:
            line = connection.recv(4096).split(b"\r\n", 1)[0].decode()
            name = line.split(" ")[1].rsplit("/", 1)[-1] if " " in line else ""
            with self._lock:
                seen = self.requests.count(name)
                self.requests.append(name)
            mode = self.modes.get(name, "404")
            if mode == "stall-once":
                mode = "stall" if seen == 0 else "ok"
            if mode == "ok":
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(self.chain) + self.chain
                )
            elif mode == "404":
                connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            elif mode == "stall":
                self._stop.wait(30)
            elif mode == "trickle":
                connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
                for byte in b"-" * 200:
                    if self._stop.wait(self.gap):
                        return
                    connection.sendall(bytes([byte]))
                    self.trickle_bytes_sent += 1
        except OSError:
            self.trickle_ended_early.set()  # the client went away first
        finally:
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self.listener.close()


class Door:
    """The skill behind web.door on 127.0.0.1, as `trust-renewal serve` runs it."""

    def __init__(self, app, **kw) -> None:
        kw.setdefault("threads", 4)
        kw.setdefault("max_request_body_size", 1024 * 1024)
        self.server = door.create_door(app, host="127.0.0.1", port=0, **kw)
        self.port = self.server.effective_port
        threading.Thread(target=self.server.run, daemon=True).start()

    def post(self, body: bytes, headers: dict[str, str], timeout: float = 20) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("POST", "/", body, {"Content-Type": "application/json", **headers})
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def health(self, timeout: float = 20) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status
        finally:
            connection.close()

    def close(self) -> None:
        self.server.close()


def forged(url: str) -> dict[str, str]:
    return {"SignatureCertChainUrl": url, "Signature-256": base64.b64encode(os.urandom(256)).decode()}


def slow_client(port: int, held: list[socket.socket], cut: list[int], stop: threading.Event) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    held.append(sock)
    try:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        while not stop.is_set():
            sock.sendall(b"X-Slow: 1\r\n")  # a header line now and then, never the end
            if stop.wait(0.2):
                break
    except OSError:
        cut.append(1)  # the door closed it
    finally:
        sock.close()


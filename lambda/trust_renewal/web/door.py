"""The web door: waitress, hardened against slow and idle connections.

waitress reads requests in one event loop and hands only complete requests
to its worker threads, so a slow client costs a connection, not a thread.
What it does not do by itself: cut a connection that takes forever to send
one request (its idle timeout counts any byte as activity, so a header line
every few seconds keeps a connection forever), size its connection limit
(100 by default) for the host, or keep ``/healthz`` answering while every
worker is busy. This module adds those three on waitress's documented
server and channel classes:

- a read deadline: a request's headers and body must all arrive within
  ``read_deadline`` seconds of its first byte, or the connection is closed;
- an idle timeout (waitress's ``channel_timeout``) for connections with no
  request in progress, checked every ``cleanup_interval`` seconds;
- a connection limit from the process's file-descriptor limit, with poll()
  instead of select() so more than 1024 sockets work at all;
- one extra worker thread that serves only ``GET /healthz``.

See docs/robustness.md for the figures and for when to put a buffering proxy
in front instead.
"""

from __future__ import annotations

import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

# Alexa sends a request of a few kilobytes at once; ten seconds is far beyond
# any real client and still frees a slow attacker's connection quickly.
READ_DEADLINE_S = 10.0
# A kept-alive connection with no request in progress is closed after this
# (waitress takes whole seconds for both settings below).
IDLE_TIMEOUT_S = 15
# Deadlines are checked this often (0: on every turn of the event loop, which
# wakes at least once a second).
CLEANUP_INTERVAL_S = 1
# Descriptors kept back for everything else (the store, logs, outbound fetches).
RESERVED_DESCRIPTORS = 128
MIN_CONNECTIONS, MAX_CONNECTIONS = 100, 4096
HEALTH_PATH = "/healthz"


def connection_limit_for_host() -> int:
    """Connections this process can hold: its descriptor limit less a reserve, within bounds."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):  # no resource module (Windows): waitress's default
        return MIN_CONNECTIONS
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(MIN_CONNECTIONS, min(MAX_CONNECTIONS, soft - RESERVED_DESCRIPTORS))


class ReadDeadlineChannel(HTTPChannel):
    """A waitress channel that remembers when the request it is reading began."""

    reading_since: float | None = None

    def received(self, data: bytes) -> bool:
        if data and self.request is None and self.reading_since is None:
            self.reading_since = time.monotonic()
        try:
            return super().received(data)
        finally:
            if self.request is None:  # every request in the data is complete
                self.reading_since = None


def _is_health_check(channel: Any) -> bool:
    requests = getattr(channel, "requests", None) or []
    first = requests[0] if requests else None
    return first is not None and first.command == "GET" and first.path == HEALTH_PATH


class DoorServer(TcpWSGIServer):
    """waitress's TCP server with a read deadline and a thread kept for health checks."""

    channel_class = ReadDeadlineChannel

    def __init__(self, application: Any, *, read_deadline: float, adj: Adjustments, **kw: Any) -> None:
        self.read_deadline = read_deadline
        self.health_dispatcher = ThreadedTaskDispatcher()
        self.health_dispatcher.set_thread_count(1)
        self.cut = 0  # connections closed for being too slow, for the figures
        super().__init__(application, adj=adj, **kw)

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle connections
        cutoff = time.monotonic() - self.read_deadline
        for channel in list(self.active_channels.values()):
            since = getattr(channel, "reading_since", None)
            if since is not None and since < cutoff and not channel.requests and not channel.will_close:
                channel.will_close = True
                self.cut += 1

    def add_task(self, task: Any) -> None:
        if _is_health_check(task):
            self.health_dispatcher.add_task(task)
        else:
            super().add_task(task)

    def close(self) -> None:
        super().close()
        self.health_dispatcher.shutdown(cancel_pending=True, timeout=1)


def create_door(
    app: Any,
    *,
    host: str,
    port: int,
    threads: int,
    max_request_body_size: int,
    read_deadline: float = READ_DEADLINE_S,
    idle_timeout: int = IDLE_TIMEOUT_S,
    cleanup_interval: int = CLEANUP_INTERVAL_S,
    connection_limit: int | None = None,
    ident: str = "trust-renewal",
) -> DoorServer:
    """The server for ``app`` on ``host:port``, listening; ``.run()`` serves until closed."""
    adj = Adjustments(
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=max_request_body_size,
        channel_timeout=idle_timeout,
        cleanup_interval=cleanup_interval,
        connection_limit=connection_limit or connection_limit_for_host(),
        asyncore_use_poll=True,
        asyncore_loop_timeout=1,  # the event loop wakes at least once a second
        ident=ident,
    )
    return DoorServer(app, read_deadline=read_deadline, adj=adj)

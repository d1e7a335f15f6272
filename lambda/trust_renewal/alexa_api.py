"""The HTTP client for Alexa's service APIs (settings, reminders): one pool per process, a deadline.

The SDK's default client opens a new connection (and, before this module, the
skill built a new TLS context: ~20 ms of CPU loading the CA bundle) on every
call and sets no timeout. Here every call of the process shares one TLS context
and one keep-alive pool (urllib3). Each call gives up after ``deadline`` seconds
in all, connecting and retrying included, and all the calls of one request
together after REQUEST_BUDGET_S (``request_budget``): a turn must answer within
Alexa's 8 s, and DynamoDB may need up to 4 of them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

DEFAULT_DEADLINE_S = 1.5  # the whole call: connect, send, read, one reconnect
REQUEST_BUDGET_S = 2.5  # every call of one request together (a reminder turn makes two)
CONNECT_TIMEOUT_S = 0.5
MAX_BODY = 256 * 1024
POOL_SIZE = 4  # connections kept per host (the web service answers on several threads)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Amazon's Alexa API hosts (North America, Europe, Far East). The envelope's
# apiEndpoint comes from the request; the API token is sent to no other host.
ALEXA_API_HOSTS = frozenset({"api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com"})

_lock = threading.Lock()
_pool: Any = None
_request = threading.local()  # this thread's request: when its calls must be done


@contextmanager
def request_budget(budget: float = REQUEST_BUDGET_S) -> Iterator[None]:
    """For the block (one request on this thread), Alexa API calls share ``budget`` seconds."""
    previous = getattr(_request, "ends", None)
    _request.ends = time.monotonic() + budget
    try:
        yield
    finally:
        _request.ends = previous


def shared_pool() -> Any:
    """The process's one urllib3 pool: built on first use, with one TLS context for every host.

    Lazy on purpose: after the time zone is kept per device, most invocations
    never call an Alexa API, so they should not pay for the CA bundle.
    """
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                import ssl

                import urllib3

                # The same trust as urllib's default (the system's CA store), built once.
                context = ssl.create_default_context()
                _pool = urllib3.PoolManager(
                    num_pools=4, maxsize=POOL_SIZE, block=False, ssl_context=context, retries=False
                )
    return _pool


def check_base_url(base_url: str) -> str:
    """A base URL that replaces the envelope's apiEndpoint: https, or http on loopback only."""
    parts = urlsplit(base_url)
    if parts.scheme == "https" and parts.hostname:
        return base_url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return base_url.rstrip("/")
    raise ValueError("the Alexa API URL must be https, or http on 127.0.0.1 (a local stub)")


class HttpApiClient(ApiClient):
    """The SDK's ``ApiClient`` on the shared pool.

    ``base_url`` (configuration, for a local stub in the benchmark) sends every
    call there instead of to the envelope's apiEndpoint, keeping path and query.
    """

    def __init__(
        self, deadline: float = DEFAULT_DEADLINE_S, base_url: str | None = None, pool: Any = None
    ) -> None:
        self.deadline = deadline
        self.base_url = check_base_url(base_url) if base_url else None
        self._pool = pool

    @property
    def pool(self) -> Any:
        return self._pool if self._pool is not None else shared_pool()

    def _url(self, url: str) -> str:
        from ask_sdk_core.exceptions import ApiClientException

        if self.base_url:
            base, parts = urlsplit(self.base_url), urlsplit(url)
            return urlunsplit((base.scheme, base.netloc, base.path + parts.path, parts.query, ""))
        if not url.startswith("https://"):
            raise ApiClientException("Alexa APIs are reached over https only")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise ApiClientException("the Alexa API address is not a valid URL") from exc
        if parts.hostname not in ALEXA_API_HOSTS or port not in (None, 443) or parts.username:
            raise ApiClientException("the apiEndpoint is not one of Amazon's Alexa API hosts")
        return url

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        from ask_sdk_core.exceptions import ApiClientException

        url = self._url(request.url or "")
        body = request.body
        # The SDK hands over JSON bodies (the Reminders API's) as Python objects.
        if isinstance(body, dict | list):
            body = json.dumps(body)
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = dict(request.headers or [])
        try:
            status, answer_headers, raw = self._send(request.method or "GET", url, data, headers)
        except Exception as exc:  # urllib3's errors, timeouts, refused connections
            raise ApiClientException(f"Alexa API call failed: {type(exc).__name__}") from exc
        return ApiClientResponse(
            headers=answer_headers, status_code=status, body=raw.decode("utf-8", "replace")
        )

    def _send(
        self, method: str, url: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        import urllib3
        from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

        ends = time.monotonic() + self.deadline
        request_ends = getattr(_request, "ends", None)
        if request_ends is not None:
            ends = min(ends, request_ends)
        for attempt in (1, 2):
            left = ends - time.monotonic()
            if left <= 0:
                raise TimeoutError("the Alexa API deadline passed")
            timeout = urllib3.Timeout(total=left, connect=min(CONNECT_TIMEOUT_S, left))
            try:
                answer = self.pool.request(
                    method, url, body=data, headers=headers, timeout=timeout,
                    retries=False, redirect=False, preload_content=False,
                )
            except (NewConnectionError, ConnectTimeoutError):
                # Nothing was sent, so one more try is safe even for a POST.
                if attempt == 2:
                    raise
                continue
            try:
                raw = answer.read(MAX_BODY + 1)
            except BaseException:
                answer.close()
                raise
            if len(raw) > MAX_BODY:  # too long to be an Alexa API answer: drop the connection
                answer.close()
                raw = raw[:MAX_BODY]
            else:
                answer.release_conn()  # back to the pool, kept alive for the next call
            return answer.status, list(answer.headers.items()), raw
        raise AssertionError("unreachable")

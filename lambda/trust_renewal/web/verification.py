"""Alexa request verification (signature, certificate chain, timestamp) built on ``cryptography``.

Amazon requires a web-service skill to check every request:
https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html

The SDK's own verifier module (``ask_sdk_webservice_support.verifier``) does this
through ``certvalidator`` and ``oscrypto``, and oscrypto 1.3.0 cannot import on
OpenSSL 3.0.10 and later. This module implements the same checks with
``cryptography`` only and exposes the names the SDK imports from its verifier
(``AbstractVerifier``, ``VerificationException``, ``RequestVerifier``,
``TimestampVerifier``), so ``sdk_compat.install()`` can stand it in for the
SDK's module. Everything a test needs to control is injectable: the trusted
roots, the certificate fetch and the clock.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import http.client
import posixpath
import socket
import ssl
import threading
import time
import urllib.parse
import warnings
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ask_sdk_runtime.exceptions import AskSdkException
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

# The SDK's header names and limits (ask_sdk_webservice_support.verifier_constants).
SIGNATURE_CERT_CHAIN_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_CHAIN_URL_SCHEME = "https"
CERT_CHAIN_URL_HOST = "s3.amazonaws.com"
CERT_CHAIN_URL_PATH_PREFIX = "/echo.api/"
CERT_CHAIN_URL_PORT = 443
CERT_CHAIN_DOMAIN = "echo-api.amazon.com"
MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS = 150_000
MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS = 3_600_000
ALEXA_SKILL_EVENT_TYPES = frozenset(
    {
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillAccountLinked",
    }
)

# Amazon's chain is a few kilobytes; anything far bigger is not it.
MAX_CHAIN_BYTES = 64 * 1024
# The whole fetch (connect, headers, body) ends by then, however slowly bytes come.
FETCH_DEADLINE_SECONDS = 2.0
# Chains that verified a genuine signature: only such a signature can add one,
# so forged requests can never push Amazon's chain out.
CERT_CACHE_SIZE = 32
# Chains that validated but have not yet verified a signature (forgeries can fill this one).
UNPROVEN_CACHE_SIZE = 8
# A URL that definitely has no usable chain (HTTP 404, not PEM, an untrusted
# chain) is refused at once for a short while. A passing failure (a stall, a
# reset, HTTP 5xx) is not remembered: the next request tries again.
FAILED_URL_SECONDS = 60.0
FAILED_URL_CACHE_SIZE = 1024
# Certificate fetches under way at once per host. One more request may wait its
# turn (in order, for at most 1.5 fetch deadlines); any beyond are refused at
# once. A waiting request holds a worker thread, so the web server runs more
# threads than fetches plus waiters (cli/serve.py): forged requests can never
# hold every thread.
MAX_CONCURRENT_FETCHES = 2
MAX_WAITING_FETCHES = 1
# HTTP answers that say the URL itself is wrong, not that the host is having a bad moment.
DEFINITE_HTTP_STATUSES = frozenset({400, 401, 403, 404, 405, 410, 414, 451})
# An RSA signature is as long as the key: 2048 to 4096 bits.
SIGNATURE_LENGTHS = frozenset({256, 384, 512})

Clock = Callable[[], datetime]
Fetch = Callable[[str], bytes]


def utc_now() -> datetime:
    return datetime.now(UTC)


class VerificationException(AskSdkException):
    """A request failed verification; ``reason`` is a plain sentence safe to show the caller."""

    def __init__(self, reason: str, *args: Any) -> None:
        super().__init__(reason, *args)
        self.reason = reason


class AbstractVerifier(ABC):
    """The SDK's verifier interface: raise VerificationException or return quietly."""

    @abstractmethod
    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str | bytes,
        deserialized_request_env: Any,
    ) -> None:
        raise NotImplementedError


# -- certificate fetch --------------------------------------------------------


_tls_lock = threading.Lock()
_tls_context: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    # One context per process: loading the CA bundle costs ~20 ms each time.
    global _tls_context
    with _tls_lock:
        if _tls_context is None:
            _tls_context = ssl.create_default_context()
        return _tls_context


class FetchFailed(OSError):
    """The chain could not be fetched; ``definite`` when the URL itself is at fault (e.g. HTTP 404)."""

    def __init__(self, reason: str, definite: bool) -> None:
        super().__init__(reason)
        self.definite = definite


def fetch_certificate_chain(url: str, deadline: float = FETCH_DEADLINE_SECONDS) -> bytes:
    """GET the PEM chain within ``deadline`` seconds in all; no redirects; at most MAX_CHAIN_BYTES.

    A socket timeout bounds each read, not the whole: a server that trickles a
    byte a second would hold the caller for as long as it liked. Here a timer
    shuts the socket down when the deadline passes, whatever stage the fetch is
    at: connecting, the TLS handshake, the headers or the body. The socket is
    held on to by this function, because http.client lets go of it once the
    response says ``Connection: close`` (the body is then read through the
    response alone).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=deadline, context=_tls()
        )
    else:  # the URL check allows only https; plain http is for a loopback test server
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=deadline)
    expired = threading.Event()
    sockets: list[socket.socket] = []
    lock = threading.Lock()

    def cut() -> None:
        with lock:
            expired.set()
            live = [connection.sock, *sockets]
        for sock in live:
            if sock is not None:
                with contextlib.suppress(OSError):  # already closed: nothing left to cut
                    sock.shutdown(socket.SHUT_RDWR)

    def hold(sock: Any) -> None:
        with lock:
            if sock is not None:
                sockets.append(sock)
            late = expired.is_set()
        if late:
            cut()

    timer = threading.Timer(deadline, cut)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        hold(connection.sock)
        if expired.is_set():
            raise TimeoutError("the certificate fetch passed its deadline")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"Accept": "*/*"})
        response = connection.getresponse()
        if response.status != 200:  # a redirect too: the URL was checked, its target was not
            raise FetchFailed(f"HTTP {response.status}", response.status in DEFINITE_HTTP_STATUSES)
        data = response.read(MAX_CHAIN_BYTES + 1)
    except Exception as exc:
        if expired.is_set():
            raise TimeoutError("the certificate fetch passed its deadline") from exc
        raise
    finally:
        timer.cancel()
        connection.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()
    if expired.is_set():
        raise TimeoutError("the certificate fetch passed its deadline")
    if len(data) > MAX_CHAIN_BYTES:
        raise FetchFailed("certificate chain is larger than expected", definite=True)
    return data


@lru_cache(maxsize=1)
def default_trust_roots() -> tuple[x509.Certificate, ...]:
    """Mozilla's roots from ``certifi`` when installed, else the system's CA bundle."""
    try:
        import certifi

        bundle = certifi.where()
    except ImportError:
        paths = ssl.get_default_verify_paths()
        bundle = paths.cafile or paths.openssl_cafile
    return tuple(_load_bundle(Path(bundle).read_bytes()))


def _load_bundle(pem: bytes) -> list[x509.Certificate]:
    # One certificate at a time: a bundle holds a few old roots that newer
    # cryptography releases warn about or refuse, and one must not sink the rest.
    roots = []
    for block in pem.split(_PEM_END):
        start = block.find(b"-----BEGIN CERTIFICATE-----")
        if start < 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block[start:] + _PEM_END))
            except ValueError:
                continue
    return roots


_PEM_END = b"-----END CERTIFICATE-----"


# -- the checks ---------------------------------------------------------------


def check_cert_chain_url(url: str) -> None:
    """Amazon's rules for ``SignatureCertChainUrl``; raise VerificationException if broken."""
    try:
        parsed = urllib.parse.urlsplit(url)
        port = parsed.port  # raises ValueError for a non-numeric or out-of-range port
    except ValueError as exc:
        raise VerificationException("the certificate URL is not a valid URL") from exc
    if parsed.scheme.lower() != CERT_CHAIN_URL_SCHEME:
        raise VerificationException("the certificate URL must use https")
    if (parsed.hostname or "").lower() != CERT_CHAIN_URL_HOST:
        raise VerificationException(f"the certificate URL host must be {CERT_CHAIN_URL_HOST}")
    # Decode first so an encoded "%2e%2e" cannot hide a step out of /echo.api/.
    path = posixpath.normpath(urllib.parse.unquote(parsed.path or "/"))
    if not path.startswith(CERT_CHAIN_URL_PATH_PREFIX):
        raise VerificationException(
            f"the certificate URL path must start with {CERT_CHAIN_URL_PATH_PREFIX}"
        )
    if port is not None and port != CERT_CHAIN_URL_PORT:
        raise VerificationException(f"the certificate URL port must be {CERT_CHAIN_URL_PORT}")
    # Not a URL Amazon would use for its certificate: a query (which would make
    # one chain many cache entries and many fetches), a fragment, or credentials.
    if parsed.query or "?" in url:
        raise VerificationException("the certificate URL must not have a query string")
    if parsed.fragment or "#" in url:
        raise VerificationException("the certificate URL must not have a fragment")
    if parsed.username is not None or parsed.password is not None or "@" in parsed.netloc:
        raise VerificationException("the certificate URL must not hold credentials")


def _decode_signature(text: str, header: str) -> bytes:
    """The signature's bytes, if it could be an RSA signature at all; VerificationException if not."""
    try:
        signature = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationException(f"the {header} header is not valid base64") from exc
    if len(signature) not in SIGNATURE_LENGTHS:
        raise VerificationException(f"the {header} header is not an RSA signature")
    return signature


def _header(headers: Mapping[str, Any] | Iterable[tuple[str, Any]], name: str) -> str | None:
    # A dict, or Werkzeug's headers (not a Mapping, but with items()); matched case-insensitively.
    items = headers.items() if hasattr(headers, "items") else headers
    found = None
    for key, value in items:
        if isinstance(key, str) and key.lower() == name.lower():
            found = value
    return found if isinstance(found, str) and found.strip() else None


class _Flight:
    """One certificate fetch under way; requests for the same URL wait for it instead of fetching."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.chain: list[x509.Certificate] | None = None
        self.failure: VerificationException | None = None


class _Unavailable(VerificationException):
    """No chain at this URL just now; ``definite`` when trying again soon would not help."""

    def __init__(self, reason: str, definite: bool) -> None:
        super().__init__(reason)
        self.definite = definite


class _Slots:
    """At most ``size`` holders at once; up to ``queue`` more wait in arrival order (no barging)."""

    def __init__(self, size: int, queue: int) -> None:
        self._free = max(1, size)
        self._queue = max(0, queue)
        self._waiting: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    def acquire(self, wait: float) -> bool:
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return True
            if len(self._waiting) >= self._queue:
                return False
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(wait):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait ended: it is ours
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # straight to the next in line
            else:
                self._free += 1


class RequestVerifier(AbstractVerifier):
    """Checks the ``Signature-256`` signature of the exact body against Amazon's certificate.

    Chains that verified a genuine signature are kept (``cache_size`` URLs, least
    recently used dropped first); nothing a forged request does can add to that
    cache or push a chain out of it. Chains that validated but have verified no
    signature yet sit in a small separate cache. An entry whose signing
    certificate has expired is dropped and fetched again, and every chain is
    re-validated on every request, so none is trusted past any certificate's expiry.

    Unsigned or forged requests must not be able to stall the door: the URL
    must pass Amazon's rules (no query string) and the signature be a plausible
    RSA signature before anything is fetched; requests for a URL being fetched
    wait for that one fetch; at most ``max_fetches`` fetches per host run at
    once, ``max_waiting`` more wait their turn in order (for at most one
    fetch deadline) and any others are refused at once; each fetch has a
    deadline on the whole of it. A URL that definitely has no chain is refused
    at once for ``failed_url_seconds``; a passing failure is tried again by the
    next request.
    """

    def __init__(
        self,
        signature_cert_chain_url_key: str = SIGNATURE_CERT_CHAIN_URL_HEADER,
        signature_key: str = SIGNATURE_HEADER,
        *,
        trust_roots: Sequence[x509.Certificate] | None = None,
        fetch: Fetch | None = None,
        clock: Clock | None = None,
        cache_size: int = CERT_CACHE_SIZE,
        fetch_deadline: float = FETCH_DEADLINE_SECONDS,
        failed_url_seconds: float = FAILED_URL_SECONDS,
        max_fetches: int = MAX_CONCURRENT_FETCHES,
        max_waiting: int = MAX_WAITING_FETCHES,
        slot_wait: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url_header = signature_cert_chain_url_key
        self._signature_header = signature_key
        self._roots = tuple(trust_roots) if trust_roots is not None else None
        self._store: Store | None = None
        self._fetch = fetch or (lambda url: fetch_certificate_chain(url, fetch_deadline))
        self._fetch_deadline = fetch_deadline
        self._slot_wait = 1.5 * fetch_deadline if slot_wait is None else slot_wait
        self._clock = clock or utc_now
        self._monotonic = monotonic
        self._cache_size = max(1, cache_size)
        self._cache: OrderedDict[str, list[x509.Certificate]] = OrderedDict()
        self._unproven: OrderedDict[str, list[x509.Certificate]] = OrderedDict()
        self._failed: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._failed_seconds = failed_url_seconds
        self._flights: dict[str, _Flight] = {}
        self._max_fetches = max(1, max_fetches)
        self._max_waiting = max(0, max_waiting)
        self._slots: dict[str, _Slots] = {}
        self._lock = threading.Lock()
        self.fetches = 0  # fetches started, for the robustness figures

    # The SDK's entry point; the body arrives as text there.
    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str | bytes,
        deserialized_request_env: Any = None,
    ) -> None:
        body = serialized_request_env
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.verify_body(headers, body)

    def verify_body(self, headers: Mapping[str, Any], body: bytes) -> None:
        """Verify the signature over ``body``, the raw bytes exactly as received."""
        url = _header(headers, self._url_header)
        if url is None:
            raise VerificationException(f"the request is not signed (no {self._url_header} header)")
        signature_text = _header(headers, self._signature_header)
        if signature_text is None:
            raise VerificationException(
                f"the request is not signed (no {self._signature_header} header)"
            )
        check_cert_chain_url(url)
        # Everything that costs nothing comes before the one thing that can cost time.
        signature = _decode_signature(signature_text, self._signature_header)
        chain = self._chain_for(url, self._clock())
        public_key = chain[0].public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise VerificationException("the signing certificate does not hold an RSA key")
        try:
            public_key.verify(signature, body, padding.PKCS1v15(), SHA256())
        except InvalidSignature as exc:
            raise VerificationException("the signature does not match the request body") from exc
        self._keep(url, chain)

    @property
    def cached_urls(self) -> list[str]:
        """URLs whose chains verified a signature and are kept, least recently used first."""
        with self._lock:
            return list(self._cache)

    def _keep(self, url: str, chain: list[x509.Certificate]) -> None:
        """A chain that has just verified a genuine signature: kept, most recently used."""
        with self._lock:
            self._unproven.pop(url, None)
            self._cache[url] = chain
            self._cache.move_to_end(url)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _cached(self, url: str, now: datetime) -> list[x509.Certificate] | None:
        with self._lock:
            for cache in (self._cache, self._unproven):
                chain = cache.get(url)
                if chain is None:
                    continue
                if chain[0].not_valid_after_utc < now:
                    del cache[url]
                    return None
                cache.move_to_end(url)
                return chain
        return None

    def _chain_for(self, url: str, now: datetime) -> list[x509.Certificate]:
        chain = self._cached(url, now)
        if chain is not None:
            self._validate_chain(chain, now)
            return chain
        chain = self._obtain(url, now)  # validated there
        with self._lock:
            if url not in self._cache:
                self._unproven[url] = chain
                self._unproven.move_to_end(url)
                while len(self._unproven) > UNPROVEN_CACHE_SIZE:
                    self._unproven.popitem(last=False)
        return chain

    def _slots_for(self, url: str) -> _Slots:
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        with self._lock:
            slots = self._slots.get(host)
            if slots is None:
                slots = self._slots[host] = _Slots(self._max_fetches, self._max_waiting)
            return slots

    def _obtain(self, url: str, now: datetime) -> list[x509.Certificate]:
        """The chain at ``url``, fetched once however many requests want it; definite failures remembered."""
        with self._lock:
            failed = self._failed.get(url)
            if failed is not None and failed[0] > self._monotonic():
                raise VerificationException(failed[1])
            flight = self._flights.get(url)
            leader = flight is None
            if leader:
                flight = self._flights[url] = _Flight()
        assert flight is not None
        if not leader:
            # Someone is fetching this URL: wait for their answer, never longer than a fetch may take.
            limit = self._slot_wait + self._fetch_deadline + 0.5
            if not flight.done.wait(limit) or flight.chain is None:
                raise flight.failure or VerificationException("the certificate chain could not be fetched")
            return flight.chain
        try:
            slots = self._slots_for(url)
            if not slots.acquire(self._slot_wait):
                # Not remembered as a failure: the URL itself may be fine.
                raise VerificationException("too many certificate fetches at once; try again")
            try:
                with self._lock:
                    self.fetches += 1
                chain = self._load(url)
                try:
                    self._validate_chain(chain, now)
                except VerificationException as exc:
                    raise _Unavailable(exc.reason, definite=True) from exc
            finally:
                slots.release()
            flight.chain = chain
            return chain
        except VerificationException as exc:
            flight.failure = exc
            if isinstance(exc, _Unavailable) and exc.definite:
                with self._lock:
                    self._failed[url] = (self._monotonic() + self._failed_seconds, exc.reason)
                    self._failed.move_to_end(url)
                    while len(self._failed) > FAILED_URL_CACHE_SIZE:
                        self._failed.popitem(last=False)
            raise
        finally:
            flight.done.set()
            with self._lock:
                self._flights.pop(url, None)

    def _load(self, url: str) -> list[x509.Certificate]:
        try:
            data = self._fetch(url)
        except FetchFailed as exc:
            raise _Unavailable("the certificate chain could not be fetched", exc.definite) from exc
        except Exception as exc:  # network errors and the deadline: passing, tried again next time
            raise _Unavailable("the certificate chain could not be fetched", definite=False) from exc
        try:
            chain = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise _Unavailable("the certificate chain is not valid PEM", definite=True) from exc
        if not chain:
            raise _Unavailable("the certificate chain is empty", definite=True)
        return chain

    def _validate_chain(self, chain: list[x509.Certificate], now: datetime) -> None:
        leaf, intermediates = chain[0], chain[1:]
        # The leaf's own checks first, each with its own reason.
        if now > leaf.not_valid_after_utc:
            raise VerificationException("the signing certificate has expired")
        if now < leaf.not_valid_before_utc:
            raise VerificationException("the signing certificate is not yet valid")
        try:
            san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            san = None
        names = [name.lower() for name in san.get_values_for_type(x509.DNSName)] if san else []
        if CERT_CHAIN_DOMAIN not in names:
            raise VerificationException(f"the signing certificate does not name {CERT_CHAIN_DOMAIN}")
        try:
            usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            usage = None
        if usage is not None and not usage.digital_signature:
            raise VerificationException("the signing certificate is not for digital signatures")
        try:
            self._verifier(now).verify(leaf, intermediates)
        except VerificationError as exc:
            raise VerificationException(
                "the certificate chain does not lead to a trusted root"
            ) from exc

    def _verifier(self, now: datetime) -> Any:
        if self._store is None:
            roots = self._roots if self._roots is not None else default_trust_roots()
            self._store = Store(list(roots))
        # Web PKI rules for every certificate, except that the leaf's extended
        # key usage is not required to say "TLS server": Amazon's rules for this
        # certificate are dates, the SAN and a trusted chain, nothing about EKU.
        ee_policy = ExtensionPolicy.webpki_defaults_ee().may_be_present(
            x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None
        )
        return (
            PolicyBuilder()
            .store(self._store)
            .time(now)
            .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee_policy)
            .build_server_verifier(x509.DNSName(CERT_CHAIN_DOMAIN))
        )


def parse_timestamp(value: str | datetime) -> datetime:
    """An Alexa request timestamp (ISO 8601) as an aware UTC datetime."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.strip())
        except (ValueError, AttributeError) as exc:
            raise VerificationException("the request timestamp is not a valid time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


class TimestampVerifier(AbstractVerifier):
    """Refuses a request whose timestamp is more than 150 s from now (skill events: an hour)."""

    def __init__(
        self,
        tolerance_in_millis: float = MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS,
        *,
        clock: Clock | None = None,
    ) -> None:
        if tolerance_in_millis < 0:
            raise VerificationException("Negative tolerance values not supported")
        # Amazon's limit is a ceiling, as in the SDK.
        self._tolerance_seconds = min(tolerance_in_millis, MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS) / 1000
        self._clock = clock or utc_now

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str | bytes,
        deserialized_request_env: Any,
    ) -> None:
        request = getattr(deserialized_request_env, "request", None)
        timestamp = getattr(request, "timestamp", None)
        if timestamp is None:
            raise VerificationException("the request has no timestamp")
        self.check(getattr(request, "object_type", None) or "", timestamp)

    def check(self, request_type: str, timestamp: str | datetime) -> None:
        """Raise VerificationException unless ``timestamp`` is close enough to now."""
        moment = parse_timestamp(timestamp)
        try:
            off = abs((self._clock() - moment).total_seconds())
        except OverflowError as exc:
            raise VerificationException("the request timestamp is not a valid time") from exc
        limit = self._tolerance_seconds
        if request_type in ALEXA_SKILL_EVENT_TYPES:
            limit = max(limit, MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS / 1000)
        if off > limit:
            raise VerificationException(
                f"the request timestamp is {off:.0f} s from now, over the {limit:.0f} s allowed"
            )

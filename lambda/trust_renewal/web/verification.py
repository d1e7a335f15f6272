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
from collections import OrderedDict
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
CERT_CACHE_SIZE = 32
# A URL whose chain could not be had is not tried again for a while.
FAILED_URL_SECONDS = 300.0
FAILED_URL_CACHE_SIZE = 1024
# Certificate fetches under way at once; a request that would need one more is refused.
MAX_CONCURRENT_FETCHES = 2
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


def fetch_certificate_chain(url: str, deadline: float = FETCH_DEADLINE_SECONDS) -> bytes:
    """GET the PEM chain within ``deadline`` seconds in all; no redirects; at most MAX_CHAIN_BYTES.

    A socket timeout bounds each read, not the whole: a server that trickles a
    byte a second would hold the caller for as long as it liked. Here a timer
    shuts the socket down when the deadline passes, whatever stage the fetch is at.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=deadline, context=_tls()
        )
    else:  # the URL check allows only https; plain http is for a loopback test server
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=deadline)
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed: nothing left to cut
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(deadline, cut)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        if expired.is_set():
            raise TimeoutError("the certificate fetch passed its deadline")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"Accept": "*/*"})
        response = connection.getresponse()
        if response.status != 200:  # a redirect too: the URL was checked, its target was not
            raise OSError(f"HTTP {response.status}")
        data = response.read(MAX_CHAIN_BYTES + 1)
    except Exception as exc:
        if expired.is_set():
            raise TimeoutError("the certificate fetch passed its deadline") from exc
        raise
    finally:
        timer.cancel()
        connection.close()
    if expired.is_set():
        raise TimeoutError("the certificate fetch passed its deadline")
    if len(data) > MAX_CHAIN_BYTES:
        raise OSError("certificate chain is larger than expected")
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


class RequestVerifier(AbstractVerifier):
    """Checks the ``Signature-256`` signature of the exact body against Amazon's certificate.

    Fetched chains are kept in a small LRU cache (``cache_size`` URLs); an entry
    whose signing certificate has expired is dropped and fetched again. The chain
    is re-validated on every request, so a cached chain is never trusted past
    any certificate's expiry.

    Unsigned or forged requests must not be able to stall the door: the
    signature is decoded and its length checked before anything is fetched; a
    URL whose chain could not be had is refused at once for ``failed_url_seconds``;
    requests for a URL being fetched wait for that one fetch; at most
    ``max_fetches`` fetches run at once (more are refused at once); and each
    fetch has a deadline on the whole of it.
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
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url_header = signature_cert_chain_url_key
        self._signature_header = signature_key
        self._roots = tuple(trust_roots) if trust_roots is not None else None
        self._store: Store | None = None
        self._fetch = fetch or (lambda url: fetch_certificate_chain(url, fetch_deadline))
        self._fetch_deadline = fetch_deadline
        self._clock = clock or utc_now
        self._monotonic = monotonic
        self._cache_size = max(1, cache_size)
        self._cache: OrderedDict[str, list[x509.Certificate]] = OrderedDict()
        self._failed: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._failed_seconds = failed_url_seconds
        self._flights: dict[str, _Flight] = {}
        self._fetch_slots = threading.BoundedSemaphore(max(1, max_fetches))
        self._lock = threading.Lock()

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

    @property
    def cached_urls(self) -> list[str]:
        """URLs whose chains are cached, least recently used first."""
        with self._lock:
            return list(self._cache)

    def _chain_for(self, url: str, now: datetime) -> list[x509.Certificate]:
        with self._lock:
            chain = self._cache.get(url)
            if chain is not None and chain[0].not_valid_after_utc < now:
                del self._cache[url]
                chain = None
            if chain is not None:
                self._cache.move_to_end(url)
        if chain is None:
            chain = self._obtain(url, now)  # validated there
        else:
            self._validate_chain(chain, now)
        with self._lock:
            # Only a chain that validated is kept.
            self._cache[url] = chain
            self._cache.move_to_end(url)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return chain

    def _obtain(self, url: str, now: datetime) -> list[x509.Certificate]:
        """The chain at ``url``, fetched once however many requests want it; failures remembered."""
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
            if not flight.done.wait(self._fetch_deadline + 0.5) or flight.chain is None:
                raise flight.failure or VerificationException("the certificate chain could not be fetched")
            return flight.chain
        try:
            if not self._fetch_slots.acquire(blocking=False):
                # Not remembered as a failure: the URL itself may be fine.
                flight.failure = VerificationException("too many certificate fetches at once; try again")
                raise flight.failure
            try:
                chain = self._load(url)
                self._validate_chain(chain, now)
            finally:
                self._fetch_slots.release()
            flight.chain = chain
            return chain
        except VerificationException as exc:
            if flight.failure is None:
                flight.failure = exc
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
        except Exception as exc:  # network, HTTP, size errors and the deadline all mean "not fetched"
            raise VerificationException("the certificate chain could not be fetched") from exc
        try:
            chain = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise VerificationException("the certificate chain is not valid PEM") from exc
        if not chain:
            raise VerificationException("the certificate chain is empty")
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

"""Amazon's request verification on the web service, with a CA built here and real signatures.

The certificate fetch is injected (a URL → PEM map) and the clock is fixed, so
every rule can be broken on purpose and nothing touches the network.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from support.web_pki import (
    BASE,
    CERT_URL,
    NOW,
    OFFLINE_API,
    SKILL_ID,
    BlockingStore,
    Ca,
    Pki,
    launch_body,
    new_key,
    sign,
    signed,
)
from trust_renewal.config import Config
from trust_renewal.envelopes import EnvelopeBuilder, timestamp
from trust_renewal.runtime import SkillRuntime
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.web import verification
from trust_renewal.web.app import Verifiers, create_app
from trust_renewal.web.verification import (
    RequestVerifier,
    TimestampVerifier,
    VerificationException,
    default_trust_roots,
)

# -- a small PKI: root → intermediate → leaf ------------------------------------














@pytest.fixture(scope="module")
def pki() -> Pki:
    ca, stranger, leaf_key = Ca("Test"), Ca("Stranger"), new_key()
    good = ca.chain_pem(ca.leaf(leaf_key))
    chains = {
        CERT_URL: good,
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem": good,
        "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem": good,
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem": good,
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem": good,
        BASE + "expired.pem": ca.chain_pem(
            ca.leaf(leaf_key, not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(seconds=1))
        ),
        BASE + "not-yet.pem": ca.chain_pem(
            ca.leaf(leaf_key, not_before=NOW + timedelta(seconds=60), not_after=NOW + timedelta(days=300))
        ),
        BASE + "stranger.pem": stranger.chain_pem(stranger.leaf(leaf_key)),
        BASE + "no-san.pem": ca.chain_pem(ca.leaf(leaf_key, san=None)),
        BASE + "other-san.pem": ca.chain_pem(ca.leaf(leaf_key, san=("example.com",))),
        BASE + "client-eku.pem": ca.chain_pem(ca.leaf(leaf_key, eku=(ExtendedKeyUsageOID.CLIENT_AUTH,))),
        BASE + "leaf-only.pem": ca.leaf(leaf_key).public_bytes(serialization.Encoding.PEM),
        BASE + "garbage.pem": b"this is not a certificate",
    }
    return Pki(ca, stranger, leaf_key, chains, [])


# -- the app, verifying, with the injected fetch and clock ----------------------


@pytest.fixture(scope="module")
def app_parts(pki: Pki):
    store = MemoryStore()
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=store)
    verifiers = Verifiers(
        RequestVerifier(trust_roots=[pki.ca.root], fetch=pki.fetch, clock=lambda: NOW),
        TimestampVerifier(clock=lambda: NOW),
    )
    app = create_app(runtime, verifiers=verifiers)
    return app.test_client(), store




def event_body(at: datetime) -> bytes:
    builder = EnvelopeBuilder(skill_id=SKILL_ID, api_endpoint=OFFLINE_API)
    envelope = builder.event(
        "AlexaSkillEvent.SkillEnabled", eventCreationTime=timestamp(at), eventPublishingTime=timestamp(at)
    )
    envelope["request"]["timestamp"] = timestamp(at)
    return json.dumps(envelope).encode()


def post(client, body: bytes, headers: dict[str, str]):
    return client.post("/", data=body, headers={"Content-Type": "application/json", **headers})




def refusal_reasons(caplog) -> list[str]:
    return [r.reason for r in caplog.records if r.getMessage() == "request refused"]


def test_a_signed_fresh_launch_is_answered(app_parts, pki):
    client, _ = app_parts
    body = launch_body()
    answer = post(client, body, signed(pki, body))
    assert answer.status_code == 200
    assert answer.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>")


@pytest.mark.parametrize(
    "url",
    [
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    ],
)
def test_certificate_urls_amazon_allows_pass(app_parts, pki, url):
    client, _ = app_parts
    body = launch_body()
    assert post(client, body, signed(pki, body, url)).status_code == 200


def test_a_leaf_whose_key_usage_says_client_only_still_passes(app_parts, pki):
    # Amazon's rules name dates, SAN and chain, not the extended key usage.
    client, _ = app_parts
    body = launch_body()
    assert post(client, body, signed(pki, body, BASE + "client-eku.pem")).status_code == 200


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "must use https"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "host must be s3.amazonaws.com"),
        ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "host must be"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path must start with /echo.api/"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path must start with"),
        ("https://s3.amazonaws.com/echo.api/../x/echo-api-cert.pem", "path must start with"),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/x/echo-api-cert.pem", "path must start with"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port must be 443"),
        ("https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem", "not a valid URL"),
        (BASE + "expired.pem", "has expired"),
        (BASE + "not-yet.pem", "not yet valid"),
        (BASE + "stranger.pem", "does not lead to a trusted root"),
        (BASE + "leaf-only.pem", "does not lead to a trusted root"),
        (BASE + "no-san.pem", "does not name echo-api.amazon.com"),
        (BASE + "other-san.pem", "does not name echo-api.amazon.com"),
        (BASE + "garbage.pem", "not valid PEM"),
        (BASE + "missing.pem", "could not be fetched"),
    ],
)
def test_each_broken_certificate_rule_is_refused(app_parts, pki, caplog, url, reason):
    client, store = app_parts
    writes = store.writes
    body = launch_body()
    answer = post(client, body, signed(pki, body, url))
    assert answer.status_code == 400
    assert reason in answer.get_json()["error"]["reason"]
    assert any(reason in r for r in refusal_reasons(caplog))
    assert store.writes == writes


def _garbled(pki, body):
    return {"SignatureCertChainUrl": CERT_URL, "Signature-256": "%%% not base64 %%%"}


def _random_bytes(pki, body):
    return {"SignatureCertChainUrl": CERT_URL, "Signature-256": base64.b64encode(b"x" * 256).decode()}


def _other_body(pki, body):
    return {"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(body + b" ", pki.leaf_key)}


def _other_key(pki, body):
    return {"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(body, pki.stranger.inter_key)}


def _no_signature(pki, body):
    return {"SignatureCertChainUrl": CERT_URL}


def _no_url(pki, body):
    return {"Signature-256": sign(body, pki.leaf_key)}


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (_garbled, "not valid base64"),
        (_random_bytes, "signature does not match"),
        (_other_body, "signature does not match"),
        (_other_key, "signature does not match"),
        (_no_signature, "no Signature-256 header"),
        (_no_url, "no SignatureCertChainUrl header"),
        (lambda pki, body: {}, "not signed"),
    ],
)
def test_a_missing_or_wrong_signature_is_refused(app_parts, pki, caplog, headers, reason):
    client, _ = app_parts
    body = launch_body()
    answer = post(client, body, headers(pki, body))
    assert answer.status_code == 400
    assert reason in answer.get_json()["error"]["reason"]
    assert any(reason in r for r in refusal_reasons(caplog))


def test_the_signature_covers_the_exact_bytes(app_parts, pki):
    # Same JSON, different whitespace: a different body, so the signature fails.
    client, _ = app_parts
    body = launch_body()
    respaced = json.dumps(json.loads(body), indent=1).encode()
    answer = post(client, respaced, signed(pki, body))
    assert answer.status_code == 400


def test_the_signature_is_checked_before_the_json(app_parts, caplog):
    client, _ = app_parts
    answer = post(client, b"not json", {})
    assert answer.status_code == 400
    assert "not signed" in answer.get_json()["error"]["reason"]


def test_a_signed_body_that_is_not_json_is_refused_as_such(app_parts, pki):
    client, _ = app_parts
    body = b"{not json"
    answer = post(client, body, signed(pki, body))
    assert answer.status_code == 400
    assert answer.get_json()["error"]["reason"] == "the body is not valid JSON"


@pytest.mark.parametrize(
    ("offset", "status"),
    [
        (timedelta(seconds=-149), 200),
        (timedelta(seconds=149), 200),
        (timedelta(seconds=-151), 400),
        (timedelta(seconds=151), 400),
        (timedelta(minutes=-59), 400),
    ],
)
def test_an_ordinary_request_must_be_within_150_seconds(app_parts, pki, caplog, offset, status):
    client, _ = app_parts
    body = launch_body(NOW + offset)
    answer = post(client, body, signed(pki, body))
    assert answer.status_code == status
    if status == 400:
        assert any("timestamp" in r for r in refusal_reasons(caplog))


@pytest.mark.parametrize(
    ("offset", "status"),
    [(timedelta(minutes=-59), 200), (timedelta(minutes=-61), 400), (timedelta(minutes=61), 400)],
)
def test_a_skill_event_may_be_up_to_an_hour_old(app_parts, pki, caplog, offset, status):
    client, _ = app_parts
    body = event_body(NOW + offset)
    answer = post(client, body, signed(pki, body))
    assert answer.status_code == status
    if status == 400:
        assert any("timestamp" in r for r in refusal_reasons(caplog))


def test_an_unreadable_timestamp_is_refused(app_parts, pki):
    client, _ = app_parts
    envelope = json.loads(launch_body())
    envelope["request"]["timestamp"] = "yesterday-ish"
    body = json.dumps(envelope).encode()
    answer = post(client, body, signed(pki, body))
    assert answer.status_code == 400
    assert "timestamp" in answer.get_json()["error"]["reason"]


def test_without_verification_an_unsigned_old_request_is_answered(pki):
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    client = create_app(runtime, verify=False).test_client()
    body = launch_body(NOW - timedelta(days=3))
    assert post(client, body, {}).status_code == 200


# -- the certificate cache ------------------------------------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_chain_is_fetched_once_and_reused(pki):
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return pki.chains[CERT_URL]

    verifier = RequestVerifier(trust_roots=[pki.ca.root], fetch=fetch, clock=lambda: NOW)
    body = b'{"any": "body"}'
    for _ in range(3):
        verifier.verify_body(signed(pki, body), body)
    assert fetched == [CERT_URL]


def test_the_cache_keeps_only_the_most_recent_urls(pki):
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return pki.chains[CERT_URL]

    verifier = RequestVerifier(trust_roots=[pki.ca.root], fetch=fetch, clock=lambda: NOW, cache_size=2)
    body = b"{}"
    urls = [BASE + f"cert-{n}.pem" for n in range(3)]
    for url in urls:
        verifier.verify_body(signed(pki, body, url), body)
    assert verifier.cached_urls == urls[1:]
    verifier.verify_body(signed(pki, body, urls[2]), body)  # cached: no fetch
    verifier.verify_body(signed(pki, body, urls[0]), body)  # evicted: fetched again
    assert fetched == [*urls, urls[0]]
    assert len(verifier.cached_urls) == 2


def test_an_expired_cached_chain_is_fetched_again(pki):
    ca, key = pki.ca, pki.leaf_key
    served = {"pem": ca.chain_pem(ca.leaf(key, not_after=NOW + timedelta(days=1)))}
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return served["pem"]

    clock = Clock(NOW)
    verifier = RequestVerifier(trust_roots=[ca.root], fetch=fetch, clock=clock)
    body = b"{}"
    verifier.verify_body(signed(pki, body), body)
    # Amazon rotates its certificate; two days on, the cached one has expired.
    served["pem"] = ca.chain_pem(ca.leaf(key, not_after=NOW + timedelta(days=300)))
    clock.now = NOW + timedelta(days=2)
    verifier.verify_body(signed(pki, body), body)
    assert fetched == [CERT_URL, CERT_URL]


def test_a_url_that_definitely_has_no_chain_is_remembered_for_a_while_then_tried_again(pki):
    attempts: list[str] = []
    clock = [1000.0]

    def fetch(url: str) -> bytes:
        attempts.append(url)
        if len(attempts) == 1:
            raise verification.FetchFailed("HTTP 404", definite=True)
        return pki.chains[CERT_URL]

    verifier = RequestVerifier(
        trust_roots=[pki.ca.root], fetch=fetch, clock=lambda: NOW, monotonic=lambda: clock[0]
    )
    body = b"{}"
    for _ in range(3):  # refused at once, without fetching again
        with pytest.raises(VerificationException, match="could not be fetched"):
            verifier.verify_body(signed(pki, body), body)
    assert len(attempts) == 1
    clock[0] += verification.FAILED_URL_SECONDS + 1
    verifier.verify_body(signed(pki, body), body)
    assert verifier.cached_urls == [CERT_URL] and len(attempts) == 2


@pytest.mark.parametrize(
    "failure",
    [TimeoutError("stalled"), ConnectionResetError("reset"), verification.FetchFailed("HTTP 503", False)],
    ids=["stall", "reset", "http-503"],
)
def test_a_passing_fetch_failure_is_tried_again_by_the_next_request(pki, failure):
    """Finding 6: one slow fetch must not refuse every genuine request for minutes."""
    attempts: list[str] = []

    def fetch(url: str) -> bytes:
        attempts.append(url)
        if len(attempts) == 1:
            raise failure
        return pki.chains[CERT_URL]

    verifier = RequestVerifier(trust_roots=[pki.ca.root], fetch=fetch, clock=lambda: NOW)
    body = launch_body()
    with pytest.raises(VerificationException, match="could not be fetched"):
        verifier.verify_body(signed(pki, body), body)
    for _ in range(15):  # the very next genuine request fetches again, and all are served
        verifier.verify_body(signed(pki, body), body)
    assert len(attempts) == 2


def test_a_bad_chain_is_a_definite_failure(pki):
    verifier = RequestVerifier(trust_roots=[pki.ca.root], fetch=pki.fetch, clock=lambda: NOW)
    body = b"{}"
    before = len(pki.fetched)
    for _ in range(3):
        with pytest.raises(VerificationException, match="trusted root"):
            verifier.verify_body(signed(pki, body, BASE + "stranger.pem"), body)
    assert len(pki.fetched) - before == 1


# -- the verifiers through the SDK's own interface -------------------------------


def test_the_sdk_interface_takes_the_body_as_text(pki):
    verifier = RequestVerifier(trust_roots=[pki.ca.root], fetch=pki.fetch, clock=lambda: NOW)
    body = launch_body()
    verifier.verify(signed(pki, body), body.decode(), None)
    with pytest.raises(VerificationException):
        verifier.verify(signed(pki, body), body.decode() + " ", None)


def test_the_timestamp_verifier_reads_a_deserialized_envelope():
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    body = launch_body(NOW - timedelta(seconds=200)).decode()
    envelope = DefaultSerializer().deserialize(body, RequestEnvelope)
    with pytest.raises(VerificationException, match="timestamp"):
        TimestampVerifier(clock=lambda: NOW).verify({}, "", envelope)
    TimestampVerifier(clock=lambda: NOW + timedelta(seconds=-200)).verify({}, "", envelope)


def test_the_default_roots_can_anchor_amazons_chain():
    # Amazon's signing chain ends at "Amazon Root CA 1" (or Starfield, which cross-signs it).
    names = {root.subject.rfc4514_string() for root in default_trust_roots()}
    assert any("Amazon Root CA 1" in name for name in names)


def test_refusals_log_one_line_each(app_parts, caplog):
    client, _ = app_parts
    caplog.set_level(logging.WARNING)
    post(client, b"{}", {})
    assert len(refusal_reasons(caplog)) == 1


# -- a door that cannot be stalled -----------------------------------------------


class Trickle:
    """A loopback HTTP server that answers a certificate request one byte every ``gap`` seconds."""

    def __init__(self, gap: float = 0.2) -> None:
        import socket
        import threading

        self.gap = gap
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = 0  # connections being trickled to right now
        self.accepted = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/echo.api/{name}"

    def _serve(self) -> None:
        import threading

        self.listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection) -> None:
        with self._lock:
            self.open += 1
            self.accepted += 1
        try:
            connection.recv(4096)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"-" * 100000:
                if self._stop.wait(self.gap):
                    break
                connection.sendall(bytes([byte]))
        except OSError:
            pass  # the client gave up: what the deadline is for
        finally:
            connection.close()
            with self._lock:
                self.open -= 1

    def close(self) -> None:
        self._stop.set()
        self.listener.close()


@pytest.fixture
def trickle():
    server = Trickle()
    yield server
    server.close()


def test_a_trickling_certificate_host_is_cut_off_at_the_deadline(trickle):
    from time import monotonic

    from trust_renewal.web.verification import fetch_certificate_chain

    started = monotonic()
    with pytest.raises(TimeoutError):
        fetch_certificate_chain(trickle.url("slow.pem"), deadline=0.5)
    # Each byte comes well inside any per-read timeout; only a deadline on the
    # whole fetch ends it. Generous bound: the host would trickle for hours.
    assert monotonic() - started < 5


def test_nothing_is_fetched_for_a_signature_that_cannot_be_one(pki):
    fetched: list[str] = []
    verifier = RequestVerifier(
        trust_roots=[pki.ca.root], fetch=lambda url: fetched.append(url) or b"", clock=lambda: NOW
    )
    body = b"{}"
    for signature in ("%%% not base64 %%%", base64.b64encode(b"x" * 10).decode(), ""):
        with pytest.raises(VerificationException):
            headers = {"SignatureCertChainUrl": BASE + "new.pem", "Signature-256": signature}
            verifier.verify_body(headers, body)
    assert fetched == []


def test_requests_for_one_url_share_one_fetch(pki):
    import threading

    release, fetched = threading.Event(), []

    def slow_fetch(url: str) -> bytes:
        fetched.append(url)
        release.wait(5)
        return pki.chains[CERT_URL]

    verifier = RequestVerifier(trust_roots=[pki.ca.root], fetch=slow_fetch, clock=lambda: NOW)
    body = launch_body()
    outcomes: list[str] = []

    def verify() -> None:
        try:
            verifier.verify_body(signed(pki, body), body)
            outcomes.append("ok")
        except VerificationException as exc:
            outcomes.append(exc.reason)

    threads = [threading.Thread(target=verify) for _ in range(5)]
    for thread in threads:
        thread.start()
    while not fetched:
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(5)
    assert outcomes == ["ok"] * 5 and fetched == [CERT_URL]


def test_fetches_beyond_the_bound_are_refused_at_once_and_the_url_is_not_blamed(pki):
    import threading

    release, fetched = threading.Event(), []

    def slow_fetch(url: str) -> bytes:
        fetched.append(url)
        release.wait(5)
        raise OSError("gone")

    verifier = RequestVerifier(
        trust_roots=[pki.ca.root], fetch=slow_fetch, clock=lambda: NOW, max_fetches=2, slot_wait=0.1
    )
    body = b"{}"
    busy = [
        threading.Thread(target=lambda u=u: _swallow(verifier, signed(pki, body, BASE + u), body))
        for u in ("a.pem", "b.pem")
    ]
    for thread in busy:
        thread.start()
    while len(fetched) < 2:
        threading.Event().wait(0.01)
    with pytest.raises(VerificationException, match="too many certificate fetches"):
        verifier.verify_body(signed(pki, body, BASE + "c.pem"), body)
    release.set()
    for thread in busy:
        thread.join(5)
    assert sorted(fetched) == [BASE + "a.pem", BASE + "b.pem"]
    # c.pem was never tried, so it is not remembered as failing: it is fetched now.
    with pytest.raises(VerificationException, match="could not be fetched"):
        verifier.verify_body(signed(pki, body, BASE + "c.pem"), body)
    assert fetched[-1] == BASE + "c.pem"


def _swallow(verifier, headers, body) -> None:
    with contextlib.suppress(VerificationException):
        verifier.verify_body(headers, body)




def test_a_stalled_certificate_host_cannot_hold_up_a_genuine_request(pki, trickle):
    """Eight forged requests point at a host that trickles; a signed launch is answered meanwhile.

    Asserted on behaviour, not a stopwatch: the genuine answer arrives while the
    stalled fetches are still in progress (the trickling host still has them).
    """
    import http.client
    import threading

    from waitress.server import create_server

    from trust_renewal.web.verification import fetch_certificate_chain

    def fetch(url: str) -> bytes:
        if url in pki.chains:
            return pki.chains[url]
        # Anything else is routed to the trickling host, through the real fetch.
        return fetch_certificate_chain(trickle.url(url.rsplit("/", 1)[-1]), deadline=8.0)

    store = BlockingStore()
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=store)
    verifiers = Verifiers(
        RequestVerifier(trust_roots=[pki.ca.root], fetch=fetch, clock=lambda: NOW, fetch_deadline=8.0),
        TimestampVerifier(clock=lambda: NOW),
    )
    server = create_server(create_app(runtime, verifiers=verifiers), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port

    def post_raw(body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.request("POST", "/", body, {"Content-Type": "application/json", **headers})
        answer = connection.getresponse()
        return answer.status, answer.read()

    try:
        genuine = launch_body()
        assert post_raw(genuine, signed(pki, genuine))[0] == 200  # Amazon's chain, cached as usual

        forged = launch_body()
        forgeries = [
            threading.Thread(
                target=post_raw,
                args=(forged, {"SignatureCertChainUrl": BASE + f"stall-{n}.pem",
                               "Signature-256": base64.b64encode(b"\x01" * 256).decode()}),
                daemon=True,
            )
            for n in range(8)
        ]
        for thread in forgeries:
            thread.start()
        while trickle.open < 1:
            threading.Event().wait(0.01)

        status, answer = post_raw(genuine, signed(pki, genuine))
        assert status == 200 and b"outputSpeech" in answer
        assert trickle.open >= 1, "the stall was still in progress when the genuine request was answered"
        assert trickle.accepted <= verification.MAX_CONCURRENT_FETCHES  # the rest were refused unfetched

        # Storage that hangs does not stop the health check either.
        store.block = True
        held = threading.Thread(target=post_raw, args=(genuine, signed(pki, genuine)), daemon=True)
        held.start()
        assert store.blocked.wait(10)
        health = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        health.request("GET", "/healthz")
        assert health.getresponse().status == 200
        store.release.set()
    finally:
        store.release.set()
        trickle.close()
        server.close()

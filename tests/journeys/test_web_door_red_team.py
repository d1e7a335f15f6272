"""Issue 23's web-door findings (6-9), through the door on loopback (127.0.0.1 only).

The skill runs as `trust-renewal serve` runs it (web.door over the Flask app),
signed with a certificate authority built in the tests, and Amazon's
certificate host is played by a misbehaving loopback server: it stalls, it
trickles a body after ``Connection: close``, it answers 404. Deadlines are set
short so nothing here sleeps for seconds.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from support.web_door import Door, Upstream, forged, slow_client
from support.web_pki import (
    BASE,
    CERT_URL,
    NOW,
    SKILL_ID,
    BlockingStore,
    Ca,
    Pki,
    launch_body,
    new_key,
    signed,
)
from trust_renewal.config import Config
from trust_renewal.runtime import SkillRuntime
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.web import verification
from trust_renewal.web.app import Verifiers, create_app
from trust_renewal.web.verification import RequestVerifier, TimestampVerifier

# Short enough that no test sleeps for seconds, long enough that a loaded
# machine still completes a loopback fetch well inside it.
DEADLINE = 1.0

@pytest.fixture(scope="module")
def pki() -> Pki:
    """A certificate authority of the tests' own, and Amazon's chain (as it would be) under it."""
    ca, stranger, leaf_key = Ca("Door"), Ca("Stranger"), new_key()
    return Pki(ca, stranger, leaf_key, {CERT_URL: ca.chain_pem(ca.leaf(leaf_key))}, [])




@pytest.fixture
def upstream(pki: Pki):
    servers: list[Upstream] = []

    def make(modes: dict[str, str], **kw) -> Upstream:
        servers.append(Upstream(pki.chains[CERT_URL], modes, deadline=DEADLINE, **kw))
        return servers[-1]

    yield make
    for server in servers:
        server.close()




def _verifying_app(pki: Pki, fetch, store=None, **verifier_kw):
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=store or MemoryStore())
    verifier = RequestVerifier(
        trust_roots=[pki.ca.root], fetch=fetch, clock=lambda: NOW, fetch_deadline=DEADLINE, **verifier_kw
    )
    return create_app(runtime, verifiers=Verifiers(verifier, TimestampVerifier(clock=lambda: NOW))), verifier




# 6 -----------------------------------------------------------------------------
def test_one_stalled_fetch_does_not_refuse_the_genuine_requests_after_it(pki, upstream):
    host = upstream({"echo-api-cert.pem": "stall-once"})
    app, _ = _verifying_app(pki, host.fetch)
    web = Door(app)
    try:
        body = launch_body()
        assert web.post(body, signed(pki, body))[0] == 400  # the stall, cut at the deadline
        answers = [web.post(body, signed(pki, body))[0] for _ in range(15)]
        assert answers == [200] * 15
        assert host.requests.count("echo-api-cert.pem") == 2  # tried again at once, then cached
    finally:
        web.close()


def test_a_404_is_remembered_briefly_and_not_fetched_again_meanwhile(pki, upstream):
    host = upstream({})
    app, _ = _verifying_app(pki, host.fetch)
    web = Door(app)
    try:
        body = launch_body()
        for _ in range(5):
            assert web.post(body, forged(BASE + "gone.pem"))[0] == 400
        assert host.requests == ["gone.pem"]
    finally:
        web.close()


# 7 -----------------------------------------------------------------------------
def test_forged_query_strings_are_refused_unfetched_and_evict_nothing(pki, upstream):
    host = upstream({"echo-api-cert.pem": "ok"})
    app, verifier = _verifying_app(pki, host.fetch, cache_size=4)
    web = Door(app)
    try:
        body = launch_body()
        assert web.post(body, signed(pki, body))[0] == 200
        for n in range(40):
            status, answer = web.post(body, forged(f"{CERT_URL}?evict={n}"))
            assert status == 400 and b"query string" in answer
        assert host.requests == ["echo-api-cert.pem"]
        assert verifier.cached_urls == [CERT_URL]
        assert web.post(body, signed(pki, body))[0] == 200
    finally:
        web.close()


def test_forgeries_with_stalling_urls_neither_starve_fetches_nor_evict_the_genuine_chain(pki, upstream):
    rotated = [f"echo-api-cert-{n}.pem" for n in range(8)]  # Amazon's URLs, none cached yet
    host = upstream({"echo-api-cert.pem": "ok", **dict.fromkeys(rotated, "ok")})
    modes = host.modes
    app, verifier = _verifying_app(pki, host.fetch, cache_size=4)
    web = Door(app, threads=6)
    body = launch_body()
    stop = threading.Event()
    answers: list[int] = []

    def forge(worker: int) -> None:
        n = 0
        while not stop.is_set():
            name = f"forged-{worker}-{n}.pem"
            modes[name] = "stall"
            answers.append(web.post(body, forged(BASE + name))[0])
            n += 1

    try:
        assert web.post(body, signed(pki, body))[0] == 200  # Amazon's chain, kept
        forgers = [threading.Thread(target=forge, args=(w,), daemon=True) for w in range(2)]
        for thread in forgers:
            thread.start()
        waited = time.monotonic() + 30  # a bound on waiting for the attack to start, not a speed claim
        while len(answers) < 2 and not any(r.startswith("forged") for r in host.requests):
            assert time.monotonic() < waited, "the forgeries never started"
            time.sleep(0.01)
        genuine = [web.post(body, signed(pki, body, BASE + name))[0] for name in rotated]
        cached = [web.post(body, signed(pki, body))[0] for _ in range(5)]
        stop.set()
        for thread in forgers:
            thread.join(10)
        assert genuine == [200] * len(rotated)  # each needed a fetch, during the attack
        assert cached == [200] * 5
        assert answers and set(answers) == {400}
        assert CERT_URL in verifier.cached_urls or len(verifier.cached_urls) == 4
        assert not any("forged" in url for url in verifier.cached_urls)
    finally:
        stop.set()
        web.close()


# 8 -----------------------------------------------------------------------------
def test_a_body_trickled_after_connection_close_is_cut_at_the_deadline(pki, upstream):
    host = upstream({"slow.pem": "trickle"}, gap=0.05)
    with pytest.raises(TimeoutError):
        host.fetch(BASE + "slow.pem")
    # The host had far more to send: the fetch gave up on the body, not the host.
    assert host.trickle_ended_early.wait(5)
    assert host.trickle_bytes_sent < 200


# 9 -----------------------------------------------------------------------------


def test_slow_connections_are_cut_and_never_hold_the_door():
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    web = Door(create_app(runtime, verify=False), read_deadline=1.0, cleanup_interval=0)
    assert web.server.adj.connection_limit > 110  # sized for the host, not waitress's 100
    held: list[socket.socket] = []
    cut: list[int] = []
    stop = threading.Event()
    clients = [
        threading.Thread(target=slow_client, args=(web.port, held, cut, stop), daemon=True)
        for _ in range(110)
    ]
    try:
        for thread in clients:
            thread.start()
        waited = time.monotonic() + 30  # a bound on waiting for the slow clients to connect
        while len(held) < 110 and time.monotonic() < waited:
            time.sleep(0.01)
        assert len(held) == 110
        body = launch_body()
        # While all 110 are connected and trickling, the door still answers.
        assert web.health() == 200
        status, answer = web.post(body, {})
        assert status == 200 and b"outputSpeech" in answer
        assert len(cut) < 110, "the genuine requests were answered while the slow ones were still open"
        for thread in clients:
            thread.join(15)  # a bound on waiting, not a speed claim
        assert len(cut) == 110  # every one closed by the read deadline
        assert web.server.cut >= 110
    finally:
        stop.set()
        web.close()


def test_an_idle_connection_is_closed():
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    web = Door(create_app(runtime, verify=False), idle_timeout=1, cleanup_interval=0)
    try:
        sock = socket.create_connection(("127.0.0.1", web.port), timeout=15)
        assert sock.recv(1) == b""  # closed by the door, having sent nothing
        sock.close()
    finally:
        web.close()


def test_healthz_answers_while_every_worker_is_blocked(pki):
    store = BlockingStore()
    app, _ = _verifying_app(pki, pki.fetch, store=store)
    web = Door(app, threads=2)
    try:
        body = launch_body()
        assert web.post(body, signed(pki, body))[0] == 200
        store.block = True
        held = [
            threading.Thread(target=web.post, args=(body, signed(pki, body)), daemon=True) for _ in range(3)
        ]
        for thread in held:
            thread.start()
        assert store.blocked.wait(10)
        assert web.health() == 200
        store.release.set()
        for thread in held:
            thread.join(10)
    finally:
        store.release.set()
        web.close()


def test_serve_runs_more_threads_than_fetches_can_hold():
    from trust_renewal.cli import serve

    # Forged requests can hold at most the fetches and their waiter, never every thread.
    assert verification.MAX_CONCURRENT_FETCHES + verification.MAX_WAITING_FETCHES < serve.DEFAULT_THREADS

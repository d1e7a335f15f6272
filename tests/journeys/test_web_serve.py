"""``trust-renewal serve`` really starts waitress on loopback and answers Alexa's POST."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trust_renewal.envelopes import EnvelopeBuilder

# Nothing listens here: the skill's time-zone lookup fails at once and falls
# back to UTC, so no test reaches the internet.
OFFLINE_API = "https://127.0.0.1:9"
SKILL_ID = "amzn1.ask.skill.test-trust-renewal"
START_WAIT_SECONDS = 60  # a bound on waiting, not a speed claim


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited early with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("serve did not open its port")


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("TABLE_NAME", "SQLITE_PATH")}
    env.update(STORE="memory", SKILL_ID=SKILL_ID, LOG_LEVEL="INFO")
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "trust_renewal.cli.main", "serve", "--no-verify",
             "--port", str(port), "--threads", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, process)
            yield port, log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def request(port: int, method: str, path: str, body=None, headers=None, chunked: bool = False):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type"), answer.read()
    finally:
        connection.close()


def test_serve_answers_health_and_a_launch_on_loopback(server):
    port, log_path = server
    status, content_type, body = request(port, "GET", "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert content_type.startswith("application/json")

    envelope = EnvelopeBuilder(skill_id=SKILL_ID, api_endpoint=OFFLINE_API).launch()
    status, _, body = request(
        port, "POST", "/", json.dumps(envelope), {"Content-Type": "application/json"}
    )
    assert status == 200
    assert json.loads(body)["response"]["outputSpeech"]["ssml"].startswith("<speak>")

    # A chunked body (no Content-Length) over the cap is still refused with JSON.
    chunks = (b" " * 65536 for _ in range(4))
    status, _, body = request(
        port, "POST", "/", chunks, {"Content-Type": "application/json"}, chunked=True
    )
    assert status == 413
    assert json.loads(body)["error"]["status"] == 413

    log = log_path.read_text()
    assert "VERIFICATION IS OFF" in log
    assert f"http://127.0.0.1:{port}/" in log

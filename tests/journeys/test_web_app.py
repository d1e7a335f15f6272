"""The web service's own answers: malformed input, another skill's requests, health, errors.

Verification is off here (``test_web_verification`` covers it), so each test
isolates one of the app's other checks; the skill and a MemoryStore are real.
"""

from __future__ import annotations

import io
import json
import logging

import pytest
from ask_sdk_core.exceptions import AskSdkException
from werkzeug.test import EnvironBuilder, run_wsgi_app

from trust_renewal.config import Config
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.render.ssml import problems
from trust_renewal.runtime import SkillRuntime
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.web.app import MAX_BODY_BYTES, create_app

# Nothing listens here: the skill's time-zone lookup fails at once and falls
# back to UTC, so no test reaches the internet.
OFFLINE_API = "https://127.0.0.1:9"
SKILL_ID = "amzn1.ask.skill.test-trust-renewal"
JSON = "application/json"


@pytest.fixture
def served():
    store = MemoryStore()
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=store)
    return create_app(runtime, verify=False).test_client(), store


def launch(skill_id: str = SKILL_ID) -> dict:
    return EnvelopeBuilder(skill_id=skill_id, api_endpoint=OFFLINE_API).launch()


def refusals(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == "request refused"]


def test_a_launch_is_answered(served):
    client, _ = served
    answer = client.post("/", json=launch())
    assert answer.status_code == 200
    ssml = answer.get_json()["response"]["outputSpeech"]["ssml"]
    assert problems(ssml) == []


def test_health_check(served):
    client, _ = served
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


def _with(mutate):
    envelope = launch()
    mutate(envelope)
    return json.dumps(envelope).encode()


def _numeric_user_id(envelope):
    envelope["context"]["System"]["user"]["userId"] = 5


def _intent_without_name(envelope):
    envelope["request"]["type"] = "IntentRequest"
    envelope["request"]["intent"] = {"slots": {}}


# fmt: off
MALFORMED = [
    # (name, body, content type, status, words in the reason)
    ("not json", b"{'request': nope", JSON, 400, "not valid JSON"),
    ("empty body", b"", JSON, 400, "not valid JSON"),
    ("NaN is not JSON", b'{"request": NaN}', JSON, 400, "not valid JSON"),
    ("deeply nested", b"[" * 50_000 + b"]" * 50_000, JSON, 400, "not valid JSON"),
    ("not utf-8", b'{"request": "\xff\xfe"}', JSON, 400, "not UTF-8"),
    ("an array", b"[1, 2, 3]", JSON, 400, "must be a JSON object"),
    ("a string", b'"LaunchRequest"', JSON, 400, "must be a JSON object"),
    ("no request", _with(lambda e: e.pop("request")), JSON, 400, "'request' is missing"),
    ("request a list", _with(lambda e: e.update(request=[])), JSON, 400, "'request' is missing or not"),
    ("type a number", _with(lambda e: e["request"].update(type=7)), JSON, 400, "request.type"),
    ("no request id", _with(lambda e: e["request"].pop("requestId")), JSON, 400, "request.requestId"),
    ("no timestamp", _with(lambda e: e["request"].pop("timestamp")), JSON, 400, "request.timestamp"),
    ("session a string", _with(lambda e: e.update(session="x")), JSON, 400, "'session' is not an object"),
    ("attributes a list", _with(lambda e: e["session"].update(attributes=[1])), JSON, 400, "attributes"),
    ("user id a number", _with(_numeric_user_id), JSON, 400, "userId"),
    ("intent without name", _with(_intent_without_name), JSON, 400, "request.intent.name"),
    ("timestamp not a time", _with(lambda e: e["request"].update(timestamp="soon")), JSON, 400, "format"),
    ("200 KiB body", b" " * (200 * 1024), JSON, 413, "over"),
    ("text/plain", json.dumps(launch()).encode(), "text/plain", 415, "content type must be application/json"),
    ("no content type", json.dumps(launch()).encode(), None, 415, "content type"),
    ("form encoded", b"a=b", "application/x-www-form-urlencoded", 415, "content type"),
]
# fmt: on


@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_input_gets_a_plain_4xx_and_nothing_is_stored(
    served, caplog, body, content_type, status, reason
):
    client, store = served
    headers = {"Content-Type": content_type} if content_type else {}
    answer = client.post("/", data=body, headers=headers)
    assert answer.status_code == status
    assert answer.mimetype == JSON
    error = answer.get_json()["error"]
    assert error["status"] == status
    assert reason in error["reason"]
    assert "Traceback" not in answer.get_data(as_text=True)
    assert [r.reason for r in refusals(caplog)] == [error["reason"]]
    assert store.records == {}
    assert store.reads == store.writes == 0


def test_the_size_cap_also_holds_for_a_body_without_a_length(served):
    # Chunked uploads carry no Content-Length; Werkzeug's cap still stops them.
    client, store = served
    environ = EnvironBuilder(
        method="POST",
        input_stream=io.BytesIO(b" " * (200 * 1024)),
        headers={"Content-Type": JSON, "Transfer-Encoding": "chunked"},
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True  # what waitress says once it has de-chunked a body
    body, status, _ = run_wsgi_app(client.application, environ, buffered=True)
    assert status.startswith("413")
    assert json.loads(b"".join(body))["error"]["status"] == 413
    assert store.records == {}


def test_a_body_just_under_the_cap_is_read(served):
    client, _ = served
    body = json.dumps(launch()).encode()
    padded = body[:-1] + b" " * (MAX_BODY_BYTES - len(body)) + b"}"
    assert len(padded) == MAX_BODY_BYTES
    assert client.post("/", data=padded, headers={"Content-Type": JSON}).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/", 405), ("PUT", "/", 405), ("DELETE", "/", 405), ("GET", "/nowhere", 404),
     ("POST", "/healthz", 405), ("POST", "/admin", 404)],
)
def test_other_methods_and_paths_answer_json_not_html(served, method, path, status):
    client, store = served
    answer = client.open(path, method=method)
    assert answer.status_code == status
    assert answer.mimetype == JSON
    assert answer.get_json()["error"]["status"] == status
    assert "<html" not in answer.get_data(as_text=True).lower()
    assert store.reads == store.writes == 0


def test_405_names_the_allowed_method(served):
    client, _ = served
    answer = client.get("/")
    assert "POST" in answer.headers["Allow"]


def test_a_request_for_another_skill_is_refused_before_any_storage(served, caplog):
    client, store = served
    answer = client.post("/", json=launch("amzn1.ask.skill.someone-else"))
    assert answer.status_code == 400
    assert answer.get_json()["error"]["reason"] == "the request is for another skill"
    assert [r.reason for r in refusals(caplog)] == ["the request is for another skill"]
    assert store.reads == store.writes == 0
    assert store.records == {}


def test_a_request_naming_no_skill_is_refused(served):
    client, store = served
    envelope = launch()
    del envelope["context"]["System"]["application"]
    del envelope["session"]["application"]
    answer = client.post("/", json=envelope)
    assert answer.status_code == 400
    assert store.reads == store.writes == 0


@pytest.mark.parametrize("error", [AskSdkException("dispatch failed"), RuntimeError("bug")])
def test_a_failure_escaping_the_skill_is_a_plain_500(monkeypatch, caplog, error):
    # The skill has a catch-all; this injects a failure past it to prove the last guard.
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    client = create_app(runtime, verify=False).test_client()

    def invoke(**kwargs):
        raise error

    monkeypatch.setattr(runtime.skill, "invoke", invoke)
    answer = client.post("/", json=launch())
    assert answer.status_code == 500
    assert answer.get_json() == {
        "error": {"status": 500, "reason": "the skill could not answer this request"}
    }
    assert "Traceback" not in answer.get_data(as_text=True)
    assert any(r.getMessage() == "request failed" and r.levelno == logging.ERROR for r in caplog.records)


def test_an_old_envelope_without_context_is_answered_like_on_lambda(served):
    # Older Alexa envelopes carry application and user only in the session.
    client, _ = served
    envelope = launch()
    del envelope["context"]
    answer = client.post("/", json=envelope)
    assert answer.status_code == 200
    assert problems(answer.get_json()["response"]["outputSpeech"]["ssml"]) == []

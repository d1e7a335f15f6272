"""Both front doors admit requests through one function: the same refusals, the envelope read once.

Lambda's entry (``runtime.handle``) and the web app (``POST /``, verification
off) are given the same bad envelopes and must refuse each with the same status
and reason; a good one is turned into the SDK's object exactly once per request.
"""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest

from trust_renewal.admission import MAX_BODY_BYTES, MAX_DEPTH
from trust_renewal.config import Config
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.runtime import SkillRuntime
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.web.app import create_app

SKILL_ID = "amzn1.ask.skill.test-admission"
OFFLINE_API = "https://127.0.0.1:9"  # nothing listens: no test reaches the internet


def _launch() -> dict[str, Any]:
    return EnvelopeBuilder(skill_id=SKILL_ID, api_endpoint=OFFLINE_API).launch()


def _nested(depth: int) -> dict[str, Any]:
    envelope = _launch()
    node: dict[str, Any] = {}
    envelope["session"]["attributes"] = {"deep": node}
    for _ in range(depth):
        node["x"] = {}
        node = node["x"]
    return envelope


def _changed(**changes: Any) -> dict[str, Any]:
    envelope = _launch()
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = envelope
        for key in parents:
            node = node[key]
        node[last] = value
    return envelope


BAD = {
    "nested far too deep": (_nested(MAX_DEPTH + 5), 400, f"deeper than {MAX_DEPTH}"),
    "another skill": (EnvelopeBuilder(skill_id="amzn1.ask.skill.other").launch(), 400, "another skill"),
    "session is a list": (_changed(session=[]), 400, "'session' is not an object"),
    "too large": (_changed(session__attributes={"pad": "x" * MAX_BODY_BYTES}), 413, "over"),
    "no request": ({"version": "1.0"}, 400, "'request' is missing"),
}


@pytest.fixture
def doors():
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    return runtime, create_app(runtime, verify=False).test_client()


@pytest.mark.parametrize("name", sorted(BAD))
def test_both_doors_refuse_a_bad_envelope_alike(doors, name):
    runtime, client = doors
    envelope, status, words = BAD[name]
    by_lambda = runtime.handle(copy.deepcopy(envelope))["error"]
    answer = client.post("/", data=json.dumps(envelope), content_type="application/json")
    assert answer.status_code == status == by_lambda["status"]
    assert answer.get_json()["error"] == by_lambda
    assert words in by_lambda["reason"]


def test_an_envelope_just_inside_the_nesting_limit_is_answered(doors):
    runtime, client = doors
    # The attributes dict sits three levels down (envelope, session, attributes).
    envelope = _nested(MAX_DEPTH - 4)
    assert "response" in runtime.handle(copy.deepcopy(envelope))
    assert client.post("/", json=envelope).status_code == 200


def test_each_door_reads_the_envelope_into_the_sdk_once(doors, monkeypatch):
    runtime, client = doors
    serializer = runtime.skill.serializer
    reads: list[str] = []
    read = serializer.from_dict

    def counting(data, obj_type):
        if getattr(obj_type, "__name__", obj_type) == "RequestEnvelope":
            reads.append(data["request"]["type"])
        return read(data, obj_type)

    monkeypatch.setattr(serializer, "from_dict", counting)
    assert "response" in runtime.handle(_launch())
    assert reads == ["LaunchRequest"]
    answer = client.post("/", json=_launch())
    assert answer.status_code == 200 and answer.get_json()["response"]["outputSpeech"]
    assert reads == ["LaunchRequest", "LaunchRequest"]  # the adapter was handed the admitted object


@pytest.mark.parametrize("kind", ["Alexa.Presentation.APL.RuntimeError", "Mystery.Request"])
def test_both_doors_answer_a_request_type_the_skill_does_not_handle_with_an_empty_response(
    doors, kind, caplog
):
    runtime, client = doors
    envelope = _changed(request__type=kind)
    with caplog.at_level(logging.INFO):
        by_lambda = runtime.handle(copy.deepcopy(envelope))
        answer = client.post("/", data=json.dumps(envelope), content_type="application/json")
    assert by_lambda == {"version": "1.0", "response": {}}
    assert answer.status_code == 200 and answer.get_json() == by_lambda
    assert [r.getMessage() for r in caplog.records].count("request not handled") == 2


def test_an_unhandled_request_type_for_another_skill_is_still_refused(doors):
    runtime, _ = doors
    envelope = EnvelopeBuilder(skill_id="amzn1.ask.skill.other").launch()
    envelope["request"]["type"] = "Mystery.Request"
    assert "another skill" in runtime.handle(envelope)["error"]["reason"]

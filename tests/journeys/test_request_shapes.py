"""Every kind of request Alexa can send gets a sensible answer (never a crash).

The project's own envelopes are built here in the shapes Amazon documents
(no session on skill events, old envelopes without ``context``...), and the
fixture files in ``tests/events/`` hold one envelope per shape Alexa sends.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.conversation_driver import SKILL_ID
from trust_renewal.config import Config
from trust_renewal.envelope_checks import application_id
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.render.ssml import problems
from trust_renewal.runtime import SkillRuntime
from trust_renewal.storage.memory import MemoryStore

# Envelopes in the shapes Alexa sends (see tests/events/README.md), with their own skill ID.
EVENTS = Path(__file__).resolve().parents[1] / "events"


def _without_context(envelope: dict) -> dict:
    envelope = dict(envelope)
    envelope.pop("context")
    return envelope


def _own_envelopes() -> dict[str, tuple[dict, str]]:
    b = EnvelopeBuilder(SKILL_ID, user_id="amzn1.ask.account.SHAPES")
    ended = EnvelopeBuilder(SKILL_ID, user_id="amzn1.ask.account.SHAPES")
    ended.launch()
    error_end = ended.session_ended("ERROR")
    error_end["request"]["error"] = {"type": "INTERNAL_SERVICE_ERROR", "message": "boom"}
    return {
        "launch": (b.launch(), "speech"),
        "launch_without_context": (_without_context(EnvelopeBuilder(SKILL_ID).launch()), "speech"),
        "stop_without_context": (
            _without_context(EnvelopeBuilder(SKILL_ID).intent("AMAZON.StopIntent")),
            "speech_end",
        ),
        "next_out_of_the_blue": (EnvelopeBuilder(SKILL_ID).intent("AMAZON.NextIntent"), "speech"),
        "unknown_intent": (EnvelopeBuilder(SKILL_ID).intent("PlayAudio"), "speech"),
        "skill_enabled": (b.event("AlexaSkillEvent.SkillEnabled", body={}), "silent"),
        "skill_disabled": (b.event("AlexaSkillEvent.SkillDisabled", body={}), "silent"),
        "exception_encountered": (
            b.event(
                "System.ExceptionEncountered",
                error={"type": "INVALID_RESPONSE", "message": "x"},
                cause={"requestId": "r"},
            ),
            "silent",
        ),
        "playback_stopped": (
            b.event("AudioPlayer.PlaybackStopped", token="t", offsetInMilliseconds=0),
            "silent",
        ),
        "session_ended_error": (error_end, "silent"),
        "can_fulfill": (
            b.event("CanFulfillIntentRequest", intent={"name": "PlaySound", "slots": {}}),
            "can_fulfill",
        ),
        "connections_response_other": (
            b.event(
                "Connections.Response",
                name="Upsell",
                status={"code": "200", "message": "OK"},
                payload={"purchaseResult": "ACCEPTED"},
                token="x",
            ),
            "speech",
        ),
    }


def _check(response: dict, expect: str) -> None:
    assert "error" not in response, response
    assert response["version"] == "1.0"
    body = response["response"]
    speech = (body.get("outputSpeech") or {}).get("ssml")
    if expect.startswith("speech"):
        assert speech and problems(speech) == []
        assert body.get("shouldEndSession") is (expect == "speech_end")
    elif expect == "silent":
        assert speech is None
    elif expect == "can_fulfill":
        assert body["canFulfillIntent"]["canFulfill"] == "NO"


@pytest.mark.parametrize("name", sorted(_own_envelopes()))
def test_each_request_shape_gets_a_sensible_answer(name):
    envelope, expect = _own_envelopes()[name]
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    _check(runtime.handle(envelope), expect)


_EVENT_EXPECT = {
    "launch_request.json": "speech",
    "launch_request_no_context.json": "speech",
    "intent_stop.json": "speech_end",
    "intent_amazon_next.json": "speech",
    "intent_unknown_playaudio.json": "speech",
    "skill_event_enabled.json": "silent",
    "skill_event_disabled.json": "silent",
    "system_exception_encountered.json": "silent",
    "audioplayer_playback_stopped.json": "silent",
    "session_ended_error.json": "silent",
    "session_ended_user_initiated.json": "silent",
    "can_fulfill_intent.json": "can_fulfill",
    "connections_response_upsell.json": "speech",
}


def test_every_fixture_envelope_has_an_expected_answer():
    assert sorted(p.name for p in EVENTS.glob("*.json")) == sorted(_EVENT_EXPECT)


@pytest.mark.parametrize("name", sorted(_EVENT_EXPECT))
def test_each_envelope_shape_alexa_sends_gets_a_sensible_answer(name):
    envelope = json.loads((EVENTS / name).read_text())
    # Accept the fixture's own skill ID, as a skill configured with it would.
    runtime = SkillRuntime(Config(store="memory", skill_id=application_id(envelope)), store=MemoryStore())
    _check(runtime.handle(envelope), _EVENT_EXPECT[name])


def test_an_envelope_is_refused_by_a_skill_with_another_id():
    envelope = json.loads((EVENTS / "launch_request.json").read_text())
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    answer = runtime.handle(envelope)
    assert answer["error"]["status"] == 400


@pytest.mark.parametrize("locale", ["x" * 300, "../../../etc", "en-US/../../x", "", "fr-FR", "EN-us"])
def test_a_strange_locale_gets_the_default_content_and_never_names_a_path(locale):
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    envelope = EnvelopeBuilder(SKILL_ID, locale=locale).launch()
    _check(runtime.handle(envelope), "speech")

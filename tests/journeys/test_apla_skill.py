"""Background sounds through the real skill: the whole program on an Echo, fallbacks, errors."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from support.apla_check import ECHO, ECHO_SHOW, check_directive
from support.conversation_driver import Talk
from trust_renewal.conversation.reply import Line
from trust_renewal.render.apla import guide_text
from trust_renewal.render.ssml import MAX_RESPONSE_BYTES
from trust_renewal.storage.memory import MemoryStore


def _directive(talk: Talk, kind: str = "Alexa.Presentation.APLA.RenderDocument") -> dict[str, Any] | None:
    found = [d for d in talk.last["response"].get("directives") or [] if d["type"] == kind]
    return found[0] if found else None


def _nexts(exercise) -> int:
    return sum(4 if p.turns else 1 for p in exercise.prompts)


def _holds_reflection(talk: Talk, content) -> bool:
    """Whether the last reply held a reflection (a pause) or a quiet turn, from the session's state."""
    from trust_renewal.conversation.sounds import is_calm

    lines = [Line.from_json(raw) for raw in talk.builder.attributes.get("state", {}).get("last", [])]
    return any(is_calm(line, content) for line in lines)


def test_the_whole_program_on_an_echo_every_document_valid(content):
    """Walk the program on an Echo Show: every reflection a valid document, beside the screen."""
    talk = Talk.on_store(MemoryStore(), supported_interfaces=ECHO_SHOW)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    documents = spoken = quiet_turns = 0
    for exercise in content.path:
        talk.say("AMAZON.YesIntent")
        for _ in range(_nexts(exercise) + 1):
            directive = _directive(talk)
            response = talk.last["response"]
            assert len(json.dumps(talk.last).encode()) < MAX_RESPONSE_BYTES
            assert (directive is not None) == _holds_reflection(talk, content), response
            if directive is not None:
                documents += 1
                quiet_turns += "while" in guide_text(directive)
                check_directive(directive)
                assert "outputSpeech" not in response  # all the speech is in the document
                reprompt = response["reprompt"]["outputSpeech"]["ssml"]
                assert len(reprompt) < 400 and "<audio" not in reprompt  # short speech
            else:
                spoken += 1
            if talk.ended:
                break
            talk.say("AMAZON.NextIntent")
    assert documents > 80 and quiet_turns > 40 and spoken > 50


def test_with_the_sounds_off_the_same_reflection_is_ssml(content):
    echo = Talk.on_store(MemoryStore(), supported_interfaces=ECHO)
    plain = Talk.on_store(MemoryStore(), supported_interfaces=ECHO)
    for talk in (echo, plain):
        talk.launch()
        if talk is plain:
            talk.say("BackgroundSoundsOffIntent")
        talk.say("AMAZON.YesIntent")
    assert _directive(plain) is None and "(pause 15 s) (soft chime)" in plain.text
    # The same words, except the one line about the background sounds only those who hear them hear.
    words = guide_text(_directive(echo)).replace(content.phrase("sounds.hint"), "")
    assert re.sub(r"\([^)]*\)", "", words).split() == re.sub(r"\([^)]*\)", "", plain.text).split()


def test_an_echo_show_gets_the_screen_and_the_sound(content):
    talk = Talk.on_store(MemoryStore(), supported_interfaces=ECHO_SHOW)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    screen = _directive(talk, "Alexa.Presentation.APL.RenderDocument")
    assert screen is not None and screen["datasources"]["payload"]["screen"]["text"]
    check_directive(_directive(talk))


def test_a_failed_document_is_noted_quietly():
    talk = Talk.on_store(MemoryStore(), supported_interfaces=ECHO)
    talk.launch()
    envelope = talk.builder.intent("AMAZON.NextIntent")
    envelope["request"] = {
        "type": "Alexa.Presentation.APLA.RuntimeError",
        "requestId": "amzn1.echo-api.request.apla-error",
        "timestamp": envelope["request"]["timestamp"],
        "locale": "en-US",
        "token": "trustRenewalGuide",
        "errors": [{"type": "AUDIO_SOURCE_ERROR", "reason": "NOT_FOUND_ERROR", "message": "missing"}],
    }
    response = talk.send(envelope)
    assert "outputSpeech" not in response["response"]


@pytest.mark.parametrize("sounds", ["on", "off"])
def test_the_chat_and_lambda_agree_on_the_words(sounds, content):
    talk = Talk.on_store(MemoryStore(), supported_interfaces=ECHO)
    talk.launch()
    if sounds == "off":
        talk.say("BackgroundSoundsOffIntent")
    talk.say("AMAZON.YesIntent")
    directive = _directive(talk)
    text = guide_text(directive) if directive else talk.text
    assert content.exercise(content.path[0].id).prompts[0].card.split(".")[0] in text

"""The interaction models and the handlers match one to one, in every locale."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from support.conversation_driver import SKILL_ID, Talk
from trust_renewal.config import Config
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.handlers.base import IntentHandler
from trust_renewal.handlers.intents import INTENT_HANDLERS
from trust_renewal.interaction_models import load_model
from trust_renewal.skill import build_skill
from trust_renewal.storage.memory import MemoryStore

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
REQUIRED_BUILT_INS = {
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
}


def _model_intents(locale: str) -> list[str]:
    return [i["name"] for i in load_model(locale)["interactionModel"]["languageModel"]["intents"]]


def _handled() -> list[str]:
    return [name for handler in INTENT_HANDLERS for name in handler.intent_names]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_model_intent_has_exactly_one_handler_and_every_handler_an_intent(locale):
    model = _model_intents(locale)
    handled = _handled()
    assert len(handled) == len(set(handled)), "an intent is claimed by two handlers"
    assert sorted(model) == sorted(handled)
    assert set(model) >= REQUIRED_BUILT_INS


@pytest.mark.parametrize("intent", sorted(_model_intents("en-US")))
def test_the_built_skill_dispatches_every_model_intent_to_its_own_handler(intent):
    # Asks the skill's own request mapper, as the SDK does on a turn: an intent missing from the
    # registered handlers would reach the catch-all for unknown intents instead.
    skill = build_skill(Config(store="memory", skill_id=SKILL_ID), MemoryStore())
    envelope = DefaultSerializer().deserialize(
        json.dumps(EnvelopeBuilder(SKILL_ID).intent(intent)), RequestEnvelope
    )
    handler_input = HandlerInput(request_envelope=envelope)
    chosen = [
        chain.request_handler
        for mapper in skill.request_dispatcher.request_mappers
        if (chain := mapper.get_request_handler_chain(handler_input)) is not None
    ]
    assert len(chosen) == 1 and isinstance(chosen[0], IntentHandler), (intent, chosen)
    assert intent in chosen[0].intent_names and chosen[0].event_name


# Intents Alexa only ever sends with a slot filled: a number said alone comes with its number.
SAID_WITH = {"NumberAloneIntent": {"number": "3"}, "TimeAloneIntent": {"time": "20:00"}}


@pytest.mark.parametrize("intent", sorted(_model_intents("en-US")))
def test_every_intent_gets_a_spoken_answer_from_its_own_handler(intent, content):
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say(intent, **SAID_WITH.get(intent, {}))
    body = talk.last["response"]
    # Spoken as SSML, or (a reflection or quiet turn) in the APL for Audio document every device plays.
    assert body.get("outputSpeech", {}).get("ssml") or talk.plays_document, intent
    assert talk.text.strip(), intent
    # The catch-all for unknown intents says the fallback line; only the fallback intent may.
    if intent != "AMAZON.FallbackIntent":
        assert "Sorry, I didn't catch that" not in talk.text, intent

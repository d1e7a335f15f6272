"""The interaction models and the handlers match one to one, in every locale."""

from __future__ import annotations

import pytest

from support.conversation_driver import Talk
from trust_renewal.handlers.base import IntentHandler
from trust_renewal.handlers.intents import INTENT_HANDLERS
from trust_renewal.interaction_models import load_model
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


def test_every_intent_handler_is_registered():
    assert {type(h) for h in INTENT_HANDLERS} == set(IntentHandler.__subclasses__())


@pytest.mark.parametrize("intent", sorted(_model_intents("en-US")))
def test_every_intent_gets_a_spoken_answer_from_its_own_handler(intent, content):
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say(intent)
    body = talk.last["response"]
    assert body.get("outputSpeech", {}).get("ssml"), intent
    # The catch-all for unknown intents says the fallback line; only the fallback intent may.
    if intent != "AMAZON.FallbackIntent":
        assert "Sorry, I didn't catch that" not in talk.text, intent

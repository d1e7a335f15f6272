"""Corpus phrasings through lambda_handler: each does mid-exercise what its intent does."""

from __future__ import annotations

import pytest

from support.lambda_support import talk_to
from support.phrase_corpus import LOCALE, load_corpus, pending, phrasings, present_intents
from trust_renewal.cli.matcher import Matcher
from trust_renewal.interaction_models import load_model


@pytest.fixture(scope="module")
def model() -> dict:
    return load_model(LOCALE)


@pytest.fixture(scope="module")
def matcher(model: dict) -> Matcher:
    return Matcher(model)


SAMPLED = 3  # phrasings per intent sent through lambda_handler


def _sampled(matcher: Matcher, model: dict) -> list[tuple[str, str]]:
    present = present_intents(model)
    out = []
    for intent, entry in load_corpus()["intents"].items():
        if intent not in present or pending(entry):
            continue
        heard = [p for p in phrasings(entry) if matcher.match(p).intent == intent]
        step = max(1, len(heard) // SAMPLED)
        out += [(intent, p) for p in heard[::step][:SAMPLED]]
    return out


def test_sampled_phrasings_get_the_same_reply_as_the_plain_intent(lambda_module, model, matcher) -> None:
    """In the middle of today's exercise, each phrasing does what its intent does."""
    replies: dict[str, str] = {}
    checked = 0
    for n, (intent, phrase) in enumerate(_sampled(matcher, model)):
        if intent not in replies:
            plain = talk_to(lambda_module, user=f"amzn1.ask.account.PLAIN-{n}")
            plain.launch()
            plain.say("AMAZON.YesIntent")
            replies[intent] = plain.say(intent)
        talk = talk_to(lambda_module, user=f"amzn1.ask.account.CORPUS-{n}")
        talk.launch()
        talk.say("AMAZON.YesIntent")
        heard = matcher.match(phrase)
        slots = {k: v["value"] for k, v in heard.slots.items() if "value" in v}
        reply = talk.say(heard.intent, **slots)
        assert reply and reply == replies[intent], (phrase, intent, reply)
        assert "didn't catch that" not in reply
        checked += 1
    assert checked >= 30

"""Evenings in their own words (issue 20 point 4): the frozen corpus of how couples stop for the
night, thank, apologise and say how they feel, through the chat and through lambda_handler.

None of these may get a fallback, wherever it is said. What each means is checked too:
stopping keeps the place and closes the session; "done" at a yes-or-no offer begins
nothing; after a crisis line, thanks close gently and say how to hear the number again.
"""

from __future__ import annotations

import io
import sys

import pytest

from support.evening_corpus import lines_to, phrasings, places
from support.lambda_support import stored_item, talk_to
from trust_renewal.cli.main import main
from trust_renewal.cli.matcher import FALLBACK, Matcher
from trust_renewal.interaction_models import language_model, load_model
from trust_renewal.render.markup import to_ssml
from trust_renewal.render.ssml import to_text
from trust_renewal.storage.dynamo_codec import decode_item

CASES = [(p["text"], p["meaning"], place) for p in phrasings() for place in places(p["where"])]
# Through lambda_handler each phrasing is said once, "anywhere" inside a reflection (the chat
# tries all three places); each walk there is several requests on moto.
LAMBDA_CASES = [
    (p["text"], p["meaning"], "exercise" if p["where"] == "anywhere" else p["where"]) for p in phrasings()
]
STOPS = ("stop_for_tonight", "no")


def _said(markup: str) -> str:
    return to_text(f"<speak>{to_ssml(markup)}</speak>")


pytestmark = pytest.mark.usefixtures("chat_env")


def test_the_corpus_is_at_least_sixty_phrasings_of_each_kind() -> None:
    meanings = [p["meaning"] for p in phrasings()]
    assert len(meanings) >= 60
    assert {"stop_for_tonight", "no", "thanks", "sorry", "okay_now", "too_hard"} <= set(meanings)
    assert any(m.startswith("feeling_") for m in meanings)


@pytest.mark.parametrize(("text", "meaning", "place"), CASES)
def test_no_evening_phrase_gets_a_fallback_in_the_chat(
    monkeypatch, capsys, tmp_path, content, text, meaning, place
) -> None:
    typed = [*lines_to(place, content), text]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(typed) + "\n"))
    main(["chat", "--db", str(tmp_path / "p.sqlite3")])
    out = capsys.readouterr().out.splitlines()
    at = len(out) - 1 - out[::-1].index(f"You: {text}")
    reply = out[at + 1].removeprefix("Alexa: ")
    fallbacks = [_said(v) for k, v in content.phrases.items() if "fallback." in k]
    assert not any(f and f in reply for f in fallbacks), (text, place, reply)
    assert "didn't catch" not in reply, (text, place, reply)


def _matcher(locale: str = "en-US") -> Matcher:
    return Matcher.for_locale(locale)


@pytest.mark.parametrize(("text", "meaning", "place"), LAMBDA_CASES)
def test_each_evening_phrase_does_what_it_means_through_lambda(
    lambda_module, content, text, meaning, place
) -> None:
    heard = _matcher().match(text)
    assert heard.intent != FALLBACK, text
    talk = talk_to(lambda_module)
    _walk(talk, place, content)
    before = dict(talk.state)
    slots = {k: v["value"] for k, v in heard.slots.items() if v.get("value")}
    said = talk.say(heard.intent, **slots)
    assert said and "didn't catch" not in said, (text, place, said)
    if place == "after_crisis" and meaning in ("thanks", "okay_now"):
        # A gentle close that says how to hear the number again in a later session.
        assert talk.ended and "I don't feel safe" in said, said
    elif meaning in STOPS and place != "after_crisis":
        assert talk.ended, (text, place, said)
        kept = decode_item(stored_item(lambda_module))["attributes"]
        # The place survives: the same exercise, the same part, never a new one begun.
        assert kept.get("exercise_id") == before.get("exercise_id"), (text, place)
        assert kept.get("prompt", 0) == before.get("prompt", 0), (text, place)
        assert kept.get("started", False) == before.get("started", False), (text, place)
    elif meaning not in STOPS:
        assert not talk.ended, (text, place, said)
        assert talk.state.get("prompt") == before.get("prompt"), (text, place)
        assert talk.state.get("turn") == before.get("turn"), (text, place)


def _walk(talk, place: str, content) -> None:
    matcher = _matcher()
    for line in lines_to(place, content):
        if line == "open trust renewal":
            talk.launch()
            continue
        match = matcher.match(line)
        slots = {k: v["value"] for k, v in match.slots.items() if v.get("value")}
        talk.say(match.intent, **slots)


def test_the_model_has_every_intent_the_corpus_needs() -> None:
    names = {i["name"] for i in language_model(load_model("en-US"))["intents"]}
    assert {"EnoughForTonightIntent", "ThanksIntent", "SorryIntent", "OkayNowIntent",
            "FeelingsIntent", "TooHardIntent"} <= names  # fmt: skip

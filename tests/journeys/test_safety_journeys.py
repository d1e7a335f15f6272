"""Safety journeys through ``lambda_handler`` on moto: every route from every situation.

Routes: self-harm, abuse, danger ("I don't feel safe") and distress. Situations:
the launch, mid-offer, a partner's quiet turn, a reflection, a check-in, after
the program, and a one-shot. Then: repeat gives the number alone, nothing goes
to the Alexa app unless asked (and only after the warning), no exercise after a
route in that session, the fallback never pushes, and counselling is mentioned early.
"""

from __future__ import annotations

import io
import json
import sys

import pytest

from support.apla_check import played_ssml
from support.conversation_driver import Talk
from support.lambda_support import talk_to
from support.safety_corpus import EXPECTED, spoken_numbers
from trust_renewal.content import load_content
from trust_renewal.conversation.state import State

LOCALE = "en-GB"
NUMBERS = EXPECTED["GB"]
ROUTES = {
    # intent: the numbers it must say
    "SelfHarmIntent": ("crisis", "emergency"),
    "AbuseIntent": ("abuse", "emergency"),
    "SafetyIntent": ("crisis", "abuse", "emergency"),
}
SITUATIONS = ("launch", "mid_offer", "quiet_turn", "reflection", "checkin", "after_program", "one_shot")


def _ssml(talk: Talk) -> str:
    # All the device plays: a distress answer's breath may come as an APL for Audio document.
    return " ".join(played_ssml(talk.last))


def _seed_finished_program(module, content) -> None:
    """Store a couple who have finished every exercise, through the store's own API."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from support.lambda_support import USER
    from trust_renewal.envelopes import EnvelopeBuilder

    state = State(
        welcomed=True,
        finished=tuple(ex.id for ex in content.path),
        program_done=True,
        days_practiced=40,
    )
    envelope = EnvelopeBuilder("amzn1.ask.skill.test", user_id=USER, locale=LOCALE).launch()
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    module._runtime.store.save_attributes(request, state.to_persisted())


def _in(situation: str, module, content) -> Talk:
    """A conversation standing in the situation, ready for the next thing said."""
    talk = talk_to(module, locale=LOCALE)
    if situation == "one_shot":
        return talk
    if situation in ("checkin", "after_program"):
        _seed_finished_program(module, content)
        talk.launch()
        if situation == "checkin":
            talk.say("AMAZON.YesIntent")
            assert talk.builder.attributes["state"]["situation"] == "checkin"
        return talk
    talk.launch()
    if situation == "mid_offer":
        talk.say("SkipIntent")  # now offered the next exercise
    elif situation == "reflection":
        talk.say("AMAZON.YesIntent")  # the first exercise is a reflection
        assert "reflection" in content.path[0].kind
    elif situation == "quiet_turn":
        talk.say("SkipIntent")
        talk.say("AMAZON.YesIntent")
        state = talk.builder.attributes["state"]
        exercise = content.exercise(state["exercise_id"])
        assert exercise.prompts[state["prompt"]].turns  # one speaks, the other listens
    return talk


def _route_numbers(content, route: str) -> set[str]:
    """The digits of every number a route gives in the UK, from safety.json."""
    line = content.crisis_lines["GB"]
    return {line.numbers[i].number.replace(" ", "").replace("-", "") for i in line.routes[route]}


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("intent", ROUTES)
def test_each_route_from_each_situation_gives_its_numbers_and_stays_to_repeat(
    lambda_module, content, situation, intent
):
    gb = load_content(LOCALE)
    route = {"SelfHarmIntent": "self_harm", "AbuseIntent": "abuse", "SafetyIntent": "danger"}[intent]
    talk = _in(situation, lambda_module, content)
    talk.say(intent)
    said = spoken_numbers(_ssml(talk))
    assert {NUMBERS[role] for role in ROUTES[intent]} <= said
    assert said == _route_numbers(gb, route)
    assert not talk.ended and not talk.card
    assert "repeat" in talk.reprompt.lower()
    if intent == "SelfHarmIntent":
        assert talk.text.endswith("are you safe right now?")
    else:
        assert "repeat" in talk.text.lower()
    assert "voice history" in talk.text and "delete what I just said" not in talk.text
    # "Repeat" gives the numbers alone, slowly, and stays open again.
    first = talk.text
    again = talk.say("AMAZON.RepeatIntent")
    assert spoken_numbers(_ssml(talk)) == _route_numbers(gb, route)
    assert len(again) < len(first) and "glad you told me" not in again
    assert "repeat" in again.lower() and not talk.ended
    # No exercise is offered again in this session.
    for follow in ("TodaysExerciseIntent", "AMAZON.NextIntent", "AMAZON.ResumeIntent"):
        text = talk.say(follow).lower()
        assert "exercises are set aside for now" in text, (follow, text)
        assert "begin" not in text and not talk.ended
    goodbye = talk.say("AMAZON.StopIntent")
    assert talk.ended and "each other" not in goodbye and "Take" in goodbye


@pytest.mark.parametrize("situation", SITUATIONS)
def test_distress_from_each_situation_is_answered_warmly_never_with_begin(lambda_module, content, situation):
    talk = _in(situation, lambda_module, content)
    before = dict(talk.builder.attributes.get("state") or {})
    text = talk.say("DistressIntent")
    assert "sounds really hard" in text and "I don't feel safe" in text
    assert "one slow breath" in text and "pause" in text
    assert "begin" not in text.lower() and "begin" not in talk.reprompt.lower()
    assert not spoken_numbers(_ssml(talk)) and not talk.ended
    breath = talk.say("AMAZON.YesIntent")
    assert "breathe in slowly" in breath and "begin" not in breath.lower()
    state = talk.builder.attributes["state"]
    if before.get("exercise_id"):
        # Distress keeps the couple's place: nothing was skipped or lost.
        assert state["exercise_id"] == before["exercise_id"] and state["prompt"] == before["prompt"]


def test_pause_after_distress_keeps_the_place_for_later(lambda_module, content):
    talk = _in("quiet_turn", lambda_module, content)
    talk.say("DistressIntent")
    talk.say("AMAZON.PauseIntent")
    assert talk.ended
    assert "part way through" in talk_to(lambda_module, locale=LOCALE).launch().lower()


def test_saying_no_to_the_breath_goes_back_to_where_they_were(lambda_module, content):
    talk = _in("reflection", lambda_module, content)
    talk.say("DistressIntent")
    text = talk.say("AMAZON.NoIntent")
    assert "That's all right" in text and "say next" in text


def test_the_card_goes_to_the_app_only_when_asked_and_after_the_warning(lambda_module, content):
    talk = _in("launch", lambda_module, content)
    talk.say("SelfHarmIntent")
    assert not talk.card
    warning = talk.say("SendCardIntent")
    assert "Anyone else who uses this Alexa account can see it" in warning
    assert not talk.card and not talk.ended
    talk.say("AMAZON.YesIntent")
    assert talk.card["title"] == "Phone numbers"
    assert talk.card["content"] == load_content(LOCALE).crisis_lines["GB"].card
    assert "116 123" in talk.card["content"]


def test_saying_no_to_the_card_sends_nothing(lambda_module, content):
    talk = _in("launch", lambda_module, content)
    talk.say("AbuseIntent")
    talk.say("SendCardIntent")
    text = talk.say("AMAZON.NoIntent")
    assert "won't send anything" in text and not talk.card and not talk.ended


def test_the_note_about_voice_recordings_is_said_once_a_session(lambda_module, content):
    talk = _in("launch", lambda_module, content)
    first = talk.say("SafetyIntent")
    assert "voice history" in first and "anyone else with the Alexa app" in first
    assert "helpline advocate can help you decide whether deleting it is safe" in first
    assert "delete what I just said" not in first
    assert "voice history" not in talk.say("SelfHarmIntent")
    assert spoken_numbers(_ssml(talk)) >= {NUMBERS["crisis"]}


def test_a_one_shot_is_a_new_session_and_gets_no_welcome_first(lambda_module):
    talk = talk_to(lambda_module, locale=LOCALE)
    envelope = talk.builder.intent("SelfHarmIntent")
    assert envelope["session"]["new"] is True
    talk.send(envelope)
    assert talk.text.startswith("I'm really glad you told me")
    assert NUMBERS["crisis"] in spoken_numbers(_ssml(talk))


def test_the_numbers_are_shown_large_on_a_screen(lambda_module, content):
    apl = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.2"}}}
    talk = talk_to(lambda_module, locale=LOCALE, supported_interfaces=apl)
    talk.say("SelfHarmIntent")
    directive = talk.last["response"]["directives"][0]
    screen = directive["datasources"]["payload"]["screen"]
    assert screen["number"] == "Samaritans: 116 123<br>Emergency: 999"
    assert screen["title"] == "Phone numbers"  # neutral: nothing on a shared screen says why
    talk.say("AMAZON.RepeatIntent")
    screen = talk.last["response"]["directives"][0]["datasources"]["payload"]["screen"]
    assert "116 123" in screen["number"]


@pytest.mark.parametrize("situation", [s for s in SITUATIONS if s != "one_shot"])
def test_the_fallback_never_pushes_and_offers_help_after_two_misses(lambda_module, content, situation):
    talk = _in(situation, lambda_module, content)
    first = talk.say("AMAZON.FallbackIntent")
    assert first.startswith("Sorry, I didn't catch that.")
    for text in (first, talk.reprompt):
        assert "begin" not in text.lower() and "would you like to start" not in text.lower()
    second = talk.say("AMAZON.FallbackIntent")
    assert "I don't feel safe" in second and "help" in second
    assert "begin" not in second.lower() and not talk.ended
    # Anything understood resets the count: the next miss is neutral again.
    talk.say("AMAZON.HelpIntent")
    assert "I don't feel safe" not in talk.say("AMAZON.FallbackIntent")


def test_help_and_the_end_of_the_first_exercise_mention_a_counsellor(lambda_module, content):
    talk = _in("launch", lambda_module, content)
    assert "find support" in talk.say("AMAZON.HelpIntent")
    talk.say("AMAZON.YesIntent")
    talk.finish_exercise()
    assert "couples counsellor" in talk.text and "find support" in talk.text
    more = talk.say("FindSupportIntent")
    assert "not therapy" in more and "counsellor" in more
    assert "begin" not in more.lower()


def test_the_counsellor_sentence_comes_only_after_the_first_exercise(lambda_module, content):
    talk = _in("launch", lambda_module, content)
    talk.say("AMAZON.YesIntent")
    talk.finish_exercise()
    talk.say("AMAZON.YesIntent")
    talk.finish_exercise()
    assert "find support" not in talk.text


def test_the_chat_hears_a_one_shot_in_a_persons_own_words(monkeypatch, capsys, tmp_path) -> None:
    from trust_renewal.cli.main import main

    typed = "Alexa, tell trust renewal I just want to die"
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed + "\nrepeat\n"))
    main(["chat", "--db", str(tmp_path / "p.sqlite3")])
    out = capsys.readouterr().out
    assert "I'm really glad you told me" in out and "988" in out
    assert "(session ended)" not in out


def test_crisis_numbers_are_spoken_plainly_even_with_background_sounds_on(lambda_module):
    devices = {"Alexa.Presentation.APLA": {}}
    talk = talk_to(lambda_module, locale=LOCALE, supported_interfaces=devices)
    talk.say("SelfHarmIntent")
    directives = talk.last["response"].get("directives") or []
    assert not any(d["type"].startswith("Alexa.Presentation.APLA") for d in directives)
    assert NUMBERS["crisis"] in spoken_numbers(_ssml(talk))

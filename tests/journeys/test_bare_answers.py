"""Every question answered with just the answer, through lambda_handler on moto.

Typed answers go through the chat's matcher (as the terminal chat sends them), and
the ways Alexa itself might file the same words (a topic as two first names, a
number as a time) are sent too: the skill reads them by the question it asked.
"""

from __future__ import annotations

import pytest

from support.lambda_support import talk_to
from trust_renewal.cli.matcher import Matcher
from trust_renewal.content import load_content


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.for_locale("en-US")


def _answer(talk, matcher: Matcher, typed: str) -> str:
    heard = matcher.match(typed)
    return talk.say(heard.intent, **heard.slots)


def _asked_which_step(talk, matcher: Matcher) -> str:
    talk.launch()
    return _answer(talk, matcher, "take us to a step")


def test_the_step_question_answered_with_a_topic(lambda_module, matcher) -> None:
    content = load_content("en-US")
    talk = talk_to(lambda_module)
    asked = _asked_which_step(talk, matcher)
    assert asked.endswith("Which step would you like?") and asked.count("?") == 1
    reply = _answer(talk, matcher, "forgiveness")
    forgiveness = content.steps_by_id["forgiveness"]
    assert reply.startswith(f"Step {forgiveness.number}, {forgiveness.title}.")
    assert reply.endswith("?") and reply.count("?") == 1
    # Forgiveness asks first whether they are ready (issue 25); yes begins its first exercise.
    assert reply.endswith("Are you ready to begin it?")
    begun = talk.say("AMAZON.YesIntent")
    assert "Shall we begin?" not in begun and begun.endswith("say next.")
    assert not talk.ended


def test_the_step_question_answered_with_a_number(lambda_module, matcher) -> None:
    content = load_content("en-US")
    for typed in ("three", "step three"):
        talk = talk_to(lambda_module, user=f"amzn1.ask.account.NUMBER-{typed.replace(' ', '-')}")
        _asked_which_step(talk, matcher)
        reply = _answer(talk, matcher, typed)
        assert reply.startswith(f"Step 3, {content.steps[2].title}."), typed


def test_a_number_alexa_heard_as_a_time_still_picks_the_step(lambda_module) -> None:
    content = load_content("en-US")
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("GoToStepIntent")
    assert talk.text.endswith("Which step would you like?")
    reply = talk.say("SetReminderIntent", time="03:00")
    assert reply.startswith(f"Step 3, {content.steps[2].title}.")


def test_a_topic_alexa_filed_as_two_names_goes_to_that_step(lambda_module, matcher) -> None:
    content = load_content("en-US")
    step = content.steps_by_id["talk-and-listen"]
    talk = talk_to(lambda_module)
    talk.launch()
    reply = talk.say("SetNamesIntent", firstName="Talk", secondName="Listen")
    assert "Thank you, Talk" not in reply
    assert reply.startswith(f"Step {step.number}, {step.title}.")
    # And the chat's matcher hears it as the topic in the first place.
    assert matcher.match("talk and listen").intent == "GoToStepIntent"


def test_the_reminder_question_answered_eight_p_m(lambda_module, matcher) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    asked = _answer(talk, matcher, "remind us every day")
    assert asked.endswith("What time of day would you like the reminder?") and asked.count("?") == 1
    reply = _answer(talk, matcher, "eight p m")
    # No permission yet in this envelope: Alexa is asked for it, for the time heard.
    assert "every day at 8 p.m." in reply
    directives = talk.last["response"].get("directives") or []
    assert [d.get("token") for d in directives] == ["reminder-time:20:00"]


def test_an_unclear_hour_is_asked_once_as_morning_or_evening(lambda_module, matcher) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    _answer(talk, matcher, "remind us every day")
    asked = _answer(talk, matcher, "eight")
    assert asked == "Is that 8 in the morning, or 8 in the evening?"
    assert talk.reprompt == asked
    again = _answer(talk, matcher, "yes")  # not an answer to either/or: asked again
    assert again == asked
    reply = _answer(talk, matcher, "in the evening")
    assert "every day at 8 p.m." in reply
    assert [d.get("token") for d in talk.last["response"].get("directives") or []] == [
        "reminder-time:20:00"
    ]


def test_the_morning_answer_keeps_the_morning(lambda_module, matcher) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    _answer(talk, matcher, "remind us every day at seven")
    reply = _answer(talk, matcher, "morning")
    assert "every day at 7 a.m." in reply


def test_the_names_question_answered_with_two_names_or_one(lambda_module, matcher) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    asked = _answer(talk, matcher, "use our names")
    assert asked.endswith("What are your names?") and asked.count("?") == 1
    reply = _answer(talk, matcher, "Maya and Jordan")
    assert reply.startswith("Thank you, Maya and Jordan.")
    assert reply.count("?") <= 1 and (reply.endswith("?") or "?" not in reply)

    solo = talk_to(lambda_module, user="amzn1.ask.account.SOLO")
    solo.launch()
    _answer(solo, matcher, "use our names")
    assert _answer(solo, matcher, "Jordan").startswith("Thank you, Jordan.")


def test_a_lone_word_out_of_the_blue_is_not_taken_as_a_name(lambda_module, matcher) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    reply = _answer(talk, matcher, "Jordan")
    assert "Thank you, Jordan" not in reply and "didn't catch that" in reply


def test_a_number_never_lands_on_the_names_intent(lambda_module) -> None:
    # A bare number is understood only where it was asked for: to "what are your names?"
    # it is neither a name nor a jump to step three; the question is asked again.
    content = load_content("en-US")
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent")
    reply = talk.say("SetNamesIntent", nameAlone="three")
    assert "Three" not in reply and not reply.startswith(f"Step 3, {content.steps[2].title}.")
    assert reply.endswith("What are your names?")

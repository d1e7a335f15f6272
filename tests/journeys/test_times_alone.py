"""A time said on its own (issue 21): a reminder's time only where a time was asked for.

A couple says "seven thirty?" or "eight p m" to each other near an open microphone;
Alexa sends only the intent and its time, and that must never set a daily reminder
or move them. Through lambda_handler on moto, with the intent Alexa sends for a time
said alone (TimeAloneIntent), and typed into the chat.
"""

from __future__ import annotations

import pytest

from support.chat_lines import chat_answers
from support.conversation_driver import SKILL_ID
from support.lambda_support import can_fulfill, talk_to
from trust_renewal.cli.matcher import Matcher
from trust_renewal.content import load_content

TIME = "TimeAloneIntent"
HINT = "If you'd like a daily reminder at 8 p.m., say: remind us at 8 p.m. every day."


@pytest.fixture(scope="module")
def content():
    return load_content("en-US")


def _place(talk) -> tuple:
    state = talk.state
    return (state["situation"], state["exercise_id"], state["prompt"], state["turn"], state["started"])


def _reminder_asked(talk) -> list[str]:
    """The reminder tokens of this reply's directives: a reminder being created (or its permission asked)."""
    directives = talk.last["response"].get("directives") or []
    return [d.get("token", "") for d in directives if str(d.get("token", "")).startswith("reminder-time:")]


def _offered(talk) -> None:
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Sam")
    talk.say("RolesMutualIntent")
    assert talk.text.endswith("Shall we begin?"), talk.text


def test_a_time_in_a_reflection_sets_no_reminder_and_keeps_them_there(lambda_module) -> None:
    talk = talk_to(lambda_module)
    _offered(talk)
    assert talk.begin().endswith("When you're ready, say next.")
    here = _place(talk)
    reply = talk.say(TIME, time="20:00")  # "eight p m", said to each other
    assert reply.startswith(HINT)
    assert reply.endswith("When you're ready, say next. Or say repeat to hear that part again.")
    assert "permission" not in reply and "I'll remind you" not in reply
    assert _reminder_asked(talk) == [] and not talk.state.get("reminder_token")
    assert _place(talk) == here and not talk.ended
    assert "say next" in talk.reprompt
    # "seven thirty": the hour could be either, so it is said as heard.
    said = talk.say(TIME, time="07:30")
    assert said.startswith("If you'd like a daily reminder at 7:30, say: remind us at 7:30 every day.")
    assert _reminder_asked(talk) == [] and _place(talk) == here
    # Carrying on afterwards goes on with the same exercise.
    talk.say("AMAZON.NextIntent")
    assert talk.state["exercise_id"] == here[1] and talk.state["prompt"] == here[2] + 1


def test_a_part_of_the_day_alone_where_nothing_is_asked_is_not_understood(lambda_module) -> None:
    talk = talk_to(lambda_module)
    _offered(talk)
    talk.begin()
    here = _place(talk)
    reply = talk.say(TIME, time="EV")  # "in the evening"
    assert reply.startswith("Sorry, I didn't catch that.") and "reminder" not in reply
    assert _reminder_asked(talk) == [] and _place(talk) == here
    # Not understood twice, like any other miss: the second time says what they can do.
    again = talk.say(TIME, time="NI")  # "at night"
    assert "Say help to hear what you can do" in again and "Say help" not in reply


def test_a_time_at_shall_we_begin_still_offers_the_same_exercise(lambda_module) -> None:
    talk = talk_to(lambda_module)
    _offered(talk)
    offered = talk.state["offer_target"]
    reply = talk.say(TIME, time="20:00")
    assert reply.startswith(HINT) and reply.endswith("?")
    assert _reminder_asked(talk) == []
    assert talk.state["situation"] == "offer_begin" and talk.state["offer_target"] == offered
    talk.say("AMAZON.YesIntent")
    assert talk.state["exercise_id"] == offered


def test_after_remind_us_every_day_a_time_alone_is_the_reminders_time(lambda_module) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetReminderIntent")  # "remind us every day"
    assert talk.text.endswith("What time of day would you like the reminder?")
    assert talk.say(TIME, time="08:00") == "Is that 8 in the morning, or 8 in the evening?"
    assert _reminder_asked(talk) == []
    reply = talk.say(TIME, time="EV")  # "in the evening"
    assert "every day at 8 p.m." in reply
    assert _reminder_asked(talk) == ["reminder-time:20:00"]


def test_after_remind_us_every_day_a_clear_time_alone_is_set_at_once(lambda_module) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetReminderIntent")
    assert "every day at 8 p.m." in talk.say(TIME, time="20:00")
    assert _reminder_asked(talk) == ["reminder-time:20:00"]


def test_to_what_time_in_the_evening_a_time_alone_is_that_evening_time(lambda_module) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    assert talk.say("SetReminderIntent", time="EV").endswith(
        "What time in the evening would you like the reminder?"
    )
    assert "every day at 7:30 p.m." in talk.say(TIME, time="07:30")
    assert _reminder_asked(talk) == ["reminder-time:19:30"]


def test_after_which_step_an_oclock_time_is_that_step(lambda_module, content) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("GoToStepIntent")
    assert talk.text.endswith("Which step would you like?")
    reply = talk.say(TIME, time="03:00")  # "three", heard as three o'clock
    assert reply.startswith(f"Step 3, {content.steps[2].title}.")
    assert talk.state["situation"] == "offer_begin"
    assert content.step_of(talk.state["offer_target"]).number == 3
    assert _reminder_asked(talk) == []


def test_to_the_names_question_a_time_asks_for_the_names_again(lambda_module) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent")
    assert talk.text.endswith("What are your names?")
    reply = talk.say(TIME, time="20:00")
    assert reply.endswith("What are your names?") and "reminder" not in reply
    assert _reminder_asked(talk) == []


def test_to_the_code_question_a_time_asks_for_the_six_digits(lambda_module) -> None:
    maya = talk_to(lambda_module, "amzn1.ask.account.MAYA")
    maya.launch()
    maya.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    maya.say("RolesMutualIntent")
    maya.say("LinkPartnerIntent")
    jordan = talk_to(lambda_module, "amzn1.ask.account.JORDAN")
    jordan.launch()
    jordan.say("JoinPartnerIntent")
    if "Do you want to go on?" in jordan.text:
        jordan.say("AMAZON.YesIntent")
    assert "What's the code?" in jordan.text
    reply = jordan.say(TIME, time="04:15")  # "four fifteen..."
    assert "six digits" in reply and "reminder" not in reply
    assert _reminder_asked(jordan) == []


@pytest.mark.parametrize("said", ["eight p m", "seven thirty", "around nine"])
def test_a_time_said_alone_without_the_skills_name_is_no(lambda_module, said) -> None:
    matcher = Matcher.for_locale("en-US", skill_id=SKILL_ID)
    assert matcher.match(said).intent == TIME
    assert can_fulfill(lambda_module, matcher, said)["canFulfill"] == "NO"


def test_the_chat_hears_a_time_alone_apart_from_a_reminder_and_a_number() -> None:
    matcher = Matcher.for_locale("en-US")
    typed_times = (
        ("eight p m", "20:00"), ("seven thirty", "07:30"), ("at six", "06:00"), ("around nine", "09:00"),
        ("in the evening", "EV"), ("make it seven", "07:00"),
    )  # fmt: skip
    for typed, time in typed_times:
        heard = matcher.match(typed)
        assert heard.intent == TIME and heard.slots["time"]["value"] == time, typed
    for typed in ("remind us at eight", "remind us every day at eight p m", "every day at seven"):
        assert matcher.match(typed).intent == "SetReminderIntent", typed
    for typed in ("three", "eight"):
        assert matcher.match(typed).intent == "NumberAloneIntent", typed


@pytest.mark.usefixtures("chat_env")
def test_eight_pm_typed_mid_exercise_sets_no_reminder(monkeypatch, capsys, tmp_path) -> None:
    said = chat_answers(monkeypatch, capsys, tmp_path, "Maya and Sam", "skip", "yes", "eight p m", "next")
    assert said["yes"].endswith("When you're ready, say next.")
    assert said["eight p m"].startswith(HINT)
    assert "permission" not in said["eight p m"] and "I'll remind you" not in said["eight p m"]
    assert "Shall we begin?" not in said["next"] and "permission" not in said["next"]


@pytest.mark.usefixtures("chat_env")
def test_eight_pm_typed_after_remind_us_every_day_sets_the_reminder(monkeypatch, capsys, tmp_path) -> None:
    said = chat_answers(monkeypatch, capsys, tmp_path, "remind us every day", "eight p m")
    assert said["remind us every day"].endswith("What time of day would you like the reminder?")
    assert said["eight p m"].startswith("I can remind you both every day at 8 p.m.")

"""A number said on its own (issue 21): understood only where a number was asked for.

Partners answer "from one to ten, how ready do you feel?" to each other near the device,
so a "three" Alexa hears must never move them. Through lambda_handler on moto, with the
intent Alexa sends for a number said alone (NumberAloneIntent), and typed into the chat.
"""

from __future__ import annotations

import pytest

from support.chat_lines import chat_answers
from support.conversation_driver import SKILL_ID
from support.lambda_support import can_fulfill, talk_to
from trust_renewal.cli.matcher import Matcher
from trust_renewal.content import load_content

NUMBER = "NumberAloneIntent"
SCALE = "acknowledge.arriving"  # "On a scale of one to ten, how ready do you feel...?"


@pytest.fixture(scope="module")
def content():
    return load_content("en-US")


def _place(talk) -> tuple:
    state = talk.state
    return (state["situation"], state["exercise_id"], state["prompt"], state["turn"], state["started"])


def _in_first_reflection(talk) -> str:
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Sam")
    talk.say("RolesMutualIntent")
    assert talk.text.endswith("Shall we begin?"), talk.text
    return talk.begin()


def test_three_in_a_reflection_keeps_them_there_and_says_how_to_go_to_step_three(
    lambda_module, content
) -> None:
    talk = talk_to(lambda_module)
    assert _in_first_reflection(talk).endswith("When you're ready, say next.")
    here = _place(talk)
    reply = talk.say(NUMBER, number="3")
    assert reply.startswith("If you'd like to go to step 3, say: go to step 3.")
    assert reply.endswith("When you're ready, say next. Or say repeat to hear that part again.")
    assert content.steps[2].title not in reply and "Shall we begin?" not in reply
    assert _place(talk) == here and not talk.ended
    assert "say next" in talk.reprompt  # the situation's usual reprompt
    # Carrying on afterwards goes on with the same exercise.
    talk.say("AMAZON.NextIntent")
    assert talk.state["exercise_id"] == here[1] and talk.state["prompt"] == here[2] + 1


def test_a_number_that_is_no_step_is_not_understood_and_moves_nobody(lambda_module) -> None:
    talk = talk_to(lambda_module)
    _in_first_reflection(talk)
    here = _place(talk)
    reply = talk.say(NUMBER, number="27")
    assert reply.startswith("Sorry, I didn't catch that.") and "step 27" not in reply
    assert _place(talk) == here


def test_three_at_shall_we_begin_still_offers_the_same_exercise(lambda_module, content) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Sam")
    talk.say("RolesMutualIntent")
    offered = talk.state["offer_target"]
    reply = talk.say(NUMBER, number="3")
    assert reply.startswith("If you'd like to go to step 3, say: go to step 3.")
    assert reply.endswith("?") and content.steps[2].title not in reply
    assert talk.state["situation"] == "offer_begin" and talk.state["offer_target"] == offered
    assert talk.say("AMAZON.YesIntent") and talk.state["exercise_id"] == offered


def test_a_number_still_said_to_each_other_after_the_scale_question_moves_nobody(
    lambda_module, content
) -> None:
    # They answer each other in a closed-microphone quiet; after the chime Alexa listens again,
    # and a partner's "seven" may be what it hears.
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Sam")
    talk.say("RolesMutualIntent")
    talk.go_to_offer(content, SCALE)
    talk.begin()
    for _ in range(10):
        if "one to ten" in talk.text:
            break
        talk.say("AMAZON.NextIntent")
    assert "one to ten" in talk.text and talk.text.endswith("Finished?")
    here = _place(talk)
    reply = talk.say(NUMBER, number="7")
    assert reply.startswith("If you'd like to go to step 7, say: go to step 7.")
    assert reply.endswith("When you've finished, say next. Or say more time.")
    assert content.steps[6].title not in reply
    assert _place(talk) == here


def test_after_which_step_a_number_said_alone_is_that_step(lambda_module, content) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("GoToStepIntent")
    assert talk.text.endswith("Which step would you like?")
    reply = talk.say(NUMBER, number="3")
    assert reply.startswith(f"Step 3, {content.steps[2].title}.")
    assert talk.state["situation"] == "offer_begin"
    assert content.step_of(talk.state["offer_target"]).number == 3


def test_after_which_step_a_number_out_of_range_says_which_steps_there_are(lambda_module, content) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("GoToStepIntent")
    reply = talk.say(NUMBER, number="15")
    assert reply.startswith(f"I don't have a step 15. The program has steps 1 to {len(content.steps)}.")


def test_to_the_reminder_time_question_a_number_is_the_hour(lambda_module) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetReminderIntent")
    assert talk.text.endswith("What time of day would you like the reminder?")
    assert talk.say(NUMBER, number="8") == "Is that 8 in the morning, or 8 in the evening?"
    assert "every day at 8 p.m." in talk.say(NUMBER, number="20")


def test_to_what_time_in_the_evening_a_number_is_that_evening_hour(lambda_module) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetReminderIntent", time="EV")
    reply = talk.say(NUMBER, number="7")
    assert "every day at 7 p.m." in reply
    assert [d.get("token") for d in talk.last["response"].get("directives") or []] == ["reminder-time:19:00"]


def test_to_the_code_question_a_number_is_the_code(lambda_module) -> None:
    maya = talk_to(lambda_module, "amzn1.ask.account.MAYA")
    maya.launch()
    maya.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    maya.say("RolesMutualIntent")
    maya.say("LinkPartnerIntent")
    code = "".join(c for c in maya.text.split("code:")[1].split(".")[0] if c.isdigit())
    assert len(code) == 6, maya.text
    jordan = talk_to(lambda_module, "amzn1.ask.account.JORDAN")
    jordan.launch()
    jordan.say("JoinPartnerIntent")
    if "Do you want to go on?" in jordan.text:
        jordan.say("AMAZON.YesIntent")
    assert "What's the code?" in jordan.text
    short = jordan.say(NUMBER, number="3")  # a code too short is still read as the code
    assert "six digits" in short and "step 3" not in short
    assert "You're now sharing one program with Maya and Jordan." in jordan.say(NUMBER, number=code)


def test_to_the_names_question_a_number_asks_for_the_names_again(lambda_module, content) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent")
    assert talk.text.endswith("What are your names?")
    reply = talk.say(NUMBER, number="3")
    assert reply.endswith("What are your names?") and "step 3" not in reply
    assert content.steps[2].title not in reply


def test_to_the_roles_question_a_number_asks_it_again(lambda_module) -> None:
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Sam")
    assert talk.state["situation"] == "ask_roles"
    reply = talk.say(NUMBER, number="3")
    assert reply.startswith("Sorry, I didn't catch that. You can say one of your names, both, or skip.")
    assert talk.state["situation"] == "ask_roles" and "step 3" not in reply


def test_a_number_alexa_files_as_a_name_gets_the_same_answer(lambda_module) -> None:
    talk = talk_to(lambda_module)
    _in_first_reflection(talk)
    here = _place(talk)
    reply = talk.say("SetNamesIntent", nameAlone="three")
    assert reply.startswith("If you'd like to go to step 3, say: go to step 3.")
    assert _place(talk) == here


def test_the_chat_hears_a_number_alone_apart_from_a_step() -> None:
    matcher = Matcher.for_locale("en-US")
    typed_numbers = (("three", "3"), ("number five", "5"), ("maybe seven", "7"), ("six out of ten", "6"))
    for typed, number in typed_numbers:
        heard = matcher.match(typed)
        assert heard.intent == NUMBER and heard.slots["number"]["value"] == number, typed
    step = matcher.match("go to step three")
    assert step.intent == "GoToStepIntent" and step.slots["stepNumber"]["value"] == "3"


@pytest.mark.parametrize("said", ["three", "maybe seven", "number four"])
def test_a_number_said_alone_without_the_skills_name_is_no(lambda_module, said) -> None:
    # Name-free, "three" names no program: Alexa must not open a betrayal-recovery program for it.
    matcher = Matcher.for_locale("en-US", skill_id=SKILL_ID)
    assert matcher.match(said).intent == NUMBER
    assert can_fulfill(lambda_module, matcher, said)["canFulfill"] == "NO"


@pytest.mark.usefixtures("chat_env")
def test_three_typed_mid_exercise_does_not_jump(monkeypatch, capsys, tmp_path) -> None:
    said = chat_answers(
        monkeypatch, capsys, tmp_path, "Maya and Sam", "skip", "yes", "three", "maybe seven", "next"
    )
    assert said["yes"].endswith("When you're ready, say next.")
    assert said["three"].startswith("If you'd like to go to step 3, say: go to step 3.")
    assert "Shall we begin?" not in said["three"] and "Step 3" not in said["three"]
    assert said["maybe seven"].startswith("If you'd like to go to step 7, say: go to step 7.")
    assert "say next" in said["next"] and "Step " not in said["next"]


@pytest.mark.usefixtures("chat_env")
def test_take_us_to_a_step_then_three_does(monkeypatch, capsys, tmp_path) -> None:
    step = load_content("en-US").steps[2]
    said = chat_answers(monkeypatch, capsys, tmp_path, "Maya and Sam", "skip", "take us to a step", "three")
    assert said["take us to a step"].endswith("Which step would you like?")
    assert said["three"].startswith(f"Step 3, {step.title}.") and said["three"].endswith("?")

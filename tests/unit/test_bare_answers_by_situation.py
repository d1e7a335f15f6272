"""What a bare answer means depends on the question just asked (conversation/answers.py)."""

from __future__ import annotations

import pytest

from support.engine_steps import intent, launch, run
from trust_renewal.conversation import State
from trust_renewal.conversation.answers import AGAIN, ALONE, CONFIRMED, interpret, number_of, open_question
from trust_renewal.conversation.reply import say


def _asked(content, question: str) -> State:
    start = run(content, State(), launch())[0]
    event = {
        "step": intent("go_to_step"),
        "names": intent("set_names"),
        "time": intent("set_reminder"),
        "am_or_pm": intent("set_reminder", slots={"time": "08:00"}),
        "am_or_pm_again": intent("set_reminder", slots={"time": "08:00"}),
        "part_time": intent("set_reminder", slots={"time": "EV"}),
    }[question]
    state = run(content, start, event)[0]
    if question == "am_or_pm_again":  # "at eight" again: asked once more
        state = run(content, state, intent("set_reminder", slots={"time": "08:00"}))[0]
    assert open_question(state)[0] == question
    return state


CASES = [
    # (question asked, what Alexa sent, slots, ids) -> (intent meant, slots meant)
    ("step", "set_names", {ALONE: "three"}, {}, "go_to_step", {"stepNumber": "3"}),
    ("step", "set_reminder", {"time": "03:00"}, {}, "go_to_step", {"stepNumber": "3"}),
    ("step", "set_reminder", {"time": "20:00"}, {}, "set_reminder", {"time": "20:00"}),
    ("step", "set_names", {"firstName": "Talk", "secondName": "Listen"}, {}, "go_to_step",
     {"topic": "talk and listen"}),
    ("names", "set_names", {ALONE: "Jordan"}, {}, "set_names", {"firstName": "Jordan"}),
    ("names", "set_names", {ALONE: "Forgiveness"}, {}, "go_to_step", {"topic": "forgiveness"}),
    ("names", "go_to_step", {"topic": "maya and jordan"}, {}, "set_names",
     {"firstName": "maya", "secondName": "jordan"}),
    ("names", "set_names", {"firstName": "Maya", "secondName": "Jordan"}, {}, "set_names",
     {"firstName": "Maya", "secondName": "Jordan"}),
    ("time", "go_to_step", {"stepNumber": "8"}, {}, "set_reminder", {"time": "08:00"}),
    ("time", "set_names", {ALONE: "eight"}, {}, "set_reminder", {"time": "08:00"}),
    ("am_or_pm", "set_reminder", {"time": "EV"}, {}, "set_reminder", {"time": "20:00", CONFIRMED: "yes"}),
    ("am_or_pm", "set_reminder", {"time": "MO"}, {}, "set_reminder", {"time": "08:00", CONFIRMED: "yes"}),
    ("am_or_pm", "set_reminder", {"time": "20:00"}, {}, "set_reminder", {"time": "20:00", CONFIRMED: "yes"}),
    ("am_or_pm", "yes", {}, {}, "set_reminder", {"time": "08:00"}),
    # Only yes or no is turned back into the question: "stop", "help" or a cry for help at
    # "morning or evening?" mean what they say.
    ("am_or_pm", "stop", {}, {}, "stop", {}),
    ("am_or_pm_again", "help", {}, {}, "help", {}),
    ("am_or_pm", "self_harm", {}, {}, "self_harm", {}),
    # Issue 20: "at eight" after "morning or evening?" is asked once more; asked again, the
    # same hour is the morning ("eight a m" reaches the skill as that hour).
    ("am_or_pm", "set_reminder", {"time": "08:00"}, {}, "set_reminder", {"time": "08:00", AGAIN: "yes"}),
    ("am_or_pm", "go_to_step", {"stepNumber": "8"}, {}, "set_reminder", {"time": "08:00", AGAIN: "yes"}),
    ("am_or_pm_again", "set_reminder", {"time": "08:00"}, {}, "set_reminder",
     {"time": "08:00", CONFIRMED: "yes"}),
    ("am_or_pm_again", "set_reminder", {"time": "EV"}, {}, "set_reminder",
     {"time": "20:00", CONFIRMED: "yes"}),
    # "Every evening" asks what time in the evening; "eight" is then 8 p.m.
    ("part_time", "set_reminder", {"time": "08:00"}, {}, "set_reminder", {"time": "20:00", CONFIRMED: "yes"}),
    ("part_time", "go_to_step", {"stepNumber": "7"}, {}, "set_reminder", {"time": "19:00", CONFIRMED: "yes"}),
    ("part_time", "set_reminder", {"time": "20:30"}, {}, "set_reminder", {"time": "20:30", CONFIRMED: "yes"}),
]  # fmt: skip


@pytest.mark.parametrize(("asked", "name", "slots", "ids", "meant", "meant_slots"), CASES)
def test_a_bare_answer_means_what_the_question_asked_for(
    content, asked, name, slots, ids, meant, meant_slots
) -> None:
    event = interpret(_asked(content, asked), intent(name, slots=slots, slot_ids=ids), content)
    assert (event.name, dict(event.slots)) == (meant, meant_slots)


def test_a_topic_never_lands_on_names_whatever_was_asked(content) -> None:
    for state in (State(), _asked(content, "names"), _asked(content, "step")):
        for step in content.steps:
            for topic in step.topics:
                words = topic.split(" and ")
                slots = (
                    {"firstName": words[0], "secondName": words[1]} if len(words) == 2 else {ALONE: topic}
                )
                event = interpret(state, intent("set_names", slots=slots), content)
                assert (event.name, event.slot_ids.get("topic")) == ("go_to_step", step.id), topic


def test_a_lone_name_out_of_the_blue_is_not_an_answer(content) -> None:
    event = interpret(State(welcomed=True), intent("set_names", slots={ALONE: "Jordan"}), content)
    assert event.name == "fallback"


@pytest.mark.parametrize(("words", "number"), [("3", 3), ("three", 3), ("step three", 3), ("Eleven", 11)])
def test_numbers_said_as_an_answer(words: str, number: int) -> None:
    assert number_of(words) == number


@pytest.mark.parametrize("words", ["Jordan", "three hundred", "", "step"])
def test_what_is_not_a_number_answer(words: str) -> None:
    assert number_of(words) is None


NUMBER_ALONE = [
    # (question asked, the number said alone) -> (intent meant, slots meant)
    ("step", "3", "go_to_step", {"stepNumber": "3"}),
    ("step", "15", "go_to_step", {"stepNumber": "15"}),  # go_to_step says which steps there are
    ("names", "3", "set_names", {}),  # not a name: the names question again
    ("time", "8", "set_reminder", {"time": "08:00"}),
    ("am_or_pm", "8", "set_reminder", {"time": "08:00", AGAIN: "yes"}),
    ("part_time", "7", "set_reminder", {"time": "19:00", CONFIRMED: "yes"}),
]


@pytest.mark.parametrize(("asked", "said", "meant", "meant_slots"), NUMBER_ALONE)
def test_a_number_said_alone_means_what_the_question_asked_for(
    content, asked, said, meant, meant_slots
) -> None:
    event = interpret(_asked(content, asked), intent("number_alone", slots={"number": said}), content)
    assert (event.name, dict(event.slots)) == (meant, meant_slots)


def test_a_number_said_alone_to_no_question_stays_a_number_or_is_not_understood(content) -> None:
    here = State(welcomed=True)
    assert interpret(here, intent("number_alone", slots={"number": "3"}), content).name == "number_alone"
    past_the_steps = str(len(content.steps) + 1)
    assert (
        interpret(here, intent("number_alone", slots={"number": past_the_steps}), content).name == "fallback"
    )
    # Filed as a first name, it is the same number said alone.
    event = interpret(here, intent("set_names", slots={ALONE: "three"}), content)
    assert (event.name, dict(event.slots)) == ("number_alone", {"number": "3"})


def test_a_number_said_alone_to_the_code_question_is_the_code_even_when_misheard(content) -> None:
    asked = State(welcomed=True, last=(say("link.ask_code"),))
    event = interpret(asked, intent("number_alone", slots={"number": "481529"}), content)
    assert (event.name, dict(event.slots)) == ("link_code", {"code": "481529"})
    # Alexa heard a number but no value came: still the code, so "tell me the six digits" follows.
    event = interpret(asked, intent("number_alone", slots={}), content)
    assert (event.name, dict(event.slots)) == ("link_code", {"code": ""})


TIME_ALONE = [
    # (question asked, the time said alone) -> (intent meant, slots meant)
    ("time", "20:00", "set_reminder", {"time": "20:00"}),
    ("time", "EV", "set_reminder", {"time": "EV"}),  # then "what time in the evening?"
    ("am_or_pm", "EV", "set_reminder", {"time": "20:00", CONFIRMED: "yes"}),
    ("am_or_pm", "08:00", "set_reminder", {"time": "08:00", AGAIN: "yes"}),
    ("am_or_pm_again", "08:00", "set_reminder", {"time": "08:00", CONFIRMED: "yes"}),
    ("part_time", "07:00", "set_reminder", {"time": "19:00", CONFIRMED: "yes"}),
    ("step", "03:00", "go_to_step", {"stepNumber": "3"}),
    ("step", "07:30", "time_alone", {"time": "07:30"}),  # no step: no reminder either
    ("names", "20:00", "set_names", {}),  # not a name: the names question again
]


@pytest.mark.parametrize(("asked", "said", "meant", "meant_slots"), TIME_ALONE)
def test_a_time_said_alone_means_what_the_question_asked_for(
    content, asked, said, meant, meant_slots
) -> None:
    event = interpret(_asked(content, asked), intent("time_alone", slots={"time": said}), content)
    assert (event.name, dict(event.slots)) == (meant, meant_slots)


def test_a_time_said_alone_to_no_question_is_no_reminder(content) -> None:
    here = State(welcomed=True)
    event = interpret(here, intent("time_alone", slots={"time": "20:00"}), content)
    assert (event.name, dict(event.slots)) == ("time_alone", {"time": "20:00"})
    # A part of the day alone holds no clock: not understood, counted as any miss is.
    event = interpret(here, intent("time_alone", slots={"time": "EV"}), content)
    assert event.name == "fallback"
    # To "What's the code?" a time holds no digits: "tell me the six digits" follows.
    asked = State(welcomed=True, last=(say("link.ask_code"),))
    event = interpret(asked, intent("time_alone", slots={"time": "04:15"}), content)
    assert (event.name, dict(event.slots)) == ("link_code", {"code": ""})

"""The bounds of a bare answer's meaning (conversation/answers.py), each tested by itself.

The rules are in tests/unit/test_bare_answers_by_situation.py; these are their edges
(issue 27, point 3): the last hour of the day, a time that is not on the hour, a
number that is no hour, two words that are not two names. Each fails when its bound
flips.
"""

from __future__ import annotations

import pytest

from support.engine_steps import intent
from trust_renewal.conversation import State
from trust_renewal.conversation.answers import ALONE, CONFIRMED, clock_of, interpret, unclear_hour
from trust_renewal.conversation.reply import say


def _asking(key: str, **params: str) -> State:
    return State(welcomed=True, last=(say(key, **params),))


STEP = _asking("nav.which_step", count="12")
NAMES = _asking("names.ask")
TIME = _asking("reminder.which_time")
EVENING = _asking("reminder.part_of_day", part="@part_EV")


@pytest.mark.parametrize(
    "value, clock",
    [("23:59", (23, 59)), ("00:00", (0, 0)), ("24:00", None), ("12:60", None), ("EV", None), ("8", None)],
)
def test_a_clock_time_is_a_real_hour_and_minute(value, clock):
    assert clock_of(value) == clock


@pytest.mark.parametrize("value, unclear", [("01:00", True), ("11:30", True), ("12:00", False),
                                            ("00:30", False), ("13:00", False), ("EV", False)])  # fmt: skip
def test_only_one_to_eleven_oclock_could_be_morning_or_evening(value, unclear):
    assert unclear_hour(value) is unclear


def _meant(state: State, name: str, **slots: str) -> tuple[str, dict[str, str]]:
    event = interpret(state, intent(name, slots=slots), _content())
    return event.name, dict(event.slots)


def test_a_time_that_is_not_on_the_hour_is_not_a_step_number():
    assert _meant(STEP, "set_reminder", time="03:00") == ("go_to_step", {"stepNumber": "3"})
    assert _meant(STEP, "set_reminder", time="03:30") == ("set_reminder", {"time": "03:30"})


@pytest.mark.parametrize("number", ["0", "24"])
def test_a_number_that_is_no_hour_is_not_taken_as_the_reminders_time(number):
    assert _meant(TIME, "go_to_step", stepNumber="1") == ("set_reminder", {"time": "01:00"})
    assert _meant(TIME, "go_to_step", stepNumber="23") == ("set_reminder", {"time": "23:00"})
    assert _meant(TIME, "go_to_step", stepNumber=number) == ("go_to_step", {"stepNumber": number})


def test_words_heard_as_a_topic_are_names_only_if_every_one_is_a_name():
    assert _meant(NAMES, "go_to_step", topic="maya and jordan")[0] == "set_names"
    assert _meant(NAMES, "go_to_step", topic="maya and 3") == ("go_to_step", {"topic": "maya and 3"})


def test_two_names_are_never_a_step_number():
    assert _meant(STEP, "set_names", firstName="3", secondName="Maya")[0] == "set_names"
    assert _meant(STEP, "set_names", **{ALONE: "3"}) == ("go_to_step", {"stepNumber": "3"})


def test_eleven_in_the_evening_is_eleven_at_night():
    for said, meant in (("11:00", "23:00"), ("01:00", "13:00")):
        expected = ("set_reminder", {"time": meant, CONFIRMED: "yes"})
        assert _meant(EVENING, "set_reminder", time=said) == expected


def _content():
    from trust_renewal.content import load_content

    return load_content("en-US")

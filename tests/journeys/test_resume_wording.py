"""Coming back to an exercise left part way: what the couple hears about where they are.

Through the skill's real request handling (envelopes in, speech out) on the
in-memory store. The say-back sentence names the part they are on and who has
spoken; "today's exercise" asked at that offer names the day's exercise, which
is not always the one they are in.
"""

from __future__ import annotations

from support.conversation_driver import Talk
from support.turn_couple import NAMING, in_naming_it
from trust_renewal.storage.memory import MemoryStore


def test_coming_back_before_a_say_back_names_the_part_and_who_has_spoken(content) -> None:
    talk = in_naming_it(content)
    parts = len(content.exercise(NAMING).prompts)
    talk.say("TurnDoneIntent")  # Maya has spoken; Jordan's say-back is next
    talk.end()
    text = talk.launch()
    assert f"You're on part 1 of {parts}, and Maya has had their turn to speak." in text
    assert "with Jordan telling Maya what they heard?" in text
    # On the second part the number moves with them; Jordan speaks first there.
    talk.say("AMAZON.YesIntent")
    while talk.state["prompt"] == 0:  # the rest of part 1: say-back, swap, say-back
        talk.say("TurnDoneIntent")
    assert talk.state["turn"] == 0 and "Over to you, Jordan" in talk.text
    talk.say("TurnDoneIntent")
    talk.end()
    text = talk.launch()
    assert f"You're on part 2 of {parts}, and Jordan has had their turn to speak." in text
    assert "with Maya telling Jordan what they heard?" in text


def test_todays_exercise_asked_at_an_offer_to_resume_another_offers_the_days_own(content) -> None:
    talk = in_naming_it(content)
    todays = talk.state["today_exercise"]
    assert todays != NAMING  # the day's exercise was fixed when they first opened the skill
    talk.end()
    talk.launch()
    assert talk.state["situation"] == "offer_resume"
    text = talk.say("TodaysExerciseIntent")
    title = content.exercise(todays).title
    assert f"Today's exercise is {title}" in text and "the one you're in" not in text
    assert talk.state["situation"] == "offer_begin" and talk.state["offer_target"] == todays


def test_todays_exercise_asked_at_an_offer_to_resume_it_says_they_are_in_it(content) -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.begin()  # today's exercise, begun
    todays = talk.state["today_exercise"]
    assert talk.state["exercise_id"] == todays
    talk.say("AMAZON.NextIntent")
    talk.end()
    talk.launch()
    assert talk.state["situation"] == "offer_resume"
    text = talk.say("TodaysExerciseIntent")
    assert f"Today's exercise is the one you're in: {content.exercise(todays).title}." in text
    assert talk.state["situation"] == "offer_resume" and talk.state["exercise_id"] == todays

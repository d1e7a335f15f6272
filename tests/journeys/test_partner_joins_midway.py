"""Someone doing a reflection alone says their partner has joined, part way through it.

Through the skill's real request handling on the in-memory store: the partner is
welcomed by name at once, and the reflection goes on from where it was, now for two.
"""

from __future__ import annotations

from support.conversation_driver import Talk
from trust_renewal.storage.memory import MemoryStore


def test_a_partner_joining_mid_reflection_is_welcomed_and_the_reflection_goes_on(content) -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say("JustMeIntent", firstName="sam")
    talk.say("AMAZON.NoIntent")  # "Were you the one who was hurt?" No: today's reflection is offered
    talk.begin()
    exercise = talk.state["exercise_id"]
    assert content.exercise(exercise).audience == "one" and talk.state["solo"] is True
    talk.say("AMAZON.NextIntent")
    where = (talk.state["situation"], talk.state["prompt"])
    text = talk.say("PartnerJoinedIntent", firstName="alex")
    assert text.startswith("Welcome, Alex! It's good to have you both here.")
    assert "say next" in text  # and how to go on
    assert talk.state["solo"] is False and talk.state["names"] == ["Sam", "Alex"]
    assert talk.state["exercise_id"] == exercise and (talk.state["situation"], talk.state["prompt"]) == where

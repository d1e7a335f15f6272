"""A name said again that the skill already has ("call me Maya" when Maya is one of them).

Through the skill's real request handling on the in-memory store: thanked, nothing asked,
nothing renamed, and the offer they were at still stands.
"""

from __future__ import annotations

from support.conversation_driver import Talk
from trust_renewal.storage.memory import MemoryStore


def test_a_name_the_skill_already_has_is_thanked_and_nothing_changes() -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    talk.say("SkipIntent")  # "Which of you was hurt?" Skip: today's exercise is offered
    before = dict(talk.state)
    assert before["situation"] == "offer_begin"
    text = talk.say("SetNamesIntent", firstName="maya")
    assert text.startswith("Thank you, Maya. I already have your name.")
    assert "Which of you" not in text
    assert talk.state["names"] == ["Maya", "Jordan"]
    assert (talk.state["situation"], talk.state["offer_target"]) == ("offer_begin", before["offer_target"])

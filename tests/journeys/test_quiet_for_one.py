"""Whose quiet it is when one partner speaks and roles were not given.

Through the skill's real request handling on the in-memory store. In the apology only
the partner who is apologizing speaks; a couple who skipped saying which of them was
hurt are shown a quiet for "you" (whoever is speaking), never for "you both".
"""

from __future__ import annotations

from support.conversation_driver import Talk
from trust_renewal.storage.memory import MemoryStore

APOLOGY = "responsibility.the-apology"


def test_the_apology_without_roles_is_a_quiet_for_the_one_who_speaks(content) -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")  # then the roles question, unanswered
    talk.say("GoToStepIntent", stepNumber=str(content.step_of(APOLOGY).number))
    for _ in range(len(content.path)):
        if talk.state["offer_target"] == APOLOGY:
            break
        talk.say("SkipIntent")
    text = talk.begin()
    assert talk.state["hurt"] is None and content.exercise(APOLOGY).prompts[0].speaks == "caused"
    assert "while you speak; the microphone is closed" in text
    assert "while you both speak" not in text

"""Which of them was hurt, when the name heard is not one of theirs.

Through the skill's real request handling on the in-memory store: the question is asked
again with their names, and if nobody answers, Alexa asks once more before closing.
"""

from __future__ import annotations

from support.conversation_driver import Talk
from trust_renewal.storage.memory import MemoryStore


def test_a_name_not_theirs_is_asked_again_with_their_names_and_a_reprompt() -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    text = talk.say("RolesHurtIntent", hurtName="sam")
    assert text == "You can say Maya, Jordan, both, or skip. Which of you was hurt?"
    assert talk.state["hurt"] is None and talk.state["situation"] == "ask_roles"
    assert talk.reprompt == "You can say one of your names, both, or skip. Which of you was hurt?"
    assert talk.last["response"]["shouldEndSession"] is False

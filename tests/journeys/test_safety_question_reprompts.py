"""A question the skill asks after someone says things feel hopeless is asked once more if
nobody answers, before the session closes.

Through the skill's real request handling on the in-memory store (en-US).
"""

from __future__ import annotations

from support.conversation_driver import Talk
from trust_renewal.storage.memory import MemoryStore


def test_no_to_thoughts_of_ending_ones_life_offers_a_breath_and_asks_again_if_unanswered() -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    assert talk.say("HopelessIntent").endswith("are you having thoughts of ending your life?")
    assert talk.reprompt == "You can say yes or no. Are you having thoughts of ending your life?"
    text = talk.say("AMAZON.NoIntent")
    assert text.endswith("Would you like to take one slow breath with me?")
    assert talk.reprompt == "You can say yes, or pause. Would you like one slow breath together?"
    assert talk.last["response"]["shouldEndSession"] is False

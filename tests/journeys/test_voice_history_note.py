"""The note about Alexa's voice history, in a safety answer: never for someone who has
already hurt themselves, whose answer is the emergency number and little else.

Through the skill's real request handling on the in-memory store (en-US lines).
"""

from __future__ import annotations

from support.conversation_driver import Talk
from trust_renewal.storage.memory import MemoryStore

NOTE = "what's said to Alexa can be kept in this account's voice history"


def test_a_step_already_taken_hears_no_voice_history_note_and_a_later_answer_still_gives_it() -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    text = talk.say("HarmDoneIntent")  # "I took too many pills"
    assert text.startswith("Call 911 now.") and "988" in text
    assert NOTE not in text
    # Not counted as told: the next safety answer in the session carries it.
    assert NOTE in talk.say("AbuseIntent")

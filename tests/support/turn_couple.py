"""Maya and Jordan at "Naming it together", the first exercise with turns on the path."""

from __future__ import annotations

from support.conversation_driver import Talk
from trust_renewal.storage.memory import MemoryStore

NAMING = "acknowledge.naming-it"  # turns for two, four parts


def offered_naming_it(content) -> Talk:
    """Names given, then step 1 and skips until "Naming it together" is offered (not begun)."""
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    talk.go_to_offer(content, NAMING)
    return talk


def in_naming_it(content) -> Talk:
    """As above, begun: Maya's first turn to speak."""
    talk = offered_naming_it(content)
    talk.begin()
    assert talk.state["exercise_id"] == NAMING and talk.state["situation"] == "speaker_turn"
    return talk

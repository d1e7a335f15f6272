"""The evening-phrases corpus (tests/corpus/evenings.json) and the places it is said in.

The corpus was written before the interaction-model samples were read and is frozen:
each phrasing says what it means and where it is said. This module turns a
``where`` into the typed lines (for the chat) that bring a couple there, so the
chat test and the lambda test walk to the same places.
"""

from __future__ import annotations

import json
from pathlib import Path

from trust_renewal.content.model import Content

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "evenings.json"
# "anywhere" is tried in three places: at the launch's offer, inside a reflection, and in a turn.
ANYWHERE = ("offer", "exercise", "turn")


def phrasings() -> list[dict[str, str]]:
    return json.loads(CORPUS.read_text(encoding="utf-8"))["phrasings"]


def places(where: str) -> tuple[str, ...]:
    return ANYWHERE if where == "anywhere" else (where,)


def to_turn(content: Content) -> list[str]:
    """Typed lines from a first launch to the first speaker's turn of the first exercise with turns."""
    turn_ex = next(ex for ex in content.path if ex.prompts[0].turns and ex.audience != "one")
    step = content.step_of(turn_ex.id)
    skips = ["skip"] * [e.id for e in step.path].index(turn_ex.id)
    return ["open trust renewal", "our names are maya and jordan", "skip",
            f"take us to step {step.number}", *skips, "yes"]  # fmt: skip


def lines_to(place: str, content: Content) -> list[str]:
    """Typed lines that bring a new couple to ``place``."""
    return {
        "offer": ["open trust renewal"],
        "exercise": ["open trust renewal", "yes"],
        "turn": to_turn(content),
        "after_crisis": ["open trust renewal", "i don't feel safe"],
    }[place]

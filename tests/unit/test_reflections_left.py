"""A couple who have done every exercise for two, with reflections for one still undone.

The conversation core on its own: opening the skill offers the first reflection left,
for each of them on their own time, rather than calling the program done.
"""

from __future__ import annotations

from support.engine_steps import launch, spoken
from trust_renewal.conversation import State, step
from trust_renewal.conversation.situation import Situation


def test_with_every_exercise_for_two_done_the_first_reflection_for_one_is_offered(content) -> None:
    for_two = tuple(e.id for e in content.path if e.audience != "one")
    left = next(e for e in content.path if e.audience == "one")
    state = State(welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=for_two)
    state, reply = step(state, launch(), content)
    assert state.situation == Situation.OFFER_BEGIN and state.offer_target == left.id
    text = spoken(reply, content)
    assert "something each of you can do on your own time" in text and left.title in text
    assert not state.program_done

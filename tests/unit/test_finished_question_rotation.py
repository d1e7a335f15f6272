"""The short question after each quiet ("Have you finished?", "All done?"...) changes from part
to part, so a couple past their first few exercises never hear the same line part after part.

The conversation core on its own: a couple at an exercise whose parts are all said aloud
in a quiet, saying "next" through it.
"""

from __future__ import annotations

from itertools import pairwise

from support.engine_steps import intent
from trust_renewal.conversation import State, step
from trust_renewal.conversation.situation import Situation

EXERCISE = "boundaries.our-agreements"  # five parts, each said aloud in a quiet


def _questions_after_each_quiet(content) -> list[str]:
    path = [e.id for e in content.path]
    before = tuple(path[: path.index(EXERCISE)])
    state = State(
        welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=before,
        exercise_id=EXERCISE, situation=Situation.OFFER_BEGIN, offer_target=EXERCISE,
    )  # fmt: skip
    asked = []
    state, reply = step(state, intent("yes"), content)
    for _ in content.exercise(EXERCISE).prompts:
        assert state.situation == Situation.SPEAKING and reply.speech[-2].key == "quiet"
        asked.append(reply.speech[-1].key)
        state, reply = step(state, intent("next"), content)
    assert EXERCISE in state.finished
    return asked


def test_the_question_after_the_quiet_is_never_the_same_two_parts_running(content) -> None:
    asked = _questions_after_each_quiet(content)
    assert all(key.startswith("phrase:turn.finished.short.") for key in asked)  # past the first few: short
    assert all(a != b for a, b in pairwise(asked)), asked
    assert len(set(asked)) >= 3, asked  # and it walks the wordings, not two lines in turn

"""Check-ins after the program, evening after evening: a new question each time, and how
much the couple is told about the quiet (the full instructions twice, then a short cue).

The conversation core on its own (State and Event in, State and Reply out), as a couple
meets it: open the skill, say yes to a check-in, answer in the quiet, say next.
"""

from __future__ import annotations

from datetime import date, timedelta

from support.engine_steps import intent, launch, spoken
from trust_renewal.conversation import State, step
from trust_renewal.conversation.situation import Situation

FIRST_EVENING = date(2026, 11, 21)
# How many evenings hear the full instructions for the quiet (how to end it early) before the short cue.
FULL_CUE_EVENINGS = 2


def _evenings(content, count: int) -> list[tuple[str, str]]:
    """Each evening's check-in: (the question's id, the timing cue's phrase key)."""
    state = State(welcomed=True, names=("Maya", "Jordan"), program_done=True,
                  finished=tuple(e.id for e in content.path))  # fmt: skip
    heard = []
    for evening in range(count):
        today = (FIRST_EVENING + timedelta(days=evening)).isoformat()
        state, reply = step(state, launch(today), content)
        assert state.situation == Situation.COMPLETE, spoken(reply, content)
        state, reply = step(state, intent("yes", today), content)
        assert state.situation == Situation.CHECKIN
        said = [line.key for line in reply.speech]
        question = next(k.removeprefix("checkin:") for k in said if k.startswith("checkin:"))
        cue = next(k.removeprefix("phrase:") for k in said if k.startswith("phrase:checkin.time."))
        heard.append((question, cue))
        state, reply = step(state, intent("next", today), content)
        assert reply.end_session
    return heard


def test_each_evening_brings_the_next_check_in_question_none_skipped(content) -> None:
    count = len(content.checkins)
    questions = [question for question, _ in _evenings(content, count + 1)]
    assert questions[:count] == [item.id for item in content.checkins]
    assert questions[count] == content.checkins[0].id  # then round again from the first


def test_the_quiet_is_explained_in_full_twice_then_only_briefly(content) -> None:
    cues = [cue for _, cue in _evenings(content, FULL_CUE_EVENINGS + 2)]
    assert cues == ["checkin.time.full"] * FULL_CUE_EVENINGS + ["checkin.time.short"] * 2


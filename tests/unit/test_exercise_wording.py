"""Which words an exercise is begun, spoken and closed with, decided by the pure core (issue 27).

"Are you ready?" only before a step's first exercise; the safety reminder at each new
step after the first; where a couple goes after an exercise (today's done, a revisit,
back to the one they asked for after the screening); the full or short wording of a
speaking prompt; whose task a prompt names. Each test fails when its decision flips.
"""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.conversation import State
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.situation import Situation

TODAY = "2026-11-21"
COUPLE = State(welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=(SCREENING,))
REFLECTION = "acknowledge.reflection"
TRUST = "trust-and-intimacy.what-trust-means"
STEADYING = "acknowledge.steadying"  # its second prompt is said together
TWO_SIDES = "empathy.two-sides"  # its third prompt has a wording for the partner who was hurt only


def _keys(reply) -> list[str]:
    return [line.key for line in reply.speech]


def _lines_keys(lines) -> list[str]:
    return [line.key for line in lines]


# -- offers ---------------------------------------------------------------------------------------
def test_are_you_ready_is_asked_before_a_steps_first_exercise_only(content):
    step = next(s for s in content.steps if s.ask_ready)
    first, second = step.path[0], step.path[1]
    starting = run.offer_lines(COUPLE, content, first, "offer.step_start")
    assert _lines_keys(starting) == ["phrase:ready.starts", "phrase:ready.ask"]
    assert _lines_keys(run.offer_lines(COUPLE, content, first, "offer.next"))[0] == "phrase:ready.next"
    assert _lines_keys(run.offer_lines(COUPLE, content, second, "offer.next")) == ["phrase:offer.next"]


# -- beginning -----------------------------------------------------------------------------------
def test_the_safety_reminder_comes_at_each_new_step_after_the_first(content):
    step_one = content.steps[0]
    _, reply = run.begin(replace(COUPLE, exercise_id=step_one.path[0].id), content, TODAY)
    assert f"step_intro:{step_one.id}" in _keys(reply) and "phrase:care.reminder" not in _keys(reply)
    step_two = content.steps[1]
    _, reply = run.begin(replace(COUPLE, exercise_id=step_two.path[0].id), content, TODAY)
    keys = _keys(reply)
    assert keys.index(f"step_intro:{step_two.id}") < keys.index("phrase:care.reminder")


def test_an_unnamed_couple_is_told_who_partner_one_is_only_at_the_start_of_a_turn(content):
    unnamed = replace(COUPLE, names=(), exercise_id=TRUST, started=True, situation=Situation.SPEAKER_TURN)
    told, reply = run.speak_position(unnamed, content)
    assert _keys(reply)[0] == "phrase:turn.decide_first" and told.told_partner_one
    _, reply = run.speak_position(replace(unnamed, turn=2), content)
    assert "phrase:turn.decide_first" not in _keys(reply)


# -- speaking prompts ----------------------------------------------------------------------------
def test_a_speaking_prompt_is_explained_in_full_for_the_first_exercises_then_briefly(content):
    together = replace(COUPLE, exercise_id=STEADYING, started=True, prompt=1, situation=Situation.SPEAKING)
    _, reply = run.speak_position(together, content)
    assert "phrase:speak.time.both.full" in _keys(reply)
    many = replace(together, finished=tuple(f"x{i}" for i in range(run.FULL_SPEAKING_UNTIL)))
    _, reply = run.speak_position(many, content)
    assert "phrase:speak.time.both.full" not in _keys(reply)
    assert any(k.startswith("phrase:speak.time.both.") for k in _keys(reply))


def test_someone_alone_is_you_in_the_quiet_never_you_both(content):
    alone = State(welcomed=True, solo=True, names=("Sam",), exercise_id=STEADYING, started=True, prompt=1,
                  situation=Situation.SPEAKING)  # fmt: skip
    _, reply = run.speak_position(alone, content)
    assert [line.kwargs["who"] for line in reply.speech if line.key == "quiet"] == ["@you"]


def test_a_turn_names_a_roles_own_task_only_where_the_prompt_has_one(content):
    exercise = content.exercise(TWO_SIDES)
    index = 2
    assert [v.role for v in exercise.prompts[index].variants] == ["hurt"]
    at = replace(COUPLE, hurt="0", exercise_id=TWO_SIDES, started=True, prompt=index)
    at = replace(at, situation=Situation.SPEAKER_TURN)
    speaking = {run.speaking(replace(at, turn=t), exercise, t): t for t in (0, 2)}
    _, maya = run.speak_position(replace(at, turn=speaking[0]), content)  # Maya was hurt
    _, jordan = run.speak_position(replace(at, turn=speaking[1]), content)
    assert f"prompt:{TWO_SIDES}:{index}:hurt" in _keys(maya)
    assert f"prompt:{TWO_SIDES}:{index}" in _keys(jordan)  # the shared wording: none of his own


# -- after an exercise -----------------------------------------------------------------------------
def test_after_todays_exercise_they_hear_that_it_was_todays_and_only_on_that_day(content):
    last = len(content.exercise(REFLECTION).prompts) - 1
    today = replace(COUPLE, exercise_id=REFLECTION, started=True, prompt=last, today_exercise=REFLECTION,
                    today_date=TODAY)  # fmt: skip
    _, reply = run.finish(today, content, TODAY)
    assert "phrase:offer.after_today" in _keys(reply)
    _, reply = run.finish(replace(today, today_date="2026-11-20"), content, TODAY)
    assert "phrase:offer.after_today" not in _keys(reply) and "phrase:offer.next" in _keys(reply)
    revisit = replace(today, finished=(SCREENING, REFLECTION))
    _, reply = run.finish(revisit, content, TODAY)
    assert "phrase:offer.revisit_next" in _keys(reply) and "phrase:offer.after_today" not in _keys(reply)


def test_after_the_screening_they_go_to_the_exercise_they_asked_for_and_only_then(content):
    screening = content.exercise(SCREENING)
    asked = replace(COUPLE, finished=(), exercise_id=SCREENING, started=True,
                    prompt=len(screening.prompts) - 1, screening_for=TRUST)  # fmt: skip
    state, _ = run.finish(asked, content, TODAY)
    assert state.offer_target == TRUST and state.screening_for is None
    other = replace(asked, exercise_id=REFLECTION, prompt=len(content.exercise(REFLECTION).prompts) - 1)
    state, _ = run.finish(other, content, TODAY)
    assert state.offer_target != TRUST  # a stale wish from a skipped screening is not followed


def test_someone_alone_revisiting_a_step_goes_on_to_its_next_reflection_for_one(content):
    first, following = content.exercise("support.what-i-need"), content.exercise("support.together-or-apart")
    path = content.step_of(first.id).path
    assert path.index(following) == path.index(first) + 1 and following.audience == "one"
    alone = State(welcomed=True, solo=True, names=("Sam",), solo_role="", exercise_id=first.id, started=True,
                  prompt=len(first.prompts) - 1, finished=(first.id,))  # fmt: skip
    state, reply = run.finish(alone, content, TODAY)
    assert state.offer_target == following.id and "phrase:offer.revisit_next" in _keys(reply)

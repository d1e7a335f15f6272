"""Where the couple goes next, and what is said once, decided by the pure core (issue 27, point 3).

Declining, skipping and keeping an exercise; the path, today's exercise and the
streak; the sentences said once (the counsellor line, the welcome); what a session
that closes keeps. Each test fails when its decision flips.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from support.engine_steps import intent, launch
from trust_renewal.conversation import Event, State, safety, step
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation.program import (
    SCREENING,
    current_streak,
    days_since,
    fits,
    for_the_couple,
    mark_practiced,
    needs_screening,
    next_unfinished,
    passed_over,
    todays_exercise,
)
from trust_renewal.conversation.reply import Reply, say
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.transitions import common, navigation

TODAY = "2026-11-21"
TOGETHER = "acknowledge.reflection"
FOR_ONE = "acknowledge.what-i-carry"  # a reflection for either partner alone
FOR_CAUSED = "responsibility.getting-ready"  # a reflection for the partner who caused the hurt
TRUST = "trust-and-intimacy.what-trust-means"
FORGIVENESS = "forgiveness.reflection"  # the first of a step that asks "are you ready?"
COUPLE = State(welcomed=True, names=("Maya", "Jordan"), roles_asked=True)


def _offered(exercise_id: str, **kw) -> State:
    state = replace(COUPLE, exercise_id=exercise_id, offer_target=exercise_id)
    return replace(state, situation=Situation.OFFER_BEGIN, **kw)


def _keys(reply: Reply) -> list[str]:
    return [line.key for line in reply.speech]


# -- no, not yet, skip -----------------------------------------------------------------------------
@pytest.mark.parametrize("hurt", [None, "0", "both"])
def test_no_to_an_exercise_for_both_keeps_it_for_later_whatever_the_roles(content, hurt):
    state, reply = navigation.decline_begin(_offered(TOGETHER, hurt=hurt), intent("no"), content)
    assert _keys(reply) == ["phrase:no.later"] and reply.end_session
    assert state.exercise_id == TOGETHER and state.situation == Situation.HOME and state.offer_target is None


def test_no_to_a_reflection_for_one_partner_with_roles_set_moves_on_to_the_couples_path(content):
    state, reply = navigation.decline_begin(_offered(FOR_ONE, hurt="1"), intent("no"), content)
    assert _keys(reply)[0] == "phrase:nav.skipped" and state.situation == Situation.OFFER_BEGIN
    assert state.offer_target != FOR_ONE and FOR_ONE not in state.finished
    # Without roles, or alone, the reflection waits like any other.
    for kept in (_offered(FOR_ONE), _offered(FOR_ONE, hurt="1", solo=True, names=("Sam",))):
        state, reply = navigation.decline_begin(kept, intent("no"), content)
        assert _keys(reply) == ["phrase:no.later"] and state.exercise_id == FOR_ONE


def test_not_yet_at_a_step_that_asks_if_they_are_ready_offers_the_next_step_and_moves_today_on(content):
    state = _offered(FORGIVENESS, today_exercise=FORGIVENESS, today_date=TODAY)
    state, reply = navigation.decline_begin(state, intent("no"), content)
    step = content.step_of(FORGIVENESS)
    assert _keys(reply)[0] == "phrase:ready.not_yet"
    assert content.step_of(state.offer_target).id != step.id and state.today_exercise == state.offer_target
    # Where nothing is left after the step, the evening closes and the step waits.
    rest = tuple(e.id for e in content.path if e.step_id != step.id)
    state, reply = navigation.decline_begin(_offered(FORGIVENESS, finished=rest), intent("no"), content)
    assert _keys(reply) == ["phrase:ready.not_yet", "phrase:ready.not_yet_bye"] and reply.end_session
    # Asked only before the step's first exercise: later in the step, no is just "later".
    second = content.step_of(FORGIVENESS).path[1].id
    state, reply = navigation.decline_begin(_offered(second), intent("no"), content)
    assert _keys(reply) == ["phrase:no.later"] and state.exercise_id == second


def test_skip_at_an_offer_leaves_that_exercise_unfinished_and_offers_the_next(content):
    state, reply = navigation.skip(_offered(TOGETHER), intent("skip"), content)
    assert _keys(reply)[0] == "phrase:nav.skipped" and TOGETHER not in state.finished
    assert state.offer_target == next_unfinished(COUPLE, content, after=TOGETHER).id
    others = tuple(e.id for e in content.path if e.id != TOGETHER)
    _, reply = navigation.skip(_offered(TOGETHER, finished=others), intent("skip"), content)
    assert _keys(reply)[0] == "phrase:nav.skip_last"


def test_not_yet_in_a_prompt_passes_only_where_the_hurt_partner_may(content):
    hurt_may = next(
        (e, i) for e in content.path for i, p in enumerate(e.prompts)
        if not p.turns and not p.speaks and p.variant("hurt")
    )  # fmt: skip
    exercise, index = hurt_may
    at = replace(COUPLE, exercise_id=exercise.id, started=True, prompt=index, situation=Situation.PROMPT)
    moved, _ = navigation.no_rush(replace(at, hurt="0"), intent("no"), content)
    assert moved.prompt == index + 1 or exercise.id in moved.finished
    kept, reply = navigation.no_rush(at, intent("no"), content)  # no roles: nothing moves
    assert kept.prompt == index and _keys(reply)[0] == "phrase:no.in_exercise"


def test_back_goes_one_stage_then_one_prompt_and_stops_at_the_first(content):
    at = replace(COUPLE, exercise_id=TRUST, started=True, prompt=1, turn=2, situation=Situation.SPEAKER_TURN)
    assert navigation.previous(at, intent("previous"), content)[0].turn == 1
    back, _ = navigation.previous(replace(at, turn=1), intent("previous"), content)
    assert (back.prompt, back.turn) == (1, 0)  # back to the speaker's turn, same prompt
    back, _ = navigation.previous(replace(at, turn=0), intent("previous"), content)
    assert (back.prompt, back.turn) == (0, 0)
    first, reply = navigation.previous(replace(at, prompt=0, turn=0), intent("previous"), content)
    assert (first.prompt, first.turn) == (0, 0) and _keys(reply)[0] == "phrase:nav.at_first"


# -- the path ------------------------------------------------------------------------------------
def test_someone_alone_does_only_the_reflections_for_one_and_those_for_their_role(content):
    alone = State(solo=True, names=("Sam",))
    assert not fits(alone, content.exercise(TOGETHER)) and fits(alone, content.exercise(FOR_ONE))
    assert fits(alone, content.exercise(FOR_CAUSED))  # never asked: all of them
    assert not fits(replace(alone, solo_role="hurt"), content.exercise(FOR_CAUSED))
    assert fits(replace(alone, solo_role="both"), content.exercise(FOR_CAUSED))
    assert fits(replace(alone, solo_role="caused"), content.exercise(FOR_CAUSED))
    assert fits(COUPLE, content.exercise(TOGETHER))


def test_the_safety_screening_comes_once_before_a_couples_first_exercise_for_two(content):
    trust = content.exercise(TRUST)
    assert needs_screening(COUPLE, content, trust)
    assert not needs_screening(replace(COUPLE, finished=(SCREENING,)), content, trust)
    assert not needs_screening(COUPLE, content, content.exercise(TOGETHER))  # a reflection: they listen
    assert not needs_screening(replace(COUPLE, solo=True), content, trust)


def test_the_next_unfinished_exercise_wraps_to_the_start_and_skips_what_is_done(content):
    last = content.path[-1].id
    assert next_unfinished(COUPLE, content, after=last).id == content.path[0].id
    assert next_unfinished(COUPLE, content, after=None).id == content.path[0].id
    done = replace(COUPLE, finished=(content.path[1].id,))
    assert next_unfinished(done, content, after=content.path[0].id).id == content.path[2].id
    everything = replace(COUPLE, finished=tuple(e.id for e in content.path))
    assert next_unfinished(everything, content, after=None) is None


def test_todays_exercise_stays_the_same_all_day_and_moves_on_the_next_day_once_finished(content):
    state, first = todays_exercise(COUPLE, content, TODAY)
    assert state.today_exercise == first.id and state.today_date == TODAY
    done = replace(state, finished=(first.id,), exercise_id=first.id)
    assert todays_exercise(done, content, TODAY)[1].id == first.id  # fixed for the day
    moved_state, moved = todays_exercise(done, content, "2026-11-22")
    assert moved.id != first.id and moved_state.exercise_id == moved.id


def test_a_couples_exercise_of_the_day_is_for_both_and_the_reflection_for_one_comes_after(content):
    for_one = content.exercise(FOR_ONE)
    following = for_the_couple(COUPLE, content, for_one)
    assert following.audience != "one"
    assert passed_over(COUPLE, content, following).id == FOR_ONE
    assert for_the_couple(replace(COUPLE, solo=True), content, for_one).id == FOR_ONE
    assert passed_over(replace(COUPLE, finished=(FOR_ONE,)), content, following) is None


@pytest.mark.parametrize(
    "last, kept, in_row",
    [(None, 0, 1), ("2026-11-20", 4, 5), ("2026-11-19", 4, 1), ("not a date", 4, 1)],
)
def test_days_in_a_row_count_only_yesterday_and_today(last, kept, in_row):
    state = mark_practiced(State(last_practiced=last, days_in_row=kept, days_practiced=9), TODAY)
    assert state.days_in_row == in_row and state.days_practiced == 10 and state.last_practiced == TODAY
    again = mark_practiced(state, TODAY)
    assert again is state  # a second exercise the same day is not a second day


def test_the_streak_is_alive_only_while_practised_today_or_yesterday():
    state = State(last_practiced="2026-11-20", days_in_row=3)
    assert current_streak(state, TODAY) == 3 and current_streak(state, "2026-11-20") == 3
    assert current_streak(state, "2026-11-22") == 0 and current_streak(state, "2026-11-19") == 0
    assert days_since(state, TODAY) == 1 and days_since(State(), TODAY) is None
    assert days_since(State(last_practiced="garbage"), TODAY) is None


def test_part_way_through_means_begun_and_not_finished_unless_its_second_time_is_due(content):
    begun = replace(COUPLE, exercise_id=TRUST, started=True)
    assert common.mid_exercise(begun, content)
    assert not common.mid_exercise(replace(begun, started=False), content)
    assert not common.mid_exercise(replace(begun, finished=(TRUST,)), content)
    assert common.mid_exercise(replace(begun, finished=(TRUST,), second_due=TRUST), content)
    assert not common.mid_exercise(replace(begun, solo=True), content)  # not for someone alone


# -- said once -----------------------------------------------------------------------------------
def _finished_first(content) -> tuple[State, State, Reply]:
    exercise = content.exercise(TOGETHER)
    before = replace(COUPLE, exercise_id=TOGETHER, started=True, prompt=len(exercise.prompts) - 1)
    after, reply = run.finish(before, content, TODAY)
    return before, after, reply


def test_the_counsellor_sentence_follows_the_close_of_the_first_exercise_only(content):
    before, after, reply = _finished_first(content)
    said = safety.after(before, after, reply)
    keys = _keys(said)
    assert keys[keys.index("phrase:done.exercise") + 1] == "phrase:support.hint"
    # Revisiting the only exercise they have done: the same close, no second counsellor sentence.
    revisit = replace(before, finished=(TOGETHER,))
    again, reply = run.finish(revisit, content, TODAY)
    assert "phrase:support.hint" not in _keys(safety.after(revisit, again, reply))
    # A second exercise finished: not again either.
    second = replace(before, finished=(FOR_ONE,))
    later, reply = run.finish(second, content, TODAY)
    assert "phrase:support.hint" not in _keys(safety.after(second, later, reply))


def test_help_adds_the_counsellor_sentence_once_a_session_and_never_over_a_question_or_crisis():
    reply = Reply(speech=(say("help.home"),))
    help_ = Event(kind="intent", name="help", today=TODAY)
    assert _keys(safety.after(COUPLE, COUPLE, reply, help_))[-1] == "phrase:support.hint"
    told = replace(COUPLE, support_told=True)
    assert _keys(safety.after(COUPLE, told, reply, help_)) == ["phrase:help.home"]
    asking = replace(COUPLE, situation=Situation.ASK_ROLES)
    assert _keys(safety.after(COUPLE, asking, reply, help_)) == ["phrase:help.home"]
    crisis = replace(COUPLE, safety_route="self_harm")
    assert _keys(safety.after(COUPLE, crisis, reply, help_)) == ["phrase:help.home"]


def test_the_counsellor_sentence_from_help_is_not_said_twice_in_a_session(content):
    state, first = step(COUPLE, intent("help"), content)
    assert "phrase:support.hint" in _keys(first) and state.support_told
    _, again = step(state, intent("help"), content)
    assert "phrase:support.hint" not in _keys(again)


def test_the_close_of_an_exercise_is_said_in_full_for_the_first_few_then_in_short_wordings():
    assert run.done_line(State(finished=("a",) * run.FULL_CUES_UNTIL)).key == "phrase:done.exercise"
    later = [run.done_line(State(finished=("a",) * n)).key for n in range(4, 9)]
    assert all(k.startswith("phrase:done.exercise.") for k in later)
    assert len(set(later[:4])) == 4  # each in turn


def test_the_cue_is_in_full_for_the_first_few_exercises_then_short():
    early, later = State(finished=()), State(finished=("a",) * run.FULL_CUES_UNTIL)
    assert run.cue_next(early).key == "phrase:cue.next"
    assert run.cue_next(later).key.startswith("phrase:cue.next.")
    assert run.finished_question(early).key.startswith("phrase:turn.finished.")
    assert run.finished_question(later).key.startswith("phrase:turn.finished.short.")


def _questions(state: State, content) -> list[str]:
    """The question after the chime in each reply, saying next through the exercise."""
    asked: list[str] = []
    exercise_id = state.exercise_id
    state, reply = step(state, intent("yes"), content)
    while exercise_id not in state.finished:
        asked += [line.key for line in reply.speech if line.key.startswith("phrase:turn.finished")]
        state, reply = step(state, intent("next"), content)
    return asked


@pytest.mark.parametrize("hurt", [None, "0", "1"])
@pytest.mark.parametrize("done", [1, run.FULL_CUES_UNTIL + 2])
def test_the_question_after_the_chime_is_never_the_same_twice_in_a_row(content, hurt, done):
    """Across prompts too, and where the hurt partner's say-back is skipped (found by issue 27)."""
    for exercise in content.path:
        if not any(p.turns or p.speaks for p in exercise.prompts):
            continue
        finished = (SCREENING, *(f"x{i}" for i in range(done - 1)))
        state = replace(_offered(exercise.id), hurt=hurt, finished=finished)
        asked = _questions(state, content)
        repeats = [a for a, b in itertools.pairwise(asked) if a == b]
        assert not repeats, (exercise.id, asked)


def test_the_end_of_the_program_is_celebrated_once(content):
    done, reply = run.complete_program(COUPLE, content)
    assert _keys(reply)[0] == "phrase:program.complete" and done.program_done
    _, again = run.complete_program(done, content)
    assert _keys(again)[0] == "phrase:after_program.where"
    alone = replace(COUPLE, solo=True, names=("Sam",))
    left, reply = run.complete_program(alone, content)
    assert _keys(reply)[0] == "phrase:solo.all_done" and not left.program_done


# -- what a session that closes keeps --------------------------------------------------------------
@pytest.mark.parametrize(
    "situation, reason, over",
    [
        (Situation.SPEAKER_TURN, "EXCEEDED_MAX_REPROMPTS", True),
        (Situation.SPEAKING, "EXCEEDED_MAX_REPROMPTS", True),
        (Situation.SPEAKER_TURN, "USER_INITIATED", False),
        (Situation.PROMPT, "EXCEEDED_MAX_REPROMPTS", False),
    ],
)
def test_silence_after_the_chime_counts_the_speaking_as_done_and_nothing_else_does(
    content, situation, reason, over
):
    at = replace(COUPLE, exercise_id=TRUST, started=True, situation=situation, finished=(SCREENING,))
    if situation == Situation.PROMPT:
        at = replace(at, exercise_id="acknowledge.naming-it", prompt=3)
    if situation == Situation.SPEAKING:
        at = replace(at, exercise_id="acknowledge.steadying", prompt=1)
    ended, reply = step(at, Event(kind="session_ended", today=TODAY, reason=reason), content)
    assert ended.turn_over is over and reply.end_session and reply.silent
    assert ended.situation == Situation.HOME and ended.offer_target is None


def test_a_one_shot_im_done_mid_exercise_counts_the_turn_as_done_and_says_where_they_are(content):
    at = replace(COUPLE, exercise_id=TRUST, started=True, finished=(SCREENING,))
    state, reply = step(at, intent("turn_done", new_session=True), content)
    assert state.turn_over and state.situation == Situation.OFFER_RESUME
    assert _keys(reply)[0] == "phrase:resume.where_sayback"
    # "Ask trust renewal to repeat" is not "done": the turn is heard again from its start.
    state, _ = step(at, intent("more_time", new_session=True), content)
    assert not state.turn_over and state.situation == Situation.OFFER_RESUME


def test_the_short_welcome_comes_once_and_never_before_stop_or_safety(content):
    fresh = State()
    state, reply = step(fresh, intent("todays_exercise", new_session=True), content)
    assert _keys(reply)[0] == "phrase:welcome.first_short" and state.welcomed
    _, reply = step(state, intent("todays_exercise", new_session=True), content)
    assert "phrase:welcome.first_short" not in _keys(reply)
    for word in ("stop", "safety", "no"):
        stopped, reply = step(fresh, intent(word, new_session=True), content)
        assert "phrase:welcome.first_short" not in _keys(reply) and not stopped.welcomed


def test_a_launch_after_two_weeks_away_is_welcomed_back_gently(content):
    away = replace(COUPLE, last_practiced="2026-11-01")
    _, reply = step(away, launch(), content)
    assert _keys(reply)[0] == "phrase:welcome.after_gap"
    two_weeks = replace(COUPLE, last_practiced="2026-11-07")
    assert _keys(step(two_weeks, launch(), content)[1])[0] == "phrase:welcome.after_gap"
    near = replace(COUPLE, last_practiced="2026-11-08")  # 13 days
    assert _keys(step(near, launch(), content)[1])[0] == "phrase:welcome.back"

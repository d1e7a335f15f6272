"""Moving around the program, decided by the pure core (issue 27, point 3).

Starting an exercise again, going to a step, the short version, starting over. Each
test fails when its decision flips.
"""

from __future__ import annotations

from dataclasses import replace

from support.engine_steps import intent
from trust_renewal.conversation import State
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.transitions import navigation

TODAY = "2026-11-21"
COUPLE = State(welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=(SCREENING,))
TRUST = "trust-and-intimacy.what-trust-means"


def _keys(reply) -> list[str]:
    return [line.key for line in reply.speech]


def test_start_this_one_again_works_at_its_offer_and_keeps_the_short_version(content):
    offered = replace(COUPLE, exercise_id=TRUST, situation=Situation.OFFER_BEGIN, offer_target=TRUST)
    state, reply = navigation.restart_exercise(offered, intent("restart_exercise"), content)
    assert _keys(reply)[0] == "phrase:nav.restart" and state.started and state.exercise_id == TRUST
    quick = replace(COUPLE, exercise_id=TRUST, started=True, quick=True, prompt=0, turn=2,
                    situation=Situation.SPEAKER_TURN)  # fmt: skip
    state, _ = navigation.restart_exercise(quick, intent("restart_exercise"), content)
    assert state.quick and (state.prompt, state.turn) == (0, 0)
    _, reply = navigation.restart_exercise(COUPLE, intent("restart_exercise"), content)
    assert _keys(reply)[0] == "phrase:nav.nothing_to_restart"


def test_every_step_can_be_gone_to_by_number_and_no_other(content):
    last = str(len(content.steps))
    state, reply = navigation.go_to_step(COUPLE, intent("go_to_step", slots={"stepNumber": last}), content)
    assert _keys(reply)[0] == "phrase:nav.step" and content.step_of(state.offer_target).number == int(last)
    beyond = str(len(content.steps) + 1)
    _, reply = navigation.go_to_step(COUPLE, intent("go_to_step", slots={"stepNumber": beyond}), content)
    assert _keys(reply)[0] == "phrase:nav.no_such_step"


def test_someone_alone_going_to_a_step_is_offered_its_first_exercise_for_one(content):
    alone = State(welcomed=True, solo=True, names=("Sam",), solo_role="")
    state, _ = navigation.go_to_step(alone, intent("go_to_step", slots={"stepNumber": "1"}), content)
    offered = content.exercise(state.offer_target)
    assert offered.audience == "one" and offered.step_id == content.steps[0].id


def test_the_short_version_skips_the_step_introduction(content):
    first = content.steps[1].path[0]
    offered = replace(COUPLE, exercise_id=first.id, situation=Situation.OFFER_BEGIN, offer_target=first.id)
    state, reply = navigation.quick(offered, intent("quick"), content)
    assert state.quick and _keys(reply)[0] == "phrase:quick.start"
    assert not any(k.startswith("step_intro:") for k in _keys(reply))


def test_the_short_version_at_home_is_of_the_exercise_under_way_not_todays(content):
    other = content.path[0].id
    home = replace(COUPLE, exercise_id=TRUST, started=True, today_exercise=other, today_date=TODAY)
    state, _ = navigation.quick(home, intent("quick"), content)
    assert state.exercise_id == TRUST and state.quick


def test_the_short_version_of_a_day_already_done_is_of_the_next_exercise(content):
    first = content.path[0].id
    done = replace(COUPLE, exercise_id=first, finished=(SCREENING, first))
    done = replace(done, today_exercise=first, today_date=TODAY)
    state, _ = navigation.quick(done, intent("quick"), content)
    assert state.exercise_id not in (first, SCREENING) and state.quick


def test_the_short_version_after_the_program_is_a_check_in_and_alone_with_nothing_left_says_so(content):
    everything = tuple(e.id for e in content.path)
    done = replace(COUPLE, finished=everything, program_done=True)
    state, reply = navigation.quick(done, intent("quick"), content)
    assert _keys(reply)[0] == "phrase:quick.after_program" and state.situation == Situation.CHECKIN
    alone_done = State(welcomed=True, solo=True, names=("Sam",), solo_role="",
                       finished=tuple(e.id for e in content.path if e.audience == "one"))  # fmt: skip
    _, reply = navigation.quick(alone_done, intent("quick"), content)
    assert _keys(reply)[0] == "phrase:quick.nothing"


def test_starting_over_clears_the_place_and_what_was_finished(content):
    state = replace(COUPLE, exercise_id=TRUST, started=True, turn=1, turn_over=True, program_done=True,
                    today_exercise=TRUST, today_date=TODAY)  # fmt: skip
    fresh, reply = navigation.start_over_confirmed(state, intent("yes"), content)
    assert _keys(reply)[0] == "phrase:start_over.done"
    assert fresh.finished == () and not fresh.turn_over and not fresh.program_done and not fresh.started
    assert fresh.offer_target == content.path[0].id

"""Handoffs that vary and shrink, turn lengths from content, offers for one partner, after the program."""

from __future__ import annotations

from dataclasses import replace

import pytest

from support.engine_steps import intent, launch, run, spoken
from trust_renewal.content.loader import ContentError, _Checker, _exercise
from trust_renewal.conversation import State, step
from trust_renewal.conversation.program import SCREENING, needs_two
from trust_renewal.conversation.situation import Situation


def _handoffs(reply) -> list[str]:
    return [
        line.key for line in reply.speech if line.key.startswith(("phrase:handoff.", "phrase:turn.time."))
    ]


def test_handoffs_are_full_once_per_exercise_then_short_and_never_the_same_twice_in_a_row(content):
    for key in ("handoff.reflect", "handoff.switch", "turn.time"):
        assert sum(k.startswith(f"{key}.short.") for k in content.phrases) >= 3
    exercise = max((e for e in content.path if needs_two(e)), key=lambda e: sum(p.turns for p in e.prompts))
    state = State(welcomed=True, names=("Maya", "Jordan"), exercise_id=exercise.id, finished=(SCREENING,),
                  situation=Situation.OFFER_BEGIN, offer_target=exercise.id)  # fmt: skip
    state, reply = step(state, intent("yes"), content)
    seen: list[str] = []
    previous = None
    while exercise.id not in state.finished:
        keys = _handoffs(reply)
        if keys:
            assert keys != previous, keys  # no handoff line twice in a row
            previous = keys
            seen += keys
        state, reply = step(state, intent("next"), content)
    assert seen.count("phrase:handoff.reflect.full") == 1 and seen.count("phrase:turn.time.full") == 1
    assert any(k.startswith("phrase:handoff.reflect.short.") for k in seen)


def test_turn_length_comes_from_the_content_and_is_checked(content):
    raw = {
        "id": "acknowledge.x", "title": "X", "kind": "turn_taking", "audience": "together",
        "minutes": 12, "quick_minutes": 3, "intro": "Hi.", "closing": "Bye.",
        "prompts": [{"say": "{speaker}, speak.", "card": "Speak.", "turns": True, "speak_minutes": 3}],
    }  # fmt: skip
    check = _Checker()
    assert _exercise(raw, "acknowledge", check, "x").prompts[0].speak_minutes == 3 and not check.problems
    for bad in (0, 4, 1.5, "two"):
        check = _Checker()
        _exercise(
            {**raw, "prompts": [{**raw["prompts"][0], "speak_minutes": bad}]}, "acknowledge", check, "x"
        )
        assert any("speak_minutes" in p for p in check.problems), bad
    assert all(p.speak_minutes == 2 for e in content.path for p in e.prompts if p.turns)  # the default
    # A prompt where one partner speaks without a turn (issue 25) states its own time.
    assert all(0.5 <= p.speak_minutes <= 3 for e in content.path for p in e.prompts if p.speaks)
    assert ContentError  # the loader raises it with every problem found


def test_an_exercise_for_one_partner_is_offered_as_something_each_can_do_alone(content):
    alone = next(e for e in content.path if e.audience == "one")
    state = replace(
        State(welcomed=True), exercise_id=alone.id, today_exercise=alone.id, today_date="2026-11-21"
    )
    _, reply = step(state, intent("todays_exercise"), content)
    text = spoken(reply, content)
    assert "something each of you can do on your own time" in text and "Today's exercise" not in text
    solo = replace(state, solo=True, names=("Sam",))
    assert "Today's exercise is" in spoken(step(solo, intent("todays_exercise"), content)[1], content)


def test_after_the_program_one_welcome_one_line_one_offer_and_no_second_completion_speech(content):
    done = State(welcomed=True, finished=tuple(e.id for e in content.path), program_done=True)
    state, reply = step(done, launch(), content)
    keys = [line.key for line in reply.speech]
    assert keys == ["phrase:welcome.back", "phrase:after_program.where", "phrase:offer.after_program"]
    assert spoken(reply, content).count("?") == 1 and state.situation == Situation.COMPLETE
    _, again = step(state, intent("todays_exercise"), content)
    assert "phrase:program.complete" not in [line.key for line in again.speech]


def test_a_revisited_step_plays_all_its_exercises(content):
    done = State(welcomed=True, finished=tuple(e.id for e in content.path), program_done=True)
    step_two = content.steps[1]
    state, _ = run(content, done, intent("go_to_step", slots={"stepNumber": "2"}), intent("yes"))
    played = [state.exercise_id]
    for _ in range(200):
        state, reply = step(state, intent("next"), content)
        if state.situation == Situation.OFFER_BEGIN:
            played.append(state.offer_target)
            state, reply = step(state, intent("yes"), content)
        if state.situation == Situation.COMPLETE:
            break
    assert played == [e.id for e in step_two.path]
    assert "phrase:program.complete" not in [line.key for line in reply.speech]


@pytest.mark.parametrize("names", [("Maya", "Jordan"), ()])
def test_resuming_never_skips_a_say_back(content, names):
    """A stage left unfinished is heard again; a finished one goes on to the next stage: after a
    speaker's turn, always the listener's say-back of that same turn (issue 20)."""
    exercise = next(e for e in content.path if e.prompts[0].turns)
    for turn in range(4):
        for over in (False, True):
            state = State(
                welcomed=True, names=names, exercise_id=exercise.id, started=True, turn=turn, turn_over=over
            )
            state, _ = step(state, launch(), content)
            state, reply = step(state, intent("yes"), content)
            expected = turn + 1 if over else turn
            if expected == 4:
                assert state.prompt == 1 and state.turn == 0
                continue
            assert state.prompt == 0 and state.turn == expected, (turn, over)
            situation = Situation.SPEAKER_TURN if expected % 2 == 0 else Situation.LISTENER_TURN
            assert state.situation == situation
            # No "let's switch" carried over from before; a say-back keeps its instruction.
            assert not any(line.key.startswith("phrase:handoff.switch") for line in reply.speech)
            if expected % 2:
                assert any(line.key.startswith("phrase:handoff.reflect") for line in reply.speech)

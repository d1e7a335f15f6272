"""The conversation on its own: plain State and Event in, State and Reply out (no SDK)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from support.engine_steps import TODAY, intent, keys, launch, run, spoken
from trust_renewal.conversation import Event, State, step
from trust_renewal.conversation.situation import Situation


def test_first_launch_says_what_it_is_and_that_it_is_not_therapy(content):
    state, reply = step(State(), launch(), content)
    text = spoken(reply, content)
    assert "not therapy" in text
    assert "I don't feel safe" in text
    first = content.path[0]
    assert first.title in text and "Shall we begin?" in text
    assert state.welcomed and state.situation == Situation.OFFER_BEGIN
    assert reply.end_session is False and reply.reprompt


def test_returning_launch_does_not_repeat_the_intro_and_offers_to_resume(content):
    state, _ = run(content, State(), launch(), intent("yes"), intent("next"))
    state = replace(state, situation=Situation.HOME)
    state, reply = step(state, launch(), content)
    text = spoken(reply, content)
    assert "not therapy" not in text
    assert "part 2" in text and content.path[0].title in text
    assert state.situation == Situation.OFFER_RESUME
    state, reply = step(state, intent("yes"), content)
    assert f"prompt:{content.path[0].id}:1" in keys(reply)


def test_an_exercise_runs_prompt_by_prompt_and_finishing_is_recorded(content):
    first = content.path[0]
    state, reply = run(content, State(), launch(), intent("yes"))
    assert keys(reply)[-2:] == [f"prompt:{first.id}:0", "phrase:cue.next"]
    assert reply.card is not None
    for i in range(1, len(first.prompts)):
        state, reply = step(state, intent("next"), content)
        assert f"prompt:{first.id}:{i}" in keys(reply)
    state, reply = step(state, intent("next"), content)
    assert first.id in state.finished
    assert keys(reply)[:2] == [f"closing:{first.id}", "phrase:done.exercise"]
    # The next one follows, offered rather than forced.
    assert state.exercise_id == content.path[1].id and state.situation == Situation.OFFER_BEGIN
    assert content.path[1].title in spoken(reply, content)


def test_no_to_shall_we_begin_ends_kindly_and_remembers(content):
    state, reply = run(content, State(), launch(), intent("no"))
    assert reply.end_session
    assert content.path[0].title in spoken(reply, content)
    state, reply = step(
        replace(state, situation=Situation.HOME), intent("todays_exercise", new_session=True), content
    )
    assert content.path[0].title in spoken(reply, content)


def test_todays_exercise_is_fixed_for_the_day_and_moves_on_only_once_finished(content):
    first, second = content.path[0], content.path[1]
    state, _ = run(content, State(), launch(), intent("yes"))
    for _ in first.prompts:
        state, _ = step(state, intent("next"), content)
    assert first.id in state.finished
    # Later the same day: today's exercise is done; the next is offered as optional.
    state, reply = step(replace(state, situation=Situation.HOME), intent("todays_exercise"), content)
    assert "already done today's exercise" in spoken(reply, content)
    assert second.title in spoken(reply, content)
    # Next day: the new exercise is today's.
    state, reply = step(
        replace(state, situation=Situation.HOME), intent("todays_exercise", today="2026-11-22"), content
    )
    assert "Today's exercise is" in spoken(reply, content) and second.title in spoken(reply, content)
    assert state.today_exercise == second.id and state.today_date == "2026-11-22"


def test_repeat_previous_and_restart(content):
    first = content.path[0]
    state, _ = run(content, State(), launch(), intent("yes"), intent("next"))
    state, reply = step(state, intent("repeat"), content)
    assert f"prompt:{first.id}:1" in keys(reply)
    state, reply = step(state, intent("previous"), content)
    assert f"prompt:{first.id}:0" in keys(reply) and state.prompt == 0
    state, reply = step(state, intent("previous"), content)
    assert "phrase:nav.at_first" in keys(reply)
    state, _ = step(state, intent("next"), content)
    state, reply = step(state, intent("restart_exercise"), content)
    assert state.prompt == 0 and f"intro:{first.id}" in keys(reply)


def test_skip_moves_on_without_marking_finished(content):
    first, second = content.path[0], content.path[1]
    state, reply = run(content, State(), launch(), intent("skip"))
    assert first.id not in state.finished
    assert state.offer_target == second.id
    assert first.title in spoken(reply, content) and second.title in spoken(reply, content)


@pytest.mark.parametrize("phase_events", ["home", "offer", "exercise", "turn", "complete", "confirm"])
def test_every_state_answers_help_stop_cancel_fallback_and_safety(content, phase_events):
    state = _state_in(content, phase_events)
    for name in ("help", "fallback", "unknown"):
        after, reply = step(state, intent(name), content)
        assert reply.speech and reply.reprompt and not reply.end_session, (phase_events, name)
        assert after.situation == state.situation and after.exercise_id == state.exercise_id
        assert spoken(reply, content)
    for name in ("stop", "cancel"):
        after, reply = step(state, intent(name), content)
        assert reply.end_session and spoken(reply, content)
        assert after.exercise_id == state.exercise_id and after.prompt == state.prompt
    after, reply = step(state, intent("safety", country="GB"), content)
    assert not reply.end_session and "safety_call:GB:abuse" in keys(reply)
    assert after.finished == state.finished and after.exercise_id == state.exercise_id


def _state_in(content, where: str) -> State:
    turn_ex = next(ex for ex in content.path if any(p.turns for p in ex.prompts))
    if where == "home":
        return State(welcomed=True)
    if where == "offer":
        return run(content, State(), launch())[0]
    if where == "exercise":
        return run(content, State(), launch(), intent("yes"))[0]
    if where == "turn":
        state, _ = run(content, State(welcomed=True), intent("go_to_step", slots={"stepNumber": "1"}))
        index = next(i for i, p in enumerate(turn_ex.prompts) if p.turns)
        return replace(
            state, exercise_id=turn_ex.id, prompt=index, started=True, situation=Situation.SPEAKER_TURN
        )
    if where == "complete":
        return replace(
            State(welcomed=True, finished=tuple(e.id for e in content.path)), situation=Situation.COMPLETE
        )
    return run(content, State(welcomed=True), intent("start_over"))[0]


def test_help_and_fallback_know_where_you_are(content):
    texts = set()
    for where in ("home", "offer", "exercise", "turn", "complete", "confirm"):
        _, reply = step(_state_in(content, where), intent("help"), content)
        texts.add(spoken(reply, content))
    assert len(texts) == 6


def test_session_end_is_silent_and_keeps_the_position(content):
    state, _ = run(content, State(), launch(), intent("yes"), intent("next"))
    after, reply = step(
        state, Event(kind="session_ended", today=TODAY, reason="EXCEEDED_MAX_REPROMPTS"), content
    )
    assert reply.silent and reply.end_session
    assert after.to_persisted() == state.to_persisted()


def test_stop_mid_exercise_keeps_place_and_says_so(content):
    state, _ = run(content, State(), launch(), intent("yes"), intent("next"))
    after, reply = step(state, intent("stop"), content)
    assert "kept your place" in spoken(reply, content)
    assert after.prompt == 1 and after.started


def test_one_shot_first_contact_still_hears_the_disclaimer(content):
    state, reply = step(State(), intent("todays_exercise", new_session=True), content)
    assert "not therapy" in spoken(reply, content)
    assert state.welcomed


def test_state_round_trips_and_tolerates_old_or_partial_records(content):
    state, _ = run(content, State(), launch(), intent("yes"), intent("next"))
    assert State.from_dict(state.to_session()) == state
    assert State.from_dict(state.to_persisted()).to_persisted() == state.to_persisted()
    partial = {
        "exercise_id": content.path[2].id,
        "prompt": "two",
        "finished": "nope",
        "schema": 0,
        "extra": 1,
    }
    loaded = State.from_dict(partial)
    assert loaded.exercise_id == content.path[2].id and loaded.prompt == 0 and loaded.finished == ()
    assert State.from_dict(None) == State() and State.from_dict([1, 2]) == State()

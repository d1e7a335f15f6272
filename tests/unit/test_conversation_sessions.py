"""Guided sessions for two: names, turns, navigation in their own words, progress, the end."""

from __future__ import annotations

from dataclasses import replace

from support.engine_steps import TODAY, intent, keys, launch, run, spoken
from trust_renewal.conversation import Event, State, step
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.situation import IN_EXERCISE, Situation


def _turn_exercise(content):
    return next(ex for ex in content.path if ex.prompts[0].turns)


def _turn_exercises(content):
    return [ex for ex in content.path if ex.prompts[0].turns]


def _at_turn_exercise(content, state: State) -> State:
    ex = _turn_exercise(content)
    # A couple who heard the safety screening (issue 25) before their first exercise for two.
    return replace(
        state, exercise_id=ex.id, prompt=0, turn=0, started=False, situation=Situation.OFFER_BEGIN,
        finished=(*state.finished, SCREENING),
    )


def test_names_address_each_partner_and_turns_move_on_with_done(content):
    state, reply = run(
        content,
        State(welcomed=True),
        intent("set_names", slots={"firstName": "maya", "secondName": "jordan"}),
    )
    assert state.names == ("Maya", "Jordan")
    assert "Maya and Jordan" in spoken(reply, content)
    state = _at_turn_exercise(content, state)
    state, reply = step(state, intent("yes"), content)
    first = spoken(reply, content)
    assert "Maya" in first and "Jordan" in first and "Have you finished?" in first
    assert "(quiet for 2 min; the microphone is closed)" in first
    state, reply = step(state, intent("turn_done"), content)
    reflect = spoken(reply, content)
    assert reflect.index("Jordan, tell Maya what you heard") >= 0
    state, reply = step(state, intent("turn_done"), content)
    switched = spoken(reply, content)
    assert "switch" in switched and state.turn == 2
    # Roles swap: Jordan now speaks, Maya listens.
    ex = _turn_exercise(content)
    params = dict(next(line for line in reply.speech if line.key.startswith("prompt:")).params)
    assert params == {"speaker": "Jordan", "listener": "Maya"}
    state, reply = step(state, intent("turn_done"), content)
    assert "Maya" in spoken(reply, content) and state.situation == Situation.LISTENER_TURN
    state, reply = step(state, intent("turn_done"), content)
    # After both have spoken, the exercise moves on.
    assert state.turn == 0 and (state.prompt == 1 or ex.id in state.finished)


def test_without_names_turns_use_neutral_labels(content):
    state = _at_turn_exercise(content, State(welcomed=True))
    state, reply = step(state, intent("yes"), content)
    text = spoken(reply, content)
    assert "partner one" in text.lower() or "Partner one" in text


def test_who_goes_first_alternates_between_exercises(content):
    ex = _turn_exercise(content)
    base = _at_turn_exercise(content, State(welcomed=True, names=("Maya", "Jordan")))
    _, reply_a = step(base, intent("yes"), content)
    state, reply_a = step(base, intent("yes"), content)
    while ex.id not in state.finished:
        state, _ = step(state, intent("next"), content)
    # The next turn-taking exercise opens with the other partner.
    other = replace(_at_turn_exercise(content, state), exercise_id=_turn_exercises(content)[1].id)
    _, reply_b = step(other, intent("yes"), content)

    def speaker(reply):
        return dict(next(line for line in reply.speech if line.key.startswith("prompt:")).params)["speaker"]

    assert {speaker(reply_a), speaker(reply_b)} == {"Maya", "Jordan"}


def test_one_name_for_a_solo_user_and_call_me(content):
    state, reply = run(content, State(welcomed=True), intent("set_names", slots={"firstName": "sam"}))
    assert state.names == ("Sam",) and "Thank you, Sam" in spoken(reply, content)
    state, _ = step(state, intent("set_names", slots={"firstName": "maya", "secondName": "jordan"}), content)
    state, _ = step(state, intent("skip"), content)  # the one question about roles, skipped
    state, reply = step(state, intent("set_names", slots={"firstName": "Jo"}), content)
    # Two names are set: ask whose name it is instead of dropping one.
    assert state.names == ("Maya", "Jordan") and "Which of you is Jo" in spoken(reply, content)
    state, reply = step(state, intent("set_names", slots={"firstName": "jordan"}), content)
    assert state.names == ("Maya", "Jo")
    state, reply = step(state, intent("set_names"), content)
    assert "What are your names" in spoken(reply, content)


def test_a_recognised_voice_is_greeted_by_name_and_bound_to_a_partner(content):
    state, reply = step(State(welcomed=True), launch(person_id="amzn1.ask.person.P1"), content)
    assert reply.speech[1].key == "person:amzn1.ask.person.P1"
    state, _ = step(
        state,
        intent(
            "set_names", slots={"firstName": "Maya", "secondName": "Jordan"}, person_id="amzn1.ask.person.P1"
        ),
        content,
    )
    assert dict(state.people) == {"amzn1.ask.person.P1": 0}
    state, _ = step(
        state, intent("set_names", slots={"firstName": "Mae"}, person_id="amzn1.ask.person.P1"), content
    )
    assert state.names == ("Mae", "Jordan")


def test_go_to_step_by_number_and_by_topic_and_unknown_values(content):
    step3 = content.steps[2]
    state, reply = step(State(welcomed=True), intent("go_to_step", slots={"stepNumber": "3"}), content)
    assert state.offer_target == step3.path[0].id and step3.title in spoken(reply, content)
    target = content.steps[6] if len(content.steps) > 6 else content.steps[-1]
    state, reply = step(
        State(welcomed=True),
        intent("go_to_step", slots={"topic": "x"}, slot_ids={"topic": target.id}),
        content,
    )
    assert state.offer_target == target.path[0].id
    state, reply = step(State(welcomed=True), intent("go_to_step", slots={"stepNumber": "42"}), content)
    assert "don't have a step 42" in spoken(reply, content) and reply.reprompt
    state, reply = step(State(welcomed=True), intent("go_to_step", slots={"topic": "astrology"}), content)
    assert "don't have a step about astrology" in spoken(reply, content) and reply.reprompt


def test_a_short_one_today_runs_the_quick_version(content):
    state, reply = step(State(welcomed=True), intent("quick"), content)
    ex = content.exercise(state.exercise_id)
    quick = ex.prompt_indexes(True)
    assert state.quick and state.situation in IN_EXERCISE
    assert "short version" in spoken(reply, content)
    assert f"prompt:{ex.id}:{quick[0]}" in keys(reply)
    for _ in range(len(quick) * 4):
        if ex.id in state.finished:
            break
        state, reply = step(state, intent("next"), content)
    assert ex.id in state.finished


def test_start_over_asks_first(content):
    state, _ = run(content, State(), launch(), intent("yes"))
    for _ in content.path[0].prompts:
        state, _ = step(state, intent("next"), content)
    assert state.finished
    state, reply = step(state, intent("start_over"), content)
    assert "start over" in spoken(reply, content) and state.finished
    kept, reply = step(state, intent("no"), content)
    assert kept.finished == state.finished
    state, reply = step(state, intent("yes"), content)
    assert state.finished == () and state.exercise_id == content.path[0].id


def test_pause_keeps_position_and_resume_picks_up(content):
    state, _ = run(content, State(), launch(), intent("yes"), intent("next"))
    paused, reply = step(state, intent("pause"), content)
    assert reply.end_session and paused.prompt == 1
    _, reply = step(replace(paused, situation=Situation.HOME), intent("resume", new_session=True), content)
    assert f"prompt:{content.path[0].id}:1" in keys(reply)


def test_progress_counts_days_practiced_gently(content):
    state, _ = run(content, State(), launch(), intent("yes"))
    state, reply = step(state, intent("progress"), content)
    text = spoken(reply, content)
    assert f"step 1 of {len(content.steps)}" in text and "one day" in text
    state, _ = step(replace(state, situation=Situation.HOME), launch(today="2026-11-22"), content)
    state, _ = step(state, intent("yes", today="2026-11-22"), content)
    state, reply = step(state, intent("progress", today="2026-11-22"), content)
    assert "2 days in a row" in spoken(reply, content)
    # A gap resets the run quietly: no scolding, the total still counts.
    state, _ = step(replace(state, situation=Situation.HOME), launch(today="2026-12-20"), content)
    state, _ = step(state, intent("yes", today="2026-12-20"), content)
    assert state.days_practiced == 3 and state.days_in_row == 1


def test_coming_back_after_weeks_is_welcomed_without_scolding(content):
    state, _ = run(content, State(), launch(), intent("yes"), intent("next"))
    state, reply = step(replace(state, situation=Situation.HOME), launch(today="2027-01-15"), content)
    text = spoken(reply, content)
    assert "good to hear from you" in text and "part 2" in text
    for word in ("missed", "streak", "behind", "should have"):
        assert word not in text.lower()


def test_end_of_program_closing_and_checkins(content):
    last = content.path[-1]
    state = State(welcomed=True, finished=tuple(e.id for e in content.path[:-1]), exercise_id=last.id)
    state, reply = step(state, intent("yes"), content)
    for _ in range(len(last.prompts) * 4):
        if state.situation == Situation.COMPLETE:
            break
        state, reply = step(state, intent("next"), content)
    assert state.program_done and "phrase:program.complete" in keys(reply)
    state, reply = step(state, intent("yes"), content)
    assert any(k.startswith("checkin:") for k in keys(reply))
    first_checkin = next(k for k in keys(reply) if k.startswith("checkin:"))
    state, reply = step(state, intent("next"), content)
    assert reply.end_session
    state, reply = step(replace(state, situation=Situation.HOME), launch(today="2026-11-22"), content)
    state, reply = step(state, intent("yes"), content)
    assert next(k for k in keys(reply) if k.startswith("checkin:")) != first_checkin


def test_delete_data_asks_for_confirmation_then_asks_the_edges_to_delete(content):
    state, _ = run(content, State(), launch(), intent("yes"))
    state, reply = step(state, intent("delete_data"), content)
    assert "can't be undone" in spoken(reply, content) and reply.action is None
    kept, reply = step(state, intent("no"), content)
    assert kept.exercise_id == state.exercise_id and "Nothing was deleted" in spoken(reply, content)
    gone, reply = step(state, intent("delete_data"), content)
    gone, reply = step(gone, intent("yes"), content)
    assert reply.action == "delete_data" and reply.end_session
    assert gone.to_persisted() == State().to_persisted()


def test_session_timeout_mid_turn_resumes_at_that_turn(content):
    state = _at_turn_exercise(content, State(welcomed=True, names=("Maya", "Jordan")))
    state, _ = step(state, intent("yes"), content)
    state, _ = step(state, intent("turn_done"), content)
    # Silence after the chime of Jordan's reflect-back: that turn is over.
    state, _ = step(state, Event(kind="session_ended", today=TODAY, reason="EXCEEDED_MAX_REPROMPTS"), content)
    kept = State.from_dict(state.to_persisted())
    kept, reply = step(kept, launch(), content)
    assert "Shall we go on to Jordan's turn?" in spoken(reply, content)
    kept, reply = step(kept, intent("yes"), content)
    # Jordan's own prompt, never a listener's line from before.
    assert kept.turn == 2 and kept.situation == Situation.SPEAKER_TURN
    params = dict(next(line for line in reply.speech if line.key.startswith("prompt:")).params)
    assert params == {"speaker": "Jordan", "listener": "Maya"}


def test_a_one_shot_after_the_microphone_closed_carries_on_mid_exercise(content):
    state = _at_turn_exercise(content, State(welcomed=True, names=("Maya", "Jordan")))
    state, _ = step(state, intent("yes"), content)
    state, _ = step(state, Event(kind="session_ended", today=TODAY, reason="EXCEEDED_MAX_REPROMPTS"), content)
    kept = State.from_dict(state.to_persisted())
    # "Alexa, tell trust renewal I'm done" opens a new session with the intent.
    kept, reply = step(kept, intent("turn_done", new_session=True), content)
    text = spoken(reply, content)
    # Where they are in plain words, then one offer: Jordan's say-back of Maya's turn, never skipped.
    assert _turn_exercise(content).title in text and "step 1" in text
    assert "with Jordan telling Maya what they heard" in text
    assert text.count("?") == 1 and kept.situation == Situation.OFFER_RESUME
    kept, reply = step(kept, intent("yes"), content)
    assert kept.turn == 1 and kept.situation == Situation.LISTENER_TURN
    assert "Jordan, tell Maya what you heard" in spoken(reply, content)


def test_a_recognised_voice_saying_done_out_of_turn_is_told_whose_turn_it_is(content):
    people = (("amzn1.ask.person.MAYA", 0), ("amzn1.ask.person.JORDAN", 1))
    state = _at_turn_exercise(content, State(welcomed=True, names=("Maya", "Jordan"), people=people))
    state, _ = step(state, intent("yes"), content)
    speaker = dict(next(line for line in _.speech if line.key.startswith("prompt:")).params)["speaker"]
    listener_id = "amzn1.ask.person.JORDAN" if speaker == "Maya" else "amzn1.ask.person.MAYA"
    speaker_id = "amzn1.ask.person.MAYA" if speaker == "Maya" else "amzn1.ask.person.JORDAN"
    same, reply = step(state, intent("turn_done", person_id=listener_id), content)
    assert same.turn == 0 and f"{speaker}, it's still your turn" in spoken(reply, content)
    moved, _ = step(state, intent("turn_done", person_id=speaker_id), content)
    assert moved.turn == 1
    unknown, _ = step(state, intent("turn_done", person_id="amzn1.ask.person.GUEST"), content)
    assert unknown.turn == 1

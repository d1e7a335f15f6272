"""The couple's background-sound switch and the one-time word about it (the conversation alone)."""

from __future__ import annotations

from support.engine_steps import intent, keys, launch, run
from trust_renewal.conversation import State
from trust_renewal.conversation.situation import IN_EXERCISE


def test_the_first_reflection_names_the_switch_once_on_a_device_that_plays_sounds(content):
    state, reply = run(content, State(), launch(plays_sounds=True), intent("yes", plays_sounds=True))
    said = keys(reply)
    hint = said.index("phrase:sounds.hint")
    # As the exercise begins, before its introduction: never between a prompt's lines (issue 20).
    begins = next(i for i, k in enumerate(said) if k.startswith(("step_intro:", "intro:")))
    assert hint == begins - 1 and said.count("phrase:sounds.hint") == 1
    # After the introduction, a breath before the first prompt (issue 20).
    intro = next(i for i, k in enumerate(said) if k.startswith("intro:"))
    assert said[intro + 1] == "phrase:beat.after_intro"
    assert state.sounds_told
    state, reply = run(content, state, intent("next", plays_sounds=True))
    assert "phrase:sounds.hint" not in keys(reply)


def test_no_word_about_sounds_where_there_are_none(content):
    state, reply = run(content, State(), launch(), intent("yes"))
    assert "phrase:sounds.hint" not in keys(reply) and not state.sounds_told


def test_off_on_and_quieter_are_kept_and_answered(content):
    state, reply = run(content, State(), launch(), intent("background_off"))
    assert state.background == "off" and keys(reply)[0] == "phrase:sounds.off"
    assert reply.reprompt and not reply.end_session
    state, reply = run(content, state, intent("background_off"))
    assert keys(reply)[0] == "phrase:sounds.already_off"
    state, reply = run(content, state, intent("background_quieter"))
    assert state.background == "off" and keys(reply)[0] == "phrase:sounds.quieter_when_off"
    state, reply = run(content, state, intent("background_on"))
    assert state.background == "on" and keys(reply)[0] == "phrase:sounds.on"
    state, reply = run(content, state, intent("background_quieter"))
    assert state.background == "quieter" and keys(reply)[0] == "phrase:sounds.quieter"
    state, reply = run(content, state, intent("background_quieter"))
    assert keys(reply)[0] == "phrase:sounds.already_quieter"
    state, reply = run(content, state, intent("background_on"))
    assert state.background == "quieter" and keys(reply)[0] == "phrase:sounds.already_on"
    assert State.from_dict(state.to_persisted()).background == "quieter"


def test_turning_sounds_off_mid_reflection_keeps_the_place(content):
    state, _ = run(content, State(), launch(plays_sounds=True), intent("yes", plays_sounds=True))
    place = (state.exercise_id, state.prompt)
    state, reply = run(content, state, intent("background_off", plays_sounds=True))
    assert (state.exercise_id, state.prompt) == place and state.situation in IN_EXERCISE
    assert keys(reply)[-1].startswith("phrase:cue.")


def test_someone_who_turned_sounds_off_first_never_hears_the_hint(content):
    state, _ = run(content, State(), launch(plays_sounds=True), intent("background_off", plays_sounds=True))
    state, reply = run(content, state, intent("yes", plays_sounds=True))
    assert "phrase:sounds.hint" not in keys(reply)


def test_the_sound_hint_never_joins_a_fallback_help_or_safety_answer(content):
    """Issue 20: the one-time hint waits for an exercise to begin, whatever comes first."""
    state, _ = run(content, State(), launch(plays_sounds=True))
    for name in ("fallback", "fallback", "help", "distress", "safety"):
        state, reply = run(content, state, intent(name, plays_sounds=True))
        assert "phrase:sounds.hint" not in keys(reply), name
    assert not state.sounds_told

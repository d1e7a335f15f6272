"""Roles (issue 16): who was hurt, asked once; each partner's own task where it differs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from support.engine_steps import intent, run, spoken
from trust_renewal.conversation import State, step
from trust_renewal.conversation.exercise import begin, speak_position
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.state import InvalidState

NAMED = State(welcomed=True)
BLAME = ("cheat", "affair partner", "betray", "guilty", "the one who hurt", "wrongdoer", "fault")


def _named(content) -> tuple[State, str]:
    state, reply = run(
        content, NAMED, intent("set_names", slots={"firstName": "Maya", "secondName": "Jordan"})
    )
    return state, spoken(reply, content)


def test_names_lead_to_one_gentle_optional_question_about_who_was_hurt(content) -> None:
    state, said = _named(content)
    assert state.situation == Situation.ASK_ROLES and state.roles_asked
    assert said.startswith("Thank you, Maya and Jordan.")
    assert "which of you was hurt" in said and "Maya was hurt" in said and "Jordan was hurt" in said
    assert said.rstrip().endswith("say skip.") and said.count("?") == 0
    # Asked once: naming again later does not ask again.
    state, reply = run(content, replace(state, situation=Situation.HOME), intent("skip"))
    state, reply = run(
        content, state, intent("set_names", slots={"firstName": "Mae", "secondName": "Jordan"})
    )
    assert "was hurt" not in spoken(reply, content) and state.situation != Situation.ASK_ROLES


def test_a_bare_name_answers_the_question_and_the_program_goes_on(content) -> None:
    state, _ = _named(content)
    state, reply = run(content, state, intent("set_names", slots={"nameAlone": "Jordan"}))
    said = spoken(reply, content)
    assert state.hurt == "1" and state.situation == Situation.OFFER_BEGIN
    assert "Jordan is the partner who was hurt" in said and said.endswith("?")
    assert not any(word in said.lower() for word in BLAME)


@pytest.mark.parametrize(
    ("name", "slots", "hurt"),
    [
        ("roles_hurt", {"hurtName": "maya"}, "0"),
        ("roles_hurt", {"causedName": "Maya"}, "1"),  # "Maya caused the hurt": Jordan was hurt
        ("roles_mutual", {}, "both"),
        ("skip", {}, None),
        ("no", {}, None),
    ],
)
def test_each_answer_is_kept_as_a_role_and_moves_on(content, name, slots, hurt) -> None:
    state, _ = _named(content)
    state, reply = run(content, state, intent(name, slots=slots))
    assert state.hurt == hurt and state.roles_asked
    assert state.situation == Situation.OFFER_BEGIN, spoken(reply, content)


def test_a_name_that_is_not_theirs_is_asked_again_never_guessed(content) -> None:
    state, _ = _named(content)
    state, reply = run(content, state, intent("roles_hurt", slots={"hurtName": "Sam"}))
    assert state.hurt is None and state.situation == Situation.ASK_ROLES
    assert spoken(reply, content) == "You can say Maya, Jordan, both, or skip. Which of you was hurt?"


def test_roles_can_be_changed_and_cleared(content) -> None:
    state, _ = _named(content)
    state, _ = run(content, state, intent("roles_hurt", slots={"hurtName": "Maya"}))
    state, reply = run(content, replace(state, situation=Situation.HOME), intent("roles_change"))
    assert state.situation == Situation.ASK_ROLES and "which of you was hurt" in spoken(reply, content)
    state, _ = run(content, state, intent("set_names", slots={"nameAlone": "Jordan"}))
    assert state.hurt == "1"
    state, reply = run(content, replace(state, situation=Situation.HOME), intent("roles_clear"))
    assert state.hurt is None and "same for both of you" in spoken(reply, content)


def test_roles_need_two_names_and_mean_nothing_to_someone_alone(content) -> None:
    state, reply = run(content, NAMED, intent("roles_hurt", slots={"hurtName": "Maya"}))
    assert state.hurt is None and "tell me both your first names" in spoken(reply, content)
    alone = State(welcomed=True, names=("Sam",), solo=True)
    state, reply = run(content, alone, intent("roles_mutual"))
    assert state.hurt is None and spoken(reply, content).startswith("On your own")


def test_roles_are_kept_like_names_and_checked_when_they_come_back(content) -> None:
    kept = State(names=("Maya", "Jordan"), hurt="0", roles_asked=True).to_persisted()
    assert kept["hurt"] == "0" and kept["roles_asked"] is True
    assert State.from_dict(kept).hurt == "0"
    with pytest.raises(InvalidState):
        State.from_dict({**kept, "hurt": "the one who cheated"}, strict=True)
    # Deleting their data starts from nothing: no names, no roles.
    state, reply = run(
        content, replace(State.from_dict(kept), welcomed=True), intent("delete_data"), intent("yes")
    )
    assert reply.action == "delete_data" and state.hurt is None and state.names == ()


# -- the apology, with roles and without ------------------------------------------------
APOLOGY = "responsibility.the-apology"


def _walk(content, state: State) -> list[tuple[int, int, str]]:
    """(prompt, turn stage, what was said) for every position of the apology, saying "next"."""
    state = replace(state, exercise_id=APOLOGY, prompt=0, turn=0, started=False, finished=(SCREENING,))
    state, reply = begin(state, content, "2026-11-21")
    seen = [(state.prompt, state.turn, spoken(reply, content))]
    while state.exercise_id == APOLOGY and state.situation != Situation.OFFER_BEGIN:
        state, reply = step(state, intent("next"), content)
        if state.situation == Situation.OFFER_BEGIN:
            break
        seen.append((state.prompt, state.turn, spoken(reply, content)))
    return seen


def test_with_roles_each_partner_hears_their_own_task_in_the_apology(content) -> None:
    # Maya was hurt; Jordan caused the hurt and apologizes.
    state = State(welcomed=True, names=("Maya", "Jordan"), hurt="0", roles_asked=True)
    seen = _walk(content, state)
    text = " ".join(said for _, _, said in seen)
    assert "Jordan, say what you did" in text and "Maya, for now you only listen" in text
    assert "not the fault of Maya" in text and "Jordan, tell Maya how they might know" in text
    assert "Maya, you do not have to accept this apology today" in text
    assert "To the partner who is apologizing" not in text  # the shared wording is replaced
    last = len(content.exercise(APOLOGY).prompts) - 1
    turns = {(turn, said) for prompt, turn, said in seen if prompt == last}
    speaking = {turn for turn, _ in turns}
    # Jordan says how it felt to apologize, Maya what she heard and needs; Maya never says back Jordan's turn.
    assert any("Jordan, tell Maya in a sentence or two how it felt" in said for _, said in turns)
    assert any("Maya, if you want to, tell Jordan how this sits with you today" in said for _, said in turns)
    assert len(speaking) == 3  # one say-back stage is left out: the one that was Maya's


def test_without_roles_or_with_both_the_apology_stays_symmetric(content) -> None:
    for hurt in (None, "both"):
        state = State(welcomed=True, names=("Maya", "Jordan"), hurt=hurt, roles_asked=True)
        seen = _walk(content, state)
        text = " ".join(said for _, _, said in seen)
        assert "To the partner who is apologizing" in text
        assert "Jordan, say what you did" not in text
        last = len(content.exercise(APOLOGY).prompts) - 1
        assert {turn for prompt, turn, _ in seen if prompt == last} == {0, 1, 2, 3}


def test_not_yet_at_forgiveness_is_a_full_answer_in_the_quiet(content) -> None:
    exercise = content.exercise("forgiveness.where-we-are")
    index = next(i for i, p in enumerate(exercise.prompts) if p.variant("hurt"))
    base = State(welcomed=True, names=("Maya", "Jordan"), exercise_id=exercise.id, prompt=index, started=True)
    with_roles, reply = speak_position(replace(base, hurt="0", roles_asked=True), content)
    said = spoken(reply, content)
    # Maya may pass, to Jordan, while the microphone is closed; nothing asks her to tell Alexa.
    assert "not yet is a full answer" in said and "we will go on" not in said
    assert with_roles.situation == Situation.SPEAKING and any(line.key == "quiet" for line in reply.speech)
    # After the chime, "no" (not finished) is more quiet; "next" goes on without comment.
    state, reply = step(with_roles, intent("no"), content)
    assert state.prompt == index and any(line.key == "quiet" for line in reply.speech)
    state, reply = step(with_roles, intent("next"), content)
    assert state.prompt == index + 1 and "rush" not in spoken(reply, content)
    # Without roles there is no pass to offer.
    _, reply = speak_position(base, content)
    assert "not yet" not in spoken(reply, content)


def test_a_reflection_for_one_partner_is_offered_to_them_by_name_with_the_others_counterpart(content) -> None:
    state = State(welcomed=True, names=("Maya", "Jordan"), hurt="0", roles_asked=True,
                  exercise_id="responsibility.your-questions", situation=Situation.HOME)  # fmt: skip
    state, reply = run(content, state, intent("skip"))
    said = spoken(reply, content)
    assert state.offer_target == "responsibility.getting-ready"
    assert "Jordan, this one is for you, on your own time: Getting ready to apologize" in said
    assert "Maya, yours is Taking it in at my own pace, whenever you like." in said
    assert said.endswith("Jordan, would you like to hear yours now?")
    # "No": the couple's path goes on, it never waits on one partner's reflection.
    state, reply = run(content, state, intent("no"))
    assert state.offer_target == "responsibility.the-apology" and not reply.end_session

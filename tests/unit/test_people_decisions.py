"""Names, "which of you is Sam?", someone alone and a partner joining, decided by the pure core.

Issue 27, point 3: each decision in ``transitions/people.py`` by itself, through
``step`` (the table picks the transition), each failing when its decision flips.
"""

from __future__ import annotations

from dataclasses import replace

from support.engine_steps import intent
from trust_renewal.conversation import State, step
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.situation import Situation

TRUST = "trust-and-intimacy.what-trust-means"
FOR_ONE = "acknowledge.what-i-carry"
NAMING = "acknowledge.naming-it"
COUPLE = State(welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=(SCREENING,))
IN_TURN = replace(COUPLE, exercise_id=TRUST, started=True, turn=1, situation=Situation.LISTENER_TURN)


def _keys(reply) -> list[str]:
    return [line.key for line in reply.speech]


def _call_me(state: State, content, name: str = "Sam") -> State:
    asked, reply = step(state, intent("set_names", slots={"firstName": name}), content)
    assert asked.situation == Situation.ASK_WHICH_PARTNER and _keys(reply) == ["phrase:names.which"]
    return asked


def test_call_me_sam_in_a_turn_goes_straight_back_to_the_same_turn(content):
    asked = _call_me(IN_TURN, content)
    assert asked.offer_target == TRUST
    back, reply = step(asked, intent("set_names", slots={"firstName": "Jordan"}), content)
    assert back.names == ("Maya", "Sam") and back.situation == Situation.LISTENER_TURN and back.turn == 1
    assert _keys(reply)[0] == "phrase:names.two" and _keys(reply)[-1].startswith("phrase:turn.finished")


def test_call_me_sam_in_a_prompt_for_both_comes_back_with_the_cue_to_go_on(content):
    prompt = replace(COUPLE, exercise_id=NAMING, started=True, prompt=3, situation=Situation.PROMPT)
    back, reply = step(_call_me(prompt, content), intent("set_names", slots={"firstName": "Maya"}), content)
    assert back.situation == Situation.PROMPT and _keys(reply)[-1].startswith("phrase:cue.next")


def test_call_me_sam_at_an_offer_to_resume_comes_back_to_the_offer_not_into_the_turn(content):
    offer = replace(IN_TURN, situation=Situation.OFFER_RESUME, offer_target=TRUST)
    asked = _call_me(offer, content)
    assert asked.offer_target is None
    back, reply = step(asked, intent("set_names", slots={"firstName": "Jordan"}), content)
    assert back.situation == Situation.OFFER_RESUME and _keys(reply)[1] == "phrase:resume.where_sayback"
    home = replace(IN_TURN, situation=Situation.HOME)
    back, _ = step(_call_me(home, content), intent("set_names", slots={"firstName": "Jordan"}), content)
    assert back.situation == Situation.OFFER_RESUME


def test_a_name_they_already_have_is_thanked_and_nothing_changes(content):
    state, reply = step(COUPLE, intent("set_names", slots={"firstName": "Maya"}), content)
    assert _keys(reply)[0] == "phrase:names.known" and state.names == ("Maya", "Jordan")
    assert state.situation == Situation.HOME


def test_an_answer_with_no_name_waiting_to_be_placed_asks_again_and_keeps_both_names(content):
    lost = replace(COUPLE, situation=Situation.ASK_WHICH_PARTNER, pending_name=None)
    state, reply = step(lost, intent("set_names", slots={"firstName": "Jordan"}), content)
    assert state.names == ("Maya", "Jordan") and _keys(reply) == ["phrase:names.which"]


def test_its_just_me_in_the_middle_of_a_reflection_for_one_carries_on_without_a_question(content):
    alone_ok = replace(COUPLE, exercise_id=FOR_ONE, started=True, situation=Situation.PROMPT)
    state, reply = step(alone_ok, intent("solo", slots={"firstName": "Sam"}), content)
    assert state.solo and state.situation == Situation.PROMPT and state.solo_role is None
    assert _keys(reply)[0] == "phrase:solo.on_named" and "phrase:alone.role_ask" not in _keys(reply)
    # In an exercise for two, someone alone is moved on to one of their own.
    state, reply = step(IN_TURN, intent("solo", slots={"firstName": "Sam"}), content)
    assert state.situation == Situation.OFFER_BEGIN and state.offer_target != TRUST


def test_alone_no_to_were_you_hurt_means_the_other_role_and_skip_means_none(content):
    asked = State(welcomed=True, solo=True, names=("Sam",), situation=Situation.ASK_ROLES)
    assert step(asked, intent("no"), content)[0].solo_role == "caused"
    assert step(asked, intent("skip"), content)[0].solo_role == ""
    assert step(asked, intent("yes"), content)[0].solo_role == "hurt"


def test_a_partner_joining_mid_reflection_stays_where_they_are_and_is_not_named_twice(content):
    alone = State(welcomed=True, solo=True, names=("Sam",), solo_role="", exercise_id=FOR_ONE, started=True,
                  situation=Situation.PROMPT, finished=(SCREENING,))  # fmt: skip
    state, reply = step(alone, intent("partner_joined", slots={"firstName": "Alex"}), content)
    assert not state.solo and state.names == ("Sam", "Alex") and state.situation == Situation.PROMPT
    assert _keys(reply)[0] == "phrase:partner.joined_named"
    state, _ = step(alone, intent("partner_joined", slots={"firstName": "Sam"}), content)
    assert state.names == ("Sam",)

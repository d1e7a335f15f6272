"""What the engine decides around every transition (issue 27, point 3).

A place the program no longer has, the edges' results for the daily reminder, and
someone alone hearing every line in its one-person wording. Each test fails when its
decision flips.
"""

from __future__ import annotations

from dataclasses import replace

from support.engine_steps import intent
from trust_renewal.conversation import Event, State, step
from trust_renewal.conversation.situation import Situation

TODAY = "2026-11-21"
COUPLE = State(welcomed=True, names=("Maya", "Jordan"), roles_asked=True)


def _keys(reply) -> list[str]:
    return [line.key for line in reply.speech]


def _result(name: str, **slots: str) -> Event:
    return Event(kind="action_result", name=name, today=TODAY, slots=slots)


def test_an_exercise_the_program_no_longer_has_takes_the_couple_home_instead_of_failing(content):
    gone = State(welcomed=True, exercise_id="removed.in-an-update", started=True, situation=Situation.PROMPT)
    state, reply = step(gone, intent("help"), content)
    assert state.situation == Situation.HOME and _keys(reply)[0] == "phrase:help.home"


def test_a_reminder_needing_permission_ends_the_session_and_one_set_is_kept_with_its_time(content):
    _, reply = step(COUPLE, _result("needs_permission"), content)
    assert reply.end_session and _keys(reply) == ["phrase:reminder.needs_permission"]
    state, reply = step(COUPLE, _result("created", reminder_token="tok", time="8 p.m."), content)
    assert (state.reminder_token, state.reminder_time) == ("tok", "8 p.m.") and not reply.end_session
    state, _ = step(state, _result("deleted", reminder_token="", time="8 p.m."), content)
    assert (state.reminder_token, state.reminder_time) == (None, None)  # no time kept for no reminder


def test_someone_alone_hears_the_one_person_wording_of_every_phrase(content):
    reflection = "acknowledge.what-i-carry"
    alone = State(welcomed=True, solo=True, names=("Sam",), solo_role="", situation=Situation.OFFER_BEGIN,
                  offer_target=reflection, exercise_id=reflection)  # fmt: skip
    _, reply = step(alone, intent("no"), content)
    assert _keys(reply) == ["phrase:solo.no.later"]
    _, reply = step(replace(alone, solo=False, names=("Maya", "Jordan")), intent("no"), content)
    assert _keys(reply) == ["phrase:no.later"]


def test_an_intent_the_conversation_does_not_know_is_answered_as_not_understood_and_listens_again(content):
    at_offer = State(welcomed=True, situation=Situation.OFFER_BEGIN, offer_target=content.path[0].id,
                     exercise_id=content.path[0].id)  # fmt: skip
    state, reply = step(at_offer, intent("an_intent_from_a_newer_model"), content)
    assert _keys(reply) == ["phrase:fallback.offer"] and [line.key for line in reply.reprompt] == [
        "phrase:reprompt.offer"
    ]
    assert state.situation == Situation.OFFER_BEGIN  # the offer still stands
    ask = replace(State(welcomed=True, names=("Maya", "Jordan")), situation=Situation.ASK_WHICH_PARTNER,
                  pending_name="Sam")  # fmt: skip
    _, reply = step(ask, intent("an_intent_from_a_newer_model"), content)
    assert _keys(reply) == ["phrase:names.which"]  # the open question, again

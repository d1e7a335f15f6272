"""The safety module's decisions, each by itself (issue 27, point 3).

Which number comes first on each route, what yes and no mean to each safety
question, what stays allowed once a route was given or the exercises are paused,
and how the fallback counts. Each test fails when its decision flips.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from trust_renewal.conversation import Event, State, safety
from trust_renewal.conversation.situation import Situation

TODAY = "2026-11-21"
COUPLE = State(welcomed=True, names=("Maya", "Jordan"))


def _said(name: str, state: State = COUPLE, content=None, context: str = "home", country: str = "GB"):
    event = Event(kind="intent", name=name, today=TODAY, country=country)
    return safety.before(state, event, content, context)


def _keys(reply) -> list[str]:
    return [line.key for line in reply.speech]


# -- the routes ----------------------------------------------------------------------------------
def test_danger_and_a_step_already_taken_give_the_emergency_number_first(content):
    _, reply = _said("safety", content=content, country="US")
    assert _keys(reply)[:2] == ["safety_call:US:emergency", "phrase:danger.open"]
    _, reply = _said("harm_done", content=content, country="US")
    assert _keys(reply)[:2] == ["safety_now:US:emergency", "phrase:harm_done.open"]
    _, reply = _said("self_harm", content=content, country="US")
    assert _keys(reply)[0] == "phrase:self_harm.open"  # warmth first, then the crisis line
    assert _keys(reply)[-1] == "phrase:self_harm.ask"


def test_each_number_is_said_once_and_the_abuse_lines_are_introduced_once(content):
    _, reply = _said("abuse", content=content, country="GB")
    keys = _keys(reply)
    calls = [k for k in keys if k.startswith("safety_call:")]
    assert len(calls) == len(set(calls)) == len(content.crisis_lines["GB"].routes["abuse"])
    assert keys.count("phrase:abuse.privately") == 1
    assert keys.index("phrase:abuse.privately") < keys.index("safety_call:GB:abuse")
    _, reply = _said("someone_else", content=content, country="GB")
    assert _keys(reply).count("phrase:someone_else.control") == 1


def test_the_note_on_voice_history_comes_once_a_session_and_not_after_a_step_taken(content):
    state, reply = _said("abuse", content=content)
    assert "phrase:safety.privacy" in _keys(reply) and state.privacy_told
    _, again = _said("self_harm", state, content)
    assert "phrase:safety.privacy" not in _keys(again)
    told, reply = _said("harm_done", content=content)
    assert "phrase:safety.privacy" not in _keys(reply) and not told.privacy_told


@pytest.mark.parametrize("route, pauses", [("abuse", True), ("safety", True), ("self_harm", False),
                                           ("someone_else", False), ("harm_done", False)])  # fmt: skip
def test_abuse_and_danger_pause_the_exercises_and_the_other_routes_do_not(content, route, pauses):
    state, reply = _said(route, content=content)
    assert state.exercises_paused is pauses and state.situation == Situation.SAFETY
    # Once paused, a later route of another kind does not unpause them.
    assert _said(route, replace(COUPLE, exercises_paused=True), content)[0].exercises_paused
    assert not reply.end_session  # open, so "repeat" gives the numbers again
    assert state.safety_offer == ("safe_now" if route == "self_harm" else None)


# -- yes and no to the safety questions ----------------------------------------------------------
def test_no_to_are_you_safe_right_now_gives_the_emergency_number_first(content):
    asked, _ = _said("self_harm", content=content, country="US")
    state, reply = _said("no", asked, content, country="US")
    assert state.safety_route == "harm_done" and _keys(reply)[0] == "safety_now:US:emergency"
    state, reply = _said("yes", asked, content)
    assert _keys(reply) == ["phrase:self_harm.safe"] and state.safety_offer is None


def test_yes_to_thoughts_of_ending_your_life_takes_the_self_harm_route_and_no_offers_a_breath(content):
    asked, reply = _said("hopeless", content=content)
    assert _keys(reply) == ["phrase:hopeless.ask"] and asked.safety_offer == "ask_life"
    state, reply = _said("yes", asked, content)
    assert state.safety_route == "self_harm"
    state, reply = _said("no", asked, content)
    assert state.safety_offer == "breath" and _keys(reply) == ["phrase:hopeless.no", "phrase:distress.ask"]
    breathed, reply = _said("yes", state, content, context="turn")
    assert _keys(reply) == ["phrase:distress.breath", "phrase:cue.turn"] and breathed.safety_offer is None
    _, reply = _said("no", state, content, context="turn")
    assert _keys(reply)[0] == "phrase:distress.declined"


def test_the_card_goes_to_the_app_only_after_a_yes(content):
    asked, reply = _said("send_card", content=content)
    assert _keys(reply) == ["phrase:safety.card_confirm"] and reply.card is None
    _, reply = _said("yes", asked, content)
    assert reply.card is not None and _keys(reply) == ["phrase:safety.card_sent"]
    _, reply = _said("no", asked, content)
    assert reply.card is None and _keys(reply) == ["phrase:safety.card_not_sent"]


def test_only_a_yes_to_do_you_both_feel_safe_resumes_the_exercises(content):
    paused = replace(COUPLE, exercises_paused=True)
    asked, reply = _said("resume", paused, content)
    assert asked.safety_offer == "resume" and _keys(reply) == ["phrase:paused.confirm"]
    state, _ = _said("yes", asked, content)
    assert not state.exercises_paused and state.safety_offer is None
    state, reply = _said("no", asked, content)
    assert state.exercises_paused and _keys(reply) == ["phrase:paused.kept"]


# -- what stays allowed -------------------------------------------------------------------------
def test_after_a_route_nothing_offers_an_exercise_but_pause_and_delete_still_work(content):
    routed = replace(COUPLE, safety_route="self_harm")
    _, reply = _said("todays_exercise", routed, content)
    assert _keys(reply) == ["phrase:safety.no_exercise"]
    for allowed in ("pause", "delete_data", "stop_reminders"):
        assert _said(allowed, routed, content)[1] is None
    _, reply = _said("repeat", routed, content, country="US")
    assert _keys(reply)[-1] == "phrase:safety.repeat_again" and _keys(reply)[0] == "safety_number:US:crisis"
    _, reply = _said("yes", routed, content, country="US")  # "yes" to "shall I say them again?"
    assert _keys(reply)[:2] == ["phrase:safety.yes", "safety_number:US:crisis"]
    _, reply = _said("thanks", routed, content)
    assert _keys(reply) == ["phrase:safety.gentle_close"] and reply.end_session


def test_goodbye_after_a_route_cares_and_while_paused_says_they_are_paused(content):
    _, reply = _said("stop", replace(COUPLE, safety_route="self_harm"), content)
    assert _keys(reply) == ["phrase:safety.goodbye.care"]
    _, reply = _said("stop", replace(COUPLE, safety_route="abuse", exercises_paused=True), content)
    assert _keys(reply) == ["phrase:safety.goodbye.paused"]
    _, reply = _said("stop", replace(COUPLE, exercises_paused=True), content)
    assert _keys(reply) == ["phrase:safety.goodbye.paused"]
    _, reply = _said("stop", replace(COUPLE, safety_route="someone_else", exercises_paused=True), content)
    assert _keys(reply) == ["phrase:safety.goodbye.care"]


def test_while_paused_what_would_begin_an_exercise_hears_why_and_the_rest_works(content):
    paused = replace(COUPLE, exercises_paused=True, situation=Situation.OFFER_BEGIN, offer_target="x")
    state, reply = _said("yes", paused, content)
    assert _keys(reply) == ["phrase:paused.exercise"] and state.situation == Situation.HOME
    for allowed in ("set_names", "progress", "help", "set_reminder", "thanks"):
        assert _said(allowed, paused, content)[1] is None, allowed


def test_support_while_paused_gives_the_abuse_lines_and_otherwise_the_cue_where_they_are(content):
    paused = replace(COUPLE, exercises_paused=True)
    _, reply = _said("find_support", paused, content, country="US")
    assert "safety_call:US:abuse" in _keys(reply) and "safety_call:US:crisis" not in _keys(reply)
    assert "safety_call:US:emergency" not in _keys(reply)  # the abuse lines only, for later
    _, reply = _said("find_support", COUPLE, content, context="turn")
    assert _keys(reply) == ["phrase:support.more", "phrase:cue.turn"]
    offering = replace(COUPLE, situation=Situation.OFFER_BEGIN, offer_target="x")
    moved, reply = _said("find_support", offering, content, context="offer")
    assert moved.situation == Situation.HOME and _keys(reply)[-1] == "phrase:cue.home"


# -- the fallback ---------------------------------------------------------------------------------
def test_the_fallback_offers_help_from_the_second_miss_in_a_row(content):
    once, reply = _said("fallback", content=content)
    assert once.misses == 1 and _keys(reply) == ["phrase:fallback.home"]
    twice, reply = _said("unknown", once, content)
    assert twice.misses == 2 and _keys(reply) == ["phrase:fallback.home", "phrase:fallback.offer_help"]
    _, reply = _said("fallback", replace(COUPLE, safety_route="abuse"), content)
    assert _keys(reply) == ["phrase:fallback.safety"]
    _, reply = _said("fallback", replace(COUPLE, situation=Situation.HOME), content, context="offer")
    assert _keys(reply) == ["phrase:fallback.home"]  # the offer was closed: no question to answer
    offering = replace(COUPLE, situation=Situation.OFFER_BEGIN, offer_target="x")
    _, reply = _said("fallback", offering, content, context="offer")
    assert _keys(reply) == ["phrase:fallback.offer"]  # the offer is still open


def test_other_requests_pass_to_the_conversation_and_clear_the_count(content):
    missed = replace(COUPLE, misses=1, safety_offer="card")
    state, reply = _said("progress", missed, content)
    assert reply is None and state.misses == 0 and state.safety_offer is None
    launch = Event(kind="launch", today=TODAY)
    assert safety.before(missed, launch, content, "home") == (missed, None)


def test_a_country_without_its_own_lines_gets_the_default_countrys(content):
    event = Event(kind="intent", name="abuse", today=TODAY, country="NZ")
    assert safety.country_of(event, content) == "US"
    assert safety.country_of(replace(event, country="GB"), content) == "GB"

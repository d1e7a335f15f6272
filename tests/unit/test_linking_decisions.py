"""Linking two accounts, decided by the pure core (issue 27, point 3; the feature is issue 26).

What "join my partner", a code, "unlink" and "delete our data" do on a linked or
unlinked account, and what is said when the edges report back. Each test fails when
its decision flips; the storage side is tested in tests/contracts and tests/journeys.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from trust_renewal.conversation import Event, State, step
from trust_renewal.conversation.events import LinkInfo
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.transitions import linking

TODAY = "2026-11-21"
FRESH = State(welcomed=True)
LINKED = LinkInfo(linked=True)
NOT_LINKED = LinkInfo()


def _intent(name: str, link: LinkInfo = NOT_LINKED, **slots: str) -> Event:
    return Event(kind="intent", name=name, today=TODAY, slots=slots, link=link)


def _result(name: str, **slots: str) -> Event:
    return Event(kind="action_result", name=name, today=TODAY, slots=slots)


def _keys(reply) -> list[str]:
    return [line.key for line in reply.speech]


@pytest.mark.parametrize(
    "own",
    [{"finished": ("x",)}, {"started": True}, {"names": ("Maya",)}, {"days_practiced": 1}],
)
def test_joining_asks_first_when_anything_of_this_accounts_own_would_be_replaced(content, own):
    state, reply = linking.join_partner(replace(FRESH, **own), _intent("join_partner"), content)
    assert state.situation == Situation.CONFIRM_JOIN and _keys(reply) == ["phrase:link.join_replaces"]


def test_joining_with_nothing_to_lose_asks_for_the_code_and_a_linked_account_is_told_so(content):
    state, reply = linking.join_partner(FRESH, _intent("join_partner"), content)
    assert state.situation == Situation.ASK_CODE and _keys(reply) == ["phrase:link.ask_code"]
    state, reply = linking.join_partner(FRESH, _intent("join_partner", LINKED), content)
    assert state.situation == Situation.CONFIRM_JOIN and _keys(reply) == ["phrase:link.join_already_linked"]


def test_a_code_is_tried_only_with_six_digits_and_only_when_asked_for(content):
    asked = replace(FRESH, situation=Situation.ASK_CODE)
    _, reply = linking.code_heard(asked, _intent("link_code", code="4 8 1 5 2 9"), content)
    assert reply.action == "link_join" and reply.action_params == {"code": "481529"}
    for heard in ("48152", "4815299"):
        state, reply = linking.code_heard(asked, _intent("link_code", code=heard), content)
        assert reply.action is None and _keys(reply) == ["phrase:link.code_length"]
        assert state.situation == Situation.ASK_CODE
    _, reply = step(FRESH, _intent("link_code", code="481529"), content)
    assert reply.action is None and _keys(reply)[0] == "phrase:link.code_not_asked"


def test_unlinking_asks_first_and_only_when_linked(content):
    state, reply = linking.unlink_partner(FRESH, _intent("unlink_partner", LINKED), content)
    assert state.situation == Situation.CONFIRM_UNLINK and _keys(reply) == ["phrase:link.unlink_confirm"]
    state, reply = linking.unlink_partner(FRESH, _intent("unlink_partner"), content)
    assert state.situation == Situation.HOME and _keys(reply)[0] == "phrase:link.not_linked"


def test_deleting_when_linked_asks_whose_data_and_agrees_when_the_other_asked_first(content):
    state, reply = linking.delete_data(FRESH, _intent("delete_data", LINKED), content)
    assert state.situation == Situation.CHOOSE_DELETE and _keys(reply) == ["phrase:link.delete_own_question"]
    asked = LinkInfo(linked=True, delete_asked=True)
    state, reply = linking.delete_data(FRESH, _intent("delete_data", asked), content)
    assert state.situation == Situation.CONFIRM_DELETE_SHARED and _keys(reply) == ["phrase:link.delete_agree"]
    state, reply = linking.delete_data(FRESH, _intent("delete_data"), content)
    assert state.situation == Situation.CONFIRM_DELETE and _keys(reply) == ["phrase:delete.confirm"]


def test_the_shared_program_is_deleted_only_with_the_other_accounts_agreement(content):
    agreed = _intent("yes", LinkInfo(linked=True, delete_asked=True))
    state, reply = linking.delete_shared(FRESH, agreed, content)
    assert reply.action == "link_delete_shared" and reply.end_session and state == State()
    state, reply = linking.delete_shared(FRESH, _intent("yes", LINKED), content)
    assert reply.action == "link_ask_delete_shared" and not reply.end_session


@pytest.mark.parametrize(
    "name, slots, key",
    [
        ("link_wrong", {"left": "1"}, "phrase:link.wrong_one_left"),
        ("link_wrong", {"left": "2"}, "phrase:link.wrong"),
        ("link_joined", {"names": "Maya and Jordan"}, "phrase:link.joined"),
        ("link_joined", {}, "phrase:link.joined_unnamed"),
        ("link_expired", {}, "phrase:link.expired"),
        ("link_something_new", {}, "phrase:link.failed"),
    ],
)
def test_what_the_edges_report_is_said_in_its_own_words(content, name, slots, key):
    state, reply = step(FRESH, _result(name, **slots), content)
    assert _keys(reply)[0] == key
    # A wrong code asks again; everything else leaves them at home.
    assert state.situation == (Situation.ASK_CODE if name == "link_wrong" else Situation.HOME)


def test_a_new_code_is_said_digit_by_digit_shown_on_a_card_and_the_session_ends(content):
    _, reply = step(FRESH, _result("link_code_made", digits="4 8 1 5 2 9", code="481529"), content)
    assert _keys(reply) == ["phrase:link.code", "phrase:link.code_how"] and reply.end_session
    assert reply.card is not None and reply.card.body[0].kwargs == {"code": "481529"}

"""What the couple's state may hold, and how two sessions' changes combine (issue 27, point 3).

Session attributes come from outside on every turn: each field's bounds are checked,
and a session that breaks them is refused (the record is read again). A stored record
is read tolerantly and repaired. Each test fails when its bound or rule flips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from trust_renewal.conversation import State
from trust_renewal.conversation.reply import Line
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.state import (
    MAX_ITEMS,
    MAX_LINES,
    MAX_NAME,
    MAX_NUMBER,
    MAX_TEXT,
    InvalidState,
    changed_units,
    checked,
    either,
    field_value,
    larger,
    later_wins,
    merge_changes,
    set_changes,
    unless_moved_since_read,
)
from trust_renewal.storage.base import Record

COUPLE = {"names": ["Maya", "Jordan"], "exercise_id": "acknowledge.naming-it", "started": True}


def _refused(**fields: Any) -> bool:
    try:
        State.from_dict({**COUPLE, **fields}, strict=True)
    except InvalidState:
        return True
    return False


# -- one field at a time -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "turn, ok", [(0, True), (3, True), (4, False), (-1, False), (True, False), ("1", False)]
)
def test_a_turn_stage_is_0_to_3(turn, ok):
    assert _refused(turn=turn) is not ok
    kept = State.from_dict({**COUPLE, "turn": turn})  # a stored record: the field falls back, the rest loads
    assert kept.turn == (turn if ok else 0) and kept.names == ("Maya", "Jordan")


@pytest.mark.parametrize("value, ok", [(0, True), (1, True), (2, False), (7, False), (None, False)])
def test_a_first_speaker_is_partner_0_or_1(value, ok):
    assert _refused(first_speaker=value) is not ok


@pytest.mark.parametrize("value, ok", [(None, True), ("0", True), ("1", True), ("7", False), (1, False)])
def test_a_wish_to_go_first_names_partner_0_or_1(value, ok):
    assert _refused(next_first=value) is not ok


@pytest.mark.parametrize(
    "index, ok", [(0, True), (1, True), (7, False), (-1, False), (True, False), ("0", False)]
)
def test_a_recognised_voice_names_partner_0_or_1(index, ok):
    assert _refused(people=[["amzn1.ask.person.P", index]]) is not ok
    if ok:
        assert State.from_dict({**COUPLE, "people": [["amzn1.ask.person.P", index]]}).people[0][1] == index


def test_a_recognised_voice_for_a_partner_who_has_no_name_is_dropped_not_refused():
    # Partner two of a couple with one name: the skill can reach this ("it's just me").
    state = State.from_dict({"names": ["Sam"], "people": [["P1", 0], ["P2", 1]]}, strict=True)
    assert state.people == (("P1", 0),)
    assert State.from_dict({"people": [["P1", 0]]}).people == (("P1", 0),)  # no names yet: partner one


@pytest.mark.parametrize(
    "names, ok",
    [
        (["Maya"], True), (["Maya", "Jordan"], True), (["A" * MAX_NAME], True), ([], True),
        (["Maya", "Jordan", "Sam"], False), ([""], False), (["A" * (MAX_NAME + 1)], False), ([3], False),
    ],
)  # fmt: skip
def test_at_most_two_names_of_a_plausible_length(names, ok):
    assert _refused(names=names) is not ok


@pytest.mark.parametrize(
    "value, ok",
    [(None, True), ("Sam", True), ("S" * MAX_NAME, True), ("", False), ("S" * (MAX_NAME + 1), False)],
)
def test_a_pending_name_is_a_plausible_name(value, ok):
    assert _refused(pending_name=value) is not ok


@pytest.mark.parametrize("name, good, bad", [
    ("hurt", ["0", "1", "both", None], ["2", "the one who cheated", 0]),
    ("solo_role", [None, "", "hurt", "caused", "both"], ["either", 1]),
    ("safety_route", [None, "self_harm", "harm_done", "someone_else", "abuse", "danger"], ["panic"]),
    ("safety_offer", [None, "card", "breath", "safe_now", "ask_life", "resume"], ["hug"]),
    ("situation", ["home", "speaker_turn"], ["dancing"]),
])  # fmt: skip
def test_fields_with_a_few_values_take_only_those(name, good, bad):
    fields = {"names": ["Maya", "Jordan"]}
    for value in good:
        State.from_dict({**fields, name: value}, strict=True)
    for value in bad:
        with pytest.raises(InvalidState):
            State.from_dict({**fields, name: value}, strict=True)


@pytest.mark.parametrize("value, ok", [
    (0, True), (MAX_NUMBER, True), (12.0, True), (MAX_NUMBER + 1, False), (-1, False), (1.5, False),
    (True, False), ("3", False),
])  # fmt: skip
def test_counts_are_whole_numbers_in_range(value, ok):
    assert _refused(days_practiced=value) is not ok
    if ok:
        assert State.from_dict({"days_practiced": value}).days_practiced == int(value)


@pytest.mark.parametrize(
    "value, ok", [(True, True), (False, True), (1, False), ("yes", False), (None, False)]
)
def test_flags_are_true_or_false(value, ok):
    assert _refused(welcomed=value) is not ok


def test_texts_and_lists_are_short():
    assert not _refused(reminder_time="x" * MAX_TEXT)
    assert _refused(reminder_time="x" * (MAX_TEXT + 1))
    assert _refused(reminder_time=5)
    assert not _refused(finished=["a"] * MAX_ITEMS)
    assert _refused(finished=["a"] * (MAX_ITEMS + 1))
    assert _refused(finished={"x": 1})
    assert State.from_dict({"zones": [["dev", "Europe/Paris", "2026-11-21"]]}).zones == (
        ("dev", "Europe/Paris", "2026-11-21"),
    )


def test_what_was_said_last_is_no_longer_than_the_skill_ever_says():
    line = Line("phrase:cue.next").to_json()
    assert not _refused(last=[line] * MAX_LINES)
    assert _refused(last=[line] * (MAX_LINES + 1))
    assert _refused(last=[Line("phrase:cue.next", (("x", "y" * (MAX_TEXT + 1)),)).to_json()])
    assert _refused(last=[Line("k" * (MAX_TEXT + 1)).to_json()])
    many = tuple((f"p{i}", "v") for i in range(MAX_LINES + 1))
    assert _refused(last=[Line("phrase:cue.next", many).to_json()])
    assert field_value("last", (), [line]) == (Line("phrase:cue.next"),)


# -- the whole record ----------------------------------------------------------------------------
def test_roles_without_names_are_refused_in_a_session_and_repaired_in_a_record():
    assert _refused(names=[], hurt="0")
    assert State.from_dict({"hurt": "0"}).hurt is None
    assert State.from_dict({"names": ["Maya", "Jordan"], "hurt": "0"}).hurt == "0"


def test_one_person_alone_has_one_name_and_always_speaks_first():
    with pytest.raises(InvalidState):
        State.from_dict({"solo": True, "names": ["Sam", "Alex"]}, strict=True)
    assert State.from_dict({"solo": True, "names": ["Sam", "Alex"]}).names == ("Sam",)
    # The skill can reach this itself ("it's just me" after "let Jordan go first"): repaired, not refused.
    alone = State.from_dict({"solo": True, "names": ["Sam"], "first_speaker": 1}, strict=True)
    assert alone.first_speaker == 0
    assert State.from_dict({"names": ["Maya", "Jordan"], "first_speaker": 1}).first_speaker == 1


def test_a_state_that_breaks_no_rule_comes_back_unchanged():
    state = State(names=("Maya", "Jordan"), hurt="1", people=(("P", 1),), first_speaker=1)
    assert checked(state, strict=True) is state


# -- old records and sessions ----------------------------------------------------------------------
@pytest.mark.parametrize("done, first", [(0, 0), (1, 1), (2, 0), (3, 1)])
def test_a_record_from_before_the_first_speaker_was_kept_takes_it_from_the_count_finished(done, first):
    finished = [f"x{i}" for i in range(done)]
    assert State.from_dict({"names": ["Maya", "Jordan"], "finished": finished}).first_speaker == first
    stored = {"names": ["Maya", "Jordan"], "finished": finished, "first_speaker": 1 - first}
    assert State.from_dict(stored).first_speaker == 1 - first  # a kept one wins


def test_a_session_from_before_situations_is_read_from_its_phase_and_offer():
    assert State.from_dict({"phase": "exercise"}).situation == Situation.PROMPT
    assert State.from_dict({"phase": "offer", "offer": "begin"}).situation == Situation.OFFER_BEGIN
    assert State.from_dict({"phase": "offer", "offer": "resume"}).situation == Situation.OFFER_RESUME
    assert State.from_dict({"situation": "checkin", "phase": "exercise"}).situation == Situation.CHECKIN


def test_a_record_of_another_shape_is_a_fresh_start_and_a_session_of_another_shape_is_refused():
    assert State.from_dict([1, 2]) == State()
    with pytest.raises(InvalidState):
        State.from_dict([1, 2], strict=True)


def test_only_kept_fields_are_stored_and_session_fields_travel_in_the_session():
    state = State(names=("Maya",), situation=Situation.SAFETY, safety_route="abuse", offer_target="x")
    kept = state.to_persisted()
    assert "situation" not in kept and "safety_route" not in kept and "offer_target" not in kept
    assert kept["names"] == ["Maya"] and kept["schema"] == 1
    session = state.to_session()
    assert session["situation"] == "safety" and session["safety_route"] == "abuse"
    assert State.from_dict(session, strict=True) == state


# -- how two sessions' changes combine ------------------------------------------------------------
def test_the_later_change_wins_and_a_tie_goes_to_this_session():
    assert later_wins("stored", 5, "ours", 6, None) == "ours"
    assert later_wins("stored", 6, "ours", 6, None) == "ours"
    assert later_wins("stored", 7, "ours", 6, None) == "stored"


def test_counts_keep_the_larger_and_a_welcome_once_heard_stays_heard():
    assert larger(3, 0, 5, 0, None) == 5 and larger(5, 0, 3, 0, None) == 5
    assert larger(None, 0, 2, 0, None) == 2 and larger(None, 0, None, 0, None) is None
    assert either(False, 0, True, 0, None) is True and either(True, 0, False, 0, None) is True
    assert either(False, 0, False, 0, None) is False


def test_finished_exercises_from_two_devices_are_all_kept_and_a_start_over_is_not_undone():
    # Each device finished one: both stay finished, in this session's order first.
    assert set_changes(["a", "b"], 0, ["a", "c"], 0, ["a"]) == ["a", "c", "b"]
    # This session started over (removed a): another device's b stays, a stays removed.
    assert set_changes(["a", "b"], 0, [], 0, ["a"]) == ["b"]
    # A stale session cannot bring back what another device's start-over cleared.
    assert set_changes([], 0, ["a", "c"], 0, ["a"]) == ["c"]
    assert set_changes([["d", "Z", "1"]], 0, [["d", "Z", "1"]], 0, []) == [["d", "Z", "1"]]


def test_the_place_moves_only_from_a_session_that_saw_the_latest_place():
    base = {"exercise_id": "a", "prompt": 0, "first_speaker": 0}
    ours = {"exercise_id": "a", "prompt": 2, "first_speaker": 0}
    assert unless_moved_since_read(base, 0, ours, 0, base) == ours  # nobody else moved it
    moved = {"exercise_id": "b", "prompt": 0, "first_speaker": 0}
    assert unless_moved_since_read(moved, 0, ours, 0, base) == moved  # another device did
    # A choice made here ("let Jordan go first") is kept whichever place wins.
    chose = {**ours, "first_speaker": 1}
    assert unless_moved_since_read(moved, 0, chose, 0, base) == {**moved, "first_speaker": 1}
    # Another device's choice stays when this session did not choose.
    theirs = {**moved, "first_speaker": 1}
    assert unless_moved_since_read(theirs, 0, ours, 0, base) == theirs
    assert unless_moved_since_read(None, 0, ours, 0, None) == ours
    assert unless_moved_since_read("x", 0, ours, 0, base) == "x"


@dataclass
class _Changes:
    values: dict[str, Any]
    stamps: dict[str, int] = field(default_factory=dict)
    changed: dict[str, Any] = field(default_factory=dict)
    writer: str | None = None
    landed: tuple[str, ...] = ()

    def own(self, stored: Record) -> bool:
        return stored.writer is not None and stored.writer in self.landed


def test_a_save_touches_only_what_the_session_changed():
    stored = Record(values={"names": ["Maya", "Jordan"], "days_practiced": 4, "background": "off"},
                    stamps={"names": 10, "background": 10})  # fmt: skip
    mine = _Changes(
        values={"names": ["Maya", "Sam"], "days_practiced": 2, "background": "on"},
        stamps={"names": 20},
        changed={"names": ["Maya", "Jordan"], "nonsense": 1},
    )
    values, stamps = merge_changes(stored, mine)
    assert values["names"] == ["Maya", "Sam"] and stamps["names"] == 20
    assert values["days_practiced"] == 4 and values["background"] == "off"  # not changed here
    assert "nonsense" not in values and values["schema"] == 1
    older = _Changes(values={"names": ["Maya", "Alex"]}, stamps={"names": 5}, changed={"names": ["Maya"]})
    values, stamps = merge_changes(stored, older)
    assert values["names"] == ["Maya", "Jordan"] and stamps["names"] == 10  # an older change loses


def test_a_session_that_meets_its_own_earlier_write_does_not_take_it_for_another_devices_move():
    place = {"exercise_id": "b", "prompt": 1, "turn": 0, "started": True, "quick": False,
             "turn_over": False, "first_speaker": 0}  # fmt: skip
    stored = Record(values=place, writer="w1")
    ours = {**place, "prompt": 2}
    base = {**place, "exercise_id": "a", "prompt": 0}
    mine = _Changes(values=ours, stamps={"place": 9}, changed={"place": base}, landed=("w1",))
    assert merge_changes(stored, mine)[0]["prompt"] == 2
    stranger = _Changes(values=ours, stamps={"place": 9}, changed={"place": base}, landed=("w2",))
    assert merge_changes(stored, stranger)[0]["prompt"] == 1


def test_a_unit_is_changed_when_any_of_its_fields_is():
    before = State(exercise_id="a").to_persisted()
    after = State(exercise_id="a", turn=2, days_practiced=1).to_persisted()
    changed = changed_units(before, after)
    assert set(changed) == {"place", "days_practiced"} and changed["place"]["turn"] == 0

"""The store's own decisions, over a scripted backend (issue 27, point 3).

``storage/base.py``: the key, change stamps, retention, the save-and-conflict loop,
tombstones and deletion. Each real backend is tested against the same contract in
tests/contracts; here each decision is tested by itself and fails when it flips.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.storage import base
from trust_renewal.storage.base import (
    ANY_REVISION,
    MAX_CLOCK_LEAD_US,
    MAX_CONFLICT_ROUNDS,
    RETENTION,
    TOMBSTONE_RETENTION,
    Changes,
    CorruptRecord,
    DeletionFailed,
    Record,
    RecordDeleted,
    StorageUnavailable,
    change_stamp,
    key_for,
    take_changes,
    user_id_of,
    user_key,
)
from trust_renewal.storage.memory import MemoryStore

USER = "amzn1.ask.account.STORE"


def _request(user: str | None = USER) -> Any:
    envelope = EnvelopeBuilder("amzn1.ask.skill.store", user_id=user or "x").launch()
    if user is None:
        del envelope["context"]["System"]["user"]
        del envelope["session"]["user"]
    return DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)


class Scripted(MemoryStore):
    """A memory store whose writes can be made to lose, or fail, a given number of times."""

    def __init__(self) -> None:
        super().__init__()
        self.lose = 0  # writes that lose to another writer (who moves the record on)
        self.fail = 0  # writes that fail outright
        self.spurious = 0  # writes that lose though nothing changed (the record is read again)
        self.expected: list[int | None] = []

    def _write(self, request_envelope: Any, key: str, record: Record, expected: int | None) -> bool | Record:
        self.expected.append(expected)
        if self.fail:
            self.fail -= 1
            raise StorageUnavailable("the store is unreachable")
        if self.spurious:
            self.spurious -= 1
            return False
        if self.lose:
            self.lose -= 1
            stored = self.records.get(key)
            revision = stored.revision + 1 if stored else 1
            self.records[key] = Record({"names": ["Other"]}, {"names": 1}, revision)
            return False
        return super()._write(request_envelope, key, record, expected)


def _changes(revision: int | None, **values: Any) -> Changes:
    stamps = {k: 5 for k in values}
    return Changes(values=values, stamps=stamps, changed=dict.fromkeys(values), revision=revision)


# -- keys ----------------------------------------------------------------------------------------
def test_a_couple_is_keyed_by_a_hash_of_their_user_id_never_the_id_itself():
    assert user_key(USER) == user_key(USER) and len(user_key(USER)) == 64 and USER not in user_key(USER)
    assert user_key(USER) != user_key(USER + "2")
    assert key_for(_request()) == user_key(USER)


def test_the_user_is_read_from_the_context_first_then_the_session():
    envelope = EnvelopeBuilder("amzn1.ask.skill.store", user_id=USER).launch()
    envelope["session"]["user"]["userId"] = "amzn1.ask.account.SESSION"
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    assert user_id_of(request) == USER
    del envelope["context"]["System"]["user"]
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    assert user_id_of(request) == "amzn1.ask.account.SESSION"


def test_a_request_without_a_user_cannot_be_saved():
    assert user_id_of(_request(None)) is None
    with pytest.raises(StorageUnavailable):
        key_for(_request(None))


# -- change stamps -------------------------------------------------------------------------------
def test_change_stamps_always_go_up_and_follow_a_later_one_seen_elsewhere():
    first = change_stamp()
    second = change_stamp()
    assert second > first
    ahead = second + 1_000_000  # another device's clock, a second ahead
    assert change_stamp(at_least=ahead) == ahead + 1
    assert change_stamp() < ahead  # the process clock itself did not move


def test_change_stamps_go_up_even_within_one_tick_of_the_clock(monkeypatch):
    monkeypatch.setattr(base, "now_stamp", lambda: 5)  # a clock that does not move
    stamps = [change_stamp() for _ in range(3)]
    assert stamps[0] < stamps[1] < stamps[2]


def test_a_stamp_further_ahead_than_any_clock_is_ignored():
    now = change_stamp()
    absurd = now + MAX_CLOCK_LEAD_US + 10**9
    assert change_stamp(at_least=absurd) < absurd
    assert change_stamp(at_least=0) > now


# -- retention -----------------------------------------------------------------------------------
def test_a_record_is_kept_a_year_and_a_tombstone_thirty_days():
    now = 1_000_000.0
    assert Record().expires_at(now) == int(now + RETENTION.total_seconds())
    assert Record(deleted_at=1).expires_at(now) == int(now + TOMBSTONE_RETENTION.total_seconds())
    assert Record(deleted_at=1).tombstone and not Record().tombstone


def test_the_plain_merge_writes_only_the_changed_fields():
    stored = Record({"names": ["Maya"], "days_practiced": 3}, {"names": 1, "days_practiced": 1})
    values = {"names": ["Sam"], "days_practiced": 0}
    changes = Changes(values=values, stamps={"names": 9}, changed={"names": None}, revision=1)
    values, stamps = take_changes(stored, changes)
    assert values == {"names": ["Sam"], "days_practiced": 3} and stamps == {"names": 9, "days_practiced": 1}
    # A field named as changed but not carried keeps what is stored.
    missing = Changes(values={}, stamps={}, changed={"names": None}, revision=1)
    assert take_changes(stored, missing)[0]["names"] == ["Maya"]


def test_a_session_knows_its_own_landed_write_and_no_one_elses():
    changes = Changes(values={}, stamps={}, changed={}, revision=1, landed=("w1",))
    assert changes.own(Record(writer="w1")) and not changes.own(Record(writer="w2"))
    assert not changes.own(Record(writer=None))


# -- the save loop -------------------------------------------------------------------------------
def test_a_first_save_writes_expecting_no_record_and_the_next_expects_its_revision():
    store = Scripted()
    written = store.save(_request(), _changes(None, names=["Maya"]))
    assert written.revision == 1 and store.expected == [None]
    again = store.save(_request(), _changes(1, names=["Maya", "Jordan"]))
    assert again.revision == 2 and store.expected == [None, 1]
    assert store.load(_request()).values["names"] == ["Maya", "Jordan"]


def test_a_save_that_loses_merges_onto_what_is_stored_and_tries_again():
    store = Scripted()
    store.save(_request(), _changes(None, names=["Maya"]))
    store.lose = 1
    written = store.save(_request(), _changes(1, days_practiced=4))
    # Another writer moved the record to revision 2: the save is merged onto it, written as 3.
    assert written.revision == 3 and store.expected[-2:] == [1, 2]
    assert written.values == {"names": ["Other"], "days_practiced": 4}


def test_a_record_that_keeps_changing_gives_up_after_the_last_round():
    store = Scripted()
    store.save(_request(), _changes(None, names=["Maya"]))
    store.lose = MAX_CONFLICT_ROUNDS
    store.save(_request(), _changes(1, days_practiced=4))  # wins on the last round
    store.lose, store.reads = MAX_CONFLICT_ROUNDS + 1, 0
    with pytest.raises(StorageUnavailable):
        store.save(_request(), _changes(None, days_practiced=5))
    assert store.reads == MAX_CONFLICT_ROUNDS  # no read after the last write lost: nothing to merge for


def test_a_session_that_replaces_what_it_could_not_read_writes_revision_one_over_nothing():
    store = Scripted()
    assert store.save(_request(), _changes(ANY_REVISION, names=["Sam"])).revision == 1


def test_a_record_deleted_after_the_session_read_it_is_never_written_again():
    store = Scripted()
    store.save(_request(), _changes(None, names=["Maya"]))
    store.delete(_request())
    with pytest.raises(RecordDeleted):
        store.save(_request(), _changes(1, names=["Maya"]))
    assert store.load(_request()).tombstone
    # A session that started from that tombstone starts afresh over it.
    tombstone = store.load(_request())
    store.spurious = 1  # even when its first write has to read the tombstone again
    fresh = store.save(_request(), _changes(tombstone.revision, names=["Sam"]))
    assert fresh.values == {"names": ["Sam"]} and not fresh.tombstone


def test_a_record_that_vanished_after_the_session_read_it_is_not_recreated():
    store = Scripted()
    store.save(_request(), _changes(None, names=["Maya"]))
    store.records.clear()
    with pytest.raises(RecordDeleted):
        store.save(_request(), _changes(1, names=["Maya"]))
    assert store.save(_request(), _changes(None, names=["Sam"])).revision == 1  # a new couple: fine


def test_a_corrupt_record_is_replaced_only_by_the_session_that_read_it():
    class Corrupt(Scripted):
        def _read(self, request_envelope: Any, key: str) -> Record | None:
            raise CorruptRecord("unreadable", revision=7)

        def _write(self, request_envelope, key, record, expected):
            self.expected.append(expected)
            return expected == 7

    reader = Corrupt()
    written = reader.save(_request(), _changes(ANY_REVISION, names=["Sam"]))
    assert written.revision == 8 and reader.expected == [ANY_REVISION, 7]
    stranger = Corrupt()
    with pytest.raises(CorruptRecord):
        stranger.save(_request(), _changes(3, names=["Sam"]))


# -- deleting ------------------------------------------------------------------------------------
def test_deleting_leaves_a_tombstone_with_no_personal_data_and_its_own_revision():
    store = Scripted()
    store.save(_request(), _changes(None, names=["Maya"]))
    tombstone = store.delete(_request())
    assert tombstone.values == {} and tombstone.tombstone and tombstone.revision == tombstone.deleted_at
    assert store.expected[-1] == ANY_REVISION
    assert store.get_attributes(_request()) == {}


def test_a_failed_deletion_is_tried_once_more_then_reported(caplog):
    store = Scripted()
    store.fail = 1
    with caplog.at_level("WARNING"):
        assert store.delete(_request()).tombstone  # the second try lands
    warned = [r for r in caplog.records if r.getMessage() == "deletion not done yet; trying again"]
    assert [r.error_type for r in warned] == ["StorageUnavailable"]  # what failed, for whoever runs it
    store.fail = 2
    with pytest.raises(DeletionFailed):
        store.delete(_request())


def test_a_deletion_is_not_tried_again_once_the_time_for_it_is_spent(monkeypatch):
    store = Scripted()
    store.fail = 1
    clock = iter([0.0, base.DELETE_RETRY_BUDGET_S + 1])
    monkeypatch.setattr(base.time, "monotonic", lambda: next(clock))
    with pytest.raises(DeletionFailed):
        store.delete(_request())


def test_saving_attributes_marks_only_the_fields_that_differ_as_changed():
    store = Scripted()
    store.save_attributes(_request(), {"names": ["Maya"], "background": "on"})
    first = store.load(_request())
    store.save_attributes(_request(), {"names": ["Maya"], "background": "off"})
    second = store.load(_request())
    assert second.values == {"names": ["Maya"], "background": "off"}
    assert second.stamps["names"] == first.stamps["names"]
    assert second.stamps["background"] > first.stamps["background"]

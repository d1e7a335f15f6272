"""What every persistent store promises, run against SQLite (a real file) and DynamoDB (moto).

The stores share one save-and-conflict loop (storage.base.Store); each backend
only reads and writes conditionally. These tests hold every backend to it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from moto import mock_aws

from support.dynamo_support import FAKE_AWS_ENV, create_progress_table, make_client, request_envelope
from support.store_support import changes
from trust_renewal.conversation.state import merge_changes
from trust_renewal.storage import base
from trust_renewal.storage.base import CorruptRecord, RecordDeleted, StorageUnavailable, user_key
from trust_renewal.storage.dynamodb import DynamoDbStore
from trust_renewal.storage.sqlite import SqliteStore

MAYA = "amzn1.ask.account.MAYA-AND-JORDAN"
OTHER = "amzn1.ask.account.SOMEONE-ELSE"
ENV = request_envelope(MAYA)


@dataclass
class Backend:
    """One store under test, plus raw access to what it really wrote."""

    name: str
    make: Any  # () -> store (with the skill's merge)
    raw_records: Any  # () -> list of every stored record as text
    corrupt: Any  # (user_id) -> None: write an undecodable record for the user


@pytest.fixture(params=["sqlite", "dynamodb"])
def backend(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "data" / "progress.sqlite3"

        def rows() -> list[str]:
            with sqlite3.connect(path) as connection:
                return [repr(r) for r in connection.execute("SELECT * FROM progress")]

        def corrupt(user_id: str) -> None:
            SqliteStore(path).purge_expired()  # creates the table if this is the first use
            with sqlite3.connect(path) as connection:
                connection.execute(
                    "INSERT OR REPLACE INTO progress (id, attributes, rev, updated_at, expires_at)"
                    " VALUES (?, ?, 4, '2020-01-01', 0)",
                    (user_key(user_id), "{not json"),
                )

        yield Backend("sqlite", lambda: SqliteStore(path, merge=merge_changes), rows, corrupt)
        return

    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = make_client()
        table = create_progress_table(client)

        def items() -> list[str]:
            return [json.dumps(i) for i in client.scan(TableName=table)["Items"]]

        def corrupt(user_id: str) -> None:
            client.put_item(
                TableName=table,
                Item={"id": {"S": user_key(user_id)}, "attributes": {"S": "{not a map"}, "rev": {"N": "4"}},
            )

        yield Backend("dynamodb", lambda: DynamoDbStore(table, merge=merge_changes), items, corrupt)


def assert_plain(value: Any) -> None:
    """No Decimal (or other storage type) anywhere in what a store returns."""
    assert not isinstance(value, Decimal)
    if isinstance(value, dict):
        for item in value.values():
            assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item)


def test_a_new_couple_has_no_record(backend: Backend) -> None:
    assert backend.make().load(ENV) is None


def test_progress_reads_back_as_it_was_saved(backend: Backend) -> None:
    progress = {
        "exercise_id": "talk-and-listen-2",
        "prompt": 3,
        "finished": ["welcome-1", "honesty-1"],
        "names": ["Maya", "Jordan"],
        "people": [["amzn1.ask.person.A", 0]],
        "started": True,
        "last_practiced": None,
    }
    saved = backend.make().save(ENV, changes(progress))

    loaded = backend.make().load(ENV)

    assert loaded == saved and loaded.revision == 1 and not loaded.tombstone
    assert {k: loaded.values[k] for k in progress} == progress
    assert set(loaded.stamps) == {"place", "finished", "names", "people"}  # what changed, nothing else
    assert type(loaded.values["prompt"]) is int
    assert_plain(dict(loaded.values))


def test_a_session_that_saved_saves_again_on_its_own_revision(backend: Backend) -> None:
    store = backend.make()
    first = store.save(ENV, changes({"prompt": 1}))
    second = store.save(ENV, changes({"prompt": 2}, read=first))
    assert (first.revision, second.revision) == (1, 2)
    assert store.load(ENV).values["prompt"] == 2


def test_couples_do_not_see_each_others_progress(backend: Backend) -> None:
    store = backend.make()
    store.save(ENV, changes({"prompt": 4}))
    assert store.load(request_envelope(OTHER)) is None


def test_the_raw_user_id_is_stored_nowhere(backend: Backend) -> None:
    store = backend.make()
    store.save(ENV, changes({"prompt": 4}))
    records = backend.raw_records()
    assert len(records) == 1
    assert MAYA not in records[0]
    assert user_key(MAYA) in records[0]


def test_delete_leaves_a_tombstone_with_no_personal_data(backend: Backend) -> None:
    store = backend.make()
    store.save(ENV, changes({"names": ["Zebulon", "Jordan"], "reminder_token": "tok-123"}))
    store.save(request_envelope(OTHER), changes({"prompt": 1}))

    store.delete_attributes(ENV)

    assert store.load(ENV).tombstone
    assert store.get_attributes(ENV) == {}
    assert store.load(request_envelope(OTHER)).values["prompt"] == 1
    assert not any("Zebulon" in r or "tok-123" in r for r in backend.raw_records())


def test_deleting_when_nothing_is_stored_leaves_only_a_tombstone(backend: Backend) -> None:
    backend.make().delete_attributes(ENV)
    assert backend.make().load(ENV).tombstone
    assert len(backend.raw_records()) == 1


def test_two_sessions_at_once_lose_no_finished_exercise(backend: Backend) -> None:
    store = backend.make()
    start = store.save(ENV, changes({"finished": ["welcome-1"]}))
    # Two sessions read the same revision, each finishes a different exercise, then both save.
    store.save(ENV, changes({"finished": ["welcome-1", "honesty-1"]}, read=start))
    store.save(ENV, changes({"finished": ["welcome-1", "listening-1"]}, read=start))

    assert sorted(store.load(ENV).values["finished"]) == ["honesty-1", "listening-1", "welcome-1"]


def test_a_start_over_is_not_undone_by_a_stale_session(backend: Backend) -> None:
    store = backend.make()
    start = store.save(ENV, changes({"finished": ["welcome-1", "honesty-1"]}))
    store.save(ENV, changes({"finished": []}, read=start))  # "start over", confirmed
    store.save(ENV, changes({"finished": ["welcome-1", "honesty-1", "listening-1"]}, read=start))

    assert store.load(ENV).values["finished"] == ["listening-1"]


def test_a_stale_session_changes_only_what_it_changed(backend: Backend) -> None:
    store = backend.make()
    start = store.save(ENV, changes({"exercise_id": "ex-1", "names": ["Maya", "Jordan"]}))
    kitchen = changes({"exercise_id": "ex-3", "prompt": 2}, read=start)
    bedroom = changes({"reminder_token": "tok-9"}, read=start)  # never moved the place
    store.save(ENV, kitchen)
    store.save(ENV, bedroom)

    stored = store.load(ENV).values
    assert (stored["exercise_id"], stored["prompt"]) == ("ex-3", 2)  # not moved back
    assert stored["names"] == ["Maya", "Jordan"]  # not wiped by a default
    assert stored["reminder_token"] == "tok-9"


def test_the_later_change_wins_whatever_order_the_saves_arrive_in(backend: Backend) -> None:
    store = backend.make()
    start = store.save(ENV, changes({"names": ["Maya", "Jordan"]}))
    earlier = changes({"names": ["Sam"]}, read=start)  # changed first, saved late
    later = changes({"names": ["Priya", "Noor"]}, read=start)
    store.save(ENV, later)
    store.save(ENV, earlier)

    assert store.load(ENV).values["names"] == ["Priya", "Noor"]


def test_a_save_from_before_a_deletion_is_refused(backend: Backend) -> None:
    store = backend.make()
    start = store.save(ENV, changes({"names": ["Zebulon", "Jordan"]}))
    store.delete_attributes(ENV)

    with pytest.raises(RecordDeleted):
        store.save(ENV, changes({"prompt": 3}, read=start))
    with pytest.raises(RecordDeleted):  # nor from a session that found no record before it
        store.save(ENV, changes({"prompt": 3}, read=None))

    assert store.load(ENV).tombstone
    assert not any("Zebulon" in r for r in backend.raw_records())


def test_a_session_that_began_after_the_deletion_starts_afresh(backend: Backend) -> None:
    store = backend.make()
    store.save(ENV, changes({"names": ["Maya", "Jordan"]}))
    store.delete_attributes(ENV)
    tombstone = store.load(ENV)

    store.save(ENV, changes({"prompt": 1}, read=tombstone))

    record = store.load(ENV)
    assert not record.tombstone and record.values["prompt"] == 1 and record.values["names"] == []


def test_a_record_that_keeps_changing_gives_up_after_bounded_retries(backend: Backend) -> None:
    store = backend.make()
    other_device = backend.make()
    stale = store.save(ENV, changes({"prompt": 5}))
    other_device.save(ENV, changes({"prompt": 6}, read=stale))
    merges: list[int] = []

    def merge_while_another_device_saves(stored, mine):
        if stored is mine.known:  # the first write merges onto what the session knew
            return merge_changes(stored, mine)
        merges.append(stored.revision)
        other_device.save(ENV, changes({"prompt": 6 + len(merges)}, read=stored))
        return merge_changes(stored, mine)

    with pytest.raises(StorageUnavailable):
        store.save(ENV, changes({"prompt": 20}, read=stale), merge=merge_while_another_device_saves)

    assert len(merges) == base.MAX_CONFLICT_ROUNDS == 3
    assert store.load(ENV).values["prompt"] == 9  # the other device's last save; ours never landed


def test_a_corrupt_record_is_reported_with_the_hashed_key_only(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.corrupt(MAYA)
    with caplog.at_level(logging.WARNING), pytest.raises(CorruptRecord):
        backend.make().load(ENV)
    assert [r.user_key for r in caplog.records] == [user_key(MAYA)]
    assert all(MAYA not in r.getMessage() for r in caplog.records)


def test_a_fresh_start_replaces_a_corrupt_record_once_saved(backend: Backend) -> None:
    backend.corrupt(MAYA)
    store = backend.make()
    with pytest.raises(CorruptRecord) as caught:
        store.load(ENV)
    assert caught.value.revision == 4

    # The conversation has told the couple and starts them afresh.
    fresh = changes({"welcomed": True})
    store.save(ENV, fresh.__class__(fresh.values, fresh.stamps, fresh.changed, caught.value.revision))

    record = store.load(ENV)
    assert record.values["welcomed"] is True and record.revision == 5


def test_only_the_session_that_read_a_corrupt_record_replaces_it(backend: Backend) -> None:
    backend.corrupt(MAYA)
    with pytest.raises(CorruptRecord):
        backend.make().save(ENV, changes({"prompt": 1}))  # never read it: never told anyone

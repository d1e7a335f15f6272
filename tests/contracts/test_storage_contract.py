"""What every persistent store promises, run against SQLite (a real file) and DynamoDB (moto)."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from moto import mock_aws

from support.dynamo_support import (
    FAKE_AWS_ENV,
    create_progress_table,
    make_client,
    request_envelope,
)
from trust_renewal.storage.base import CorruptRecord, StorageUnavailable, user_key
from trust_renewal.storage.dynamodb import DynamoDbStore
from trust_renewal.storage.sqlite import SqliteStore

MAYA = "amzn1.ask.account.MAYA-AND-JORDAN"
OTHER = "amzn1.ask.account.SOMEONE-ELSE"


def union_finished(stored: dict[str, Any], mine: dict[str, Any]) -> dict[str, Any]:
    """A two-device merge: finished exercises add up, the furthest position wins."""
    merged = {**stored, **mine}
    merged["finished"] = sorted(set(stored.get("finished", [])) | set(mine.get("finished", [])))
    merged["position"] = max(stored.get("position", 0), mine.get("position", 0))
    return merged


@dataclass
class Backend:
    """One store under test, plus raw access to what it really wrote."""

    name: str
    make: Any  # (merge) -> store
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
                    "INSERT OR REPLACE INTO progress VALUES (?, ?, 4, '2020-01-01', 0)",
                    (user_key(user_id), "{not json"),
                )

        yield Backend("sqlite", lambda merge=None: SqliteStore(path, merge=merge), rows, corrupt)
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
                Item={
                    "id": {"S": user_key(user_id)},
                    "attributes": {"S": "{not a map"},
                    "rev": {"N": "4"},
                },
            )

        def make(merge: Any = None) -> DynamoDbStore:
            return DynamoDbStore(table, merge=merge)

        yield Backend("dynamodb", make, items, corrupt)


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
    assert backend.make().get_attributes(request_envelope(MAYA)) == {}


def test_progress_reads_back_as_it_was_saved(backend: Backend) -> None:
    store = backend.make()
    progress = {
        "schema": 1,
        "exercise_id": "talk-and-listen-2",
        "prompt": 3,
        "finished": ["welcome-1", "honesty-1"],
        "names": ["Maya", "Jordan"],
        "people": [["amzn1.ask.person.A", 0]],
        "pace": 1.5,
        "started": True,
        "last_practiced": None,
        "nested": {"days": {"in_row": 2, "dates": ["2024-05-01", "2024-05-02"]}},
    }
    store.save_attributes(request_envelope(MAYA), dict(progress))

    loaded = backend.make().get_attributes(request_envelope(MAYA))

    assert loaded == {**progress, "_rev": 1}
    assert type(loaded["prompt"]) is int and type(loaded["pace"]) is float
    assert_plain(loaded)


def test_save_reports_the_new_revision_in_the_callers_dict(backend: Backend) -> None:
    store = backend.make()
    attributes: dict[str, Any] = {"prompt": 1}
    store.save_attributes(request_envelope(MAYA), attributes)
    assert attributes == {"prompt": 1, "_rev": 1}

    attributes["prompt"] = 2
    store.save_attributes(request_envelope(MAYA), attributes)
    assert attributes == {"prompt": 2, "_rev": 2}
    assert store.get_attributes(request_envelope(MAYA)) == {"prompt": 2, "_rev": 2}


def test_the_revision_is_never_part_of_the_stored_payload(backend: Backend) -> None:
    store = backend.make()
    store.save_attributes(request_envelope(MAYA), {"prompt": 1})
    store.save_attributes(request_envelope(MAYA), {"prompt": 2, "_rev": 1})
    assert not any("_rev" in record for record in backend.raw_records())


def test_couples_do_not_see_each_others_progress(backend: Backend) -> None:
    store = backend.make()
    store.save_attributes(request_envelope(MAYA), {"prompt": 4})
    assert store.get_attributes(request_envelope(OTHER)) == {}


def test_the_raw_user_id_is_stored_nowhere(backend: Backend) -> None:
    store = backend.make()
    store.save_attributes(request_envelope(MAYA), {"prompt": 4})
    records = backend.raw_records()
    assert len(records) == 1
    assert MAYA not in records[0]
    assert user_key(MAYA) in records[0]


def test_delete_removes_everything_for_the_couple(backend: Backend) -> None:
    store = backend.make()
    store.save_attributes(request_envelope(MAYA), {"prompt": 4})
    store.save_attributes(request_envelope(OTHER), {"prompt": 1})

    store.delete_attributes(request_envelope(MAYA))

    assert store.get_attributes(request_envelope(MAYA)) == {}
    assert store.get_attributes(request_envelope(OTHER)) == {"prompt": 1, "_rev": 1}
    assert len(backend.raw_records()) == 1


def test_deleting_when_nothing_is_stored_is_fine(backend: Backend) -> None:
    backend.make().delete_attributes(request_envelope(MAYA))
    assert backend.raw_records() == []


def test_two_devices_at_once_lose_no_finished_exercise(backend: Backend) -> None:
    store = backend.make(union_finished)
    store.save_attributes(request_envelope(MAYA), {"finished": ["welcome-1"], "position": 2})

    # Two sessions read the same revision...
    kitchen = store.get_attributes(request_envelope(MAYA))
    bedroom = store.get_attributes(request_envelope(MAYA))
    # ...each finishes a different exercise, then both save.
    kitchen.update(finished=[*kitchen["finished"], "honesty-1"], position=3)
    bedroom.update(finished=[*bedroom["finished"], "listening-1"], position=5)
    store.save_attributes(request_envelope(MAYA), kitchen)
    store.save_attributes(request_envelope(MAYA), bedroom)

    expected = {"finished": ["honesty-1", "listening-1", "welcome-1"], "position": 5}
    assert store.get_attributes(request_envelope(MAYA)) == {**expected, "_rev": 3}
    # The late saver's session now holds what was saved, so its next save is clean.
    assert bedroom == {**expected, "_rev": 3}


def test_a_session_that_never_read_merges_instead_of_overwriting(backend: Backend) -> None:
    # E.g. the read failed at launch and the position was kept in the session.
    store = backend.make(union_finished)
    store.save_attributes(request_envelope(MAYA), {"finished": ["welcome-1"], "position": 4})

    session = {"finished": ["honesty-1"], "position": 1}
    store.save_attributes(request_envelope(MAYA), session)

    assert store.get_attributes(request_envelope(MAYA)) == {
        "finished": ["honesty-1", "welcome-1"],
        "position": 4,
        "_rev": 2,
    }


def test_without_a_merge_the_later_save_wins(backend: Backend) -> None:
    store = backend.make()
    first = {"position": 1}
    store.save_attributes(request_envelope(MAYA), first)
    stale = dict(first)
    store.save_attributes(request_envelope(MAYA), {**first, "position": 2})

    store.save_attributes(request_envelope(MAYA), {**stale, "position": 7})

    assert store.get_attributes(request_envelope(MAYA)) == {"position": 7, "_rev": 3}


def test_a_record_that_keeps_changing_gives_up_after_bounded_retries(backend: Backend) -> None:
    other_device = backend.make()
    merges = []

    def merge_while_another_device_saves(stored: dict, mine: dict) -> dict:
        merges.append(stored["position"])
        other_device.save_attributes(request_envelope(MAYA), dict(stored, _rev=len(merges)))
        return {**stored, **mine}

    store = backend.make(merge_while_another_device_saves)
    store.save_attributes(request_envelope(MAYA), {"position": 0})

    with pytest.raises(StorageUnavailable):
        store.save_attributes(request_envelope(MAYA), {"position": 9})

    assert len(merges) == sys.modules[type(store).__module__].MAX_CONFLICT_ROUNDS == 3
    assert store.get_attributes(request_envelope(MAYA))["position"] == 0


def test_a_corrupt_record_is_reported_with_the_hashed_key_only(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.corrupt(MAYA)
    store = backend.make(union_finished)

    with caplog.at_level(logging.WARNING), pytest.raises(CorruptRecord):
        store.get_attributes(request_envelope(MAYA))

    assert [r.user_key for r in caplog.records] == [user_key(MAYA)]
    assert all(MAYA not in r.getMessage() for r in caplog.records)


def test_a_fresh_start_replaces_a_corrupt_record_once_saved(backend: Backend) -> None:
    backend.corrupt(MAYA)
    store = backend.make(union_finished)
    with pytest.raises(CorruptRecord):
        store.get_attributes(request_envelope(MAYA))

    # The conversation has told the couple and starts them afresh.
    fresh: dict[str, Any] = {"finished": [], "position": 0}
    store.save_attributes(request_envelope(MAYA), fresh)

    assert store.get_attributes(request_envelope(MAYA)) == fresh
    assert fresh["_rev"] == 5

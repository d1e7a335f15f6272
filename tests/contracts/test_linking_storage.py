"""Linking two accounts (storage.linking) on both stores: SQLite (a real file) and DynamoDB (moto)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from moto import mock_aws

from support.dynamo_support import FAKE_AWS_ENV, create_progress_table, make_client, request_envelope
from trust_renewal.conversation.state import merge_changes
from trust_renewal.storage import linking
from trust_renewal.storage.base import user_key
from trust_renewal.storage.dynamodb import DynamoDbStore
from trust_renewal.storage.sqlite import SqliteStore

MAYA, JORDAN = "amzn1.ask.account.MAYA", "amzn1.ask.account.JORDAN"
A, J = user_key(MAYA), user_key(JORDAN)
ENV = request_envelope(MAYA)
PROGRAM = {"names": ["Maya", "Jordan"], "finished": ["welcome-1"], "background": "off", "schema": 1}


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator:
    if request.param == "sqlite":
        yield SqliteStore(tmp_path / "progress.sqlite3", merge=merge_changes)
        return
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = make_client()
        yield DynamoDbStore(create_progress_table(client), merge=merge_changes, client=client)


def _raw_expiry(store, key: str) -> int:
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as connection:
            return connection.execute("SELECT expires_at FROM progress WHERE id = ?", (key,)).fetchone()[0]
    item = store.client.get_item(TableName=store.table_name, Key={"id": {"S": key}})["Item"]
    return int(item["expires_at"]["N"])


def _linked(store) -> tuple[str, str]:
    couple, _, _ = linking.start_couple(store, ENV, A, PROGRAM, {"names": 5, "background": 5})
    code = linking.make_code(store, ENV, couple)
    check = linking.check_code(store, ENV, J, code, None)
    assert check.status == "ok" and check.couple == couple
    linking.join(store, ENV, J, code, couple)
    return couple, code


def test_a_code_holds_nothing_personal_and_expires_by_itself_in_ten_minutes(store) -> None:
    couple, _, _ = linking.start_couple(store, ENV, A, PROGRAM, {})
    code = linking.make_code(store, ENV, couple)
    record = store.load(ENV, key=f"code#{code[:3]}")
    assert set(record.values) == {"rest", "couple", "expires", "failures"}
    assert abs(_raw_expiry(store, f"code#{code[:3]}") - (time.time() + 600)) <= 5


def test_sqlite_sweeps_old_codes_and_counts_away(tmp_path) -> None:
    store = SqliteStore(tmp_path / "p.sqlite3", merge=merge_changes)
    couple, _, _ = linking.start_couple(store, ENV, A, PROGRAM, {})
    code = linking.make_code(store, ENV, couple)
    wrong = "999999" if code != "999999" else "888888"
    assert linking.check_code(store, ENV, J, wrong, None).status == "wrong"
    store.clock = lambda: datetime.now(UTC) + timedelta(hours=2)
    assert store.purge_expired() == 2  # the code and the hour's count of wrong tries
    assert store.load(ENV, key=f"code#{code[:3]}") is None
    assert store.load(ENV, key=couple) is not None  # the program itself stays


def test_joining_shares_the_program_and_keeps_each_accounts_own_fields(store) -> None:
    couple, _ = _linked(store)
    maya, jordan = store.load(ENV, key=A), store.load(ENV, key=J)
    assert maya.values == {"link": couple, "background": "off", "schema": 1}
    assert jordan.values == {"link": couple}
    shared = store.load(ENV, key=couple).values
    assert shared["names"] == ["Maya", "Jordan"] and "background" not in shared
    assert shared["members"] == [A, J]


def test_unlinking_gives_the_account_a_copy_and_leaves_the_other_linked(store) -> None:
    couple, _ = _linked(store)
    linking.unlink(store, ENV, J)
    jordan = store.load(ENV, key=J).values
    assert "link" not in jordan and jordan["names"] == ["Maya", "Jordan"]
    assert linking.couple_of(store.load(ENV, key=A)) == couple
    assert store.load(ENV, key=couple).values["members"] == [A]


def test_the_last_account_to_delete_takes_the_shared_program_with_it(store) -> None:
    couple, _ = _linked(store)
    linking.delete_own(store, ENV, A)
    assert store.load(ENV, key=A).tombstone and not store.load(ENV, key=couple).tombstone
    linking.delete_own(store, ENV, J)
    assert store.load(ENV, key=couple).tombstone and store.load(ENV, key=J).tombstone


def test_codes_are_one_use_and_stop_after_ten_minutes(store, monkeypatch) -> None:
    couple, code = _linked(store)
    assert linking.check_code(store, ENV, user_key("amzn1.ask.account.X"), code, None).status == "used"
    fresh = linking.make_code(store, ENV, couple)
    now = time.time()
    monkeypatch.setattr(linking, "clock", lambda: now + 601)
    assert linking.check_code(store, ENV, user_key("amzn1.ask.account.X"), fresh, None).status == "expired"

"""The SQLite store on a real file: where it lives, concurrent threads, expiry, a damaged file."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from support.dynamo_support import request_envelope
from support.store_support import changes
from trust_renewal.conversation.state import merge_changes
from trust_renewal.storage.base import StorageUnavailable
from trust_renewal.storage.sqlite import SqliteStore

MAYA = "amzn1.ask.account.MAYA-AND-JORDAN"
OTHER = "amzn1.ask.account.SOMEONE-ELSE"


def test_the_file_and_its_folders_are_created_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "progress.sqlite3"
    store = SqliteStore(str(path))
    assert not path.exists()  # building the store touches nothing

    store.save_attributes(request_envelope(MAYA), {"position": 1})

    assert path.is_file()
    assert SqliteStore(path).get_attributes(request_envelope(MAYA)) == {"position": 1}


def test_the_file_uses_write_ahead_logging(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    SqliteStore(path).get_attributes(request_envelope(MAYA))
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_raw_user_id_is_nowhere_in_the_files(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "progress.sqlite3")
    store.save_attributes(request_envelope(MAYA), {"names": ["Maya", "Jordan"]})
    written = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # database, WAL and index
    assert b"Jordan" in written
    assert MAYA.encode() not in written


def test_two_threads_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "progress.sqlite3", merge=merge_changes)
    rounds = 20
    in_step = threading.Barrier(2)
    errors: list[BaseException] = []

    def device(name: str) -> None:
        try:
            for i in range(rounds):
                read = store.load(request_envelope(MAYA))
                finished = [*(read.values["finished"] if read else []), f"{name}-{i}"]
                in_step.wait()  # both have read the same revision: now both save
                store.save(request_envelope(MAYA), changes({"finished": finished}, read=read))
                in_step.wait()
        except BaseException as exc:
            errors.append(exc)
            in_step.abort()

    threads = [threading.Thread(target=device, args=(n,)) for n in ("kitchen", "bedroom")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    saved = store.load(request_envelope(MAYA))
    expected = {f"{n}-{i}" for n in ("kitchen", "bedroom") for i in range(rounds)}
    assert set(saved.values["finished"]) == expected
    assert saved.revision == 2 * rounds


def test_a_deleted_name_is_in_neither_the_database_nor_its_log(tmp_path: Path) -> None:
    # secure_delete zeroes what a deletion frees; the WAL is emptied after it.
    store = SqliteStore(tmp_path / "progress.sqlite3")
    store.purge_expired()  # creates the file
    # Another connection stays open (another server thread, a backup): SQLite then
    # keeps the write-ahead log on disk instead of removing it at the last close.
    watcher = sqlite3.connect(tmp_path / "progress.sqlite3")
    watcher.execute("SELECT count(*) FROM progress").fetchone()
    store.save_attributes(request_envelope(MAYA), {"names": ["Zebulon", "Jordan"]})
    store.save_attributes(request_envelope(OTHER), {"names": ["Priya", "Noor"]})
    written = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"Zebulon" in written  # it really was on disk

    store.delete_attributes(request_envelope(MAYA))

    files = sorted(p.name for p in tmp_path.iterdir())
    written = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"Zebulon" not in written, files
    assert b"Priya" in written  # the other couple is untouched
    watcher.close()


def test_records_untouched_for_a_year_are_purged(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    old = SqliteStore(path)
    old.clock = lambda: datetime(2023, 1, 1, tzinfo=UTC)
    old.save_attributes(request_envelope(MAYA), {"position": 3})
    recent = SqliteStore(path)
    recent.clock = lambda: datetime(2023, 12, 1, tzinfo=UTC)
    recent.save_attributes(request_envelope(OTHER), {"position": 1})

    later = SqliteStore(path)
    later.clock = lambda: datetime(2024, 1, 2, tzinfo=UTC)
    assert later.purge_expired() == 1

    assert later.get_attributes(request_envelope(MAYA)) == {}
    assert later.load(request_envelope(MAYA)) is None
    assert later.get_attributes(request_envelope(OTHER)) == {"position": 1}


def test_a_deletions_tombstone_is_purged_after_30_days(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    store = SqliteStore(path)
    store.clock = lambda: datetime(2024, 1, 1, tzinfo=UTC)
    store.save_attributes(request_envelope(MAYA), {"position": 3})
    store.delete_attributes(request_envelope(MAYA))
    store.clock = lambda: datetime(2024, 1, 30, tzinfo=UTC)
    assert store.purge_expired() == 0 and store.load(request_envelope(MAYA)).tombstone
    store.clock = lambda: datetime(2024, 2, 1, tzinfo=UTC)
    assert store.purge_expired() == 1 and store.load(request_envelope(MAYA)) is None


def test_saving_purges_expired_records_without_being_asked(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    old = SqliteStore(path)
    old.clock = lambda: datetime(2020, 1, 1, tzinfo=UTC)
    old.save_attributes(request_envelope(MAYA), {"position": 3})

    # A later process: its first save also clears what expired.
    SqliteStore(path).save_attributes(request_envelope(OTHER), {"position": 1})

    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM progress").fetchone() == (1,)


def test_a_folder_that_cannot_be_created_is_storage_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = SqliteStore(blocker / "progress.sqlite3")
    with pytest.raises(StorageUnavailable):
        store.get_attributes(request_envelope(MAYA))


def test_a_damaged_file_is_storage_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    store = SqliteStore(path)
    store.save_attributes(request_envelope(MAYA), {"position": 1})
    for leftover in tmp_path.iterdir():
        leftover.unlink()
    path.write_bytes(b"this is not a database file, whatever its name says" * 100)

    with pytest.raises(StorageUnavailable) as caught:
        store.get_attributes(request_envelope(MAYA))
    assert isinstance(caught.value.__cause__, sqlite3.Error)
    with pytest.raises(StorageUnavailable):
        store.save_attributes(request_envelope(MAYA), {"position": 2})

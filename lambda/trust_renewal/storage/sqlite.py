"""Progress in a local SQLite file: the default store for the chat and the local web server.

Same contract as the DynamoDB store (storage.base): JSON attributes and change
stamps in one row per hashed user key, a revision column for conditional
writes, tombstones for deletions, and rows that expire a year after their last
write (tombstones after 30 days).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trust_renewal.storage.base import (
    ANY_REVISION,
    CorruptRecord,
    Merge,
    Record,
    StorageUnavailable,
    Store,
)

log = logging.getLogger(__name__)

# Seconds a writer waits for another's lock (the web server is multi-threaded).
BUSY_TIMEOUT_S = 5.0
# Expired rows are purged on the first save of a process, then every this many saves.
PURGE_EVERY = 100

_SCHEMA = """
CREATE TABLE IF NOT EXISTS progress (
    id TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    rev INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    stamps TEXT NOT NULL DEFAULT '{}',
    deleted_at INTEGER,
    writer TEXT
);
CREATE INDEX IF NOT EXISTS progress_expires_at ON progress (expires_at);
"""
# Files made before change stamps, tombstones and writer tokens get the columns added.
_ADDED_COLUMNS = {
    "stamps": "ALTER TABLE progress ADD COLUMN stamps TEXT NOT NULL DEFAULT '{}'",
    "deleted_at": "ALTER TABLE progress ADD COLUMN deleted_at INTEGER",
    "writer": "ALTER TABLE progress ADD COLUMN writer TEXT",
}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class SqliteStore(Store):
    """One connection per call, so any thread may use the same store.

    Every connection runs with ``secure_delete``: what a deletion removes is
    overwritten with zeros, and the write-ahead log is emptied after it, so a
    deleted couple's names survive neither in free pages nor in the WAL.
    """

    def __init__(self, path: os.PathLike[str] | str, merge: Merge | None = None) -> None:
        super().__init__(merge)
        self.path = Path(path)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._ready = False
        self._lock = threading.Lock()
        self._saves = 0

    # -- connections ------------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh autocommit connection; every SQLite or file error is StorageUnavailable."""
        try:
            self._prepare()
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            connection.execute("PRAGMA secure_delete=ON")
        except (sqlite3.Error, OSError) as exc:
            reason = type(exc).__name__
            raise StorageUnavailable(f"cannot open the progress file ({reason})") from exc
        try:
            yield connection
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"progress file error ({type(exc).__name__})") from exc
        finally:
            connection.close()

    def _prepare(self) -> None:
        """Create the folder, the table and WAL journaling once per process."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            try:
                # WAL lets readers go on while one thread writes.
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(_SCHEMA)
                have = {row[1] for row in connection.execute("PRAGMA table_info(progress)")}
                for column, statement in _ADDED_COLUMNS.items():
                    if column not in have:
                        connection.execute(statement)
            finally:
                connection.close()
            self._ready = True

    # -- Store ------------------------------------------------------------------
    def _read(self, request_envelope: Any, key: str) -> Record | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT attributes, rev, stamps, deleted_at, writer FROM progress WHERE id = ?", (key,)
            ).fetchone()
        return None if row is None else self._decode(row, key)

    @staticmethod
    def _decode(row: tuple[Any, Any, Any, Any, Any], key: str) -> Record:
        raw, rev, raw_stamps, deleted_at, writer = row
        if isinstance(rev, bool) or not isinstance(rev, int) or rev < 0:
            log.warning("stored record has a bad revision", extra={"user_key": key})
            raise CorruptRecord("the stored record has a bad revision", None)
        if deleted_at is not None:
            if not isinstance(deleted_at, int):
                raise CorruptRecord("the stored tombstone is damaged", rev)
            return Record(revision=rev, deleted_at=deleted_at)
        try:
            attributes = json.loads(raw)
            stamps = json.loads(raw_stamps)
        except (TypeError, ValueError) as exc:
            log.warning("stored record is not JSON", extra={"user_key": key})
            raise CorruptRecord("the stored record is not valid JSON", rev) from exc
        if not isinstance(attributes, dict) or not isinstance(stamps, dict):
            log.warning("stored record is not a map", extra={"user_key": key})
            raise CorruptRecord("the stored record is not a map", rev)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in stamps.values()):
            log.warning("stored record has bad change stamps", extra={"user_key": key})
            raise CorruptRecord("the stored record has bad change stamps", rev)
        return Record(
            values=attributes, stamps=stamps, revision=rev, writer=writer if isinstance(writer, str) else None
        )

    def _write(
        self, request_envelope: Any, key: str, record: Record, expected: int | None
    ) -> bool | Record:
        now = self.clock()
        values = (
            "{}" if record.tombstone else _json(dict(record.values)),
            "{}" if record.tombstone else _json(dict(record.stamps)),
            record.deleted_at,
            record.writer,
            record.revision,
            now.isoformat(timespec="seconds"),
            record.expires_at(now.timestamp()),
        )
        columns = "attributes, stamps, deleted_at, writer, rev, updated_at, expires_at"
        with self._connect() as connection:
            if expected is None:
                cursor = connection.execute(
                    f"INSERT INTO progress ({columns}, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (id) DO NOTHING",
                    (*values, key),
                )
            elif expected == ANY_REVISION:
                cursor = connection.execute(
                    f"INSERT OR REPLACE INTO progress ({columns}, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, key),
                )
            else:
                cursor = connection.execute(
                    "UPDATE progress SET attributes = ?, stamps = ?, deleted_at = ?, writer = ?, rev = ?,"
                    " updated_at = ?, expires_at = ? WHERE id = ? AND rev IS ?",
                    (*values, key, expected),
                )
            if cursor.rowcount != 1:
                return False
            if record.tombstone:
                # Move the zeroed pages into the database and empty the log, which
                # still holds the frames written before the deletion.
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                self._saves += 1
                if self._saves % PURGE_EVERY == 1:
                    self._purge(connection)
        return True

    # -- retention --------------------------------------------------------------
    def _purge(self, connection: sqlite3.Connection) -> int:
        cursor = connection.execute(
            "DELETE FROM progress WHERE expires_at < ?", (int(self.clock().timestamp()),)
        )
        return cursor.rowcount

    def purge_expired(self) -> int:
        """Delete records untouched for a year and tombstones over 30 days old; how many went."""
        with self._connect() as connection:
            return self._purge(connection)

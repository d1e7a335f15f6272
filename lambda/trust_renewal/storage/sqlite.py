"""Progress in a local SQLite file: the default store for the chat and the local web server.

Same contract as the DynamoDB store: JSON attributes in one row per hashed user
key, a revision column for conditional writes, merge on conflict, and rows
that expire a year after their last write.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from trust_renewal.storage.base import (
    MAX_CONFLICT_ROUNDS,
    CorruptRecord,
    StorageUnavailable,
    key_for,
    settle,
    split_revision,
)

log = logging.getLogger(__name__)

RETENTION = timedelta(days=365)
# Seconds a writer waits for another's lock (the web server is multi-threaded).
BUSY_TIMEOUT_S = 5.0
# Expired rows are purged on the first save of a process, then every this many saves.
PURGE_EVERY = 100

Merge = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS progress (
    id TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    rev INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS progress_expires_at ON progress (expires_at);
"""


class SqliteStore(AbstractPersistenceAdapter):
    """One connection per call, so any thread may use the same store."""

    def __init__(self, path: os.PathLike[str] | str, merge: Merge | None = None) -> None:
        self.path = Path(path)
        self.merge = merge
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
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None
            )
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
            finally:
                connection.close()
            self._ready = True

    # -- rows -------------------------------------------------------------------
    def _read_row(self, connection: sqlite3.Connection, key: str) -> tuple[Any, Any] | None:
        return connection.execute(
            "SELECT attributes, rev FROM progress WHERE id = ?", (key,)
        ).fetchone()

    @staticmethod
    def _decode(row: tuple[Any, Any], key: str) -> tuple[dict[str, Any], int]:
        raw, rev = row
        try:
            attributes = json.loads(raw)
        except (TypeError, ValueError) as exc:
            log.warning("stored record is not JSON", extra={"user_key": key})
            raise CorruptRecord("the stored record is not valid JSON") from exc
        if not isinstance(attributes, dict):
            log.warning("stored record is not a map", extra={"user_key": key})
            raise CorruptRecord("the stored record is not a map")
        if isinstance(rev, bool) or not isinstance(rev, int) or rev < 0:
            log.warning("stored record has a bad revision", extra={"user_key": key})
            raise CorruptRecord("the stored record has a bad revision")
        attributes.pop("_rev", None)
        return attributes, rev

    def _write(
        self,
        connection: sqlite3.Connection,
        key: str,
        payload: dict[str, Any],
        expected: int | None,
        stored_rev: Any = None,
    ) -> int | None:
        """Write if the row is as expected; the new revision, or None on a conflict.

        ``expected`` None means "no row yet". ``stored_rev`` (a corrupt row's raw
        revision value) replaces the row only if that value is still there.
        """
        now = self.clock()
        new_rev = (expected or 0) + 1
        values = (
            json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            new_rev,
            now.isoformat(timespec="seconds"),
            int((now + RETENTION).timestamp()),
        )
        if expected is None:
            cursor = connection.execute(
                "INSERT INTO progress (attributes, rev, updated_at, expires_at, id)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (*values, key),
            )
        else:
            cursor = connection.execute(
                "UPDATE progress SET attributes = ?, rev = ?, updated_at = ?, expires_at = ?"
                " WHERE id = ? AND rev IS ?",
                (*values, key, expected if stored_rev is None else stored_rev),
            )
        return new_rev if cursor.rowcount == 1 else None

    # -- AbstractPersistenceAdapter ---------------------------------------------
    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        """The stored attributes plus ``"_rev"``; ``{}`` when the user has no record."""
        key = key_for(request_envelope)
        with self._connect() as connection:
            row = self._read_row(connection, key)
        if row is None:
            return {}
        attributes, rev = self._decode(row, key)
        attributes["_rev"] = rev
        return attributes

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        """Conditionally save; on a conflict merge with what is stored and try again.

        ``attributes`` is updated in place to what was saved, with its new ``"_rev"``.
        """
        key = key_for(request_envelope)
        payload, expected = split_revision(attributes)
        stored_rev: Any = None
        with self._connect() as connection:
            for conflicts in range(MAX_CONFLICT_ROUNDS + 1):
                new_rev = self._write(connection, key, payload, expected, stored_rev)
                if new_rev is not None:
                    break
                if conflicts == MAX_CONFLICT_ROUNDS:
                    raise StorageUnavailable("the record kept changing while saving")
                payload, expected, stored_rev = self._resolve(
                    key, self._read_row(connection, key), payload
                )
            self._saves += 1
            if self._saves % PURGE_EVERY == 1:
                self._purge(connection)
        settle(attributes, payload, new_rev)

    def _resolve(
        self, key: str, row: tuple[Any, Any] | None, payload: dict[str, Any]
    ) -> tuple[dict[str, Any], int | None, Any]:
        """After a conflict: what to write, the revision to expect, a corrupt row's raw rev."""
        if row is None:  # deleted in between: write ours as a new record
            return payload, None, None
        try:
            stored, rev = self._decode(row, key)
        except CorruptRecord:
            # Only reached when the caller saves over a record it could not read
            # (after telling the couple): replace it.
            raw_rev = row[1]
            number = raw_rev if isinstance(raw_rev, int) and raw_rev >= 0 else 0
            return payload, number, raw_rev
        if self.merge is None:
            return payload, rev, None
        return self.merge(stored, payload), rev, None

    def delete_attributes(self, request_envelope: Any) -> None:
        """Remove everything stored for this user (no error if nothing is)."""
        key = key_for(request_envelope)
        with self._connect() as connection:
            connection.execute("DELETE FROM progress WHERE id = ?", (key,))

    # -- retention --------------------------------------------------------------
    def _purge(self, connection: sqlite3.Connection) -> int:
        cursor = connection.execute(
            "DELETE FROM progress WHERE expires_at < ?", (int(self.clock().timestamp()),)
        )
        return cursor.rowcount

    def purge_expired(self) -> int:
        """Delete records untouched for a year (like DynamoDB's TTL); how many went."""
        with self._connect() as connection:
            return self._purge(connection)


"""What every store shares: the record, the key, the one save-and-conflict loop, tombstones.

The Store contract (every backend, and anything built on storage, relies on it):

- A backend supplies two things: ``_read`` (the stored Record or None) and
  ``_write`` (a conditional write that returns False, or the stored Record,
  when another writer got there first). It stores ``Record.writer`` with the
  record and hands it back on a read.
- ``save`` merges a session's changes onto whatever is stored, conditionally,
  and never writes over a tombstone the session did not read as its starting
  point (RecordDeleted).
- A write whose outcome is unknown (a timeout after the request was sent)
  raises StorageUnavailable; the record it tried to write carries the
  session's ``writer`` token, so the session's next save recognises its own
  landed write (``Changes.landed``) and does not mistake it for another
  device's move.
- Change stamps come from this process's clock only (``change_stamp``):
  nothing a session carries can move the clock every couple shares.
- Deleting is writing a tombstone over the record, tried twice.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from abc import abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

log = logging.getLogger(__name__)

# Records untouched for a year expire; a deletion's tombstone (no personal data)
# expires after 30 days, long enough for every open session to have ended.
RETENTION = timedelta(days=365)
TOMBSTONE_RETENTION = timedelta(days=30)
# A save that keeps losing the conditional write gives up after this many merges.
MAX_CONFLICT_ROUNDS = 3
# A failed deletion is tried again within the request, once, unless the first
# try already used up this much of Alexa's 8 s.
DELETE_ATTEMPTS = 2
DELETE_RETRY_BUDGET_S = 3.0
# ``expected`` for a write that replaces whatever is there (a tombstone, a corrupt record).
ANY_REVISION = -1


class StorageUnavailable(PersistenceException):
    """The store could not be read or written just now (throttled, down, denied...).

    The conversation catches this: it apologises, keeps the couple's place in
    the session, and saves on the next turn that can.
    """


class DeletionFailed(StorageUnavailable):
    """A deletion did not reach the store even after a retry: never report it as done."""


class RecordDeleted(Exception):
    """The couple's data was deleted after this session read it: its save is refused."""


class CorruptRecord(Exception):
    """A stored record that cannot be read back as progress (not a map, bad JSON...).

    The conversation logs it, tells the couple, and only then starts them afresh.
    ``revision`` is the damaged record's revision when that much is readable, so
    the fresh start replaces exactly that record.
    """

    def __init__(self, reason: str, revision: int | None = None) -> None:
        super().__init__(reason)
        self.revision = revision


@dataclass(frozen=True)
class Record:
    """One couple's stored record.

    ``values`` are the kept fields; ``stamps`` say when each field (or field
    group) last changed on purpose (see ``change_stamp``); ``revision`` goes up
    on every write and is what conditional writes compare. A tombstone
    (``deleted_at`` set) holds no values at all: only that the data was deleted.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    stamps: Mapping[str, int] = field(default_factory=dict)
    revision: int = 1
    deleted_at: int | None = None
    # The token of the save that wrote this record (see Changes.writer).
    writer: str | None = None

    @property
    def tombstone(self) -> bool:
        return self.deleted_at is not None

    def expires_at(self, now_s: float) -> int:
        """Epoch seconds after which the store may drop this record (DynamoDB TTL)."""
        keep = TOMBSTONE_RETENTION if self.tombstone else RETENTION
        return int(now_s + keep.total_seconds())


@dataclass(frozen=True)
class Changes:
    """What one session changed since it last read or saved, and what it knows.

    ``values`` and ``stamps`` are the session's whole view (as read, plus its own
    changes); ``changed`` maps each field it changed to the value it had before
    (so a set can be merged three ways); ``revision`` is the revision the
    session read or last wrote (None: there was no record; ANY_REVISION: it
    replaces a record it could not read). ``known`` is that revision's record
    as the session last saw it: the first write merges onto it, so even a
    write that meets no conflict applies the same rules as one that does.

    ``writer`` is this save's token, stored with what it writes; ``landed``
    are the tokens of this session's earlier saves whose outcome was unknown.
    A stored record whose writer is one of them is this session's own write,
    not another device's move: the merge takes it as the session's base.
    """

    values: Mapping[str, Any]
    stamps: Mapping[str, int]
    changed: Mapping[str, Any]
    revision: int | None
    known: Record | None = None
    writer: str | None = None
    landed: tuple[str, ...] = ()

    def own(self, stored: Record) -> bool:
        """Whether ``stored`` is one of this session's own writes whose outcome it did not learn."""
        return stored.writer is not None and stored.writer in self.landed


# (what is stored, this session's changes) -> (values, stamps) to write.
Merge = Callable[[Record, Changes], tuple[dict[str, Any], dict[str, int]]]


def take_changes(stored: Record, changes: Changes) -> tuple[dict[str, Any], dict[str, int]]:
    """The plainest merge: the changed fields overwrite what is stored."""
    values, stamps = dict(stored.values), dict(stored.stamps)
    for name in changes.changed:
        if name in changes.values:
            values[name] = changes.values[name]
        if name in changes.stamps:
            stamps[name] = changes.stamps[name]
    return values, stamps


# -- change stamps --------------------------------------------------------------
_clock_lock = threading.Lock()
_last_stamp = 0
# How far ahead of this process's clock a stamp seen elsewhere may be and still
# count (another machine's clock running fast). Anything further ahead is not
# a clock: it is ignored.
MAX_CLOCK_LEAD_US = 24 * 3600 * 10**6


def now_stamp() -> int:
    """This process's clock in stamp units (microseconds since the epoch)."""
    return time.time_ns() // 1000


def change_stamp(at_least: int = 0) -> int:
    """A change stamp: wall-clock microseconds, strictly increasing in this process.

    ``at_least`` is the highest stamp the session has seen, so a change made
    after seeing another device's change is stamped after it even if this
    machine's clock runs behind. It moves only the stamp returned, never the
    process clock every couple shares, and a value further ahead than a clock
    can plausibly be (MAX_CLOCK_LEAD_US) is ignored.
    """
    global _last_stamp
    with _clock_lock:
        _last_stamp = max(now_stamp(), _last_stamp + 1)
        stamp = _last_stamp
    if 0 < at_least < stamp + MAX_CLOCK_LEAD_US:
        stamp = max(stamp, at_least + 1)
    return stamp


# -- keys -----------------------------------------------------------------------
def user_id_of(request_envelope: Any) -> str | None:
    """The Alexa user ID from an envelope (context first, then the session)."""
    context = getattr(request_envelope, "context", None)
    system = getattr(context, "system", None)
    user = getattr(system, "user", None)
    if user is not None and getattr(user, "user_id", None):
        return user.user_id
    session = getattr(request_envelope, "session", None)
    user = getattr(session, "user", None)
    if user is not None and getattr(user, "user_id", None):
        return user.user_id
    return None


def user_key(user_id: str) -> str:
    """The record key: a SHA-256 of the Alexa user ID, so no store or log holds the raw ID."""
    return hashlib.sha256(user_id.encode("utf-8")).hexdigest()


def key_for(request_envelope: Any) -> str:
    user_id = user_id_of(request_envelope)
    if not user_id:
        raise StorageUnavailable("the request carries no user ID to key progress by")
    return user_key(user_id)


# -- the store ------------------------------------------------------------------
class Store(AbstractPersistenceAdapter):
    """The save-and-conflict loop and deletion, over a backend's read and conditional write."""

    def __init__(self, merge: Merge | None = None) -> None:
        self.merge: Merge = merge or take_changes

    # What each backend supplies ---------------------------------------------------
    @abstractmethod
    def _read(self, request_envelope: Any, key: str) -> Record | None:
        """The stored record (a tombstone too); None if there is none. CorruptRecord if unreadable."""

    @abstractmethod
    def _write(
        self, request_envelope: Any, key: str, record: Record, expected: int | None
    ) -> bool | Record:
        """Store ``record`` if the stored revision is ``expected``.

        True when written. On a conflict: False, or the stored Record when the
        backend learnt it for free (saves a read). ``None`` expects no record at
        all; ANY_REVISION replaces whatever is there.
        """

    # The loop ----------------------------------------------------------------------
    def load(self, request_envelope: Any, key: str | None = None) -> Record | None:
        """The couple's record; None for a couple never seen. Raises on a failed read.

        ``key`` names another record than the account's own (a linked couple's, storage.linking).
        """
        return self._read(request_envelope, key or key_for(request_envelope))

    def save(
        self,
        request_envelope: Any,
        changes: Changes,
        merge: Merge | None = None,
        key: str | None = None,
    ) -> Record:
        """Write this session's changes, merged onto whatever is stored now.

        The first write assumes nothing changed since the session's revision (one
        call when nobody else saved). When another writer got there first, the
        stored record is read and the session's changes merged onto it field by
        field; then the write is tried again, still conditional. A record deleted
        after the session read it is never written over: RecordDeleted.
        ``merge`` (default: the store's) decides how the changes meet what is stored.
        """
        merge = merge or self.merge
        key = key or key_for(request_envelope)
        expected = changes.revision
        base = expected if expected is not None and expected > 0 else 0
        writer = changes.writer
        if changes.known is not None and not changes.known.tombstone:
            values, stamps = merge(changes.known, changes)
        else:
            values, stamps = dict(changes.values), dict(changes.stamps)
        candidate = Record(values, stamps, base + 1, writer=writer)
        for conflicts in range(MAX_CONFLICT_ROUNDS + 1):
            outcome = self._write(request_envelope, key, candidate, expected)
            if outcome is True:
                return candidate
            if conflicts == MAX_CONFLICT_ROUNDS:
                break
            try:
                stored = outcome if isinstance(outcome, Record) else self._read(request_envelope, key)
            except CorruptRecord as exc:
                # Only a session that read the damaged record (and told the couple) replaces it.
                if changes.revision not in (ANY_REVISION, exc.revision):
                    raise
                expected = ANY_REVISION if exc.revision is None else exc.revision
                candidate = Record(
                    dict(changes.values), dict(changes.stamps), (exc.revision or 0) + 1, writer=writer
                )
                continue
            if stored is None:
                if changes.revision is not None and changes.revision != ANY_REVISION:
                    raise RecordDeleted("the record this session read is gone")
                expected = None
                candidate = Record(dict(changes.values), dict(changes.stamps), 1, writer=writer)
                continue
            if stored.tombstone and stored.revision != changes.revision:
                # Only the tombstone this session started from may be written over.
                raise RecordDeleted("the couple's data was deleted after this session read it")
            values, stamps = (
                (dict(changes.values), dict(changes.stamps))
                if stored.tombstone
                else merge(stored, changes)
            )
            expected = stored.revision
            candidate = Record(values, stamps, stored.revision + 1, writer=writer)
        raise StorageUnavailable("the record kept changing while saving")

    def delete(self, request_envelope: Any, key: str | None = None) -> Record:
        """Replace the couple's record with a tombstone; tried again once before giving up.

        The tombstone holds no personal data and expires after 30 days. Its
        revision is its own stamp, unique, so no session that read an earlier
        record (or an earlier tombstone) can write over it.
        """
        key = key or key_for(request_envelope)
        stamp = change_stamp()
        tombstone = Record(values={}, stamps={}, revision=stamp, deleted_at=stamp)
        started = time.monotonic()
        for attempt in range(1, DELETE_ATTEMPTS + 1):
            try:
                if self._write(request_envelope, key, tombstone, ANY_REVISION) is True:
                    return tombstone
            except StorageUnavailable as exc:
                spent = time.monotonic() - started
                if attempt == DELETE_ATTEMPTS or spent > DELETE_RETRY_BUDGET_S:
                    raise DeletionFailed(f"the deletion did not reach the store ({exc})") from exc
                log.warning("deletion not done yet; trying again", extra={"error_type": type(exc).__name__})
        raise DeletionFailed("the deletion did not reach the store")  # pragma: no cover

    # AbstractPersistenceAdapter (the SDK's interface) --------------------------------
    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        """The stored values; ``{}`` for no record or a deleted one."""
        record = self.load(request_envelope)
        return {} if record is None or record.tombstone else dict(record.values)

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        """Save the given fields that differ from what is stored, as changed now.

        The SDK's interface, for code that works on plain attributes (permission
        events): it reads first, so only real changes are merged.
        """
        try:
            record = self.load(request_envelope)
        except CorruptRecord as exc:
            record = Record(revision=exc.revision if exc.revision is not None else ANY_REVISION)
        stamp = change_stamp()
        revision = None if record is None else record.revision
        current = {} if record is None else dict(record.values)
        self.save(
            request_envelope,
            Changes(
                values={**current, **attributes},
                stamps={
                    **(record.stamps if record else {}),
                    **{n: stamp for n, v in attributes.items() if record is None or current.get(n) != v},
                },
                changed={
                    name: current.get(name)
                    for name, value in attributes.items()
                    if record is None or current.get(name) != value
                },
                revision=revision,
            ),
        )

    def delete_attributes(self, request_envelope: Any) -> None:
        self.delete(request_envelope)

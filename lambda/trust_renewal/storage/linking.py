"""Two Amazon accounts, one program: the couple's record, six-digit codes, and their guards.

Every item lives in the same table as the accounts' own records, through the
same backend read and conditional write (storage.base), so DynamoDB and SQLite
behave alike:

- an account's record may hold ``link``: the key of a couple record. Its own
  per-account fields (``ACCOUNT_FIELDS``) stay on it; everything else of the
  program is read from and saved to the couple record;
- a couple record (``couple#<random>``) holds the shared program, ``members``
  (the hashed keys of the accounts that joined) and, when one account asked to
  delete the shared program, ``delete_asked`` (that account's hashed key);
- a code record (``code#<first three digits>``) holds the other three digits,
  the couple's key, when it stops working, whether it was used and how many
  wrong tries it has had: no names, no account, no progress. It expires by
  itself (DynamoDB TTL; SQLite's purge) ten minutes after it was made;
- a tries record (``tries#<hashed account>``) counts one account's wrong codes
  in the current hour, and expires with that hour.

Pointers are the truth; ``members`` is an index, checked against the pointers
whenever a decision depends on it (deleting the shared program), so a write
that failed half way never leaves anyone half linked.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from trust_renewal.storage.base import (
    ANY_REVISION,
    CorruptRecord,
    DeletionFailed,
    Record,
    StorageUnavailable,
    Store,
)

log = logging.getLogger(__name__)

# Kept per account even when linked: what belongs to a device or an Alexa account.
ACCOUNT_FIELDS = frozenset(
    {"zones", "reminder_token", "background", "sounds_told", "people", "plain_devices"}
)
LINK, MEMBERS, DELETE_ASKED = "link", "members", "delete_asked"
CODE_LIFETIME_S = 600  # ten minutes
TRIES_WINDOW_S = 3600  # wrong codes are counted per account per hour
MAX_WRONG_PER_ACCOUNT = 5
MAX_WRONG_PER_CODE = 5  # a code dies after this many wrong tries on its first three digits
MAX_MEMBERS = 4  # far above two: a bound on what a record may claim
CODE_DIGITS = 6
UPDATE_ROUNDS = 4

_COUPLE = re.compile(r"couple#[0-9a-f]{32}")
_ACCOUNT = re.compile(r"[0-9a-f]{64}")

# Seconds since the epoch; tests move it to make a code old.
clock: Callable[[], float] = time.time


@dataclass(frozen=True)
class ShortLived(Record):
    """A record that expires soon after it is written (a code, an hour's count of tries)."""

    lifetime_s: int = CODE_LIFETIME_S

    def expires_at(self, now_s: float) -> int:
        return int(now_s + self.lifetime_s)


# -- keys -----------------------------------------------------------------------
def new_couple_key() -> str:
    return f"couple#{secrets.token_hex(16)}"


def is_couple_key(value: Any) -> bool:
    return isinstance(value, str) and _COUPLE.fullmatch(value) is not None


def is_account_key(value: Any) -> bool:
    return isinstance(value, str) and _ACCOUNT.fullmatch(value) is not None


def _code_key(bucket: str) -> str:
    return f"code#{bucket}"


def _tries_key(account: str) -> str:
    return f"tries#{account}"


def couple_of(record: Record | None) -> str | None:
    """The couple an account's record points to, if any."""
    if record is None or record.tombstone:
        return None
    value = record.values.get(LINK)
    return value if is_couple_key(value) else None


def members_of(record: Record | None) -> list[str]:
    if record is None or record.tombstone:
        return []
    raw = record.values.get(MEMBERS)
    if not isinstance(raw, list):
        return []
    return [m for m in raw if is_account_key(m)][:MAX_MEMBERS]


def delete_asked_by(record: Record | None) -> str | None:
    if record is None or record.tombstone:
        return None
    value = record.values.get(DELETE_ASKED)
    return value if is_account_key(value) else None


def shared_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A program's values without what stays per account and without the link's own bookkeeping."""
    return {
        k: v for k, v in values.items() if k not in ACCOUNT_FIELDS and k not in (LINK, MEMBERS, DELETE_ASKED)
    }


def account_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in ACCOUNT_FIELDS or k == "schema"}


# -- one read-change-write, conditional ------------------------------------------
def update(
    store: Store,
    envelope: Any,
    key: str,
    change: Callable[[Record | None], tuple[dict[str, Any], dict[str, int]] | None],
) -> Record | None:
    """Read ``key``, compute its new values, write them only if nobody wrote meanwhile.

    ``change`` gets the stored record (None: none, or a tombstone's place) and
    returns (values, stamps), or None to write nothing. Returns what was written.
    """
    for _ in range(UPDATE_ROUNDS):
        try:
            stored = store._read(envelope, key)
        except CorruptRecord as exc:
            stored, expected = None, ANY_REVISION if exc.revision is None else exc.revision
        else:
            expected = None if stored is None else stored.revision
        live = None if stored is None or stored.tombstone else stored
        outcome = change(live)
        if outcome is None:
            return None
        values, stamps = outcome
        base = expected if expected is not None and expected > 0 else 0
        record = Record(values, stamps, base + 1)
        if store._write(envelope, key, record, expected) is True:
            return record
    raise StorageUnavailable("the record kept changing while linking")


# -- codes ------------------------------------------------------------------------
def _code_live(record: Record | None, now: float) -> bool:
    if record is None or record.tombstone:
        return False
    values = record.values
    return (
        not values.get("used")
        and int(values.get("failures", 0) or 0) < MAX_WRONG_PER_CODE
        and float(values.get("expires", 0) or 0) > now
    )


def _read_quietly(store: Store, envelope: Any, key: str) -> tuple[Record | None, int | None]:
    """The record and the revision to write over (a damaged short-lived record is simply replaced)."""
    try:
        stored = store._read(envelope, key)
    except CorruptRecord as exc:
        return None, ANY_REVISION if exc.revision is None else exc.revision
    return stored, None if stored is None else stored.revision


def make_code(store: Store, envelope: Any, couple: str) -> str:
    """A fresh six-digit code for ``couple``, random from the operating system, never logged."""
    for _ in range(8):
        digits = str(secrets.randbelow(10**CODE_DIGITS - 10 ** (CODE_DIGITS - 1)) + 10 ** (CODE_DIGITS - 1))
        key = _code_key(digits[:3])
        stored, expected = _read_quietly(store, envelope, key)
        now = clock()
        if _code_live(stored, now):
            continue  # that bucket holds a live code: draw again
        values = {"rest": digits[3:], "couple": couple, "expires": int(now + CODE_LIFETIME_S), "failures": 0}
        record = ShortLived(values, {}, (expected or 0) + 1 if expected != ANY_REVISION else 1)
        if store._write(envelope, key, record, expected) is True:
            if hasattr(store, "purge_expired"):
                store.purge_expired()  # SQLite has no TTL: old codes and counts go now
            return digits
    raise StorageUnavailable("no free code just now")


@dataclass(frozen=True)
class CodeCheck:
    """What a spoken code turned out to be: ``ok`` (with the couple), or why not."""

    status: str  # ok, wrong, expired, used, limited, own
    couple: str | None = None
    tries_left: int = 0


def wrong_tries(store: Store, envelope: Any, account: str) -> int:
    """How many wrong codes this account gave in the current hour."""
    stored, _ = _read_quietly(store, envelope, _tries_key(account))
    if stored is None or stored.tombstone:
        return 0
    since = float(stored.values.get("since", 0) or 0)
    if clock() - since >= TRIES_WINDOW_S:
        return 0
    return int(stored.values.get("count", 0) or 0)


def _count_wrong(store: Store, envelope: Any, key: str, field: str, window: bool) -> None:
    for _ in range(UPDATE_ROUNDS):
        stored, expected = _read_quietly(store, envelope, key)
        now = clock()
        values = {} if stored is None or stored.tombstone else dict(stored.values)
        if window:
            if now - float(values.get("since", 0) or 0) >= TRIES_WINDOW_S:
                values = {"since": int(now), field: 0}
            lifetime = int(float(values["since"]) + TRIES_WINDOW_S - now) + 1
        else:
            lifetime = max(1, int(float(values.get("expires", now)) - now) + 1)
        values[field] = int(values.get(field, 0) or 0) + 1
        revision = 1 if expected in (None, ANY_REVISION) else expected + 1
        record = ShortLived(values, {}, revision, lifetime_s=lifetime)
        if store._write(envelope, key, record, expected) is True:
            return
    raise StorageUnavailable("could not count a wrong code")


def check_code(store: Store, envelope: Any, account: str, heard: str, own_couple: str | None) -> CodeCheck:
    """Whether ``heard`` is a live code, counting a wrong one against the account and the code."""
    used = wrong_tries(store, envelope, account)
    if used >= MAX_WRONG_PER_ACCOUNT:
        return CodeCheck("limited")
    digits = "".join(c for c in heard if c.isdigit())
    stored = None
    if len(digits) == CODE_DIGITS and digits.isdigit():
        stored, _ = _read_quietly(store, envelope, _code_key(digits[:3]))
    now = clock()
    if stored is not None and not stored.tombstone and stored.values.get("rest") == digits[3:]:
        if stored.values.get("used"):
            return CodeCheck("used")
        if not _code_live(stored, now):
            return CodeCheck("expired")
        couple = stored.values.get("couple")
        if couple == own_couple:
            return CodeCheck("own")
        if is_couple_key(couple):
            return CodeCheck("ok", couple=couple)
    _count_wrong(store, envelope, _tries_key(account), "count", window=True)
    if _code_live(stored, now):
        # The first three digits were a live code's: that code has one wrong try fewer.
        _count_wrong(store, envelope, _code_key(digits[:3]), "failures", window=False)
    left = MAX_WRONG_PER_ACCOUNT - used - 1
    return CodeCheck("limited" if left <= 0 else "wrong", tries_left=max(left, 0))


def _mark_code(store: Store, envelope: Any, digits: str, used: bool) -> bool:
    """Mark a code used (or free again after a failed join); False if it was no longer ours to take."""
    key = _code_key(digits[:3])
    stored, expected = _read_quietly(store, envelope, key)
    if stored is None or stored.tombstone or stored.values.get("rest") != digits[3:]:
        return False
    if used and not _code_live(stored, clock()):
        return False
    values = {**stored.values, "used": used}
    lifetime = max(1, int(float(values.get("expires", 0) or 0) - clock()) + 1)
    record = ShortLived(values, {}, (expected or 0) + 1, lifetime_s=lifetime)
    return store._write(envelope, key, record, expected) is True


# -- linking, unlinking, deleting ----------------------------------------------------
def start_couple(
    store: Store, envelope: Any, account: str, values: Mapping[str, Any], stamps: Mapping[str, int]
) -> tuple[str, Record, Record]:
    """Make a couple record from this account's program and point the account at it.

    The couple record is written first: until the account points at it nothing
    reads it, so a failure in between leaves the account as it was (the unread
    record is deleted again at once, or expires).
    """
    couple = new_couple_key()
    shared = shared_values(values)
    shared[MEMBERS] = [account]
    couple_record = Record(shared, {k: v for k, v in stamps.items() if k not in ACCOUNT_FIELDS}, 1)
    if store._write(envelope, couple, couple_record, None) is not True:
        raise StorageUnavailable("a new couple key was taken")
    try:
        account_record = update(
            store, envelope, account, lambda stored: _pointing(stored, couple, values, stamps)
        )
    except StorageUnavailable:
        _forget(store, envelope, couple)
        raise
    assert account_record is not None
    return couple, couple_record, account_record


def _pointing(
    stored: Record | None, couple: str | None, fallback: Mapping[str, Any], stamps: Mapping[str, int]
) -> tuple[dict[str, Any], dict[str, int]]:
    """An account's record reduced to its own fields, pointing at ``couple`` (or at nothing)."""
    base = dict(stored.values) if stored is not None else dict(fallback)
    base_stamps = dict(stored.stamps) if stored is not None else dict(stamps)
    values = account_values(base)
    if couple is not None:
        values[LINK] = couple
    return values, {k: v for k, v in base_stamps.items() if k in ACCOUNT_FIELDS}


def _forget(store: Store, envelope: Any, key: str) -> None:
    try:
        store.delete(envelope, key=key)
    except StorageUnavailable:
        log.warning("an unused couple record was left to expire")


def join(store: Store, envelope: Any, account: str, digits: str, couple: str) -> tuple[Record, Record]:
    """Join ``couple`` with a checked code: (the couple's record, this account's record).

    In this order, each step conditional: take the code (one use), add this
    account to the couple's members, point this account at the couple (its own
    program is replaced, as the person agreed). The pointer is what links; a
    failure before it leaves the account as it was and gives the code back.
    """
    if not _mark_code(store, envelope, digits, used=True):
        raise CodeTaken()
    try:
        couple_record = update(store, envelope, couple, lambda stored: _with_member(stored, account))
        if couple_record is None:
            raise CodeTaken()  # the program was deleted after the code was made
    except StorageUnavailable:
        _give_back(store, envelope, digits)
        raise
    try:
        old = _read_quietly(store, envelope, account)[0]
        leaving = couple_of(old)
        account_record = update(store, envelope, account, lambda stored: _pointing(stored, couple, {}, {}))
    except StorageUnavailable:
        _best_effort(lambda: update(store, envelope, couple, lambda s: _without_member(s, account)))
        _give_back(store, envelope, digits)
        raise
    assert account_record is not None
    if leaving and leaving != couple:
        _leave(store, envelope, account, leaving)
    return couple_record, account_record


class CodeTaken(Exception):
    """The code was used (or its program deleted) between checking and joining."""


def _give_back(store: Store, envelope: Any, digits: str) -> None:
    _best_effort(lambda: _mark_code(store, envelope, digits, used=False))


def _best_effort(action: Callable[[], Any]) -> None:
    try:
        action()
    except StorageUnavailable as exc:
        log.warning("a linking clean-up did not reach the store", extra={"error_type": type(exc).__name__})


def _with_member(stored: Record | None, account: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    if stored is None:
        return None
    members = members_of(stored)
    if account not in members:
        members.append(account)
    return {**stored.values, MEMBERS: members[:MAX_MEMBERS]}, dict(stored.stamps)


def _without_member(stored: Record | None, account: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    if stored is None:
        return None
    values = {**stored.values, MEMBERS: [m for m in members_of(stored) if m != account]}
    if values.get(DELETE_ASKED) == account:
        values[DELETE_ASKED] = None
    return values, dict(stored.stamps)


def _leave(store: Store, envelope: Any, account: str, couple: str) -> None:
    """Take this account off a couple's members; a couple left with nobody is deleted.

    Members are added before a pointer is written and removed after it is
    taken away, so a couple whose list is empty has nobody pointing at it.
    """

    def leave() -> None:
        written = update(store, envelope, couple, lambda s: _without_member(s, account))
        if written is not None and not members_of(written):
            store.delete(envelope, key=couple)

    _best_effort(leave)


def unlink(store: Store, envelope: Any, account: str) -> Record | None:
    """This account leaves its couple with a copy of the shared program; None if it was not linked.

    One write makes the account whole and unlinked (its own fields plus the
    copy); taking it off the couple's members comes after, and if that fails
    the members list is only an index that deletions check.
    """
    account_record = _read_quietly(store, envelope, account)[0]
    couple = couple_of(account_record)
    if couple is None:
        return None
    couple_record = _read_quietly(store, envelope, couple)[0]
    copy = {} if couple_record is None or couple_record.tombstone else couple_record

    def unlinked(stored: Record | None) -> tuple[dict[str, Any], dict[str, int]]:
        own_values = account_values(stored.values if stored else {})
        own_stamps = {k: v for k, v in (stored.stamps if stored else {}).items() if k in ACCOUNT_FIELDS}
        if isinstance(copy, Record):
            shared = shared_values(copy.values)
            stamps = {k: v for k, v in copy.stamps.items() if k not in ACCOUNT_FIELDS}
            return {**shared, **own_values}, {**stamps, **own_stamps}
        return own_values, own_stamps

    written = update(store, envelope, account, unlinked)
    _leave(store, envelope, account, couple)
    return written


def partners_still_linked(store: Store, envelope: Any, account: str, couple: str) -> list[str]:
    """The other members whose own record still points at ``couple`` (one read each)."""
    couple_record = _read_quietly(store, envelope, couple)[0]
    others = [m for m in members_of(couple_record) if m != account]
    return [m for m in others if couple_of(_read_quietly(store, envelope, m)[0]) == couple]


def delete_own(store: Store, envelope: Any, account: str) -> None:
    """Delete this account's data; it leaves its couple, and a couple nobody else is in goes too.

    When nobody else is linked, the couple's record is deleted first, so a
    failure leaves everything as it was; otherwise the account's tombstone is
    what counts, and taking it off the members list is only tidying.
    """
    couple = couple_of(_read_quietly(store, envelope, account)[0])
    if couple is not None and not partners_still_linked(store, envelope, account, couple):
        store.delete(envelope, key=couple)
        couple = None
    store.delete(envelope, key=account)
    if couple is not None:
        _leave(store, envelope, account, couple)


def ask_delete_shared(store: Store, envelope: Any, account: str, couple: str) -> None:
    """Note that this account wants the shared program deleted; the other account must agree."""
    def asking(stored: Record | None) -> tuple[dict[str, Any], dict[str, int]] | None:
        if stored is None:
            return None
        return {**stored.values, DELETE_ASKED: account}, dict(stored.stamps)

    update(store, envelope, couple, asking)


def delete_shared(store: Store, envelope: Any, account: str, couple: str) -> None:
    """Delete the shared program and every linked account's record (agreed by both, or the last one).

    The couple's record goes first: once it is a tombstone, an account that
    still points at it starts afresh, so a failure after it never half-deletes.
    """
    others = partners_still_linked(store, envelope, account, couple)
    store.delete(envelope, key=couple)
    store.delete(envelope, key=account)
    for other in others:
        try:
            store.delete(envelope, key=other)
        except DeletionFailed:
            log.warning("a partner's own record was left pointing at a deleted program")


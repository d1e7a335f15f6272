"""Where a session's program lives: the account's own record, or a linked couple's.

The one indirection between the save loop and linking (storage.linking): at a
session's start the account's record is read and, when it points at a couple,
the couple's record too (two reads at most, none after). While linked, each
save goes in two parts, each with the usual conditional, field-stamped merge:
the per-account fields to the account's record, the rest to the couple's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trust_renewal.conversation import State
from trust_renewal.conversation.events import LinkInfo
from trust_renewal.conversation.state import merge_changes
from trust_renewal.storage import linking
from trust_renewal.storage.base import Changes, Record, Store, user_id_of, user_key

S_LINK = "link"  # session attribute


@dataclass
class LinkSession:
    """A linked session's second record: the couple's key, the account's own sync, what it knows."""

    couple: str
    account: Any  # the Sync of the account's own record (handlers.interceptors.Sync)
    members: list[str] = field(default_factory=list)
    delete_asked: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "couple": self.couple,
            "acct": self.account.to_json(),
            "members": list(self.members),
            "asked": self.delete_asked,
        }

    @classmethod
    def from_json(cls, raw: Any, sync_cls: Any) -> LinkSession:
        """Checked like the rest of the session; ValueError on anything this skill did not write."""
        if not isinstance(raw, dict) or set(raw) != {"couple", "acct", "members", "asked"}:
            raise ValueError("link is not the expected map")
        members, asked = raw["members"], raw["asked"]
        if not linking.is_couple_key(raw["couple"]):
            raise ValueError("not a couple key")
        if not isinstance(members, list) or len(members) > linking.MAX_MEMBERS:
            raise ValueError("members are not a short list")
        if not all(linking.is_account_key(m) for m in members):
            raise ValueError("members are not account keys")
        if asked is not None and not linking.is_account_key(asked):
            raise ValueError("asked is not an account key")
        account = sync_cls.from_json(raw["acct"])
        if set(account.stamps) - linking.ACCOUNT_FIELDS or set(account.changed) - linking.ACCOUNT_FIELDS:
            raise ValueError("the account's sync names shared fields")
        return cls(raw["couple"], account, list(members), asked)

    def info(self, envelope: Any) -> LinkInfo:
        me = own_key(envelope)
        others = [m for m in self.members if m != me]
        return LinkInfo(
            linked=bool(others),
            waiting=not others,
            delete_asked=self.delete_asked is not None and self.delete_asked != me,
        )


def own_key(envelope: Any) -> str | None:
    user = user_id_of(envelope)
    return user_key(user) if user else None


def only(sync: Any, names: frozenset[str], inside: bool) -> Any:
    """The sync with only the units that are (or are not) in ``names``."""
    keep = (lambda n: n in names) if inside else (lambda n: n not in names)
    sync.stamps = {k: v for k, v in sync.stamps.items() if keep(k)}
    sync.mine = {k: v for k, v in sync.mine.items() if keep(k)}
    sync.changed = {k: v for k, v in sync.changed.items() if keep(k)}
    return sync


def linked_start(
    store: Store, envelope: Any, account_record: Record, sync_cls: Any
) -> tuple[State, Any, LinkSession] | None:
    """The state of a linked account's program (a second read), or None when its couple is gone.

    StorageUnavailable and CorruptRecord pass up, as for the account's own read.
    """
    couple = linking.couple_of(account_record)
    if couple is None:
        return None
    couple_record = store.load(envelope, key=couple)
    if couple_record is None or couple_record.tombstone:
        return None
    return adopt_linked(couple, couple_record, account_record, sync_cls)


def adopt_linked(
    couple: str, couple_record: Record, account_record: Record, sync_cls: Any, base: State | None = None
) -> tuple[State, Any, LinkSession]:
    """The session's state, the couple's sync and the LinkSession, from the two records."""
    values = {
        **linking.shared_values(couple_record.values),
        **linking.account_values(account_record.values),
    }
    start = {} if base is None else base.to_session()
    state = State.from_dict({**start, **State().to_persisted(), **values})
    couple_sync = only(sync_cls.from_record(couple_record), linking.ACCOUNT_FIELDS, inside=False)
    account_sync = only(sync_cls.from_record(account_record), linking.ACCOUNT_FIELDS, inside=True)
    link = LinkSession(
        couple,
        account_sync,
        linking.members_of(couple_record),
        linking.delete_asked_by(couple_record),
    )
    return state, couple_sync, link


def move_account_units(sync: Any, link: LinkSession) -> None:
    """Changes to per-account fields belong to the account's sync, not the couple's."""
    for unit in [u for u in sync.changed if u in linking.ACCOUNT_FIELDS]:
        link.account.changed.setdefault(unit, sync.changed.pop(unit))
        if unit in sync.mine:
            link.account.mine[unit] = sync.mine.pop(unit)
    link.account.clock = max(link.account.clock, sync.clock)


def _part(changes: Changes, account: bool, extra: dict[str, Any]) -> Changes:
    def keep(name: str) -> bool:
        return name == "schema" or (name in linking.ACCOUNT_FIELDS) == account

    def cut(values: Any) -> dict[str, Any]:
        return {**{k: v for k, v in dict(values).items() if keep(k)}, **extra}

    known = changes.known
    if known is not None:
        stamps = {k: v for k, v in known.stamps.items() if keep(k)}
        known = Record(values=cut(known.values), stamps=stamps, revision=known.revision, writer=known.writer)
    return Changes(
        values=cut(changes.values),
        stamps={k: v for k, v in changes.stamps.items() if keep(k)},
        changed={k: v for k, v in changes.changed.items() if keep(k)},
        revision=changes.revision,
        known=known,
        writer=changes.writer,
        landed=changes.landed,
    )


def save_linked(
    store: Store, envelope: Any, state: State, sync: Any, link: LinkSession, writer: str | None = None
) -> tuple[Record | None, Record | None]:
    """Save the couple's part, then the account's part: (couple record, account record) written.

    Raises what Store.save raises; a part with no changes is not written.
    """
    couple_written = account_written = None
    if sync.changed:
        extra = {linking.MEMBERS: list(link.members), linking.DELETE_ASKED: link.delete_asked}
        changes = _part(sync.changes(state, writer), account=False, extra=extra)
        couple_written = store.save(envelope, changes, merge=merge_changes, key=link.couple)
    if link.account.changed:
        changes = _part(link.account.changes(state, writer), account=True, extra={linking.LINK: link.couple})
        account_written = store.save(envelope, changes, merge=merge_changes, key=own_key(envelope))
    return couple_written, account_written


def after_save(
    state: State, sync: Any, link: LinkSession, couple: Record | None, account: Record | None, adopt: Any
) -> tuple[State, Any]:
    """The session's view after a linked save: what others saved merged in, its own place kept."""
    if couple is not None:
        own = {n: getattr(state, n) for n in linking.ACCOUNT_FIELDS}
        state, sync = adopt(state, couple)
        state = State.from_dict({**state.to_session(), **_persisted(own)})
        sync = only(sync, linking.ACCOUNT_FIELDS, inside=False)
        link.members = linking.members_of(couple)
        link.delete_asked = linking.delete_asked_by(couple)
    if account is not None:
        fresh = only(type(link.account).from_record(account), linking.ACCOUNT_FIELDS, inside=True)
        state = State.from_dict({**state.to_session(), **linking.account_values(account.values)})
        link.account = fresh
    return state, sync


def _persisted(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        if isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        out[name] = value
    return out

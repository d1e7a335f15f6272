"""The store's plain-attributes save (the SDK's interface, used by permission events) stamps
only what it changed, so it never outranks a change another device made meanwhile.

A field's stamp says when it last changed on purpose; merges of concurrent sessions
go by it (the later change wins). A save that passes a field along unchanged must
leave its stamp alone.
"""

from __future__ import annotations

from support.dynamo_support import request_envelope
from support.store_support import changes
from trust_renewal.conversation.state import State, merge_changes
from trust_renewal.storage.base import change_stamp
from trust_renewal.storage.memory import MemoryStore

ENV = request_envelope("amzn1.ask.account.MAYA-AND-JORDAN")


def _couple() -> dict:
    return {**State().to_persisted(), "names": ["Maya", "Jordan"], "reminder_token": "reminder-1"}


def test_a_first_save_stamps_every_field_it_writes() -> None:
    store = MemoryStore(merge_changes)
    attributes = _couple()
    store.save_attributes(ENV, attributes)
    record = store.load(ENV)
    assert dict(record.values) == attributes
    # Fields at their empty value are written, and stamped, too (hurt, reminder_time...).
    assert any(value is None for value in attributes.values())
    assert set(record.stamps) == set(attributes)


def test_only_the_fields_that_changed_get_a_new_stamp() -> None:
    store = MemoryStore(merge_changes)
    store.save_attributes(ENV, _couple())
    before = store.load(ENV).stamps
    store.save_attributes(ENV, {"reminder_token": None, "names": ["Maya", "Jordan"]})
    after = store.load(ENV)
    assert after.values["reminder_token"] is None
    assert after.stamps["reminder_token"] > before["reminder_token"]
    assert after.stamps["names"] == before["names"]  # passed along unchanged: not a change
    assert {k: v for k, v in after.stamps.items() if k != "reminder_token"} == {
        k: v for k, v in before.items() if k != "reminder_token"
    }


def test_a_change_made_meanwhile_is_kept_when_a_save_passes_that_field_along_unchanged() -> None:
    store = MemoryStore(merge_changes)
    store.save_attributes(ENV, _couple())
    read = store.load(ENV)
    # On one device, Jordan is renamed Sam (not yet saved)...
    renamed = changes({"names": ["Maya", "Sam"]}, read=read, stamp=change_stamp())
    # ...while a permission event forgets the reminder, passing the names along as they were.
    store.save_attributes(ENV, {"reminder_token": None, "names": ["Maya", "Jordan"]})
    store.save(ENV, renamed, merge=merge_changes)
    kept = store.load(ENV).values
    assert kept["names"] == ["Maya", "Sam"]
    assert kept["reminder_token"] is None

"""A session's changes for the stores' typed API, computed the way the skill computes them."""

from __future__ import annotations

from typing import Any

from trust_renewal.conversation.state import State, changed_units
from trust_renewal.storage.base import Changes, Record, change_stamp


def changes(values: dict[str, Any], read: Record | None = None, stamp: int | None = None) -> Changes:
    """A session that read ``read`` (None: no record) and then set the kept fields in ``values``.

    Only what differs from what it read counts as changed, stamped now (or ``stamp``).
    """
    stamp = change_stamp() if stamp is None else stamp
    base = State().to_persisted()
    stamps: dict[str, int] = {}
    if read is not None and not read.tombstone:
        base.update(read.values)
        stamps.update(read.stamps)
    after = {**base, **values}
    changed = changed_units(base, after)
    stamps.update(dict.fromkeys(changed, stamp))
    revision = None if read is None else read.revision
    return Changes(values=after, stamps=stamps, changed=changed, revision=revision, known=read)

"""What every store shares: the record key and the one error the skill handles."""

from __future__ import annotations

import hashlib
from typing import Any

from ask_sdk_core.exceptions import PersistenceException


class StorageUnavailable(PersistenceException):
    """The store could not be read or written just now (throttled, down, denied...).

    The conversation catches this: it apologises, keeps the couple's place in
    the session, and saves on the next turn that can.
    """


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


class CorruptRecord(Exception):
    """A stored record that cannot be read back as progress (not a map, bad JSON...).

    The conversation logs it, tells the couple, and only then starts them afresh.
    """


# The revision contract both durable stores share: get_attributes hands back the
# stored revision as "_rev"; save_attributes writes only if it is still current,
# merges on conflict (at most this many rounds), and updates the caller's dict.
MAX_CONFLICT_ROUNDS = 3


def split_revision(attributes: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """The payload to store and the revision it expects (None: no record yet)."""
    rev = attributes.get("_rev")
    if rev is not None and (isinstance(rev, bool) or not isinstance(rev, int)):
        raise TypeError("'_rev' must be the int that get_attributes returned")
    return {k: v for k, v in attributes.items() if k != "_rev"}, rev


def settle(attributes: dict[str, Any], saved: dict[str, Any], rev: int) -> None:
    """Make the caller's dict what was saved (merged content too), with its new revision."""
    attributes.clear()
    attributes.update(saved)
    attributes["_rev"] = rev

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

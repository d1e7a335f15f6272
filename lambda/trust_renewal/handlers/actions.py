"""Work the conversation asks the edges to do: delete data, manage reminders."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput

from trust_renewal.conversation import Reply, State
from trust_renewal.handlers.reminders import manage_reminder
from trust_renewal.storage import linking
from trust_renewal.storage.base import DeletionFailed, StorageUnavailable, user_id_of, user_key

log = logging.getLogger(__name__)
DELETED_KEY = "deleted"  # request attribute: the record was deleted, save nothing


def perform(handler_input: HandlerInput, reply: Reply, state: State) -> tuple[str, dict[str, str]] | None:
    """Do the action; return (result name, params) for the conversation, or None when nothing follows."""
    if reply.action == "delete_data":
        delete_data(handler_input)
        log.info("user asked to delete their data: record deleted")
        return None
    if reply.action in ("create_reminder", "delete_reminder"):
        return manage_reminder(handler_input, reply, state)
    log.error("unknown action", extra={"event": str(reply.action)[:40]})
    return ("failed", {})


def delete_data(handler_input: HandlerInput) -> None:
    """Delete the couple's record (a tombstone stays); DeletionFailed if it would not go.

    The store has already tried twice; the catch-all then makes sure nobody
    hears or receives "done" (see handlers.errors).
    """
    envelope = handler_input.request_envelope
    user = user_id_of(envelope)
    if user is None:
        handler_input.attributes_manager.delete_persistent_attributes()
    else:
        # A linked account (or one with a code out) leaves its couple; a couple nobody else is in goes too.
        store = handler_input.attributes_manager._persistence_adapter  # type: ignore[attr-defined]
        try:
            linking.delete_own(store, envelope, user_key(user))
        except DeletionFailed:
            raise
        except StorageUnavailable as exc:
            raise DeletionFailed(f"the deletion did not reach the store ({exc})") from exc
    handler_input.attributes_manager.request_attributes[DELETED_KEY] = True

"""Work the conversation asks the edges to do: delete data, manage reminders."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput

from trust_renewal.conversation import Reply, State
from trust_renewal.handlers.reminders import manage_reminder

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
    handler_input.attributes_manager.delete_persistent_attributes()
    handler_input.attributes_manager.request_attributes[DELETED_KEY] = True

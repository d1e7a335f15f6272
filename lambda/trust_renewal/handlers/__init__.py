"""Thin ASK handlers: each turns one kind of request into a conversation Event."""

from trust_renewal.handlers.deleted import DeletedElsewhereHandler
from trust_renewal.handlers.errors import CatchAllExceptionHandler
from trust_renewal.handlers.intents import INTENT_HANDLERS
from trust_renewal.handlers.requests import REQUEST_HANDLERS, UnknownIntentHandler

# Order matters: a session that found its data deleted first, specific handlers
# next, the catch-all for unknown intents last.
ALL_HANDLERS = (DeletedElsewhereHandler(), *REQUEST_HANDLERS, *INTENT_HANDLERS, UnknownIntentHandler())

__all__ = ["ALL_HANDLERS", "INTENT_HANDLERS", "CatchAllExceptionHandler"]

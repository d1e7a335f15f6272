"""Thin ASK handlers: each turns one kind of request into a conversation Event."""

from trust_renewal.handlers.errors import CatchAllExceptionHandler
from trust_renewal.handlers.intents import INTENT_HANDLERS
from trust_renewal.handlers.requests import REQUEST_HANDLERS, UnknownIntentHandler

# Order matters: specific handlers first, the catch-all for unknown intents last.
ALL_HANDLERS = (*REQUEST_HANDLERS, *INTENT_HANDLERS, UnknownIntentHandler())

__all__ = ["ALL_HANDLERS", "INTENT_HANDLERS", "CatchAllExceptionHandler"]

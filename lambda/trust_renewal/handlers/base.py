"""The base of the intent handlers: which Alexa intents, which conversation event."""

from __future__ import annotations

from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from trust_renewal.handlers.adapter import respond
from trust_renewal.handlers.reading import build_event


class IntentHandler(AbstractRequestHandler):
    """Handles ``intent_names`` by sending the conversation the event ``event_name``."""

    intent_names: ClassVar[tuple[str, ...]] = ()
    event_name: ClassVar[str] = ""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in self.intent_names)

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, build_event(handler_input, "intent", self.event_name))

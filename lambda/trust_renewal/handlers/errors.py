"""The catch-all: whatever went wrong, the couple hears a kind apology and keeps their place."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_renewal.content import load_content
from trust_renewal.conversation.reply import say
from trust_renewal.render.reply import speech_ssml
from trust_renewal.storage.base import StorageUnavailable

log = logging.getLogger(__name__)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        log.error(
            "turn failed",
            exc_info=exception,
            extra={
                "request_type": getattr(request, "object_type", None),
                "error_type": type(exception).__name__,
            },
        )
        builder = handler_input.response_builder
        if getattr(request, "object_type", "") not in (
            "LaunchRequest",
            "IntentRequest",
            "Alexa.Presentation.APL.UserEvent",
        ):
            return builder.response  # no speech allowed (session ended, events)
        content = load_content(getattr(request, "locale", None) or "en-US")
        key = "error.storage" if isinstance(exception, StorageUnavailable) else "error.general"
        builder.speak(speech_ssml((say(key),), content)).ask(speech_ssml((say("reprompt.error"),), content))
        builder.set_should_end_session(False)
        return builder.response

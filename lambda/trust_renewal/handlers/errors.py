"""The catch-all: whatever went wrong, the couple hears a kind apology and keeps their place."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_renewal.content import load_content
from trust_renewal.conversation.reply import say
from trust_renewal.render.reply import speech_ssml
from trust_renewal.storage.base import DeletionFailed, StorageUnavailable, user_id_of, user_key

log = logging.getLogger(__name__)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        if isinstance(exception, DeletionFailed):
            return _deletion_failed(handler_input, exception)
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


# The log message a deployer's alarm matches (docs/architecture.md, "Deletion that sticks").
DELETION_FAILED = "deletion failed"


def _deletion_failed(handler_input: HandlerInput, exception: DeletionFailed) -> Response:
    """A deletion that did not happen is never reported as done.

    A spoken request hears that it did not work (and can ask again); an event
    (SkillDisabled) fails outright, so Alexa and the function's error metrics
    see a failure rather than success.
    """
    request = handler_input.request_envelope.request
    request_type = getattr(request, "object_type", None)
    log.error(
        DELETION_FAILED,
        extra={
            "event": "deletion_failed",
            "request_type": request_type,
            "user_key": _hashed_user(handler_input),
            "error_type": type(exception.__cause__ or exception).__name__,
        },
    )
    if request_type not in ("LaunchRequest", "IntentRequest", "Alexa.Presentation.APL.UserEvent"):
        raise exception
    content = load_content(getattr(request, "locale", None) or "en-US")
    builder = handler_input.response_builder
    builder.speak(speech_ssml((say("delete.failed"),), content))
    builder.set_should_end_session(True)
    return builder.response


def _hashed_user(handler_input: HandlerInput) -> str | None:
    user = user_id_of(handler_input.request_envelope)
    return user_key(user)[:12] if user else None

"""Handlers for requests that are not intents of the model."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from trust_renewal.handlers.actions import delete_data
from trust_renewal.handlers.adapter import respond
from trust_renewal.handlers.can_fulfill import CanFulfillIntentHandler
from trust_renewal.handlers.permissions import PermissionEventHandler
from trust_renewal.handlers.reading import STATE_KEY, build_event, current_state, device_id_of
from trust_renewal.handlers.reminders import ACCEPTED_KEY, consent_card, permission_answer
from trust_renewal.handlers.time_zones import MAX_DEVICES as MAX_PLAIN_DEVICES
from trust_renewal.handlers.time_zones import device_key
from trust_renewal.storage.base import user_id_of, user_key

log = logging.getLogger(__name__)


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, build_event(handler_input, "launch"))


class SessionEndedHandler(AbstractRequestHandler):
    """The session ended (user left, timed out, or an error): the position is saved."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None) or "unknown"
        error = getattr(getattr(getattr(request, "error", None), "object_type", None), "value", None)
        log.info("session ended", extra={"reason": reason, "error_type": error})
        return respond(handler_input, build_event(handler_input, "session_ended", reason=reason))


class UnknownIntentHandler(AbstractRequestHandler):
    """An intent this skill does not have (an old model, another skill's sample): a helpful reprompt."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info(
            "unknown intent",
            extra={"intent": handler_input.request_envelope.request.intent.name[:80]},
        )
        return respond(handler_input, build_event(handler_input, "intent", "unknown"))


def _key(handler_input: HandlerInput) -> str | None:
    user = user_id_of(handler_input.request_envelope)
    return user_key(user)[:12] if user else None


class SkillDisabledHandler(AbstractRequestHandler):
    """Disabling the skill deletes everything stored for the user."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        delete_data(handler_input)  # DeletionFailed fails the request (handlers.errors)
        log.info("skill disabled: record deleted", extra={"user_key": _key(handler_input)})
        return handler_input.response_builder.response


class QuietEventHandler(AbstractRequestHandler):
    """Events that need no answer: skill enabled (not subscribed), account linking, audio player events.

    Permission changes are acted on in ``handlers/permissions.py``.
    """

    TYPES = (
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillAccountLinked",
        "AudioPlayer.PlaybackStarted",
        "AudioPlayer.PlaybackFinished",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackNearlyFinished",
        "AudioPlayer.PlaybackFailed",
    )

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_request_type(t)(handler_input) for t in self.TYPES)

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info(
            "event noted",
            extra={"request_type": handler_input.request_envelope.request.object_type},
        )
        return handler_input.response_builder.response


class SoundsFailedHandler(AbstractRequestHandler):
    """A background-sound document the device could not play (``Alexa.Presentation.APLA.RuntimeError``).

    The device is remembered with the couple's record (hashed, like the time
    zones), and from then on it gets plain speech: SSML breaks and chimes, no
    document. The couple's next word still works. Nothing may be said here.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("Alexa.Presentation.APLA.RuntimeError")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        errors = getattr(handler_input.request_envelope.request, "errors", None) or ()
        kinds = sorted({str(getattr(e, "object_type", None))[:40] for e in errors})
        log.warning(
            "background sounds failed on a device: plain speech there from now on",
            extra={"error_type": ",".join(kinds)[:120] or None},
        )
        device_id = device_id_of(handler_input.request_envelope)
        if device_id is not None:
            state = current_state(handler_input)
            key = device_key(device_id)
            if key not in state.plain_devices:
                kept = (key, *state.plain_devices)[:MAX_PLAIN_DEVICES]
                attrs = handler_input.attributes_manager
                attrs.request_attributes[STATE_KEY] = replace(state, plain_devices=kept)
                attrs.request_attributes["state_out"] = True  # SaveStateInterceptor saves it
        return handler_input.response_builder.response


class ExceptionEncounteredHandler(AbstractRequestHandler):
    """Alexa reports that our last response was rejected: log it, say nothing (speech is not allowed)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("System.ExceptionEncountered")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        error = getattr(handler_input.request_envelope.request, "error", None)
        log.error(
            "Alexa rejected a response",
            extra={"error_type": getattr(getattr(error, "object_type", None), "value", None)},
        )
        return handler_input.response_builder.response


class UserEventHandler(AbstractRequestHandler):
    """A touch on a screen (APL UserEvent): the same as saying the word on the button."""

    EVENTS: ClassVar[dict[str, str]] = {
        "next": "next",
        "repeat": "repeat",
        "back": "previous",
        "done": "turn_done",
        "yes": "yes",
        "no": "no",
    }

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("Alexa.Presentation.APL.UserEvent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        arguments = getattr(handler_input.request_envelope.request, "arguments", None) or []
        name = self.EVENTS.get(str(arguments[0]) if arguments else "", "unknown")
        return respond(handler_input, build_event(handler_input, "intent", name))


class ConnectionsResponseHandler(AbstractRequestHandler):
    """The answer to a permission request (reminders); anything else gets a gentle re-orientation."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("Connections.Response")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        answer = permission_answer(handler_input.request_envelope.request)
        if answer is None:
            return respond(handler_input, build_event(handler_input, "intent", "home"))
        status, wanted = answer
        if status == "ACCEPTED":
            # Granted a moment ago: set the reminder the couple asked for before Alexa asked.
            handler_input.attributes_manager.request_attributes[ACCEPTED_KEY] = True
            event = replace(build_event(handler_input, "intent", "set_reminder"), slots={"time": wanted})
            return respond(handler_input, event)
        result = "permission_denied" if status == "DENIED" else "permission_not_answered"
        response = respond(handler_input, build_event(handler_input, "action_result", result))
        handler_input.response_builder.set_card(consent_card())
        return response


REQUEST_HANDLERS = (
    LaunchHandler(),
    SessionEndedHandler(),
    SkillDisabledHandler(),
    PermissionEventHandler(),
    QuietEventHandler(),
    SoundsFailedHandler(),
    ExceptionEncounteredHandler(),
    CanFulfillIntentHandler(),
    UserEventHandler(),
    ConnectionsResponseHandler(),
)

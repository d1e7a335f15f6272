"""Load the couple's state once per session; save it only when progress changed."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import replace
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_renewal.conversation import State
from trust_renewal.conversation.reply import say
from trust_renewal.conversation.state import merge_persisted
from trust_renewal.handlers.actions import DELETED_KEY
from trust_renewal.handlers.reading import NOTICES_KEY, STATE_KEY, content_for, session_of
from trust_renewal.render.reply import speech_ssml
from trust_renewal.storage.base import CorruptRecord, StorageUnavailable, user_id_of, user_key

log = logging.getLogger(__name__)
# Session attribute keys.
S_STATE, S_DIGEST, S_REV, S_UNLOADED = "state", "saved", "rev", "unloaded"
_SESSION_TYPES = (
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "Alexa.Presentation.APL.UserEvent",
    "Connections.Response",
)


def digest(persisted: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(persisted, sort_keys=True).encode()).hexdigest()[:16]


def _hashed_user(handler_input: HandlerInput) -> str | None:
    user = user_id_of(handler_input.request_envelope)
    return user_key(user)[:12] if user else None


class LoadStateInterceptor(AbstractRequestInterceptor):
    """State from the session; from storage only on a session's first turn (or after a failed load)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput) -> None:
        request_type = getattr(handler_input.request_envelope.request, "object_type", None)
        if request_type not in _SESSION_TYPES:
            return
        attrs = handler_input.attributes_manager
        session = session_of(handler_input)
        if isinstance(session.get(S_STATE), dict):
            state = State.from_dict(session[S_STATE])
            if session.get(S_UNLOADED):
                state = self._retry_load(handler_input, state)
            attrs.request_attributes[STATE_KEY] = state
            return
        notices: list[str] = []
        try:
            stored, rev = self._load(handler_input)
            state = State.from_dict(stored)
            session[S_REV] = rev
            session[S_DIGEST] = digest(state.to_persisted()) if stored else None
        except CorruptRecord:
            log.warning(
                "stored progress unreadable; starting afresh", extra={"user_key": _hashed_user(handler_input)}
            )
            state, notices = State(welcomed=True), ["storage.corrupt"]
            session[S_REV], session[S_DIGEST] = None, None
        except StorageUnavailable as exc:
            log.error("could not load progress", extra={"error_type": type(exc.__cause__ or exc).__name__})
            state, notices = State(welcomed=True), ["storage.load_failed"]
            session[S_UNLOADED] = True
        attrs.request_attributes[STATE_KEY] = state
        if notices and request_type != "SessionEndedRequest":
            attrs.request_attributes[NOTICES_KEY] = notices

    def _load(self, handler_input: HandlerInput) -> tuple[dict[str, Any], int | None]:
        stored = dict(self.store.get_attributes(handler_input.request_envelope) or {})
        return stored, stored.pop("_rev", None)

    def _retry_load(self, handler_input: HandlerInput, state: State) -> State:
        """Storage failed earlier this session: try again, and merge what this session did."""
        try:
            stored, rev = self._load(handler_input)
        except (StorageUnavailable, CorruptRecord):
            return state
        session = session_of(handler_input)
        session.pop(S_UNLOADED, None)
        session[S_REV] = rev
        session[S_DIGEST] = digest(State.from_dict(stored).to_persisted()) if stored else None
        path = tuple(ex.id for ex in content_for(handler_input).path)
        return _with_persisted(state, merge_persisted(stored, state.to_persisted(), path))


class SaveStateInterceptor(AbstractResponseInterceptor):
    """Save the kept part of the state only when it changed; on failure apologise and keep it in session."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        attrs = handler_input.attributes_manager
        if not attrs.request_attributes.get("state_out"):
            return
        state: State = attrs.request_attributes[STATE_KEY]
        session = session_of(handler_input)
        if attrs.request_attributes.get(DELETED_KEY):
            session.clear()
            return
        persisted = state.to_persisted()
        if digest(persisted) != session.get(S_DIGEST):
            try:
                # A conditional write on the revision read this session; the store
                # merges with another device's save if one came in between.
                payload = dict(persisted)
                if session.get(S_REV) is not None:
                    payload["_rev"] = session[S_REV]
                attrs.persistent_attributes = payload
                attrs.save_persistent_attributes()
                session[S_REV] = payload.pop("_rev", None)
                if payload != persisted:
                    # Another device saved in between and the store merged: keep this
                    # session's own place, but never forget what the other finished.
                    state = replace(state, finished=State.from_dict(payload).finished)
                session[S_DIGEST] = digest(state.to_persisted())
            except StorageUnavailable as exc:
                log.error(
                    "could not save progress", extra={"error_type": type(exc.__cause__ or exc).__name__}
                )
                self._apologise(handler_input, response)
        session[S_STATE] = state.to_session()

    def _apologise(self, handler_input: HandlerInput, response: Response) -> None:
        speech = getattr(response, "output_speech", None)
        if speech is None or not getattr(speech, "ssml", None):
            return
        key = "storage.save_failed_bye" if response.should_end_session else "storage.save_failed"
        apology = speech_ssml((say(key),), content_for(handler_input))
        speech.ssml = speech.ssml.replace("<speak>", f"<speak>{apology} ", 1)


def _with_persisted(state: State, persisted: dict[str, Any]) -> State:
    """The session state with its kept part replaced by ``persisted``."""
    session_part = state.to_session()
    session_part.update(persisted)
    return State.from_dict(session_part)

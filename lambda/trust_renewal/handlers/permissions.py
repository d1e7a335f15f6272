"""Permission changes made outside a session, in the Alexa app (skill events).

Alexa sends ``AlexaSkillEvent.SkillPermissionAccepted`` / ``SkillPermissionChanged``
with the scopes the user now grants. What the skill keeps because of a permission
goes when the permission goes:

- reminders revoked: the stored reminder token is forgotten (Alexa has already
  removed the skill's reminders, and the token can no longer be used);
- voice profiles (``alexa::person_id:read``) revoked: which recognised voice goes
  with which name is forgotten; the names stay.

The device time zone needs no permission (the Settings API answers with the
request's API token alone); when that API refuses, the skill uses UTC.
Events carry no session and are answered with an empty response.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from trust_renewal.conversation import State
from trust_renewal.handlers.reminders import REMINDERS_SCOPE
from trust_renewal.storage.base import CorruptRecord, StorageUnavailable, user_id_of, user_key

log = logging.getLogger(__name__)

PERSON_SCOPE = "alexa::person_id:read"
EVENT_TYPES = ("AlexaSkillEvent.SkillPermissionAccepted", "AlexaSkillEvent.SkillPermissionChanged")


def granted_scopes(request: Any) -> set[str]:
    """Every scope the event says is granted now (account-level and per-person)."""
    body = getattr(request, "body", None)
    scopes = set()
    for field in ("accepted_permissions", "accepted_person_permissions"):
        for permission in getattr(body, field, None) or ():
            scope = getattr(permission, "scope", None)
            if isinstance(scope, str):
                scopes.add(scope)
    return scopes


def without_revoked(state: State, granted: set[str]) -> State:
    """The state with whatever a revoked permission had let the skill keep, forgotten."""
    if REMINDERS_SCOPE not in granted and state.reminder_token:
        state = replace(state, reminder_token=None)
    if PERSON_SCOPE not in granted and state.people:
        state = replace(state, people=())
    return state


class PermissionEventHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_request_type(t)(handler_input) for t in EVENT_TYPES)

    def handle(self, handler_input: HandlerInput) -> Response:
        attrs = handler_input.attributes_manager
        granted = granted_scopes(handler_input.request_envelope.request)
        user = user_id_of(handler_input.request_envelope)
        key = user_key(user)[:12] if user else None
        try:
            stored = dict(attrs.persistent_attributes or {})
            if not stored:  # nobody has used the skill on this account yet: nothing to forget
                return handler_input.response_builder.response
            state = State.from_dict(stored)
            kept = without_revoked(state, granted)
            if kept != state:
                # The store saves only the fields that differ (storage.base.save_attributes).
                before, after = state.to_persisted(), kept.to_persisted()
                # Only what was forgotten: a linked account's record holds its own fields alone.
                attrs.persistent_attributes = {k: v for k, v in after.items() if before.get(k) != v}
                attrs.save_persistent_attributes()
                log.info("permission revoked: stored data forgotten", extra={"user_key": key})
        except (StorageUnavailable, CorruptRecord) as exc:
            # Alexa does not retry skill events; the next session sees the permission
            # missing anyway (reminders fail kindly, voices are not sent).
            log.error("could not apply a permission change", extra={"error_type": type(exc).__name__})
        return handler_input.response_builder.response

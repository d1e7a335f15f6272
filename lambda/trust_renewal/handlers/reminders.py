"""Daily reminders through the Alexa Reminders API (see the reminders issue for the full flow)."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput

from trust_renewal.conversation import Reply, State

log = logging.getLogger(__name__)


def manage_reminder(handler_input: HandlerInput, reply: Reply, state: State) -> tuple[str, dict[str, str]]:
    # Reminders are not built yet: say so plainly rather than pretend.
    return ("unavailable", {})


def permission_event(handler_input: HandlerInput) -> str | None:
    return None

"""Daily reminders through the Alexa Reminders API, with the permission asked by voice.

The conversation asks for ``create_reminder`` (with the AMAZON.TIME slot value)
or ``delete_reminder``; this module does the work through the SDK's reminder
service client and answers with a result name the conversation turns into
speech (phrase ``reminder.<result>``). The only thing kept is the reminder's
``alertToken`` (param ``reminder_token``), so "stop the reminders" can delete it.

When the permission is missing, Alexa asks for it by voice (``Connections.SendRequest``
AskFor) and the session ends, as Amazon requires; the wanted time travels in
the directive's ``token``, which Alexa hands back in the ``Connections.Response``.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ask_sdk_core.handler_input import HandlerInput

from trust_renewal.conversation import Reply, State
from trust_renewal.conversation.answers import clock_words
from trust_renewal.conversation.reply import say
from trust_renewal.handlers.reading import content_for, time_zone
from trust_renewal.render.reply import line_text

log = logging.getLogger(__name__)

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
TOKEN_PREFIX = "reminder-time:"
ACCEPTED_KEY = "reminder_permission_accepted"  # request attribute: granted a moment ago
TOKEN_PARAM = "reminder_token"  # result param the conversation keeps in State.reminder_token
# AMAZON.TIME gives parts of the day as codes: a sensible hour for each.
PARTS_OF_DAY = {"MO": (8, 0), "AF": (14, 0), "EV": (19, 0), "NI": (21, 0)}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")


# -- pure helpers -------------------------------------------------------------------
def parse_time(value: str | None) -> tuple[int, int] | None:
    """(hour, minute) from an AMAZON.TIME value ("20:00", "08:30", "EV"), else None."""
    text = (value or "").strip().upper()
    if text in PARTS_OF_DAY:
        return PARTS_OF_DAY[text]
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return (hour, minute) if hour < 24 and minute < 60 else None


def daily_rule(hour: int, minute: int) -> str:
    """The iCalendar rule for every day at hour:minute."""
    return f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1"


def spoken_time(hour: int, minute: int, content: Any) -> str:
    """A clock time as people say it here ("8 p.m.", "8:30 a.m."), from the phrase book."""
    digits, key = clock_words(hour, minute)
    return line_text(say(key, time=digits), content)


def has_permission(request_envelope: Any) -> bool:
    """The user has granted this skill the reminders permission."""
    system = getattr(getattr(request_envelope, "context", None), "system", None)
    permissions = getattr(getattr(system, "user", None), "permissions", None)
    if permissions is None:
        return False
    scope = (getattr(permissions, "scopes", None) or {}).get(REMINDERS_SCOPE)
    status = getattr(scope, "status", None)
    if status is not None:
        return getattr(status, "value", status) == "GRANTED"
    return bool(getattr(permissions, "consent_token", None))


def reminder_request(hour: int, minute: int, zone: str, now: datetime, locale: str, text: str) -> Any:
    """A daily recurring reminder in the Reminders API's shape (times local to ``zone``)."""
    from ask_sdk_model.services.reminder_management import (
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        Recurrence,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    local = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)
    return ReminderRequest(
        request_time=local,
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            time_zone_id=zone,
            recurrence=Recurrence(start_date_time=local, recurrence_rules=[daily_rule(hour, minute)]),
        ),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def ask_permission_directive(raw_time: str) -> Any:
    """Alexa asks the user, by voice, to allow reminders; the wanted time rides in the token."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective

    return SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": REMINDERS_SCOPE, "consentLevel": "ACCOUNT"}],
        },
        token=f"{TOKEN_PREFIX}{raw_time}",
    )


# -- the action -----------------------------------------------------------------------
def manage_reminder(handler_input: HandlerInput, reply: Reply, state: State) -> tuple[str, dict[str, str]]:
    """Create or delete the daily reminder; (result name, params) for the conversation."""
    if reply.action == "delete_reminder":
        return _stop(handler_input, state)
    return _create(handler_input, reply, state)


def _client(handler_input: HandlerInput) -> Any | None:
    """The SDK's reminder client, or None when this request carries no API access."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    if not getattr(system, "api_access_token", None) or not getattr(system, "api_endpoint", None):
        return None
    if handler_input.service_client_factory is None:
        return None
    return handler_input.service_client_factory.get_reminder_management_service()


def _status(exc: Exception) -> int | None:
    return getattr(exc, "status_code", None)


def _create(handler_input: HandlerInput, reply: Reply, state: State) -> tuple[str, dict[str, str]]:
    raw = (reply.action_params.get("time") or "").strip()
    when = parse_time(raw)
    if when is None:
        return ("which_time", {})
    content = content_for(handler_input)
    said = spoken_time(*when, content)
    envelope = handler_input.request_envelope
    granted = handler_input.attributes_manager.request_attributes.get(ACCEPTED_KEY)
    if not granted and not has_permission(envelope):
        handler_input.response_builder.add_directive(ask_permission_directive(raw))
        return ("needs_permission", {"time": said})
    client = _client(handler_input)
    if client is None:
        log.info("reminder not set: no API access in this request")
        return ("failed", {})
    if state.reminder_token and not _delete(client, state.reminder_token):
        return ("failed", {})
    stamp = getattr(envelope.request, "timestamp", None)
    now = stamp if isinstance(stamp, datetime) else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    locale = getattr(envelope.request, "locale", None) or "en-US"
    request = reminder_request(
        *when, time_zone(handler_input), now, locale, line_text(say("reminder.spoken_text"), content)
    )
    try:
        created = client.create_reminder(request)
    except Exception as exc:  # the API, the network, or its answer: nothing changes
        log.warning(
            "reminder not created", extra={"error_type": type(exc).__name__, "status": _status(exc)}
        )
        if _status(exc) in (401, 403) and not granted:
            handler_input.response_builder.add_directive(ask_permission_directive(raw))
            return ("needs_permission", {"time": said})
        return ("failed", {})
    token = getattr(created, "alert_token", None)
    if not isinstance(token, str) or not token:
        log.warning("reminder created without an alert token")
        return ("failed", {})
    log.info("daily reminder set")
    return ("moved" if state.reminder_token else "set", {"time": said, TOKEN_PARAM: token})


def _delete(client: Any, token: str) -> bool:
    """Delete a reminder; True when it is gone (including already gone)."""
    try:
        client.delete_reminder(token)
    except Exception as exc:
        if _status(exc) == 404:  # the user removed it in the Alexa app
            return True
        log.warning(
            "reminder not deleted", extra={"error_type": type(exc).__name__, "status": _status(exc)}
        )
        return False
    return True


def _stop(handler_input: HandlerInput, state: State) -> tuple[str, dict[str, str]]:
    if not state.reminder_token:
        return ("none", {})
    client = _client(handler_input)
    if client is None or not _delete(client, state.reminder_token):
        return ("stop_failed", {})
    log.info("daily reminder stopped")
    return ("stopped", {TOKEN_PARAM: ""})


# -- the answer to the permission request ---------------------------------------------
def permission_answer(request: Any) -> tuple[str, str] | None:
    """(status, wanted time) from Alexa's answer to our permission request; None for others.

    The status is ``ACCEPTED``, ``DENIED`` or ``""`` (not answered, or the request failed).
    The handler for Connections.Response turns it into the conversation's next step.
    """
    if getattr(request, "name", None) != "AskFor":
        return None
    payload = getattr(request, "payload", None) or {}
    if payload.get("permissionScope", REMINDERS_SCOPE) != REMINDERS_SCOPE:
        return None
    code = str(getattr(getattr(request, "status", None), "code", "200") or "200")
    status = str(payload.get("status") or "").upper() if code == "200" else ""
    token = getattr(request, "token", None) or ""
    wanted = token[len(TOKEN_PREFIX) :] if token.startswith(TOKEN_PREFIX) else ""
    log.info("reminders permission answered", extra={"event": status or f"status {code}"})
    return status, wanted


def consent_card() -> Any:
    """The fallback: a card in the Alexa app where reminders can be allowed later."""
    from ask_sdk_model.ui import AskForPermissionsConsentCard

    return AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE])

"""Reading a turn's request: the content for its locale, the session, the State, the Event.

The answering side (``adapter``) and the handlers import this module; it imports
nothing of theirs, so the reading never depends on how a reply is built.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ask_sdk_core.handler_input import HandlerInput

from trust_renewal.content import Content, load_content
from trust_renewal.conversation import Event, State
from trust_renewal.conversation.events import LinkInfo
from trust_renewal.handlers.countries import country_of
from trust_renewal.handlers.time_zones import device_key, device_time_zone

STATE_KEY = "state"  # request attribute holding the State loaded for this turn
LINK_KEY = "link"  # request attribute: the session's link to a couple (handlers.linked_session)
NOTICES_KEY = "notices"  # request attribute: phrase keys to say before the reply


def locale_of(handler_input: HandlerInput) -> str:
    return getattr(handler_input.request_envelope.request, "locale", None) or "en-US"


def content_for(handler_input: HandlerInput) -> Content:
    return load_content(locale_of(handler_input))


def session_of(handler_input: HandlerInput) -> dict[str, Any]:
    """Session attributes, or a dict for this request alone when it came outside a session."""
    attrs = handler_input.attributes_manager
    if handler_input.request_envelope.session is not None:
        return attrs.session_attributes
    return attrs.request_attributes.setdefault("_no_session", {})


def time_zone(handler_input: HandlerInput) -> str:
    """The device's time zone: settled once per session, kept per device (see time_zones)."""
    return device_time_zone(handler_input, STATE_KEY, session_of(handler_input))


def local_today(handler_input: HandlerInput) -> str:
    request = handler_input.request_envelope.request
    stamp = getattr(request, "timestamp", None)
    if not isinstance(stamp, datetime):
        stamp = datetime.now(UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(ZoneInfo(time_zone(handler_input))).date().isoformat()


def _slots(request: Any) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    ids: dict[str, str] = {}
    intent = getattr(request, "intent", None)
    for name, slot in (getattr(intent, "slots", None) or {}).items():
        if slot is None:
            continue
        if isinstance(getattr(slot, "value", None), str):
            values[name] = slot.value
        try:
            for authority in slot.resolutions.resolutions_per_authority:
                if authority.status.code.value == "ER_SUCCESS_MATCH" and authority.values:
                    ids[name] = authority.values[0].value.id
                    break
        except AttributeError:
            pass
    return values, ids


def build_event(handler_input: HandlerInput, kind: str, name: str | None = None, **extra: Any) -> Event:
    envelope = handler_input.request_envelope
    request = envelope.request
    slots, slot_ids = _slots(request)
    person = getattr(getattr(getattr(envelope.context, "system", None), "person", None), "person_id", None)
    session = envelope.session
    return Event(
        kind=kind,
        name=name,
        today=local_today(handler_input),
        slots=slots,
        slot_ids=slot_ids,
        person_id=person,
        # The device's time zone when it names one country, else the locale (issue 22).
        country=country_of(time_zone(handler_input), getattr(request, "locale", None)),
        new_session=bool(session is None or session.new),
        plays_sounds=plays_sounds(envelope, current_state(handler_input)),
        link=_link_info(handler_input),
        **extra,
    )


def _link_info(handler_input: HandlerInput) -> LinkInfo:
    link = handler_input.attributes_manager.request_attributes.get(LINK_KEY)
    return link.info(handler_input.request_envelope) if link is not None else LinkInfo()


def device_id_of(envelope: Any) -> str | None:
    """``context.System.device.deviceId``, when the request came from a device."""
    device = getattr(getattr(getattr(envelope, "context", None), "system", None), "device", None)
    device_id = getattr(device, "device_id", None)
    return device_id if isinstance(device_id, str) and device_id else None


def plays_sounds(envelope: Any, state: State) -> bool:
    """The device plays APL for Audio, so reflections come with background sounds.

    Amazon's APL for audio reference: "All Alexa devices can play the audio
    response", and no request lists ``Alexa.Presentation.APLA`` in
    ``supportedInterfaces`` (ask-sdk-model has no field for it). So every request
    from a device gets the document, except from a device that once answered
    one with ``Alexa.Presentation.APLA.RuntimeError`` (kept in
    ``State.plain_devices`` by ``handlers.requests``).
    """
    device_id = device_id_of(envelope)
    return device_id is not None and device_key(device_id) not in state.plain_devices


def current_state(handler_input: HandlerInput) -> State:
    state = handler_input.attributes_manager.request_attributes.get(STATE_KEY)
    return state if isinstance(state, State) else State()

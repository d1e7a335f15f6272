"""The one bridge between the ASK SDK and the conversation: envelope -> Event -> Response."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from trust_renewal.content import Content, load_content
from trust_renewal.conversation import Event, Reply, State, step
from trust_renewal.render.reply import render_reply

log = logging.getLogger(__name__)

COUNTRY_BY_LOCALE = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}
STATE_KEY = "state"  # request attribute holding the State loaded for this turn
NOTICES_KEY = "notices"  # request attribute: phrase keys to say before the reply


def content_for(handler_input: HandlerInput) -> Content:
    return load_content(getattr(handler_input.request_envelope.request, "locale", None) or "en-US")


def session_of(handler_input: HandlerInput) -> dict[str, Any]:
    """Session attributes, or a dict for this request alone when it came outside a session."""
    attrs = handler_input.attributes_manager
    if handler_input.request_envelope.session is not None:
        return attrs.session_attributes
    return attrs.request_attributes.setdefault("_no_session", {})


def _time_zone(handler_input: HandlerInput) -> str:
    """The device's time zone: settled once per session, kept per device (see time_zones)."""
    from trust_renewal.handlers.time_zones import device_time_zone

    return device_time_zone(handler_input, STATE_KEY, session_of(handler_input))


def local_today(handler_input: HandlerInput) -> str:
    request = handler_input.request_envelope.request
    stamp = getattr(request, "timestamp", None)
    if not isinstance(stamp, datetime):
        stamp = datetime.now(UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(ZoneInfo(_time_zone(handler_input))).date().isoformat()


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
        country=COUNTRY_BY_LOCALE.get(getattr(request, "locale", None) or "en-US", "US"),
        new_session=bool(session is None or session.new),
        **extra,
    )


def current_state(handler_input: HandlerInput) -> State:
    state = handler_input.attributes_manager.request_attributes.get(STATE_KEY)
    return state if isinstance(state, State) else State()


def respond(handler_input: HandlerInput, event: Event) -> Response:
    """Run one conversation step and turn its Reply into the SDK response."""
    content = content_for(handler_input)
    state, reply = step(current_state(handler_input), event, content)
    if reply.action:
        from trust_renewal.handlers.actions import perform

        result = perform(handler_input, reply, state)
        if result is not None:
            state, reply = step(
                state,
                replace(event, kind="action_result", name=result[0], slots=result[1]),
                content,
            )
    handler_input.attributes_manager.request_attributes[STATE_KEY] = state
    handler_input.attributes_manager.request_attributes["state_out"] = True
    return render(handler_input, reply, content)


def render(handler_input: HandlerInput, reply: Reply, content: Content) -> Response:
    builder = handler_input.response_builder
    if reply.silent:
        return builder.response
    notices = handler_input.attributes_manager.request_attributes.get(NOTICES_KEY) or ()
    if notices:
        from trust_renewal.conversation.reply import say

        reply = replace(reply, speech=(*(say(k) for k in notices), *reply.speech))
    locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
    rendered = render_reply(reply, content, locale)
    from trust_renewal.render.apla import add_audio  # reflections and quiet turns over a soft bed

    in_document = add_audio(handler_input, reply, content, current_state(handler_input).background)
    if rendered.ssml and not in_document:  # Alexa would say outputSpeech before the document
        builder.speak(rendered.ssml)
    if rendered.reprompt and not reply.end_session:
        builder.ask(rendered.reprompt)
    if rendered.card_title and rendered.card_text:
        builder.set_card(SimpleCard(title=rendered.card_title, content=rendered.card_text))
    from trust_renewal.render.apl import add_screen  # screens (APL) only where the device has one

    add_screen(handler_input, reply, content)
    builder.set_should_end_session(reply.end_session)
    return builder.response

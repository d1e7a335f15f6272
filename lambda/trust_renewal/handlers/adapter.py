"""Answering a turn: run the conversation on the State read for it, and build the SDK response.

What the request says (the Event, the State, the time zone) is read in ``reading``;
the renderers here (speech, card, screen) are handed the State, never look it up.
"""

from __future__ import annotations

from dataclasses import replace

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from trust_renewal.content import Content
from trust_renewal.conversation import Event, Reply, State, step
from trust_renewal.conversation.reply import say
from trust_renewal.device_interfaces import raw_interfaces
from trust_renewal.handlers.actions import perform
from trust_renewal.handlers.link_actions import perform_link
from trust_renewal.handlers.reading import (
    NOTICES_KEY,
    STATE_KEY,
    content_for,
    current_state,
    locale_of,
    plays_sounds,
)
from trust_renewal.render.apl import screen_directive
from trust_renewal.render.apla import audio_directive
from trust_renewal.render.reply import render_reply


def respond(handler_input: HandlerInput, event: Event) -> Response:
    """Run one conversation step and turn its Reply into the SDK response."""
    content = content_for(handler_input)
    state, reply = step(current_state(handler_input), event, content)
    if reply.action:
        if reply.action.startswith("link_"):
            result = perform_link(handler_input, reply, state)
            # Linking may have moved the session to another program: go on with that one.
            state = current_state(handler_input) if result is not None else state
        else:
            result = perform(handler_input, reply, state)
        if result is not None:
            state, reply = step(
                state,
                replace(event, kind="action_result", name=result[0], slots=result[1]),
                content,
            )
    handler_input.attributes_manager.request_attributes[STATE_KEY] = state
    handler_input.attributes_manager.request_attributes["state_out"] = True
    return render(handler_input, reply, state, content)


def render(handler_input: HandlerInput, reply: Reply, state: State, content: Content) -> Response:
    builder = handler_input.response_builder
    if reply.silent:
        return builder.response
    notices = handler_input.attributes_manager.request_attributes.get(NOTICES_KEY) or ()
    if notices:
        reply = replace(reply, speech=(*(say(k) for k in notices), *reply.speech))
    locale = locale_of(handler_input)
    interfaces = raw_interfaces(handler_input.request_envelope)
    rendered = render_reply(reply, content, locale)
    # Reflections and quiet turns over a soft bed (APL for Audio), where the device plays it.
    plays = plays_sounds(handler_input.request_envelope, state)
    audio = audio_directive(plays, reply, content, state.background, locale)
    if audio is not None:
        builder.add_directive(audio)
    elif rendered.ssml:  # with a document, Alexa would say outputSpeech before it
        builder.speak(rendered.ssml)
    if rendered.reprompt and not reply.end_session:
        builder.ask(rendered.reprompt)
    if rendered.card_title and rendered.card_text:
        builder.set_card(SimpleCard(title=rendered.card_title, content=rendered.card_text))
    # A screen (APL) only where the device has one.
    screen = screen_directive(interfaces, reply, state, content)
    if screen is not None:
        builder.add_directive(screen)
    builder.set_should_end_session(reply.end_session)
    return builder.response

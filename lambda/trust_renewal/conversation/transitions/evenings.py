"""Evenings: stopping, pausing, breaks, help, fallbacks, check-ins after the program."""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation.answers import number_of
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.reply import Reply, say
from trust_renewal.conversation.situation import IN_EXERCISE
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import (
    FAMILY,
    S,
    ask_checkin,
    home,
    mid_exercise,
    reprompt,
    stay,
    which_partner,
)
from trust_renewal.conversation.transitions.navigation import go_home


def stop(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    key = "bye.saved" if mid_exercise(state, content) else "bye.plain"
    return home(state), Reply(speech=(say(key),), end_session=True)


def pause(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, situation=S.PAUSED, offer_target=None)
    return state, Reply(speech=(say("pause.kept"),), end_session=True)


def take_break(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "We need a break": step five's twenty-minute cooling-off, and the place is kept."""
    state = replace(state, situation=S.PAUSED, offer_target=None)
    key = "break.kept" if mid_exercise(state, content) else "break.plain"
    return state, Reply(speech=(say("break.cooling"), say(key)), end_session=True)


def help_(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return state, Reply(speech=(say(f"help.{FAMILY[state.situation]}"),), reprompt=reprompt(state))


def fallback(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if state.situation == S.ASK_WHICH_PARTNER:
        return state, Reply(speech=(which_partner(state),), reprompt=reprompt(state))
    return state, Reply(speech=(say(f"fallback.{FAMILY[state.situation]}"),), reprompt=reprompt(state))


def number_alone(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """A number said alone where no number was asked: nothing moves, whatever the number.

    Partners answer "from one to ten, how close do you feel?" to each other near the
    device, so "three" never jumps to step three; a step's number is told how to ask.
    """
    number = number_of(event.slots.get("number", ""))
    if number is None or not 1 <= number <= len(content.steps):
        return fallback(state, event, content)
    return stay(state, say("nav.number_alone", value=number), content=content)


def checkin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return ask_checkin(state, event, content)


def checkin_done(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return home(state), Reply(speech=(say("checkin.after"),), end_session=True)


def goodbye_after_checkin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return home(state), Reply(speech=(say("bye.plain"),), end_session=True)


def safety_calm(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """After the safety lines nothing pushes back into an exercise: the menu, gently."""
    return go_home(state, event, content)


# -- evenings in their own words (issue 20) --------------------------------------------
def enough_tonight(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "That's enough for tonight", "maybe tomorrow": the place is kept and the evening closes kindly."""
    offered = content.exercises_by_id.get(state.offer_target or "")
    if state.situation == S.OFFER_BEGIN and offered is not None:
        # At "shall we begin?" it is a no for tonight: the exercise waits for them.
        line = say("no.later", title=offered.title)
    else:
        line = say("tonight.kept" if mid_exercise(state, content) else "tonight.plain")
    return home(state), Reply(speech=(line,), end_session=True)


def thanks(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Thank you": a short welcome, then what can be said where they are."""
    return stay(state, say("courtesy.thanks"), content=content)


def sorry(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Sorry": no need; inside an exercise (an apology may be part of it), only time."""
    key = "courtesy.sorry_exercise" if state.situation in IN_EXERCISE else "courtesy.sorry"
    return stay(state, say(key), content=content)


def okay_now(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "I'm okay now" (after a crisis line, conversation/safety.py closes gently instead)."""
    return stay(state, say("courtesy.okay_now"), content=content)


def feelings(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "He cheated on me", "we keep fighting": heard, warmly and honestly; nothing moves."""
    return stay(state, say("courtesy.feelings"), content=content)


def too_hard(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "This one is too hard": permission to pass, more time, or a break; nothing moves."""
    if state.situation in IN_EXERCISE:
        return stay(state, say("courtesy.too_hard"), content=content)
    return stay(state, say("courtesy.too_hard_elsewhere"), content=content)

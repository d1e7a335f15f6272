"""Evenings: stopping, pausing, breaks, help, fallbacks, check-ins after the program."""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    mark_practiced,
)
from trust_renewal.conversation.reply import Reply, ref, say
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import (
    FAMILY,
    S,
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


def checkin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if not content.checkins:
        return stay(state, say("checkin.none"), content=content)
    item = content.checkins[state.checkins_heard % len(content.checkins)]
    state = replace(
        mark_practiced(state, event.today),
        situation=S.CHECKIN,
        offer_target=None,
        checkins_heard=state.checkins_heard + 1,
    )
    return state, Reply(
        speech=(say("checkin.intro"), ref(f"checkin:{item.id}"), say("cue.checkin")),
        reprompt=(say("reprompt.checkin"),),
    )


def checkin_done(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return home(state), Reply(speech=(say("checkin.after"),), end_session=True)


def goodbye_after_checkin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return home(state), Reply(speech=(say("bye.plain"),), end_session=True)


def safety_calm(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """After the safety lines nothing pushes back into an exercise: the menu, gently."""
    return go_home(state, event, content)

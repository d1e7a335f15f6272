"""Safety first: self-harm, abuse, danger and distress, heard from every situation.

Pure functions, like the rest of the conversation. The engine asks ``before``
first on every intent, so these routes work wherever the couple is: at the
launch, mid-offer, in a partner's quiet turn, in a reflection, at a check-in,
after the program, and as a one-shot. ``after`` adds the one sentence about
couples counselling when the first exercise ends.

Routes (``State.safety_route``, kept for the session):

* ``self_harm``: a calm answer, the suicide and crisis line, an invitation to
  call now or tell someone nearby. No exercise is offered for the rest of the
  session.
* ``abuse``: the domestic-abuse line and the emergency number; the program stops.
* ``danger`` ("I don't feel safe", any kind): the emergency, crisis and abuse lines.

After a route, "repeat" gives the numbers alone, and nothing goes to the Alexa
app unless they ask ("send it to my phone"), and then only after hearing that
others with access to the account can see it. Distress is not an error: a warm
acknowledgement and an offer of one slow breath or a pause. The fallback never
pushes: a neutral "I didn't catch that" and the cue, then after two misses in a
row, a short offer of help.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.reply import Card, Line, Reply, ref, say
from trust_renewal.conversation.situation import QUESTIONS, Situation
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import FAMILY

# Which numbers each route gives, in the order they are said.
ROUTE_NUMBERS: dict[str, tuple[str, ...]] = {
    "self_harm": ("crisis", "emergency"),
    "abuse": ("emergency", "abuse"),
    "danger": ("emergency", "crisis", "abuse"),
}
_ROUTE_OF_INTENT = {"self_harm": "self_harm", "abuse": "abuse", "safety": "danger"}
_OPENING = {"self_harm": "self_harm.open", "abuse": "abuse.open", "danger": "danger.open"}
# Once a route has been given, these still do what they say; everything else is
# answered without offering an exercise.
_STILL_ALLOWED = frozenset({"stop", "cancel", "pause", "delete_data", "stop_reminders"})
MISSES_BEFORE_HELP = 2
DEFAULT_COUNTRY = "US"


def gives_help(reply: Reply) -> bool:
    """A reply that gives the crisis numbers or answers distress (said plainly, nothing added)."""
    return any(
        line.key.startswith(("safety_call:", "safety_number:", "phrase:distress."))
        for line in reply.speech
    )


def transition_for(name: str) -> Callable[[State, Event, Content], tuple[State, Reply]]:
    """The table's row for a safety intent: the same answer from any situation."""

    def run(state: State, event: Event, content: Content) -> tuple[State, Reply]:
        state, reply = before(state, replace(event, name=name), content, FAMILY[state.situation])
        return state, reply or Reply()

    run.__name__ = f"safety.{name}"
    return run


def country_of(event: Event, content: Content) -> str:
    """The country whose lines to give: the locale's, else the default's."""
    return event.country if event.country in content.crisis_lines else DEFAULT_COUNTRY


def before(
    state: State, event: Event, content: Content, context: str
) -> tuple[State, Reply | None]:
    """Answer a safety-related intent, or return the state (misses counted) for the engine.

    ``context`` is where the couple is (the engine's ``home``, ``offer``,
    ``exercise``, ``turn``, ``confirm``, ``complete`` or ``checkin``).
    """
    if event.kind != "intent":
        return state, None
    name = event.name or ""
    if name in ("fallback", "unknown"):
        return _fallback(state, context)
    state = replace(state, misses=0)
    if name in _ROUTE_OF_INTENT:
        return _route(state, event, content, _ROUTE_OF_INTENT[name])
    if name == "distress":
        return _distress(state, context)
    if name == "send_card":
        return _ask_before_card(state)
    if state.safety_offer == "card" and name in ("yes", "no"):
        return _answer_card(state, event, content, name == "yes")
    if state.safety_offer == "breath" and name in ("yes", "no"):
        return _answer_breath(state, context, name == "yes")
    state = replace(state, safety_offer=None)
    if name == "find_support":
        if state.situation in QUESTIONS:  # the answer is long: no yes/no question left hanging
            state = replace(state, situation=Situation.HOME, offer_target=None)
        return state, Reply(
            speech=(say("support.more"), say(_cue_key(state, context))),
            reprompt=(say(f"fallback.reprompt.{_neutral(state, context)}"),),
        )
    if state.safety_route:
        if name == "repeat":
            return state, _numbers_again(state, event, content)
        if name == "help":
            return state, _after_route(say("help.safety"))
        if name not in _STILL_ALLOWED:
            return state, _after_route(say("safety.no_exercise"))
    return state, None


def after(previous: State, state: State, reply: Reply, event: Event | None = None) -> Reply:
    """In help, and at the end of the first exercise, one sentence on when to see a couples counsellor."""
    if event is not None and event.name == "help" and reply.speech:
        # Before the help itself, so the reply still ends with what can be said here.
        return replace(reply, speech=(say("support.hint"), *reply.speech))
    done = say("done.exercise")
    if previous.finished or len(state.finished) != 1 or done not in reply.speech:
        return reply
    at = reply.speech.index(done) + 1
    return replace(reply, speech=(*reply.speech[:at], say("support.hint"), *reply.speech[at:]))


# -- routes -------------------------------------------------------------------------
def _route(state: State, event: Event, content: Content, route: str) -> tuple[State, Reply]:
    country = country_of(event, content)
    lines: list[Line] = [say(_OPENING[route])]
    for role in ROUTE_NUMBERS[route]:
        lines.append(ref(f"safety_call:{country}:{role}"))
        if route == "self_harm" and role == "crisis":
            lines.append(say("self_harm.someone"))
    if not state.privacy_told:
        lines.append(say("safety.privacy"))
    lines.append(say("safety.repeat_hint"))
    state = replace(
        state,
        situation=Situation.SAFETY,
        offer_target=None,
        safety_route=route,
        safety_offer=None,
        privacy_told=True,
    )
    # The session stays open so "repeat" can give the number again.
    return state, Reply(speech=tuple(lines), reprompt=(say("safety.reprompt"),))


def _numbers_again(state: State, event: Event, content: Content) -> Reply:
    """The numbers alone, slowly, and how to hear them again."""
    country = country_of(event, content)
    roles = ROUTE_NUMBERS.get(state.safety_route or "", ROUTE_NUMBERS["danger"])
    lines = [ref(f"safety_number:{country}:{role}") for role in roles]
    return Reply(speech=(*lines, say("safety.repeat_again")), reprompt=(say("safety.reprompt"),))


def _after_route(line: Line) -> Reply:
    return Reply(speech=(line,), reprompt=(say("safety.reprompt"),))


# -- the card, only when asked --------------------------------------------------------
def _ask_before_card(state: State) -> tuple[State, Reply]:
    state = replace(state, safety_offer="card")
    return state, Reply(speech=(say("safety.card_confirm"),), reprompt=(say("safety.card_reprompt"),))


def _answer_card(state: State, event: Event, content: Content, send: bool) -> tuple[State, Reply]:
    state = replace(state, safety_offer=None)
    if not send:
        return state, _after_route(say("safety.card_not_sent"))
    country = country_of(event, content)
    card = Card(title=say("safety.card_title"), body=(ref(f"crisis_card:{country}"),))
    return state, Reply(
        speech=(say("safety.card_sent"),), reprompt=(say("safety.reprompt"),), card=card
    )


# -- distress ----------------------------------------------------------------------------
def _distress(state: State, context: str) -> tuple[State, Reply]:
    if state.situation in QUESTIONS:
        # No yes/no question about an exercise stays open after distress.
        state = replace(state, situation=Situation.HOME, offer_target=None)
    state = replace(state, safety_offer="breath")
    return state, Reply(
        speech=(say("distress.open"), say("distress.ask")), reprompt=(say("distress.reprompt"),)
    )


def _answer_breath(state: State, context: str, breathe: bool) -> tuple[State, Reply]:
    state = replace(state, safety_offer=None)
    first = say("distress.breath") if breathe else say("distress.declined")
    return state, Reply(
        speech=(first, say(_cue_key(state, context))),
        reprompt=(say(f"fallback.reprompt.{_neutral(state, context)}"),),
    )


# -- the fallback never pushes -------------------------------------------------------------
def _fallback(state: State, context: str) -> tuple[State, Reply]:
    misses = state.misses + 1
    state = replace(state, misses=misses)
    where = "safety" if state.safety_route else _neutral(state, context)
    lines: list[Line] = [say(f"fallback.{where}")]
    if misses >= MISSES_BEFORE_HELP:
        lines.append(say("fallback.offer_help"))
    return state, Reply(speech=tuple(lines), reprompt=(say(f"fallback.reprompt.{where}"),))


def _neutral(state: State, context: str) -> str:
    """Where they are, as the fallback and the cues after distress name it."""
    if state.situation == Situation.HOME and context in ("offer", "confirm", "complete"):
        return "home"
    if state.safety_offer == "breath":
        return "breath"
    return context


def _cue_key(state: State, context: str) -> str:
    where = _neutral(state, context)
    # After distress or a question about support, no cue asks them to begin.
    return {"offer": "fallback.reprompt.offer", "complete": "fallback.reprompt.complete"}.get(
        where, f"cue.{where}"
    )

"""Safety first: self-harm, abuse, danger and distress, heard from every situation.

Pure functions, like the rest of the conversation. The engine asks ``before``
first on every intent, so these routes work wherever the couple is: at the
launch, mid-offer, in a partner's quiet turn, in a reflection, at a check-in,
after the program, and as a one-shot. ``after`` adds the one sentence about
couples counselling when the first exercise ends; ``launch`` answers a launch
while the exercises are paused.

Routes (``State.safety_route``, kept for the session); which numbers each gives,
and in what order, is content (``routes`` in safety.json), for the country where
the device is (``Event.country``):

* ``self_harm``: warmth and hope, the crisis line first, staying safe tonight
  (distance from means, someone near), the emergency number, then one direct
  question: "are you safe right now?" A no takes the ``harm_done`` route.
* ``harm_done`` (a step already taken: pills, an injury): the emergency number is
  the first sentence, then someone near, then the crisis line.
* ``someone_else`` (worry about a partner's suicide threats): the line is for the
  worried person too; threats when the other tries to leave can be control, and
  the abuse line can help with that.
* ``abuse``: no verdict said aloud; the exercises stop because they are not right
  for a home where that happens; the lines "when you can talk privately".
* ``danger`` ("I don't feel safe", danger now): the emergency number first, then
  the abuse lines, then the crisis line.

Abuse and danger pause the couple exercises across sessions (``State.exercises_paused``,
a neutral flag) until an informed "yes, we both feel safe" resumes them.
Hopelessness is asked about directly ("are you having thoughts of ending your
life?"); a yes takes the self-harm route. Every number is said once in a reply,
digit by digit, slowly; "repeat" (or "yes") gives them again. Nothing goes to
the Alexa app unless they ask, and then only after hearing that others with
access to the account can see it. Distress is not an error: a warm
acknowledgement and an offer of one slow breath or a pause. The fallback never
pushes: a neutral "I didn't catch that" and the cue, then after two misses in a
row, a short offer of help.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from trust_renewal.content.model import Content, CrisisLine
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.reply import Card, Line, Reply, ref, say
from trust_renewal.conversation.situation import QUESTIONS, Situation
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import FAMILY

_ROUTE_OF_INTENT = {
    "self_harm": "self_harm",
    "harm_done": "harm_done",
    "someone_else": "someone_else",
    "abuse": "abuse",
    "safety": "danger",
}
# The routes after which the couple exercises stay paused across sessions.
PAUSING_ROUTES = frozenset({"abuse", "danger"})
# Once a route has been given, these still do what they say; everything else is
# answered without offering an exercise.
_STILL_ALLOWED = frozenset({"pause", "delete_data", "stop_reminders"})
# While the exercises are paused, these do what they say; anything that would
# begin or move through an exercise hears that they are paused.
_ALLOWED_WHILE_PAUSED = frozenset(
    {
        "stop", "cancel", "pause", "delete_data", "stop_reminders", "set_reminder", "help",
        "progress", "set_names", "background_off", "background_on", "background_quieter",
        "repeat", "home",
    }
)
_HELP_KEYS = (
    "safety_call:", "safety_now:", "safety_number:", "phrase:distress.", "phrase:hopeless.",
    "phrase:paused.", "phrase:self_harm.", "phrase:safety.",
)  # fmt: skip
MISSES_BEFORE_HELP = 2
DEFAULT_COUNTRY = "US"


def gives_help(reply: Reply) -> bool:
    """A reply that gives the crisis numbers or answers distress (said plainly, nothing added)."""
    return any(line.key.startswith(_HELP_KEYS) for line in reply.speech)


def transition_for(name: str) -> Callable[[State, Event, Content], tuple[State, Reply]]:
    """The table's row for a safety intent: the same answer from any situation."""

    def run(state: State, event: Event, content: Content) -> tuple[State, Reply]:
        state, reply = before(state, replace(event, name=name), content, FAMILY[state.situation])
        return state, reply or Reply()

    run.__name__ = f"safety.{name}"
    return run


def country_of(event: Event, content: Content) -> str:
    """The country whose lines to give: the device's (time zone, else locale), else the default's."""
    return event.country if event.country in content.crisis_lines else DEFAULT_COUNTRY


def _lines(event: Event, content: Content) -> CrisisLine:
    return content.crisis_lines[country_of(event, content)]


def launch(state: State, lead: tuple[Line, ...]) -> tuple[State, Reply] | None:
    """A launch while the exercises are paused: why, and what they can do; else None."""
    if not state.exercises_paused:
        return None
    state = replace(state, situation=Situation.HOME, offer_target=None)
    return state, Reply(speech=(*lead, say("paused.launch")), reprompt=(say("paused.reprompt"),))


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
    if name == "hopeless":
        return _ask_about_life(state)
    if name == "distress":
        return _distress(state, context)
    if name == "send_card":
        return _ask_before_card(state)
    if name in ("yes", "no"):
        answered = _answer(state, event, content, context, name == "yes")
        if answered is not None:
            return answered
    state = replace(state, safety_offer=None)
    if name == "find_support":
        return _support(state, event, content, context)
    if state.safety_route:
        if name in ("repeat", "yes"):
            return state, _numbers_again(state, event, content, lead=name == "yes")
        if name == "help":
            return state, _after_route(say("help.safety"))
        if name in ("stop", "cancel"):
            return state, _goodbye(state)
        if name not in _STILL_ALLOWED:
            return state, _after_route(say("safety.no_exercise"))
    if state.exercises_paused:
        if name in ("stop", "cancel"):
            return state, _goodbye(state)
        if name == "resume":
            state = replace(state, safety_offer="resume", situation=Situation.HOME, offer_target=None)
            return state, Reply(
                speech=(say("paused.confirm"),), reprompt=(say("paused.confirm_reprompt"),)
            )
        if name not in _ALLOWED_WHILE_PAUSED:
            state = replace(state, situation=Situation.HOME, offer_target=None)
            return state, Reply(speech=(say("paused.exercise"),), reprompt=(say("paused.reprompt"),))
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
    lines = _route_lines(route, _lines(event, content), privacy=not state.privacy_told)
    state = replace(
        state,
        situation=Situation.SAFETY,
        offer_target=None,
        safety_route=route,
        safety_offer="safe_now" if route == "self_harm" else None,
        privacy_told=state.privacy_told or route != "harm_done",
        exercises_paused=state.exercises_paused or route in PAUSING_ROUTES,
    )
    reprompt = "self_harm.reprompt" if route == "self_harm" else "safety.reprompt"
    # The session stays open so "repeat" can give the numbers again.
    return state, Reply(speech=tuple(lines), reprompt=(say(reprompt),))


def _route_lines(route: str, line: CrisisLine, privacy: bool) -> list[Line]:
    """The reply for a route: its numbers in order, each once, with the words around them."""
    ids = line.routes[route]
    call = [ref(f"safety_call:{line.country}:{i}") for i in ids]
    out: list[Line] = []
    if route in ("danger", "harm_done"):
        # Danger first: the emergency number is the first sentence.
        first = "safety_now" if route == "harm_done" else "safety_call"
        out.append(ref(f"{first}:{line.country}:{ids[0]}"))
        out.append(say(f"{route}.open"))
        rest = list(zip(ids[1:], call[1:], strict=True))
    else:
        out.append(say(f"{route}.open"))
        rest = list(zip(ids, call, strict=True))
    lead_told = False
    for number_id, number_line in rest:
        role = line.numbers[number_id].role
        if role == "abuse" and not lead_told and route in ("abuse", "danger", "someone_else"):
            lead_told = True
            out.append(say("someone_else.control" if route == "someone_else" else "abuse.privately"))
        out.append(number_line)
        if route == "self_harm" and role == "crisis":
            out.append(say("self_harm.tonight"))
    if privacy and route != "harm_done":
        out.append(say("safety.privacy"))
    out.append(say("self_harm.ask" if route == "self_harm" else "safety.repeat_hint"))
    return out


def _numbers_again(state: State, event: Event, content: Content, lead: bool = False) -> Reply:
    """The numbers alone, slowly, each once, and how to hear them again."""
    line = _lines(event, content)
    ids = line.routes.get(state.safety_route or "", line.routes["danger"])
    numbers = [ref(f"safety_number:{line.country}:{i}") for i in ids]
    first = [say("safety.yes")] if lead else []
    return Reply(
        speech=(*first, *numbers, say("safety.repeat_again")), reprompt=(say("safety.reprompt"),)
    )


def _after_route(line: Line) -> Reply:
    return Reply(speech=(line,), reprompt=(say("safety.reprompt"),))


def _goodbye(state: State) -> Reply:
    """Stop after a route: a warm close, never "take care of each other"."""
    caring = state.safety_route in ("self_harm", "harm_done", "someone_else")
    key = "safety.goodbye.paused" if state.exercises_paused and not caring else "safety.goodbye.care"
    return Reply(speech=(say(key),), end_session=True)


def _support(state: State, event: Event, content: Content, context: str) -> tuple[State, Reply]:
    """Where to find a counsellor; while paused, the abuse lines too."""
    if state.situation in QUESTIONS:  # the answer is long: no yes/no question left hanging
        state = replace(state, situation=Situation.HOME, offer_target=None)
    speech: list[Line] = [say("support.more")]
    if state.exercises_paused or state.safety_route in PAUSING_ROUTES:
        line = _lines(event, content)
        abuse = [i for i in line.routes["abuse"] if line.numbers[i].role == "abuse"]
        speech += [say("support.lines"), *(ref(f"safety_call:{line.country}:{i}") for i in abuse)]
        speech.append(say("safety.support_end"))
        return state, Reply(speech=tuple(speech), reprompt=(say("paused.reprompt"),))
    speech.append(say(_cue_key(state, context)))
    return state, Reply(
        speech=tuple(speech), reprompt=(say(f"fallback.reprompt.{_neutral(state, context)}"),)
    )


# -- yes and no to a safety question -----------------------------------------------------
def _answer(
    state: State, event: Event, content: Content, context: str, yes: bool
) -> tuple[State, Reply] | None:
    offer = state.safety_offer
    if offer == "card":
        return _answer_card(state, event, content, yes)
    if offer == "breath":
        return _answer_breath(state, context, yes)
    if offer == "safe_now":
        if not yes:  # not safe right now: the emergency number first
            return _route(state, event, content, "harm_done")
        state = replace(state, safety_offer=None)
        return state, Reply(speech=(say("self_harm.safe"),), reprompt=(say("safety.reprompt"),))
    if offer == "ask_life":
        if yes:
            return _route(state, event, content, "self_harm")
        state = replace(state, safety_offer="breath")
        return state, Reply(
            speech=(say("hopeless.no"), say("distress.ask")), reprompt=(say("distress.reprompt"),)
        )
    if offer == "resume":
        state = replace(state, safety_offer=None, exercises_paused=not yes)
        key = "paused.resumed" if yes else "paused.kept"
        return state, Reply(speech=(say(key),), reprompt=(say("fallback.reprompt.home"),))
    return None


def _ask_about_life(state: State) -> tuple[State, Reply]:
    """Hopelessness is asked about plainly: are you having thoughts of ending your life?"""
    if state.situation in QUESTIONS:
        state = replace(state, situation=Situation.HOME, offer_target=None)
    state = replace(state, safety_offer="ask_life")
    return state, Reply(speech=(say("hopeless.ask"),), reprompt=(say("hopeless.reprompt"),))


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
    if state.exercises_paused:  # no cue to begin an exercise while they are paused
        return "paused.reprompt"
    where = _neutral(state, context)
    # After distress or a question about support, no cue asks them to begin.
    return {"offer": "fallback.reprompt.offer", "complete": "fallback.reprompt.complete"}.get(
        where, f"cue.{where}"
    )

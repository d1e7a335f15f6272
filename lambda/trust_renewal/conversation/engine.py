"""step(State, Event) -> (State, Reply): every decision about what the couple hears.

What an intent does depends on the situation the couple is in; that mapping is
declared in ``table.TABLE`` and the transitions live in ``transitions``. This
module handles what comes before and after any transition: a new session, the
first-time welcome, launches, a session that ends, results of actions, and
lines for someone using the skill alone.
"""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation import safety, sounds
from trust_renewal.conversation.answers import interpret
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import current_exercise, days_since
from trust_renewal.conversation.reply import Card, Line, Reply, say
from trust_renewal.conversation.situation import IN_EXERCISE, TURNS, Situation
from trust_renewal.conversation.state import State
from trust_renewal.conversation.table import transition
from trust_renewal.conversation.transitions import common, linking
from trust_renewal.conversation.transitions import navigation as nav

LONG_GAP_DAYS = 14
# Intents that must not be delayed by the first-time welcome.
_NO_WELCOME = frozenset(
    {"stop", "cancel", "safety", "delete_data", "pause", "no", "take_break", "link_code", "join_partner"}
)
# A new session mid-exercise ("tell trust renewal I'm done") hears where they are first.
_CARRY_ON = frozenset({"todays_exercise", "next", "turn_done", "yes", "resume", "more_time"})
_FINISHED_SAYING = frozenset({"next", "turn_done"})


def step(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """Decide the new state and what to say. Pure: no I/O, no SDK types."""
    state = _settle(state, content)
    if event.kind == "session_ended":
        return _session_ended(state, event), Reply(silent=True, end_session=True)
    if event.kind == "launch":
        state, reply = _launch(state, event, content)
    elif event.kind == "action_result":
        state, reply = _action_result(state, event, content)
    else:
        event = interpret(state, event, content)  # bare answers, read by the open question
        state, reply = _intent(state, event, content)
    if not safety.gives_help(reply):  # no word about background sounds in a crisis answer
        state, reply = sounds.mention_once(state, reply, content, event.plays_sounds)
    reply = _for_who_is_here(state, reply, content)
    if reply.speech and not reply.silent:
        state = replace(state, last=reply.speech, last_reprompt=reply.reprompt)
    return state, reply


def _settle(state: State, content: Content) -> State:
    """Inside an exercise the position decides the exact situation (older sessions said only "exercise")."""
    if state.situation in IN_EXERCISE:
        if state.exercise_id not in content.exercises_by_id:
            return replace(state, situation=Situation.HOME)
        return replace(state, situation=run.situation_at(state, content))
    return state


def _session_ended(state: State, event: Event) -> State:
    # Silence after the chime: that turn is over, so the next session goes on to the next speaker.
    over = state.situation in TURNS and event.reason == "EXCEEDED_MAX_REPROMPTS"
    return replace(state, situation=Situation.HOME, offer_target=None, turn_over=state.turn_over or over)


def _intent(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    name = event.name or "fallback"
    lead: tuple[Line, ...] = ()
    if event.new_session:
        state = replace(state, situation=Situation.HOME, offer_target=None)
    # Safety first, from every situation: before the table and the one-shot carry-on.
    previous = state
    state, early = safety.before(state, event, content, common.FAMILY[state.situation])
    if early is not None:
        return state, early
    if event.new_session:
        if not state.welcomed and name not in _NO_WELCOME:
            lead = (say("welcome.first_short"),)
            state = replace(state, welcomed=True)
        if name in _CARRY_ON and common.mid_exercise(state, content):
            if name in _FINISHED_SAYING and state.turn % 2 == 0:
                state = replace(state, turn_over=True)  # "tell trust renewal I'm done"
            if name == "resume":  # "ask trust renewal to resume": where they are, then straight on
                state, reply = nav.resume_with_where(state, event, content)
            else:
                state, reply = common.offer_resume(state, event, content)
            return state, replace(reply, speech=(*lead, *reply.speech))
    state, reply = transition(state.situation, name)(state, event, content)
    reply = safety.after(previous, state, reply, event)
    if lead:
        reply = replace(reply, speech=(*lead, *reply.speech))
    return state, reply


def _launch(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, situation=Situation.HOME, offer_target=None)
    lead: list[Line] = []
    if event.person_id:
        lead += [say("greeting.hello"), Line(f"person:{event.person_id}")]
    if not state.welcomed:
        state = replace(state, welcomed=True)
        lead += [say("welcome.first"), say("welcome.names_hint")]
    else:
        gap = days_since(state, event.today)
        lead.append(say("welcome.after_gap" if gap is not None and gap >= LONG_GAP_DAYS else "welcome.back"))
    paused = safety.launch(state, tuple(lead))
    if paused is not None:  # after an abuse or danger disclosure: no exercise offered
        return paused
    if state.program_done and current_exercise(state, content) is None:
        state, reply = run.complete_program(state, content)
        return state, replace(reply, speech=(*lead, *reply.speech))
    if common.mid_exercise(state, content):
        return common.offer_resume(state, event, content, tuple(lead))
    return common.offer_today(state, event, content, tuple(lead))


def _action_result(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """What to say once the edges have done an action (reminders)."""
    name = event.name or "failed"
    if name.startswith("link_"):  # linking two accounts (transitions.linking)
        return linking.action_result(state, event, content)
    params = dict(event.slots)
    if "reminder_token" in params:  # the edges created or deleted the daily reminder
        state = replace(state, reminder_token=params.pop("reminder_token") or None)
    lines = (say(f"reminder.{name}", **params),)
    if name in ("needs_permission",):
        return state, Reply(speech=lines, end_session=True)
    return common.stay(state, *lines, content=content)


def _for_who_is_here(state: State, reply: Reply, content: Content) -> Reply:
    """Someone alone hears every phrase in its one-person wording (``solo.<key>``) where there is one."""
    if not state.solo:
        return reply

    def one(line: Line) -> Line:
        if line.key.startswith("phrase:") and f"solo.{line.key[7:]}" in content.phrases:
            return Line(f"phrase:solo.{line.key[7:]}", line.params)
        return line

    card = reply.card
    if card is not None:
        card = Card(title=one(card.title), body=tuple(one(x) for x in card.body))
    return replace(
        reply,
        speech=tuple(one(x) for x in reply.speech),
        reprompt=tuple(one(x) for x in reply.reprompt),
        card=card,
    )

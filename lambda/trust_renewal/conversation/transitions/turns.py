"""Inside an exercise: advancing, turns, who holds the turn, more time, "wait", who goes first."""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    needs_two,
    prompt_index,
)
from trust_renewal.conversation.reply import Reply, ref, say
from trust_renewal.conversation.situation import IN_EXERCISE, TURNS
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import (
    S,
    clean_name,
    cue,
    exercise_of,
    reprompt,
    stay,
)

HOLD_SECONDS = 60  # "wait" outside a turn: a minute of quiet, then the cue again


def advance(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return run.advance(state, content, event.today)


def turn_done(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Done" from a recognised voice that is not the one speaking keeps the turn."""
    waiting = _still_speaking(state, event, content)
    if waiting is not None:
        return stay(state, say("turn.still_yours", name=waiting), content=content)
    return run.advance(state, content, event.today)


def _still_speaking(state: State, event: Event, content: Content) -> str | None:
    people = dict(state.people)
    if not event.person_id or event.person_id not in people or len(state.names) < 2:
        return None
    holder = run.speaking(state, exercise_of(state, content), state.turn)
    return None if people[event.person_id] == holder else state.names[holder]


def more_turn_time(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return run.more_time(state, content)


def hold(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Wait", "hang on": a minute of quiet, then the same cue; nothing moves."""
    lines = (say("hold.take_time"), run.quiet_line(HOLD_SECONDS, ""), *cue(state))
    return state, Reply(speech=lines, reprompt=reprompt(state))


def nothing_to_finish(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(state, say("turn.none"), content=content)


def whose_turn(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Whose turn is it", "who goes first", "what was the question": answered from the state."""
    if state.situation in IN_EXERCISE:
        exercise = exercise_of(state, content)
        index = prompt_index(state, exercise)
        card = ref(f"card:{exercise.id}:{index}")
        if state.situation in TURNS:
            speaker, listener = run.turn_people(state, exercise)
            key = "whose.speaker" if state.situation == S.SPEAKER_TURN else "whose.listener"
            return stay(
                state,
                say(key, speaker=speaker, listener=listener),
                say("whose.question"),
                card,
                content=content,
            )
        return stay(state, say("whose.together"), say("whose.question"), card, content=content)
    offered = content.exercises_by_id.get(state.offer_target or "")
    if state.situation in (S.OFFER_BEGIN, S.OFFER_RESUME) and offered is not None and needs_two(offered):
        if state.situation == S.OFFER_RESUME:
            point = run.resume_point(state, content) or state
            # At a say-back, the one who talks next is the partner who listened.
            talking = run.turn_people(point, offered)[point.turn % 2]
            return stay(state, say("whose.next", speaker=talking), content=content)
        first, second = run.partner_labels(state, run.opener_of(state, offered))
        key = "whose.first" if len(state.names) >= 2 else "whose.decide"
        return stay(state, say(key, first=first, second=second), content=content)
    return stay(state, say("turn.none"), content=content)


def let_go_first(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Let Jordan go first": kept for the next exercise with turns, even in a later session.

    Before an exercise's first turn, whoever they name opens it. Once its turns have
    begun, nobody speaks twice in a row: the wish waits for the next exercise with
    turns, and the reply says so plainly.
    """
    wanted = clean_name(event.slots.get("firstName")).lower()
    names = [n.lower() for n in state.names]
    if len(names) < 2 or state.solo:
        return stay(state, say("first.need_names"), content=content)
    if wanted not in names:
        return stay(state, say("first.unknown", first=state.names[0], second=state.names[1]), content=content)
    index = names.index(wanted)
    name = state.names[index]
    here = content.exercises_by_id.get(state.exercise_id or "")
    running = state.started and here is not None and here.id not in state.finished and needs_two(here)
    if running and here is not None and not run.rounds_begun(state, here):
        # Nobody has spoken yet in this exercise: they open it now.
        state = replace(state, first_speaker=index, next_first=None)
        if state.situation == S.SPEAKER_TURN:
            return run.speak_position(state, content, (say("first.set", name=name),))
        return stay(state, say("first.set", name=name), content=content)
    state = replace(state, next_first=str(index))
    if running:
        # Rounds have begun: nobody speaks twice in a row, so it waits for the next exercise.
        return stay(state, say("first.next_time", name=name), content=content)
    offered = content.exercises_by_id.get(state.offer_target or "")
    soon = state.situation == S.OFFER_BEGIN and offered is not None and needs_two(offered)
    return stay(state, say("first.set" if soon else "first.next_exercise", name=name), content=content)

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
    waiting = _still_speaking(state, event)
    if waiting is not None:
        return stay(state, say("turn.still_yours", name=waiting), content=content)
    return run.advance(state, content, event.today)


def _still_speaking(state: State, event: Event) -> str | None:
    people = dict(state.people)
    if not event.person_id or event.person_id not in people or len(state.names) < 2:
        return None
    first = run.first_speaker(state)
    holder = first if state.turn in (0, 3) else 1 - first
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
            speaker, listener = run.turn_people(state)
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
            return stay(state, say("whose.next", speaker=run.turn_people(point)[0]), content=content)
        first, second = run.partner_labels(state, run.first_speaker(state))
        key = "whose.first" if len(state.names) >= 2 else "whose.decide"
        return stay(state, say(key, first=first, second=second), content=content)
    return stay(state, say("turn.none"), content=content)


def let_go_first(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Let Jordan go first": before the first turn of an exercise, whoever they name opens."""
    wanted = clean_name(event.slots.get("firstName")).lower()
    names = [n.lower() for n in state.names]
    if len(names) < 2 or state.solo:
        return stay(state, say("first.need_names"), content=content)
    if wanted not in names:
        return stay(state, say("first.unknown", first=state.names[0], second=state.names[1]), content=content)
    index = names.index(wanted)
    at_start = state.prompt == 0 and state.turn == 0
    if state.situation == S.SPEAKER_TURN and at_start:
        state = replace(state, first_speaker=index)
        return run.speak_position(state, content, (say("first.set", name=state.names[index]),))
    if state.situation in IN_EXERCISE or (state.situation == S.OFFER_RESUME and not at_start):
        return stay(state, say("first.later", name=state.names[index]), content=content)
    return stay(
        replace(state, first_speaker=index), say("first.set", name=state.names[index]), content=content
    )

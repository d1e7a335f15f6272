"""Running an exercise: speaking a position, taking turns, moving on, finishing."""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content, Exercise
from trust_renewal.conversation.program import (
    at_position,
    current_exercise,
    mark_practiced,
    next_unfinished,
    prompt_index,
    run_length,
)
from trust_renewal.conversation.reply import Card, Line, Reply, ref, say
from trust_renewal.conversation.state import State


def partner_labels(state: State, first_index: int) -> tuple[str, str]:
    """(speaker, listener) names for a turn: the partners' names, or neutral labels.

    The renderer turns the ``@partner_one``/``@partner_two``/``@your_partner``
    labels into words from the phrase book.
    """
    names = list(state.names)
    if len(names) >= 2:
        pair = (names[0], names[1])
    elif len(names) == 1:
        pair = (names[0], "@your_partner")
    else:
        pair = ("@partner_one", "@partner_two")
    return (pair[first_index], pair[1 - first_index])


def first_speaker(state: State) -> int:
    """Who speaks first alternates from one exercise to the next."""
    return len(state.finished) % 2


def _prompt_card(exercise: Exercise, index: int) -> Card:
    return Card(title=ref(f"title:{exercise.id}"), body=(ref(f"card:{exercise.id}:{index}"),))


def speak_position(state: State, content: Content, lead: tuple[Line, ...] = ()) -> Reply:
    """Say the prompt (or turn stage) the state points at, with its cue and reprompt."""
    exercise = content.exercise(state.exercise_id or "")
    index = prompt_index(state, exercise)
    prompt = exercise.prompts[index]
    lines = list(lead)
    if not prompt.turns:
        lines += [ref(f"prompt:{exercise.id}:{index}"), say("cue.next")]
        reprompt = (say("reprompt.exercise"),)
    else:
        a, b = partner_labels(state, first_speaker(state))
        if state.turn == 0:
            lines += [ref(f"prompt:{exercise.id}:{index}", speaker=a, listener=b), say("cue.done")]
        elif state.turn == 1:
            lines += [say("turn.reflect", speaker=a, listener=b)]
        elif state.turn == 2:
            lines += [
                say("turn.switch"),
                ref(f"prompt:{exercise.id}:{index}", speaker=b, listener=a),
                say("cue.done"),
            ]
        else:
            lines += [say("turn.reflect", speaker=b, listener=a)]
        reprompt = (say("reprompt.turn"),)
    return Reply(speech=tuple(lines), reprompt=reprompt, card=_prompt_card(exercise, index))


def begin(
    state: State, content: Content, today: str, lead: tuple[Line, ...] = ()
) -> tuple[State, Reply]:
    """Start (or restart) the current exercise from its first prompt."""
    exercise = current_exercise(state, content)
    if exercise is None:
        return complete_program(state)
    state = replace(
        at_position(state, exercise),
        started=True,
        quick=state.quick and state.exercise_id == exercise.id,
    )
    state = replace(mark_practiced(state, today), phase="exercise", offer=None, offer_target=None)
    step = content.step_of(exercise.id)
    intro: list[Line] = list(lead)
    if step.path and step.path[0].id == exercise.id and step.intro:
        intro.append(ref(f"step_intro:{step.id}"))
    intro.append(ref(f"intro:{exercise.id}"))
    return state, speak_position(state, content, tuple(intro))


def resume(
    state: State, content: Content, today: str, lead: tuple[Line, ...] = ()
) -> tuple[State, Reply]:
    """Pick up exactly where the couple stopped."""
    state = replace(mark_practiced(state, today), phase="exercise", offer=None, offer_target=None)
    return state, speak_position(state, content, lead)


def advance(state: State, content: Content, today: str) -> tuple[State, Reply]:
    """Move on one turn or one prompt; finish the exercise after its last prompt."""
    exercise = content.exercise(state.exercise_id or "")
    prompt = exercise.prompts[prompt_index(state, exercise)]
    if prompt.turns and state.turn < 3:
        state = replace(state, turn=state.turn + 1)
        return state, speak_position(state, content)
    if state.prompt + 1 < run_length(state, exercise):
        state = replace(state, prompt=state.prompt + 1, turn=0)
        return state, speak_position(state, content)
    return finish(state, content, today)


def finish(state: State, content: Content, today: str) -> tuple[State, Reply]:
    exercise = content.exercise(state.exercise_id or "")
    finished = state.finished if exercise.id in state.finished else (*state.finished, exercise.id)
    state = replace(mark_practiced(state, today), finished=finished)
    lines: list[Line] = [ref(f"closing:{exercise.id}"), say("done.exercise")]
    # The whole exercise in the Alexa app, so the couple can read it again later.
    card = Card(
        title=ref(f"title:{exercise.id}"),
        body=tuple(ref(f"card:{exercise.id}:{i}") for i in range(len(exercise.prompts))),
    )
    following = next_unfinished(state, content, after=exercise.id)
    if following is None:
        state = at_position(state, None)
        state, reply = complete_program(state)
        return state, replace(reply, speech=(*lines, *reply.speech), card=card)
    was_today = state.today_exercise == exercise.id and state.today_date == today
    state = replace(
        at_position(state, following), phase="offer", offer="begin", offer_target=following.id
    )
    lines += offer_lines(content, following, "offer.after_today" if was_today else "offer.next")
    return state, Reply(speech=tuple(lines), reprompt=(say("reprompt.offer"),), card=card)


def offer_lines(content: Content, exercise: Exercise, key: str) -> list[Line]:
    step = content.step_of(exercise.id)
    return [
        say(
            key,
            title=exercise.title,
            step_number=step.number,
            step_title=step.title,
            minutes=_minutes(exercise.minutes),
        )
    ]


def _minutes(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def complete_program(state: State) -> tuple[State, Reply]:
    state = replace(state, program_done=True, phase="complete", offer="checkin", offer_target=None)
    return state, Reply(
        speech=(say("program.complete"), say("offer.checkin_or_repeat")),
        reprompt=(say("reprompt.complete"),),
    )

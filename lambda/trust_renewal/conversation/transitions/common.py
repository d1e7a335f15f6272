"""Shared by every family of transitions: the situation's phrase family, the cue, staying put, offers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from trust_renewal.content.model import Content, Exercise
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    at_position,
    fits,
    next_unfinished,
    prompt_index,
    run_length,
    todays_exercise,
)
from trust_renewal.conversation.reply import Line, Reply, say
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.state import State

Transition = Callable[[State, Event, Content], tuple[State, Reply]]
S = Situation

# The phrase-book family (help.*, fallback.*, reprompt.*, cue.*) for each situation.
FAMILY: dict[Situation, str] = {
    S.HOME: "home",
    S.OFFER_BEGIN: "offer",
    S.OFFER_RESUME: "offer",
    S.CONFIRM_START_OVER: "confirm",
    S.CONFIRM_DELETE: "confirm",
    S.ASK_WHICH_PARTNER: "confirm",
    S.ASK_ROLES: "roles",
    S.PROMPT: "exercise",
    S.REFLECTION: "exercise",
    S.SPEAKER_TURN: "turn",
    S.LISTENER_TURN: "turn",
    S.CHECKIN: "checkin",
    S.COMPLETE: "complete",
    S.PAUSED: "home",
    S.SAFETY: "home",
    S.CONFIRM_JOIN: "confirm",
    S.ASK_CODE: "code",
    S.CONFIRM_UNLINK: "confirm",
    S.CHOOSE_DELETE: "confirm",
    S.CONFIRM_DELETE_SHARED: "confirm",
}



def mid_exercise(state: State, content: Content) -> bool:
    """Part way through an exercise that suits who is here (someone alone is not offered a turn)."""
    here = content.exercises_by_id.get(state.exercise_id or "")
    return state.started and here is not None and here.id not in state.finished and fits(state, here)


def cue(state: State) -> tuple[Line, ...]:
    """What the couple can say right now, to end a reply that does not move them."""
    if state.situation == S.ASK_WHICH_PARTNER:
        return (which_partner(state),)
    return (say(f"cue.{FAMILY[state.situation]}"),)


def reprompt(state: State) -> tuple[Line, ...]:
    if state.situation == S.ASK_WHICH_PARTNER:
        return (which_partner(state),)
    return (say(f"reprompt.{FAMILY[state.situation]}"),)


def stay(state: State, *lines: Line, content: Content) -> tuple[State, Reply]:
    """Answer without moving: the lines, then what can be said here."""
    if lines and content is not None and _asks(lines[-1], content):
        # One question per reply, and it ends the reply: no cue after a question.
        return state, Reply(speech=lines, reprompt=(lines[-1],))
    return state, Reply(speech=(*lines, *cue(state)), reprompt=reprompt(state))


def _asks(line: Line, content: Content) -> bool:
    key = line.key.removeprefix("phrase:")
    return line.key.startswith("phrase:") and content.phrases.get(key, "").rstrip().endswith("?")


def home(state: State) -> State:
    return replace(state, situation=S.HOME, offer_target=None)


def exercise_of(state: State, content: Content) -> Exercise:
    return content.exercise(state.exercise_id or "")


def offer_today(
    state: State, event: Event, content: Content, lead: tuple[Line, ...] = ()
) -> tuple[State, Reply]:
    lead = (*lead, *solo_passing(state, content))
    state, exercise = todays_exercise(state, content, event.today)
    if exercise is None:
        state, reply = run.complete_program(state, content)
        return state, replace(reply, speech=(*lead, *reply.speech))
    if exercise.id in state.finished:
        following = next_unfinished(state, content, after=exercise.id)
        if following is None:
            state, reply = run.complete_program(state, content)
            return state, replace(reply, speech=(*lead, *reply.speech))
        state = replace(at_position(state, following), situation=S.OFFER_BEGIN, offer_target=following.id)
        lines = run.offer_lines(state, content, following, "offer.today_done")
    else:
        state = replace(state, situation=S.OFFER_BEGIN, offer_target=exercise.id)
        lines = run.offer_lines(state, content, exercise, "offer.today")
    return state, Reply(speech=(*lead, *lines), reprompt=(say("reprompt.offer"),))


def solo_passing(state: State, content: Content) -> tuple[Line, ...]:
    """One kind word when someone alone is moved past an exercise meant for two."""
    here = content.exercises_by_id.get(state.exercise_id or "")
    if state.solo and here is not None and not fits(state, here) and here.id not in state.finished:
        return (say("solo.passing", title=here.title),)
    return ()


def offer_resume(
    state: State, event: Event, content: Content, lead: tuple[Line, ...] = ()
) -> tuple[State, Reply]:
    """Say where they are in plain words (exercise, step, part, whose turn), then offer to go on."""
    exercise = exercise_of(state, content)
    step = content.step_of(exercise.id)
    point = run.resume_point(state, content)
    place = {
        "title": exercise.title,
        "step_number": step.number,
        "step_title": step.title,
        "parts": run_length(state, exercise),
    }
    if point is None:
        lines: tuple[Line, ...] = (say("resume.where_end", **place), say("offer.finish"))
    elif exercise.prompts[prompt_index(point, exercise)].turns:
        speaker, _ = run.turn_people(point)
        lines = (
            say("resume.where_turn", part=point.prompt + 1, speaker=speaker, **place),
            say("offer.go_on_turn", speaker=speaker),
        )
    else:
        lines = (say("resume.where", part=point.prompt + 1, **place), say("offer.resume"))
    state = replace(state, situation=S.OFFER_RESUME, offer_target=exercise.id)
    return state, Reply(speech=(*lead, *lines), reprompt=(say("reprompt.offer"),))


def which_partner(state: State) -> Line:
    first, second = (*state.names, "", "")[:2]
    return say("names.which", name=state.pending_name or "", first=first, second=second)


def clean_name(raw: str | None) -> str:
    # A first name as Alexa heard it: letters, spaces, hyphens and apostrophes only.
    text = "".join(c for c in (raw or "") if c.isalpha() or c in " -'").strip()
    return " ".join(part.capitalize() for part in text.split())[:40]

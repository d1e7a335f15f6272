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
    mark_practiced,
    next_unfinished,
    passed_over,
    prompt_index,
    run_length,
    todays_exercise,
)
from trust_renewal.conversation.reply import Line, Reply, ref, say
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
    S.SPEAKING: "speaking",
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
    if here is None or not state.started or not fits(state, here):
        return False
    return here.id not in state.finished or state.second_due == here.id


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
    if state.second_due == exercise.id:
        state = replace(state, situation=S.OFFER_BEGIN, offer_target=exercise.id)
        lines = [say("offer.second_time_today", title=exercise.title, minutes=run._minutes(exercise.minutes))]
    elif exercise.id in state.finished:
        following = next_unfinished(state, content, after=exercise.id)
        if following is None:
            state, reply = run.complete_program(state, content)
            return state, replace(reply, speech=(*lead, *reply.speech))
        state = replace(at_position(state, following), situation=S.OFFER_BEGIN, offer_target=following.id)
        lines = run.offer_lines(state, content, following, "offer.today_done")
    else:
        state = replace(state, situation=S.OFFER_BEGIN, offer_target=exercise.id)
        offer = run.offer_lines(state, content, exercise, "offer.today")
        lines = _with_extra(state, content, exercise, offer)
    return state, Reply(speech=(*lead, *lines), reprompt=(say("reprompt.offer"),))


def _with_extra(state: State, content: Content, exercise: Exercise, lines: list[Line]) -> list[Line]:
    """Today's couple exercise, and the reflection for one partner passed over for it, as an extra."""
    extra = passed_over(state, content, exercise)
    if extra is None or len(lines) != 1 or lines[0].key != "phrase:offer.today":
        return lines
    named = run.role_names(state).get(extra.for_)
    key = "offer.today_extra_named" if named else "offer.today_extra_each"
    return [say(key, extra=extra.title, name=named or "", **lines[0].kwargs)]


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
    # Asked for today's exercise, they hear the question now and are not told to ask for it (issue 20).
    asked_today = event.name == "todays_exercise"
    plain = "_plain" if asked_today else ""
    if point is None:
        lines: tuple[Line, ...] = (say("resume.where_end", **place), say("offer.finish"))
    elif exercise.prompts[prompt_index(point, exercise)].turns and point.turn % 2 == 1:
        # A say-back is next: whoever listened tells the speaker what they heard.
        speaker, listener = run.turn_people(point, exercise)
        lines = (
            say("resume.where_sayback", part=point.prompt + 1, speaker=speaker, listener=listener, **place),
            say("offer.go_on_sayback", speaker=speaker, listener=listener),
        )
    elif exercise.prompts[prompt_index(point, exercise)].turns:
        speaker, _ = run.turn_people(point, exercise)
        lines = (
            say("resume.where_turn", part=point.prompt + 1, speaker=speaker, **place),
            *_question_now(point, exercise, asked_today),
            say(f"offer.go_on_turn{plain}", speaker=speaker),
        )
    else:
        lines = (
            say("resume.where", part=point.prompt + 1, **place),
            *_question_now(point, exercise, asked_today),
            say(f"offer.resume{plain}"),
        )
    state = replace(state, situation=S.OFFER_RESUME, offer_target=exercise.id)
    return state, Reply(speech=(*lead, *lines), reprompt=(say("reprompt.offer"),))


def _question_now(point: State, exercise: Exercise, asked_today: bool) -> tuple[Line, ...]:
    if not asked_today:
        return ()
    return (say("today.question_now"), ref(f"question:{exercise.id}:{prompt_index(point, exercise)}"))


def which_partner(state: State) -> Line:
    first, second = (*state.names, "", "")[:2]
    return say("names.which", name=state.pending_name or "", first=first, second=second)


def clean_name(raw: str | None) -> str:
    # A first name as Alexa heard it: letters, spaces, hyphens and apostrophes only.
    text = "".join(c for c in (raw or "") if c.isalpha() or c in " -'").strip()
    return " ".join(part.capitalize() for part in text.split())[:40]


def ask_checkin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """A check-in question; each answers aloud, to each other, in a timed quiet (issue 20)."""
    if not content.checkins:
        return stay(state, say("checkin.none"), content=content)
    item = content.checkins[state.checkins_heard % len(content.checkins)]
    state = replace(
        mark_practiced(state, event.today),
        situation=S.CHECKIN,
        offer_target=None,
        checkins_heard=state.checkins_heard + 1,
    )
    key = "checkin.time.full" if state.checkins_heard <= 2 else "checkin.time.short"
    return state, Reply(
        speech=(
            say("checkin.intro"),
            ref(f"checkin:{item.id}"),
            say(key, duration=run.speak_duration(item.speak_minutes)),
            run.quiet_line(int(item.speak_minutes * 60), "@you" if state.solo else "@you_both"),
            say("cue.checkin"),
        ),
        reprompt=(say("reprompt.checkin"),),
    )

"""Moving through the program: offers and their answers, skip, restart, steps, quick, today's exercise."""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    at_position,
    current_exercise,
    fits,
    next_unfinished,
    prompt_index,
    run_length,
    todays_exercise,
)
from trust_renewal.conversation.reply import Reply, ref, say
from trust_renewal.conversation.situation import IN_EXERCISE
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import (
    S,
    exercise_of,
    home,
    mid_exercise,
    offer_resume,
    offer_today,
    reprompt,
    stay,
)


def resume_with_where(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """Asked to resume in a new session: the plain-words place, then the speaker's prompt."""
    _, offer = offer_resume(state, event, content)
    return run.resume(state, content, event.today, offer.speech[:1])


def begin_offered(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return run.begin(state, content, event.today)


def resume_here(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if not mid_exercise(state, content):
        return offer_today(state, event, content)
    return run.resume(state, content, event.today, (say("resume.picking_up"),))


def decline_begin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    exercise = content.exercises_by_id.get(state.offer_target or "")
    if exercise is not None and exercise.audience == "one" and not state.solo and run.roles_known(state):
        # A reflection for one partner never holds up the couple's path: on to what comes next.
        return skip(state, event, content)
    title = exercise.title if exercise else ""
    return home(state), Reply(speech=(say("no.later", title=title),), end_session=True)


def decline_resume(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(home(state), say("no.resume"), content=content)


def today_while_offering_resume(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    _, today = todays_exercise(state, content, event.today)
    if today is None or today.id == state.exercise_id:
        return stay(state, say("today.is_current", title=exercise_of(state, content).title), content=content)
    return offer_today(state, event, content)


def start_over_confirmed(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    fresh = replace(
        at_position(state, None),
        finished=(),
        program_done=False,
        today_date=None,
        today_exercise=None,
        turn_over=False,
    )
    return offer_today(fresh, event, content, (say("start_over.done"),))


def start_over_declined(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(home(state), say("start_over.kept"), content=content)


def nothing_to_confirm(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(state, say("yes.nothing"), content=content)


def no_nothing(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(state, say("no.nothing"), content=content)


def no_rush(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    exercise = content.exercises_by_id.get(state.exercise_id or "")
    here = exercise.prompts[prompt_index(state, exercise)] if exercise is not None else None
    if here is not None and state.situation == S.PROMPT and run.roles_known(state) and here.variant("hurt"):
        # "Not yet" where the partner who was hurt may pass: on, without comment.
        return run.advance(state, content, event.today)
    return stay(state, say("no.in_exercise"), content=content)


def repeat(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if state.situation in IN_EXERCISE:
        return run.speak_position(state, content)
    if state.last and state.situation not in (S.PAUSED, S.SAFETY):
        return state, Reply(speech=state.last, reprompt=state.last_reprompt or reprompt(state))
    return stay(state, say("repeat.nothing"), content=content)


def previous(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if state.situation not in IN_EXERCISE:
        return stay(state, say("nav.nothing_before"), content=content)
    if state.turn > 0:
        state = replace(state, turn=state.turn - 1)
    elif state.prompt > 0:
        state = replace(state, prompt=state.prompt - 1, turn=0)
    else:
        return run.speak_position(state, content, (say("nav.at_first"),))
    return run.speak_position(state, content, (say("nav.back"),))


def skip(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    offered = content.exercises_by_id.get(state.offer_target or "")
    exercise = offered if state.situation == S.OFFER_BEGIN and offered else current_exercise(state, content)
    if exercise is None:
        return stay(state, say("nav.nothing_to_skip"), content=content)
    following = next_unfinished(state, content, after=exercise.id)
    if following is None:
        return stay(state, say("nav.skip_last", title=exercise.title), content=content)
    state = replace(at_position(state, following), situation=S.OFFER_BEGIN, offer_target=following.id)
    lines = [
        say("nav.skipped", title=exercise.title),
        *run.offer_lines(state, content, following, "offer.next"),
    ]
    return state, Reply(speech=tuple(lines), reprompt=(say("reprompt.offer"),))


def nothing_to_skip(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(state, say("nav.nothing_to_skip"), content=content)


def restart_exercise(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    exercise = current_exercise(state, content)
    active = state.situation in IN_EXERCISE or state.situation in (S.OFFER_BEGIN, S.OFFER_RESUME)
    if exercise is None or not (active or mid_exercise(state, content)):
        return stay(state, say("nav.nothing_to_restart"), content=content)
    state = replace(at_position(state, exercise), quick=state.quick)
    return run.begin(state, content, event.today, (say("nav.restart", title=exercise.title),))


def start_over(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, situation=S.CONFIRM_START_OVER, offer_target=None)
    return state, Reply(speech=(say("start_over.confirm"),), reprompt=(say("reprompt.confirm"),))


def go_to_step(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    steps = content.steps
    target = None
    raw_number = (event.slots.get("stepNumber") or "").strip()
    topic_id = event.slot_ids.get("topic")
    if raw_number:
        if raw_number.isdigit() and 1 <= int(raw_number) <= len(steps):
            target = steps[int(raw_number) - 1]
        else:
            return stay(
                state, say("nav.no_such_step", value=raw_number[:20], count=len(steps)), content=content
            )
    elif topic_id:
        target = content.steps_by_id.get(topic_id)
    if target is None:
        heard = (event.slots.get("topic") or "").strip()[:40]
        key = "nav.unknown_topic" if heard else "nav.which_step"
        return stay(state, say(key, value=heard, count=len(steps)), content=content)
    first = next((e for e in target.path if fits(state, e)), None)
    if first is None:
        return stay(
            state, say("solo.step_for_two", number=target.number, title=target.title), content=content
        )
    state = replace(at_position(state, first), situation=S.OFFER_BEGIN, offer_target=first.id)
    lines = [
        say("nav.step", number=target.number, title=target.title),
        ref(f"purpose:{target.id}"),
        *run.offer_lines(state, content, first, "offer.step_start"),
    ]
    return state, Reply(speech=tuple(lines), reprompt=(say("reprompt.offer"),))


def quick(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    offered = content.exercises_by_id.get(state.offer_target or "")
    if state.situation == S.OFFER_BEGIN and offered is not None:
        exercise = offered
    elif state.situation in IN_EXERCISE or mid_exercise(state, content):
        exercise = exercise_of(state, content)
    else:
        state, found = todays_exercise(state, content, event.today)
        if found is None:
            return stay(state, say("quick.nothing"), content=content)
        exercise = found
        if exercise.id in state.finished:
            exercise = next_unfinished(state, content, after=exercise.id) or exercise
    state = replace(at_position(state, exercise), quick=True)
    lead = (say("quick.start", title=exercise.title, minutes=run._minutes(exercise.quick_minutes)),)
    state, reply = run.begin(state, content, event.today)
    # The quick version skips the step introduction: straight to the exercise.
    speech = tuple(line for line in reply.speech if not line.key.startswith("step_intro:"))
    return state, replace(reply, speech=(*lead, *speech))


def todays_exercise_here(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """Asked in the middle of an exercise: which one, and where in it; nothing moves."""
    exercise = exercise_of(state, content)
    step = content.step_of(exercise.id)
    return stay(
        state,
        say(
            "today.in_progress",
            title=exercise.title,
            step_number=step.number,
            part=state.prompt + 1,
            parts=run_length(state, exercise),
        ),
        content=content,
    )


def todays_exercise_offer(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if mid_exercise(state, content):
        return offer_resume(state, event, content)
    return offer_today(state, event, content)


def next_from_home(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if mid_exercise(state, content):
        return offer_resume(state, event, content)
    return offer_today(state, event, content)


def go_home(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return home(state), Reply(speech=(say("home.menu"),), reprompt=(say("reprompt.home"),))

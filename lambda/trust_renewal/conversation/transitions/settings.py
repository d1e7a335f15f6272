"""About their data and settings: progress, deletion, reminders, background sounds."""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation import sounds
from trust_renewal.conversation.answers import CONFIRMED, clock_of, unclear_hour
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    current_exercise,
)
from trust_renewal.conversation.reply import Line, Reply, say
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import (
    S,
    Transition,
    home,
    stay,
)


def progress(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    exercise = current_exercise(state, content)
    done = len(set(state.finished) & set(content.exercises_by_id))
    lines: list[Line] = []
    if exercise is not None:
        step = content.step_of(exercise.id)
        lines.append(
            say(
                "progress.status",
                step_number=step.number,
                step_count=len(content.steps),
                step_title=step.title,
                done=done,
                total=len(content.path),
            )
        )
    else:
        lines.append(say("progress.complete", total=len(content.path)))
    if state.days_practiced:
        key = "progress.days_one" if state.days_practiced == 1 else "progress.days"
        lines.append(say(key, days=state.days_practiced))
        if state.days_in_row >= 2:
            lines.append(say("progress.in_row", days=state.days_in_row))
    else:
        lines.append(say("progress.no_days"))
    return stay(state, *lines, content=content)


def delete_data(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, situation=S.CONFIRM_DELETE, offer_target=None)
    return state, Reply(speech=(say("delete.confirm"),), reprompt=(say("reprompt.confirm"),))


def delete_confirmed(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return State(), Reply(speech=(say("delete.done"),), end_session=True, action="delete_data")


def delete_declined(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(home(state), say("delete.kept"), content=content)


def set_reminder(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    time = (event.slots.get("time") or "").strip()
    if not time:
        return stay(state, say("reminder.which_time"), content=content)
    if unclear_hour(time) and event.slots.get(CONFIRMED) != "yes":
        # "Eight" could be either: one either/or question, answered "in the evening" or "eight p m".
        hour, minute = clock_of(time) or (0, 0)
        spoken = f"{hour}:{minute:02d}" if minute else str(hour)
        return stay(state, say("reminder.am_or_pm", time=spoken, clock=time), content=content)
    return state, Reply(action="create_reminder", action_params={"time": time})


def stop_reminders(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return state, Reply(action="delete_reminder")


def _background(setting: str) -> Transition:
    """ "Turn off / turn on the background sounds", "quieter": kept with the couple's settings."""

    def background(state: State, event: Event, content: Content) -> tuple[State, Reply]:
        state, line = sounds.switch(state, setting)
        return stay(state, line, content=content)

    background.__name__ = f"background_{setting}"
    return background


background_off = _background("off")


background_on = _background("on")


background_quieter = _background("quieter")

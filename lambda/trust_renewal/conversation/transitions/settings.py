"""About their data and settings: progress, deletion, reminders, background sounds."""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation import sounds
from trust_renewal.conversation.answers import (
    AGAIN,
    CONFIRMED,
    PARTS_OF_DAY,
    clock_of,
    clock_words,
    unclear_hour,
)
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    current_exercise,
    current_streak,
)
from trust_renewal.conversation.reply import Line, Reply, say
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import (
    S,
    Transition,
    home,
    stay,
)
from trust_renewal.conversation.transitions.evenings import fallback


def progress(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    exercise = current_exercise(state, content)
    # Each exercise on the path counts once, however often it was revisited.
    done = len(set(state.finished) & {e.id for e in content.path})
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
        if current_streak(state, event.today) >= 2:
            lines.append(say("progress.in_row", days=current_streak(state, event.today)))
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
    if time.upper() in PARTS_OF_DAY and event.slots.get(CONFIRMED) != "yes":
        # "Every evening": which time in the evening, never a time chosen for them.
        return stay(state, say("reminder.part_of_day", part=f"@part_{time.upper()}"), content=content)
    if unclear_hour(time) and event.slots.get(CONFIRMED) != "yes":
        # "Eight" could be either: one either/or question, answered "in the evening" or "eight p m".
        spoken, _ = clock_words(*(clock_of(time) or (0, 0)))
        key = "reminder.am_or_pm_again" if event.slots.get(AGAIN) == "yes" else "reminder.am_or_pm"
        return stay(state, say(key, time=spoken, clock=time), content=content)
    return state, Reply(action="create_reminder", action_params={"time": time})


def time_alone(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """A time said alone where no time was asked: no reminder, and nothing moves.

    Partners say "seven thirty?" or "eight p m" to each other near an open microphone;
    a daily reminder is set only when asked for ("remind us at eight p m"), so this
    says how to ask. A part of the day alone ("in the evening") is not understood.
    """
    spoken = _spoken_clock(event.slots.get("time") or "", content)
    if spoken is None:
        return fallback(state, event, content)
    return stay(state, say("reminder.time_alone", time=spoken), content=content)


def _spoken_clock(time: str, content: Content) -> str | None:
    """ "20:00" → "8 p.m."; an hour that could be either ("08:00" from "eight") → "8"."""
    clock = clock_of(time)
    if clock is None:
        return None
    digits, key = clock_words(*clock)
    if unclear_hour(time):
        return digits  # as "Is that 8 in the morning, or 8 in the evening?" says it
    # The phrase book's clock ("{time} p.m."), as the reminder itself is spoken (handlers.reminders).
    return content.phrase(key).replace("{time}", digits)


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


def reminder_time(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "What time is our reminder": the time kept when it was set, or that none is set."""
    if state.reminder_token and state.reminder_time:
        return stay(state, say("reminder.at", time=state.reminder_time), content=content)
    if state.reminder_token:  # set before its time was kept
        return stay(state, say("reminder.set_unknown_time"), content=content)
    return stay(state, say("reminder.none_set"), content=content)

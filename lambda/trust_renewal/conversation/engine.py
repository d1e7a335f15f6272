"""step(State, Event) -> (State, Reply): every decision about what the couple hears."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation import safety, sounds
from trust_renewal.conversation.answers import CONFIRMED, clock_of, interpret, unclear_hour
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    at_position,
    current_exercise,
    days_since,
    mark_practiced,
    next_unfinished,
    todays_exercise,
)
from trust_renewal.conversation.reply import Line, Reply, ref, say
from trust_renewal.conversation.state import State

LONG_GAP_DAYS = 14
# Intents that must not be delayed by the first-time welcome.
_NO_WELCOME = frozenset({"stop", "cancel", "delete_data", "pause", "no"})


def step(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """Decide the new state and what to say. Pure: no I/O, no SDK types."""
    if event.kind == "session_ended":
        return replace(state, phase="home", offer=None, offer_target=None), Reply(
            silent=True, end_session=True
        )
    if event.kind == "launch":
        state, reply = _launch(state, event, content)
    elif event.kind == "action_result":
        state, reply = _action_result(state, event, content)
    else:
        event = interpret(state, event, content)  # bare answers, read by the open question
        # Safety first, from every situation: before any per-intent handler.
        previous = state
        state, reply_or_none = safety.before(state, event, content, _context(state, content))
        if reply_or_none is not None:
            return _remember(state, reply_or_none)
        handler = _INTENT_HANDLERS.get(event.name or "", _fallback)
        if event.new_session and state.phase == "home" and _mid_exercise(state, content):
            # "Alexa, tell trust renewal I'm done": a one-shot after the microphone
            # closed mid-exercise carries on right where the couple is.
            state = replace(state, phase="exercise")
        lead: tuple[Line, ...] = ()
        if event.new_session and not state.welcomed and event.name not in _NO_WELCOME:
            lead = (say("welcome.first_short"),)
            state = replace(state, welcomed=True)
        state, reply = handler(state, event, content)
        reply = safety.after(previous, state, reply)
        if lead:
            reply = replace(reply, speech=(*lead, *reply.speech))
    state, reply = sounds.mention_once(state, reply, content, event.plays_sounds)
    return _remember(state, reply)


def _remember(state: State, reply: Reply) -> tuple[State, Reply]:
    """Keep what was said, for "repeat"."""
    if reply.speech and not reply.silent:
        state = replace(state, last=reply.speech, last_reprompt=reply.reprompt)
    return state, reply


# -- helpers ---------------------------------------------------------------------
def _in_exercise(state: State, content: Content) -> bool:
    return state.phase == "exercise" and state.exercise_id in content.exercises_by_id


def _mid_exercise(state: State, content: Content) -> bool:
    return (
        state.started
        and state.exercise_id in content.exercises_by_id
        and state.exercise_id not in state.finished
    )


def _context(state: State, content: Content) -> str:
    """Where the couple is, for help, fallback and cues."""
    if state.phase == "exercise" and _in_exercise(state, content):
        exercise = content.exercise(state.exercise_id or "")
        idx = run.prompt_index(state, exercise)
        return "turn" if exercise.prompts[idx].turns else "exercise"
    if state.phase == "checkin":
        return "checkin"
    if state.phase == "offer" and state.offer in ("start_over", "delete_data"):
        return "confirm"
    if state.phase == "offer":
        return "offer"
    if state.phase == "complete":
        return "complete"
    return "home"


def _cue(state: State, content: Content) -> tuple[Line, ...]:
    """What the couple can say right now, to end a reply that does not move them."""
    return (say(f"cue.{_context(state, content)}"),)


def _reprompt(state: State, content: Content) -> tuple[Line, ...]:
    return (say(f"reprompt.{_context(state, content)}"),)


def _stay(state: State, content: Content, *lines: Line) -> tuple[State, Reply]:
    """Answer without moving: the lines, then what can be said here."""
    if lines and _asks(lines[-1], content):
        # One question per reply, and it ends the reply: no cue after a question.
        return state, Reply(speech=lines, reprompt=(lines[-1],))
    return state, Reply(speech=(*lines, *_cue(state, content)), reprompt=_reprompt(state, content))


def _asks(line: Line, content: Content) -> bool:
    key = line.key.removeprefix("phrase:")
    return line.key.startswith("phrase:") and content.phrases.get(key, "").rstrip().endswith("?")


def _offer_today(
    state: State, event: Event, content: Content, lead: tuple[Line, ...] = ()
) -> tuple[State, Reply]:
    state, exercise = todays_exercise(state, content, event.today)
    if exercise is None:
        state, reply = run.complete_program(state)
        return state, replace(reply, speech=(*lead, *reply.speech))
    if exercise.id in state.finished:
        following = next_unfinished(state, content, after=exercise.id)
        if following is None:
            state, reply = run.complete_program(state)
            return state, replace(reply, speech=(*lead, *reply.speech))
        state = replace(
            at_position(state, following), phase="offer", offer="begin", offer_target=following.id
        )
        lines = run.offer_lines(content, following, "offer.today_done")
    else:
        state = replace(state, phase="offer", offer="begin", offer_target=exercise.id)
        lines = run.offer_lines(content, exercise, "offer.today")
    return state, Reply(speech=(*lead, *lines), reprompt=(say("reprompt.offer"),))


def _offer_resume(state: State, content: Content, lead: tuple[Line, ...] = ()) -> tuple[State, Reply]:
    exercise = content.exercise(state.exercise_id or "")
    state = replace(state, phase="offer", offer="resume", offer_target=exercise.id)
    line = say("offer.resume", title=exercise.title, part=state.prompt + 1)
    return state, Reply(speech=(*lead, line), reprompt=(say("reprompt.offer"),))


# -- launch ------------------------------------------------------------------------
def _launch(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    lead: list[Line] = []
    if event.person_id:
        lead += [say("greeting.hello"), Line(f"person:{event.person_id}")]
    if not state.welcomed:
        state = replace(state, welcomed=True)
        lead += [say("welcome.first"), say("welcome.names_hint")]
    else:
        gap = days_since(state, event.today)
        lead.append(say("welcome.after_gap" if gap is not None and gap >= LONG_GAP_DAYS else "welcome.back"))
    if state.program_done and current_exercise(state, content) is None:
        state = replace(state, phase="complete", offer="checkin", offer_target=None)
        return state, Reply(
            speech=(*lead, say("welcome.complete"), say("offer.checkin_or_repeat")),
            reprompt=(say("reprompt.complete"),),
        )
    if _mid_exercise(state, content):
        return _offer_resume(state, content, tuple(lead))
    return _offer_today(state, event, content, tuple(lead))


# -- intents -----------------------------------------------------------------------
def _todays_exercise(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if _in_exercise(state, content):
        exercise = content.exercise(state.exercise_id or "")
        return _stay(state, content, say("today.in_progress", title=exercise.title))
    if _mid_exercise(state, content):
        return _offer_resume(state, content)
    return _offer_today(state, event, content)


def _yes(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if state.phase in ("offer", "complete") and state.offer in ("begin", "resume"):
        if state.offer == "resume" and _mid_exercise(state, content):
            return run.resume(state, content, event.today, (say("resume.picking_up"),))
        return run.begin(state, content, event.today)
    if state.offer == "start_over":
        fresh = replace(
            at_position(state, None),
            finished=(),
            program_done=False,
            today_date=None,
            today_exercise=None,
        )
        return _offer_today(fresh, event, content, (say("start_over.done"),))
    if state.offer == "delete_data":
        return State(), Reply(speech=(say("delete.done"),), end_session=True, action="delete_data")
    if state.offer == "checkin":
        return _checkin(state, event, content)
    if _in_exercise(state, content):
        return run.advance(state, content, event.today)
    return _stay(state, content, say("yes.nothing"))


def _no(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if state.offer == "begin":
        exercise = content.exercises_by_id.get(state.offer_target or "")
        title = exercise.title if exercise else ""
        state = replace(state, phase="home", offer=None, offer_target=None)
        return state, Reply(speech=(say("no.later", title=title),), end_session=True)
    if state.offer == "resume":
        state = replace(state, phase="home", offer=None, offer_target=None)
        return _stay(state, content, say("no.resume"))
    if state.offer == "start_over":
        state = replace(state, phase="home", offer=None, offer_target=None)
        return _stay(state, content, say("start_over.kept"))
    if state.offer == "delete_data":
        state = replace(state, phase="home", offer=None, offer_target=None)
        return _stay(state, content, say("delete.kept"))
    if state.offer == "checkin":
        return replace(state, phase="home", offer=None), Reply(speech=(say("bye.plain"),), end_session=True)
    if _in_exercise(state, content):
        return _stay(state, content, say("no.in_exercise"))
    return _stay(state, content, say("no.nothing"))


def _next(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if _in_exercise(state, content):
        return run.advance(state, content, event.today)
    if state.phase == "checkin":
        return replace(state, phase="home", offer=None), Reply(
            speech=(say("checkin.after"),), end_session=True
        )
    if state.offer in ("begin", "resume"):
        return _yes(state, event, content)
    if state.phase == "complete":
        return _checkin(state, event, content)
    return _offer_today(state, event, content)


def _turn_done(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if _in_exercise(state, content):
        waiting = _whose_turn_it_is(state, event, content)
        if waiting is not None:
            return state, Reply(
                speech=(say("turn.still_yours", name=waiting),), reprompt=(say("reprompt.turn"),)
            )
        return _next(state, event, content)
    if state.phase == "checkin":
        return _next(state, event, content)
    return _stay(state, content, say("turn.none"))


def _whose_turn_it_is(state: State, event: Event, content: Content) -> str | None:
    """The name of the partner still speaking, when Alexa knows the voice that said "done" is the other's."""
    people = dict(state.people)
    if not event.person_id or event.person_id not in people or len(state.names) < 2:
        return None
    exercise = content.exercise(state.exercise_id or "")
    if not exercise.prompts[run.prompt_index(state, exercise)].turns:
        return None
    first = run.first_speaker(state)
    # Turn stages: 0 first speaks, 1 second reflects, 2 second speaks, 3 first reflects.
    holder = first if state.turn in (0, 3) else 1 - first
    return None if people[event.person_id] == holder else state.names[holder]


def _repeat(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if _in_exercise(state, content):
        return state, run.speak_position(state, content)
    if state.last:
        return state, Reply(speech=state.last, reprompt=state.last_reprompt or _reprompt(state, content))
    return _stay(state, content, say("repeat.nothing"))


def _previous(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if not _in_exercise(state, content):
        return _stay(state, content, say("nav.nothing_before"))
    if state.turn > 0:
        state = replace(state, turn=state.turn - 1)
    elif state.prompt > 0:
        state = replace(state, prompt=state.prompt - 1, turn=0)
    else:
        return state, run.speak_position(state, content, (say("nav.at_first"),))
    return state, run.speak_position(state, content, (say("nav.back"),))


def _skip(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    exercise = content.exercises_by_id.get(state.offer_target or "") if state.phase == "offer" else None
    exercise = exercise or current_exercise(state, content)
    if exercise is None or (state.phase in ("complete", "checkin") and not _in_exercise(state, content)):
        return _stay(state, content, say("nav.nothing_to_skip"))
    following = next_unfinished(state, content, after=exercise.id)
    if following is None:
        return _stay(state, content, say("nav.skip_last", title=exercise.title))
    state = replace(at_position(state, following), phase="offer", offer="begin", offer_target=following.id)
    lines = [
        say("nav.skipped", title=exercise.title),
        *run.offer_lines(content, following, "offer.next"),
    ]
    return state, Reply(speech=tuple(lines), reprompt=(say("reprompt.offer"),))


def _restart_exercise(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    exercise = current_exercise(state, content)
    if exercise is None or not (
        _in_exercise(state, content) or _mid_exercise(state, content) or state.phase == "offer"
    ):
        return _stay(state, content, say("nav.nothing_to_restart"))
    state = replace(at_position(state, exercise), quick=state.quick)
    return run.begin(state, content, event.today, (say("nav.restart", title=exercise.title),))


def _start_over(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, phase="offer", offer="start_over", offer_target=None)
    return state, Reply(speech=(say("start_over.confirm"),), reprompt=(say("reprompt.confirm"),))


def _go_to_step(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    steps = content.steps
    target = None
    raw_number = (event.slots.get("stepNumber") or "").strip()
    topic_id = event.slot_ids.get("topic")
    if raw_number:
        if raw_number.isdigit() and 1 <= int(raw_number) <= len(steps):
            target = steps[int(raw_number) - 1]
        else:
            return _stay(state, content, say("nav.no_such_step", value=raw_number[:20], count=len(steps)))
    elif topic_id:
        target = content.steps_by_id.get(topic_id)
    if target is None:
        heard = (event.slots.get("topic") or "").strip()[:40]
        key = "nav.unknown_topic" if heard else "nav.which_step"
        return _stay(state, content, say(key, value=heard, count=len(steps)))
    first = target.path[0]
    state = replace(at_position(state, first), phase="offer", offer="begin", offer_target=first.id)
    lines = [
        say("nav.step", number=target.number, title=target.title),
        ref(f"purpose:{target.id}"),
        *run.offer_lines(content, first, "offer.step_start"),
    ]
    return state, Reply(speech=tuple(lines), reprompt=(say("reprompt.offer"),))


def _quick(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    offered = content.exercises_by_id.get(state.offer_target or "") if state.phase == "offer" else None
    if offered is not None:
        exercise = offered
    elif _in_exercise(state, content) or _mid_exercise(state, content):
        exercise = content.exercise(state.exercise_id or "")
    else:
        state, exercise = todays_exercise(state, content, event.today)
        if exercise is None:
            return _stay(state, content, say("quick.nothing"))
        if exercise.id in state.finished:
            exercise = next_unfinished(state, content, after=exercise.id) or exercise
    state = replace(at_position(state, exercise), quick=True)
    lead = (say("quick.start", title=exercise.title, minutes=run._minutes(exercise.quick_minutes)),)
    state, reply = run.begin(state, content, event.today)
    # The quick version skips the step introduction: straight to the exercise.
    speech = tuple(line for line in reply.speech if not line.key.startswith("step_intro:"))
    return state, replace(reply, speech=(*lead, *speech))


def _progress(state: State, event: Event, content: Content) -> tuple[State, Reply]:
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
    return _stay(state, content, *lines)


def _help(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    # Every help ends with when to look for a couples counselor ("say find support").
    lines = (say(f"help.{_context(state, content)}"), say("support.hint"))
    return state, Reply(speech=lines, reprompt=_reprompt(state, content))


def _fallback(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return state, Reply(
        speech=(say(f"fallback.{_context(state, content)}"),), reprompt=_reprompt(state, content)
    )


def _stop(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    key = "bye.saved" if _mid_exercise(state, content) else "bye.plain"
    return replace(state, phase="home", offer=None, offer_target=None), Reply(
        speech=(say(key),), end_session=True
    )


def _pause(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return replace(state, phase="home", offer=None, offer_target=None), Reply(
        speech=(say("pause.kept"),), end_session=True
    )


def _resume(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if _mid_exercise(state, content):
        return run.resume(state, content, event.today, (say("resume.picking_up"),))
    return _offer_today(state, event, content)


def _home(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, phase="home", offer=None, offer_target=None)
    return state, Reply(speech=(say("home.menu"),), reprompt=(say("reprompt.home"),))


def _delete_data(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, phase="offer", offer="delete_data", offer_target=None)
    return state, Reply(speech=(say("delete.confirm"),), reprompt=(say("reprompt.confirm"),))


def _set_names(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    given = [_clean_name(event.slots.get(k)) for k in ("firstName", "secondName")]
    given = [n for n in given if n]
    if not given:
        return state, Reply(speech=(say("names.ask"),), reprompt=(say("names.ask"),))
    people = dict(state.people)
    if len(given) == 1 and event.person_id and event.person_id in people and len(state.names) == 2:
        names = list(state.names)
        names[people[event.person_id]] = given[0]
    elif len(given) == 1 and len(state.names) == 2 and given[0] not in state.names and not event.person_id:
        names = [given[0], state.names[1]]
    else:
        names = given[:2]
    if event.person_id and event.person_id not in people:
        people[event.person_id] = names.index(given[0])
    state = replace(state, names=tuple(names), people=tuple(sorted(people.items())))
    line = (
        say("names.two", first=names[0], second=names[1])
        if len(names) == 2
        else say("names.one", first=names[0])
    )
    return _stay(state, content, line)


def _clean_name(raw: str | None) -> str:
    # A first name as Alexa heard it: letters, spaces, hyphens and apostrophes only.
    text = "".join(c for c in (raw or "") if c.isalpha() or c in " -'").strip()
    return " ".join(part.capitalize() for part in text.split())[:40]


def _checkin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if not content.checkins:
        return _stay(state, content, say("checkin.none"))
    checkin = content.checkins[state.checkins_heard % len(content.checkins)]
    state = replace(
        mark_practiced(state, event.today),
        phase="checkin",
        offer=None,
        checkins_heard=state.checkins_heard + 1,
    )
    return state, Reply(
        speech=(say("checkin.intro"), ref(f"checkin:{checkin.id}"), say("cue.checkin")),
        reprompt=(say("reprompt.checkin"),),
    )


def _reminder(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    time = (event.slots.get("time") or "").strip()
    if not time:
        return _stay(state, content, say("reminder.which_time"))
    if unclear_hour(time) and event.slots.get(CONFIRMED) != "yes":
        # "Eight" could be either: one either/or question, answered "in the evening" or "eight p m".
        hour, minute = clock_of(time) or (0, 0)
        spoken = f"{hour}:{minute:02d}" if minute else str(hour)
        return _stay(state, content, say("reminder.am_or_pm", time=spoken, clock=time))
    return state, Reply(action="create_reminder", action_params={"time": time})


def _stop_reminders(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return state, Reply(action="delete_reminder")


def _action_result(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """What to say once the edges have done an action (reminders)."""
    name = event.name or "failed"
    params = dict(event.slots)
    if "reminder_token" in params:  # the edges created or deleted the daily reminder
        state = replace(state, reminder_token=params.pop("reminder_token") or None)
    lines = (say(f"reminder.{name}", **params),)
    if name in ("needs_permission",):
        return state, Reply(speech=lines, end_session=True)
    return _stay(state, content, *lines)


def _background(setting: str) -> Callable[[State, Event, Content], tuple[State, Reply]]:
    """ "Turn off / turn on the background sounds", "quieter": kept with the couple's settings."""

    def handle(state: State, event: Event, content: Content) -> tuple[State, Reply]:
        state, line = sounds.switch(state, setting)
        return _stay(state, content, line)

    return handle


_INTENT_HANDLERS: dict[str, Callable[[State, Event, Content], tuple[State, Reply]]] = {
    "todays_exercise": _todays_exercise,
    "yes": _yes,
    "no": _no,
    "next": _next,
    "turn_done": _turn_done,
    "repeat": _repeat,
    "previous": _previous,
    "skip": _skip,
    "restart_exercise": _restart_exercise,
    "start_over": _start_over,
    "go_to_step": _go_to_step,
    "quick": _quick,
    "progress": _progress,
    "help": _help,
    "fallback": _fallback,
    "unknown": _fallback,
    "stop": _stop,
    "cancel": _stop,
    "pause": _pause,
    "resume": _resume,
    "home": _home,
    "delete_data": _delete_data,
    "set_names": _set_names,
    "set_reminder": _reminder,
    "stop_reminders": _stop_reminders,
    "background_off": _background("off"),
    "background_on": _background("on"),
    "background_quieter": _background("quieter"),
}

"""Transition functions: (State, Event, Content) -> (State, Reply), one per thing that can happen.

Which one runs is decided by ``table.TABLE`` from the situation and the intent,
so these functions do not ask where the couple is: the table already knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from trust_renewal.content.model import Content, Exercise
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation import sounds
from trust_renewal.conversation.answers import CONFIRMED, clock_of, unclear_hour
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    at_position,
    current_exercise,
    fits,
    mark_practiced,
    needs_two,
    next_unfinished,
    prompt_index,
    run_length,
    todays_exercise,
)
from trust_renewal.conversation.reply import Line, Reply, ref, say
from trust_renewal.conversation.situation import IN_EXERCISE, TURNS, Situation
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
}
HOLD_SECONDS = 60  # "wait" outside a turn: a minute of quiet, then the cue again


# -- small helpers ------------------------------------------------------------------
def mid_exercise(state: State, content: Content) -> bool:
    """Part way through an exercise that suits who is here (someone alone is not offered a turn)."""
    here = content.exercises_by_id.get(state.exercise_id or "")
    return state.started and here is not None and here.id not in state.finished and fits(state, here)


def cue(state: State) -> tuple[Line, ...]:
    """What the couple can say right now, to end a reply that does not move them."""
    if state.situation == S.ASK_WHICH_PARTNER:
        return (_which_partner(state),)
    return (say(f"cue.{FAMILY[state.situation]}"),)


def reprompt(state: State) -> tuple[Line, ...]:
    if state.situation == S.ASK_WHICH_PARTNER:
        return (_which_partner(state),)
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


def _home(state: State) -> State:
    return replace(state, situation=S.HOME, offer_target=None)


def _exercise(state: State, content: Content) -> Exercise:
    return content.exercise(state.exercise_id or "")


def offer_today(
    state: State, event: Event, content: Content, lead: tuple[Line, ...] = ()
) -> tuple[State, Reply]:
    lead = (*lead, *_solo_passing(state, content))
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


def _solo_passing(state: State, content: Content) -> tuple[Line, ...]:
    """One kind word when someone alone is moved past an exercise meant for two."""
    here = content.exercises_by_id.get(state.exercise_id or "")
    if state.solo and here is not None and not fits(state, here) and here.id not in state.finished:
        return (say("solo.passing", title=here.title),)
    return ()


def offer_resume(
    state: State, event: Event, content: Content, lead: tuple[Line, ...] = ()
) -> tuple[State, Reply]:
    """Say where they are in plain words (exercise, step, part, whose turn), then offer to go on."""
    exercise = _exercise(state, content)
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


def resume_with_where(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """Asked to resume in a new session: the plain-words place, then the speaker's prompt."""
    _, offer = offer_resume(state, event, content)
    return run.resume(state, content, event.today, offer.speech[:1])


# -- offers and answers ---------------------------------------------------------------
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
    return _home(state), Reply(speech=(say("no.later", title=title),), end_session=True)


def decline_resume(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(_home(state), say("no.resume"), content=content)


def today_while_offering_resume(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    _, today = todays_exercise(state, content, event.today)
    if today is None or today.id == state.exercise_id:
        return stay(state, say("today.is_current", title=_exercise(state, content).title), content=content)
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
    return stay(_home(state), say("start_over.kept"), content=content)


def delete_confirmed(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return State(), Reply(speech=(say("delete.done"),), end_session=True, action="delete_data")


def delete_declined(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(_home(state), say("delete.kept"), content=content)


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


def goodbye_after_checkin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return _home(state), Reply(speech=(say("bye.plain"),), end_session=True)


# -- inside an exercise -------------------------------------------------------------------
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


def nothing_to_finish(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(state, say("turn.none"), content=content)


def whose_turn(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Whose turn is it", "who goes first", "what was the question": answered from the state."""
    if state.situation in IN_EXERCISE:
        exercise = _exercise(state, content)
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
    wanted = _clean_name(event.slots.get("firstName")).lower()
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


# -- navigation -----------------------------------------------------------------------
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
        exercise = _exercise(state, content)
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
    exercise = _exercise(state, content)
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


# -- about them ------------------------------------------------------------------------
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


def help_(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return state, Reply(speech=(say(f"help.{FAMILY[state.situation]}"),), reprompt=reprompt(state))


def fallback(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if state.situation == S.ASK_WHICH_PARTNER:
        return state, Reply(speech=(_which_partner(state),), reprompt=reprompt(state))
    return state, Reply(speech=(say(f"fallback.{FAMILY[state.situation]}"),), reprompt=reprompt(state))


def stop(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    key = "bye.saved" if mid_exercise(state, content) else "bye.plain"
    return _home(state), Reply(speech=(say(key),), end_session=True)


def pause(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, situation=S.PAUSED, offer_target=None)
    return state, Reply(speech=(say("pause.kept"),), end_session=True)


def take_break(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "We need a break": step five's twenty-minute cooling-off, and the place is kept."""
    state = replace(state, situation=S.PAUSED, offer_target=None)
    key = "break.kept" if mid_exercise(state, content) else "break.plain"
    return state, Reply(speech=(say("break.cooling"), say(key)), end_session=True)


def go_home(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return _home(state), Reply(speech=(say("home.menu"),), reprompt=(say("reprompt.home"),))


def delete_data(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, situation=S.CONFIRM_DELETE, offer_target=None)
    return state, Reply(speech=(say("delete.confirm"),), reprompt=(say("reprompt.confirm"),))


# -- names and who is here ------------------------------------------------------------------
def _clean_name(raw: str | None) -> str:
    # A first name as Alexa heard it: letters, spaces, hyphens and apostrophes only.
    text = "".join(c for c in (raw or "") if c.isalpha() or c in " -'").strip()
    return " ".join(part.capitalize() for part in text.split())[:40]


def _which_partner(state: State) -> Line:
    first, second = (*state.names, "", "")[:2]
    return say("names.which", name=state.pending_name or "", first=first, second=second)


def _after_names(state: State, event: Event, content: Content, line: Line) -> tuple[State, Reply]:
    """Back to where they were once a name is settled."""
    if state.situation == S.ASK_WHICH_PARTNER:
        state = replace(state, pending_name=None)
        if mid_exercise(state, content):
            return offer_resume(state, event, content, (line,))
        state = replace(state, situation=S.HOME)
    return stay(state, line, content=content)


def set_names(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    given = [_clean_name(event.slots.get(k)) for k in ("firstName", "secondName")]
    given = [n for n in given if n]
    if not given:
        return state, Reply(speech=(say("names.ask"),), reprompt=(say("names.ask"),))
    people = dict(state.people)
    names = list(state.names)
    if len(given) >= 2:
        names = given[:2]
        state = replace(state, solo=False)
    elif len(names) == 2 and not state.solo:
        name = given[0]
        if name in names:
            return stay(state, say("names.known", name=name), content=content)
        if event.person_id in people:
            names[people[event.person_id]] = name  # the recognised voice says whose name it is
        else:
            # "Call me Sam" with two names set: ask which partner, never drop a name.
            state = replace(state, situation=S.ASK_WHICH_PARTNER, offer_target=None, pending_name=name)
            return state, Reply(speech=(_which_partner(state),), reprompt=reprompt(state))
    else:
        names = [given[0], *names[1:2]] if not state.solo else [given[0]]
    if event.person_id and event.person_id not in people and given[0] in names:
        people[event.person_id] = names.index(given[0])
    state = replace(state, names=tuple(names), people=tuple(sorted(people.items())))
    line = (
        say("names.two", first=names[0], second=names[1])
        if len(names) == 2
        else say("names.one", first=names[0])
    )
    if roles_question_due(state):
        return ask_roles(state, event, content, line)
    return _after_names(state, event, content, line)


def place_name(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """The answer to "which of you is Sam?": the partner's current name."""
    heard = [_clean_name(event.slots.get(k)) for k in ("firstName", "secondName")]
    pending = state.pending_name or ""
    match = next((n for n in heard if n in state.names), None)
    if match is None or not pending:
        return state, Reply(speech=(_which_partner(state),), reprompt=reprompt(state))
    names = list(state.names)
    index = names.index(match)
    names[index] = pending
    people = dict(state.people)
    if event.person_id:
        people[event.person_id] = index
    state = replace(state, names=tuple(names), people=tuple(sorted(people.items())))
    return _after_names(state, event, content, say("names.two", first=names[0], second=names[1]))


def keep_names(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return _after_names(state, event, content, say("names.kept"))


def just_me(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "It's just me, I'm Sam": every line for one person from now on."""
    name = _clean_name(event.slots.get("firstName"))
    names = (name,) if name else state.names[:1]
    state = replace(state, solo=True, names=names)
    line = say("solo.on_named", name=names[0]) if names else say("solo.on")
    if state.situation in IN_EXERCISE and not fits(state, _exercise(state, content)):
        return offer_today(replace(state, situation=S.HOME), event, content, (line,))
    if state.situation == S.OFFER_BEGIN:
        offered = content.exercises_by_id.get(state.offer_target or "")
        if offered is not None and not fits(state, offered):
            return offer_today(state, event, content, (line,))
    return stay(state, line, content=content)


# -- after the program ------------------------------------------------------------------------
def checkin(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if not content.checkins:
        return stay(state, say("checkin.none"), content=content)
    item = content.checkins[state.checkins_heard % len(content.checkins)]
    state = replace(
        mark_practiced(state, event.today),
        situation=S.CHECKIN,
        offer_target=None,
        checkins_heard=state.checkins_heard + 1,
    )
    return state, Reply(
        speech=(say("checkin.intro"), ref(f"checkin:{item.id}"), say("cue.checkin")),
        reprompt=(say("reprompt.checkin"),),
    )


def checkin_done(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return _home(state), Reply(speech=(say("checkin.after"),), end_session=True)


def safety_calm(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """After the safety lines nothing pushes back into an exercise: the menu, gently."""
    return go_home(state, event, content)


# -- reminders (the edges do the work) -----------------------------------------------------------
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


# -- background sounds (render/apla.py plays them) ---------------------------------------------------
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


# -- roles: who was hurt (issue 16) ---------------------------------------------------------------
# Roles are optional and asked once, after the names, outside an exercise. They
# are kept as a partner index, so a renamed partner keeps their role, and the
# skill only ever speaks of "the partner who was hurt", never of what was done.
def roles_question_due(state: State) -> bool:
    return (
        len(state.names) == 2
        and not state.solo
        and not state.roles_asked
        and state.situation not in IN_EXERCISE
        and state.situation != S.ASK_WHICH_PARTNER
    )


def ask_roles(state: State, event: Event, content: Content, lead: Line | None = None) -> tuple[State, Reply]:
    """ "Some exercises go better when I know who was hurt…": once, gently, skippable."""
    if len(state.names) < 2 or state.solo:
        return stay(state, say("roles.need_names"), content=content)
    state = replace(state, situation=S.ASK_ROLES, roles_asked=True)
    first, second = state.names[:2]
    ask = say("roles.ask", first=first, second=second)
    return state, Reply(speech=(*((lead,) if lead else ()), ask), reprompt=(say("reprompt.roles"),))


def _after_roles(state: State, event: Event, content: Content, line: Line) -> tuple[State, Reply]:
    """Back to the program once the roles question is settled; elsewhere, just the answer."""
    if state.situation == S.ASK_ROLES:
        state = replace(state, situation=S.HOME, offer_target=None)
        if mid_exercise(state, content):
            return offer_resume(state, event, content, (line,))
        return offer_today(state, event, content, (line,))
    return stay(state, line, content=content)


def set_roles(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Maya was hurt", "Jordan caused the hurt": kept as the hurt partner's index."""
    if len(state.names) < 2 or state.solo:
        return stay(state, say("roles.need_names"), content=content)
    names = list(state.names[:2])
    hurt = _clean_name(event.slots.get("hurtName"))
    caused = _clean_name(event.slots.get("causedName"))
    index = None
    if hurt in names:
        index = names.index(hurt)
    elif caused in names:
        index = 1 - names.index(caused)
    if index is None:
        # A name that is not one of theirs: ask again with their names, never guess.
        state = replace(state, situation=S.ASK_ROLES, roles_asked=True)
        line = say("roles.which_name", first=names[0], second=names[1])
        return state, Reply(speech=(line,), reprompt=(say("reprompt.roles"),))
    state = replace(state, hurt=str(index), roles_asked=True)
    return _after_roles(state, event, content, say("roles.set", hurt=names[index], caused=names[1 - index]))


def roles_mutual(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "We both hurt each other": every exercise keeps its shared wording."""
    if len(state.names) < 2 or state.solo:
        return stay(state, say("roles.need_names"), content=content)
    state = replace(state, hurt="both", roles_asked=True)
    return _after_roles(state, event, content, say("roles.mutual"))


def roles_skip(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Skip": no roles, no comment, on with the program."""
    return _after_roles(replace(state, roles_asked=True), event, content, say("roles.skipped"))


def roles_change(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Change who was hurt": the question again (inside an exercise, the answer takes effect at once)."""
    if state.situation in IN_EXERCISE or len(state.names) < 2 or state.solo:
        if len(state.names) < 2 or state.solo:
            return stay(state, say("roles.need_names"), content=content)
        return stay(state, say("roles.change_here", first=state.names[0]), content=content)
    return ask_roles(state, event, content)


def roles_clear(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Forget who was hurt": back to the shared wording everywhere; never asked again."""
    if state.solo:
        return stay(state, say("roles.need_names"), content=content)
    state = replace(state, hurt=None, roles_asked=True)
    return _after_roles(state, event, content, say("roles.cleared"))


def roles_unclear(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """A yes, or something else, while the roles question is open: the question again, plainly."""
    first, second = (*state.names, "", "")[:2]
    return state, Reply(speech=(say("roles.which_name", first=first, second=second),),
                        reprompt=(say("reprompt.roles"),))

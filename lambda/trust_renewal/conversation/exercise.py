"""Running an exercise: speaking a position, taking turns, moving on, finishing.

A turn prompt has four stages: 0 the first speaker speaks, 1 the second says
back what they heard, 2 the second speaker speaks, 3 the first says back. Each
stage is a timed quiet with the microphone closed (see ``quiet_line``), then a
chime and one short question. A speaking prompt (``Prompt.speaks``: said
together, by each partner, by one, or by one role) ends the same way: whoever
speaks does so to each other, never to an open microphone (issue 20).
"""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content, Exercise, Prompt
from trust_renewal.conversation.program import (
    SCREENING,
    at_position,
    current_exercise,
    first_of_step,
    mark_practiced,
    needs_screening,
    needs_two,
    next_unfinished,
    passed_over,
    prompt_index,
    run_length,
)
from trust_renewal.conversation.reply import Card, Line, Reply, ref, say
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.state import State

# How long a listener gets to say back what they heard.
REFLECT_MINUTES = 1
# How many wordings each kind of handoff has in the phrase book (keys ``…short.1`` to ``…short.N``).
SHORT_WORDINGS = 3
# A couple hears the cue to go on, and the close of an exercise, in full for their first
# few exercises; after that in short wordings that rotate (``cue.next.1`` ...).
FULL_CUES_UNTIL = 3
FULL_SPEAKING_UNTIL = 8
CUE_WORDINGS = 4


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
    """Who opens the first round of the current exercise (stored; alternates per exercise)."""
    return state.first_speaker if state.first_speaker in (0, 1) else 0


def round_opener(state: State, exercise: Exercise) -> int:
    """Who opens the round at the state's prompt: the exercise's opener, then each in turn.

    Counted over the turn prompts before this one in the run (full or quick), so a
    prompt both answer together between two rounds does not break the alternation.
    """
    earlier = exercise.prompt_indexes(state.quick)[: state.prompt]
    rounds = sum(1 for i in earlier if exercise.prompts[i].turns)
    return first_speaker(state) ^ (rounds % 2)


def rounds_begun(state: State, exercise: Exercise) -> bool:
    """Whether anyone has had a turn yet in this run of the exercise."""
    earlier = exercise.prompt_indexes(state.quick)[: state.prompt]
    if any(exercise.prompts[i].turns for i in earlier):
        return True
    here = exercise.prompts[prompt_index(state, exercise)]
    return here.turns and (state.turn > 0 or state.turn_over)


def opener_of(state: State, exercise: Exercise) -> int:
    """Who opens ``exercise`` if it begins now: whoever "let … go first" named, else the stored one."""
    if state.next_first in ("0", "1") and needs_two(exercise):
        return int(state.next_first)
    return first_speaker(state)


def turn_people(state: State, exercise: Exercise) -> tuple[str, str]:
    """(who speaks, who listens) at the state's turn stage."""
    a, b = partner_labels(state, round_opener(state, exercise))
    return (a, b) if state.turn < 2 else (b, a)


# -- roles (issue 16): each partner's own wording where the task differs ----------------
def roles_known(state: State) -> bool:
    """The couple said which of them was hurt (not "both", not skipped), and both are named."""
    return state.hurt in ("0", "1") and len(state.names) == 2 and not state.solo


def role_of(state: State, partner: int) -> str | None:
    if not roles_known(state):
        return None
    return "hurt" if int(state.hurt or 0) == partner else "caused"


def role_names(state: State) -> dict[str, str]:
    """{hurt: name, caused: name} for role wordings (empty when roles are not known)."""
    if not roles_known(state):
        return {}
    hurt = int(state.hurt or 0)
    return {"hurt": state.names[hurt], "caused": state.names[1 - hurt]}


def prompt_refs(state: State, exercise: Exercise, index: int, kind: str = "prompt") -> tuple[Line, ...]:
    """A prompt both partners hear: each role's own wording when known, else the shared one."""
    prompt = exercise.prompts[index]
    if roles_known(state) and prompt.variants:
        names = role_names(state)
        return tuple(ref(f"{kind}:{exercise.id}:{index}:{v.role}", **names) for v in prompt.variants)
    return (ref(f"{kind}:{exercise.id}:{index}"),)


def speaking(state: State, exercise: Exercise, stage: int) -> int:
    """The partner index who talks at a turn stage (speaker at 0 and 2, the one saying back at 1 and 3)."""
    first = round_opener(state, exercise)
    return first if stage in (0, 3) else 1 - first


def hurt_would_say_back(state: State, exercise: Exercise, prompt: Prompt, stage: int) -> bool:
    """Where roles matter, the partner who was hurt is never asked to say back the other's words."""
    return (
        stage % 2 == 1
        and not prompt.hurt_says_back
        and role_of(state, speaking(state, exercise, stage)) == "hurt"
    )


def situation_at(state: State, content: Content) -> Situation:
    """The situation the state's position in an exercise stands for."""
    exercise = content.exercise(state.exercise_id or "")
    prompt = exercise.prompts[prompt_index(state, exercise)]
    if prompt.turns:
        return Situation.SPEAKER_TURN if state.turn % 2 == 0 else Situation.LISTENER_TURN
    if prompt.speaks:
        return Situation.SPEAKING
    return Situation.REFLECTION if exercise.kind == "guided_reflection" else Situation.PROMPT


def _prompt_card(state: State, exercise: Exercise, index: int) -> Card:
    return Card(title=ref(f"title:{exercise.id}"), body=prompt_refs(state, exercise, index, "card"))


def quiet_line(seconds: int, who: str) -> Line:
    """The timed quiet (contract in QUIET.md): renderers turn it into silence, then the chime."""
    return Line("quiet", (("seconds", str(int(seconds))), ("who", who)))


def speak_duration(minutes: float) -> str:
    """The duration label for a quiet of this many minutes (half a minute to three)."""
    if minutes < 1:
        return "@minutes_half"
    return f"@minutes_{max(1, min(3, int(minutes)))}"


def _wording(key: str, first: bool, index: int) -> str:
    """The full wording the first time in an exercise, then short ones in rotation."""
    return f"{key}.full" if first else f"{key}.short.{index % SHORT_WORDINGS + 1}"


def turn_lines(state: State, exercise: Exercise, index: int, prompt: Prompt) -> list[Line]:
    """What a turn stage says: the handoff or prompt, who speaks for how long, the quiet, one question."""
    speaker, listener = turn_people(state, exercise)
    # The full instructions at the exercise's first turn prompt; short ones after.
    earlier = exercise.prompt_indexes(state.quick)[: state.prompt]
    first_time = not any(exercise.prompts[i].turns for i in earlier)
    lines: list[Line] = []
    if state.turn % 2 == 0:
        if state.turn == 2:
            lines.append(say(_wording("handoff.switch", first_time, state.prompt), speaker=speaker))
        role = role_of(state, speaking(state, exercise, state.turn))
        if role and prompt.variant(role):
            # The speaker's own task where it differs (the apology: who apologizes, who was hurt).
            key = f"prompt:{exercise.id}:{index}:{role}"
            lines.append(ref(key, speaker=speaker, listener=listener, **role_names(state)))
        else:
            lines.append(ref(f"prompt:{exercise.id}:{index}", speaker=speaker, listener=listener))
        minutes = prompt.speak_minutes
        lines.append(
            say(
                _wording("turn.time", first_time and state.turn == 0, 2 * state.prompt + state.turn // 2),
                speaker=speaker,
                duration=speak_duration(minutes),
            )
        )
    else:
        minutes = REFLECT_MINUTES
        lines.append(
            say(
                _wording(
                    "handoff.reflect", first_time and state.turn == 1, 2 * state.prompt + state.turn // 2
                ),
                speaker=speaker,  # the one who just spoke
                listener=listener,  # now says back what they heard
                duration=speak_duration(minutes),
            )
        )
    talking = speaker if state.turn % 2 == 0 else listener
    lines += [quiet_line(minutes * 60, talking), finished_question(state)]
    return lines


def finished_question(state: State, extra: int = 0) -> Line:
    """The one short question after the chime, in rotation so it is not the same line every turn.

    Once a couple has done a few exercises it is just the question ("no" gives more time).
    """
    # 4 (3 wordings) and 5 (4 wordings) per prompt: from one question to the next (next
    # stage, a say-back skipped, next prompt) the count never moves by a multiple of the
    # wordings, so no question comes twice in a row. With 2 and 3 per prompt the last
    # say-back and the next prompt's first turn asked the same one (found in issue 27).
    if _early(state):
        turn = 4 * state.prompt + state.turn + extra
        return say(f"turn.finished.{turn % SHORT_WORDINGS + 1}")
    later = 5 * state.prompt + state.turn + extra + len(state.finished)
    return say(f"turn.finished.short.{later % CUE_WORDINGS + 1}")


def speaking_who(state: State, prompt: Prompt) -> str:
    """Who talks in a speaking prompt's quiet: a role's name when known, else "" (both, each, one)."""
    return role_names(state).get(prompt.speaks, "")


def _quiet_who(state: State, prompt: Prompt) -> str:
    """Who the quiet is for, as renderers show it: a name, "you both", or "you"."""
    who = speaking_who(state, prompt)
    if who:
        return who
    return "@you" if state.solo or prompt.speaks in ("one", "hurt", "caused") else "@you_both"


def _early(state: State) -> bool:
    """Still in the couple's first few exercises: cues in full, not yet shortened."""
    return len(state.finished) < FULL_CUES_UNTIL


def speaking_lines(state: State, exercise: Exercise, index: int, prompt: Prompt) -> list[Line]:
    """After a speaking prompt: how long, that Alexa is not listening, the quiet, one question.

    The first speaking prompt of a couple's first exercises explains that Alexa can
    be woken early; later ones are a few words, in rotation.
    """
    who = speaking_who(state, prompt)
    group = "named" if who else {"both": "both", "each": "each"}.get(prompt.speaks, "one")
    earlier = exercise.prompt_indexes(state.quick)[: state.prompt]
    # The full wording (how to wake Alexa early) at the first speaking prompt of each of a
    # couple's first exercises; speaking prompts come later in the program than turns.
    first = len(state.finished) < FULL_SPEAKING_UNTIL and not any(exercise.prompts[i].speaks for i in earlier)
    turn = (state.prompt + len(state.finished)) % SHORT_WORDINGS + 1
    key = f"speak.time.{group}.full" if first else f"speak.time.{group}.{turn}"
    lines = [say(key, speaker=who, duration=speak_duration(prompt.speak_minutes))]
    quiet = quiet_line(int(prompt.speak_minutes * 60), _quiet_who(state, prompt))
    return [*lines, quiet, finished_question(state)]


def cue_next(state: State) -> Line:
    """The cue to go on after a prompt: in full at first, then short wordings in rotation."""
    if _early(state):
        return say("cue.next")
    return say(f"cue.next.{(state.prompt + len(state.finished)) % CUE_WORDINGS + 1}")


def speak_position(state: State, content: Content, lead: tuple[Line, ...] = ()) -> tuple[State, Reply]:
    """Say the prompt (or turn stage) the state points at, with its cue and reprompt."""
    exercise = content.exercise(state.exercise_id or "")
    index = prompt_index(state, exercise)
    prompt = exercise.prompts[index]
    lines = list(lead)
    state = replace(state, situation=situation_at(state, content), turn_over=False)
    if prompt.speaks:
        lines += [*prompt_refs(state, exercise, index), *speaking_lines(state, exercise, index, prompt)]
        reprompt = (say("reprompt.speaking"),)
    elif not prompt.turns:
        lines += [*prompt_refs(state, exercise, index), cue_next(state)]
        reprompt = (say("reprompt.exercise"),)
    else:
        if state.turn == 0 and not state.names and not state.told_partner_one:
            # Unnamed couples learn once who "partner one" is.
            lines.append(say("turn.decide_first"))
            state = replace(state, told_partner_one=True)
        lines += turn_lines(state, exercise, index, prompt)
        reprompt = (say("reprompt.turn"),)
    return state, Reply(speech=tuple(lines), reprompt=reprompt, card=_prompt_card(state, exercise, index))


def more_time(state: State, content: Content, lead: tuple[Line, ...] = ()) -> tuple[State, Reply]:
    """Another stretch of quiet for whoever is speaking now."""
    exercise = content.exercise(state.exercise_id or "")
    prompt = exercise.prompts[prompt_index(state, exercise)]
    if prompt.speaks:
        who = speaking_who(state, prompt)
        lines = (
            *lead,
            say(
                "speak.more_time.named" if who else "speak.more_time",
                speaker=who,
                duration=speak_duration(prompt.speak_minutes),
            ),
            quiet_line(int(prompt.speak_minutes * 60), _quiet_who(state, prompt)),
            finished_question(state, extra=1),
        )
        return state, Reply(speech=lines, reprompt=(say("reprompt.speaking"),))
    speaker, listener = turn_people(state, exercise)
    talking = speaker if state.turn % 2 == 0 else listener
    minutes = prompt.speak_minutes if state.turn % 2 == 0 else REFLECT_MINUTES
    lines = (
        *lead,
        say("turn.more_time", speaker=talking, duration=speak_duration(minutes)),
        quiet_line(minutes * 60, talking),
        finished_question(state, extra=1),
    )
    return state, Reply(speech=lines, reprompt=(say("reprompt.turn"),))


def begin(state: State, content: Content, today: str, lead: tuple[Line, ...] = ()) -> tuple[State, Reply]:
    """Start (or restart) the current exercise from its first prompt."""
    exercise = current_exercise(state, content)
    if exercise is None:
        return complete_program(state, content)
    if needs_screening(state, content, exercise):
        # Safety first (issue 25): the screening, said to both, before any exercise for two.
        lead = (*lead, say("care.screening_first"))
        wanted = exercise.id
        exercise = content.exercise(SCREENING)
        state = replace(at_position(state, exercise), screening_for=wanted)
    state = replace(
        at_position(state, exercise),
        started=True,
        quick=state.quick and state.exercise_id == exercise.id,
        first_speaker=opener_of(state, exercise),
    )
    if needs_two(exercise):
        state = replace(state, next_first=None)  # "let Jordan go first" is used up here
    state = replace(mark_practiced(state, today), offer_target=None)
    step = content.step_of(exercise.id)
    intro: list[Line] = list(lead)
    if step.path and step.path[0].id == exercise.id and step.intro:
        intro.append(ref(f"step_intro:{step.id}"))
        if step.number > 1 and not state.solo:
            intro.append(say("care.reminder"))  # the screening, in a sentence, at each new step
        intro.append(say("beat.after_intro"))  # and a breath before the exercise's own introduction
    intro.append(ref(f"intro:{exercise.id}"))
    # A breath between the introduction and the first prompt, so no reply talks for long
    # before its first pause (issue 20: under about 40 seconds).
    intro.append(say("beat.after_intro"))
    return speak_position(state, content, tuple(intro))


def resume_point(state: State, content: Content) -> State | None:
    """Where a new session picks up, so nobody's words are skipped.

    A speaker's turn that was finished (silence after the chime, or "tell trust
    renewal I'm done") goes on to the listener's say-back of that same turn; a
    finished say-back to the next speaker; a finished speaking prompt to the next
    prompt. Anything not finished is heard again from its start. None when nothing
    is left of the exercise but its closing.
    """
    exercise = content.exercise(state.exercise_id or "")
    prompt = exercise.prompts[prompt_index(state, exercise)]
    if not prompt.turns:
        if not state.turn_over:
            return replace(state, turn=0)
    else:
        stage = state.turn + (1 if state.turn_over else 0)
        if stage <= 3 and hurt_would_say_back(state, exercise, prompt, stage):
            stage += 1
        if stage <= 3:
            return replace(state, turn=stage, turn_over=False)
    if state.prompt + 1 < run_length(state, exercise):
        return replace(state, prompt=state.prompt + 1, turn=0, turn_over=False)
    return None


def resume(state: State, content: Content, today: str, lead: tuple[Line, ...] = ()) -> tuple[State, Reply]:
    """Pick up where the couple stopped (see ``resume_point``)."""
    state = replace(mark_practiced(state, today), offer_target=None)
    point = resume_point(state, content)
    if point is None:
        return finish(state, content, today)
    state, reply = speak_position(point, content, lead)
    # A new session starts fresh: no "thank you both, let's switch" from before.
    speech = tuple(line for line in reply.speech if not line.key.startswith("phrase:handoff.switch"))
    return state, replace(reply, speech=speech)


def advance(state: State, content: Content, today: str) -> tuple[State, Reply]:
    """Move on one turn or one prompt; finish the exercise after its last prompt."""
    exercise = content.exercise(state.exercise_id or "")
    prompt = exercise.prompts[prompt_index(state, exercise)]
    if prompt.turns and state.turn < 3:
        stage = state.turn + 1
        if hurt_would_say_back(state, exercise, prompt, stage):
            stage += 1
        if stage <= 3:
            return speak_position(replace(state, turn=stage), content)
    if state.prompt + 1 < run_length(state, exercise):
        return speak_position(replace(state, prompt=state.prompt + 1, turn=0), content)
    return finish(state, content, today)


def finish(state: State, content: Content, today: str) -> tuple[State, Reply]:
    exercise = content.exercise(state.exercise_id or "")
    second = state.second_due == exercise.id  # the other partner's turn at it: not a revisit
    revisit = exercise.id in state.finished and not second
    finished = state.finished if exercise.id in state.finished else (*state.finished, exercise.id)
    state = replace(mark_practiced(state, today), finished=finished, turn_over=False)
    if needs_two(exercise):
        # Fairness: whoever listened first opens the next turn-taking exercise.
        state = replace(state, first_speaker=1 - first_speaker(state))
    lines: list[Line] = [ref(f"closing:{exercise.id}"), done_line(state)]
    # The whole exercise in the Alexa app, so the couple can read it again later.
    card = Card(
        title=ref(f"title:{exercise.id}"),
        body=tuple(ref(f"card:{exercise.id}:{i}") for i in range(len(exercise.prompts))),
    )
    if second:
        state = replace(state, second_due=None)
    elif exercise.once_each and state.hurt == "both" and not revisit:
        # "We both did": the other apology, tonight if they wish, else on another day.
        state = replace(
            at_position(state, exercise), second_due=exercise.id, situation=Situation.OFFER_BEGIN,
            offer_target=exercise.id,
        )
        lines.append(say("offer.second_time", title=exercise.title))
        return state, Reply(speech=tuple(lines), reprompt=(say("reprompt.offer"),), card=card)
    if revisit:
        # A revisited step plays all its exercises, then comes back to where they were.
        path = content.step_of(exercise.id).path
        at = [e.id for e in path].index(exercise.id)
        following = path[at + 1] if at + 1 < len(path) else None
        if following is not None and state.solo and (needs_two(following) or following.audience != "one"):
            following = None
        key = "offer.revisit_next"
    else:
        # A reflection for one partner passed over for today's couple exercise comes next.
        following = passed_over(state, content, exercise) or next_unfinished(
            state, content, after=exercise.id
        )
        wanted = content.exercises_by_id.get(state.screening_for or "")
        if exercise.id == SCREENING and wanted is not None and wanted.id not in finished:
            following = wanted  # back to the exercise they asked for
        state = replace(state, screening_for=None)
        key = "offer.next"
    if following is None:
        state = at_position(state, None)
        state, reply = complete_program(state, content)
        return state, replace(reply, speech=(*lines, *reply.speech), card=card)
    was_today = state.today_exercise == exercise.id and state.today_date == today
    if was_today and not revisit:
        key = "offer.after_today"
    state = replace(at_position(state, following), situation=Situation.OFFER_BEGIN, offer_target=following.id)
    lines += offer_lines(state, content, following, key)
    return state, Reply(speech=tuple(lines), reprompt=(say("reprompt.offer"),), card=card)


def done_line(state: State) -> Line:
    """The close of an exercise: in full for the first few, then shorter, in rotation."""
    done = len(state.finished)  # already counts the exercise just finished
    if done <= FULL_CUES_UNTIL:
        return say("done.exercise")
    return say(f"done.exercise.{done % CUE_WORDINGS + 1}")


def offer_lines(state: State, content: Content, exercise: Exercise, key: str) -> list[Line]:
    """Offer an exercise; one for each partner alone is never called the couple's exercise."""
    step = content.step_of(exercise.id)
    if step.ask_ready and first_of_step(state, content, exercise):
        return ready_lines(state, content, exercise, key)
    if exercise.audience == "one" and not state.solo:
        named = _offer_by_name(state, content, exercise)
        if named:
            return named
        key = "offer.own_time"
    return [
        say(
            key,
            title=exercise.title,
            step_number=step.number,
            step_title=step.title,
            minutes=_minutes(exercise.minutes),
        )
    ]


def ready_lines(state: State, content: Content, exercise: Exercise, key: str) -> list[Line]:
    """Before forgiveness, closeness and the future: are you ready? Asked of the partner who was hurt."""
    step = content.step_of(exercise.id)
    if key == "offer.step_start":
        lines = [say("ready.starts", title=exercise.title)]
    else:
        lines = [say("ready.next", step_number=step.number, step_title=step.title, title=exercise.title)]
    names = role_names(state)
    if names:
        lines.append(say("ready.ask_named", name=names["hurt"], step_title=step.title))
    else:
        lines.append(say("ready.ask", step_title=step.title))
    return lines


def _offer_by_name(state: State, content: Content, exercise: Exercise) -> list[Line]:
    """A reflection for one role, offered to that partner by name, with the other's counterpart."""
    names = role_names(state)
    if exercise.for_ not in ("hurt", "caused") or not names:
        return []
    step = content.step_of(exercise.id)
    other = "caused" if exercise.for_ == "hurt" else "hurt"
    lines = [
        say(
            "offer.own_time_named",
            name=names[exercise.for_],
            title=exercise.title,
            step_number=step.number,
            minutes=_minutes(exercise.minutes),
        )
    ]
    counterpart = content.exercises_by_id.get(exercise.counterpart)
    if counterpart is not None:
        lines.append(say("offer.counterpart", name=names[other], title=counterpart.title))
    lines.append(say("offer.hear_now", name=names[exercise.for_]))
    return lines


def _minutes(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def complete_program(state: State, content: Content) -> tuple[State, Reply]:
    """The end of the program: its speech once, ever; afterwards, one line and one offer."""
    lines: tuple[Line, ...]
    if state.solo and not state.program_done and len(state.finished) < len(content.path):
        lines = (say("solo.all_done"), say("offer.after_program"))
    elif state.program_done:
        lines = (say("after_program.where"), say("offer.after_program"))
    else:
        lines = (say("program.complete"), say("offer.after_program"))
    state = replace(
        state,
        program_done=state.program_done or not state.solo,
        situation=Situation.COMPLETE,
        offer_target=None,
    )
    return state, Reply(speech=lines, reprompt=(say("reprompt.complete"),))

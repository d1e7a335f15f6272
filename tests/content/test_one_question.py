"""One question per reply, and the question ends it: the skill's own words, in every situation.

Questions a prompt puts to the couple ("what did you hear?") are for each other; the
skill's own questions are its phrases, and a couple can answer only one at a time,
after the skill has finished speaking.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from support.engine_steps import TODAY, intent, launch, run
from trust_renewal.content.loader import load_content
from trust_renewal.conversation import Event, State, step
from trust_renewal.conversation.events import INTENTS
from trust_renewal.conversation.reply import Line, Reply
from trust_renewal.conversation.situation import Situation
from trust_renewal.render.reply import line_text

PHRASE_FILES_LOCALES = ("en-US", "en-GB", "en-IN")


@pytest.mark.parametrize("locale", PHRASE_FILES_LOCALES)
def test_every_phrase_asks_at_most_one_question_and_ends_with_it(locale: str) -> None:
    content = load_content(locale)
    bad = {
        key: text
        for key, text in content.phrases.items()
        if text.count("?") > 1 or ("?" in text and not text.rstrip().endswith("?"))
    }
    assert bad == {}


def _situations(content) -> dict[str, State]:
    turn_ex = next(ex for ex in content.path if any(p.turns for p in ex.prompts))
    index = next(i for i, p in enumerate(turn_ex.prompts) if p.turns)
    in_exercise = run(content, State(), launch(), intent("yes"))[0]
    everything = tuple(e.id for e in content.path)
    named = replace(in_exercise, names=("Maya", "Jordan"))
    return {
        "first launch offer": run(content, State(), launch())[0],
        "home": State(welcomed=True),
        "exercise": in_exercise,
        "turn": replace(in_exercise, exercise_id=turn_ex.id, prompt=index, started=True),
        "turn, named": replace(named, exercise_id=turn_ex.id, prompt=index, started=True),
        "resume offer": run(content, replace(in_exercise, situation=Situation.HOME), launch())[0],
        "start over asked": run(content, in_exercise, intent("start_over"))[0],
        "delete asked": run(content, in_exercise, intent("delete_data"))[0],
        "complete": run(content, State(welcomed=True, finished=everything, program_done=True), launch())[0],
        "check-in": run(
            content, State(welcomed=True, finished=everything, program_done=True), launch(), intent("yes")
        )[0],
        "which step asked": run(content, in_exercise, intent("go_to_step"))[0],
        "names asked": run(content, in_exercise, intent("set_names"))[0],
    }


def _events() -> list[Event]:
    events = [intent(name) for name in sorted(INTENTS)]
    events += [
        intent("go_to_step", slots={"stepNumber": "3"}),
        intent("go_to_step", slots={"stepNumber": "40"}),
        intent("go_to_step", slots={"topic": "forgiveness"}, slot_ids={"topic": "forgiveness"}),
        intent("go_to_step", slots={"topic": "the weather"}),
        intent("set_names", slots={"firstName": "Maya", "secondName": "Jordan"}),
        intent("set_names", slots={"firstName": "Sam"}),
        intent("set_reminder", slots={"time": "20:00"}),
    ]
    results = ("set", "moved", "which_time", "needs_permission", "failed", "stopped", "none")
    events += [
        Event(kind="action_result", name=name, today=TODAY, slots={"time": "8 p.m."}) for name in results
    ]
    return events


def _question_problem(lines: tuple[Line, ...], content) -> str | None:
    """Why these lines break "one question, at the end", or None."""
    texts = [(line, line_text(line, content)) for line in lines]
    own = [text for line, text in texts if line.key.startswith("phrase:")]
    asked = sum(text.count("?") for text in own)
    if asked > 1:
        return f"{asked} questions"
    if asked == 1:
        last_line, last_text = texts[-1]
        if not (last_line.key.startswith("phrase:") and last_text.rstrip().endswith("?")):
            return "the question does not end the reply"
    return None


def test_no_reply_in_any_situation_asks_two_questions_or_talks_past_its_question(content) -> None:
    problems = []
    replies = 0
    for where, state in _situations(content).items():
        for event in _events():
            event = replace(event, today=TODAY)
            _, reply = step(state, event, content)
            if reply.action and not reply.speech:
                continue  # the edges act first; the action's result is spoken (covered above)
            replies += 1
            for part, lines in (("speech", reply.speech), ("reprompt", reply.reprompt)):
                if not lines:
                    continue
                why = _question_problem(lines, content)
                if why:
                    said = " ".join(line_text(line, content) for line in lines)
                    problems.append(f"{where} + {event.name} ({part}): {why}: {said}")
    assert replies > 300
    assert problems == []


def test_the_known_bad_case_now_asks_only_which_step(content) -> None:
    offer = _situations(content)["first launch offer"]
    _, reply = step(offer, intent("go_to_step"), content)
    text = " ".join(line_text(line, content) for line in reply.speech)
    assert text.endswith("Which step would you like?") and text.count("?") == 1
    assert isinstance(reply, Reply) and reply.reprompt


@pytest.mark.parametrize("locale", PHRASE_FILES_LOCALES)
def test_each_prompt_puts_one_question_to_the_couple(locale: str) -> None:
    # Reflection questions are for each other, not for Alexa, but they too come one at a time.
    content = load_content(locale)
    several = [
        f"{exercise.id}[{index}]: {prompt.say}"
        for exercise in content.path
        for index, prompt in enumerate(exercise.prompts)
        if prompt.say.count("?") > 1
    ]
    several += [f"{c.id}: {c.say}" for c in content.checkins if c.say.count("?") > 1]
    assert several == []

"""The whole program is there, and written for the voice (issue 3).

Each rule is checked here on its own, with the numbers from ``content/rules.py``
(the one home of the rules, which ``trust-renewal content`` prints as warnings).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import pairwise

import pytest

from trust_renewal.content import load_content, rules
from trust_renewal.content.markup import Chime, Pause, Text, params_used, parse, spoken_seconds
from trust_renewal.content.model import Exercise, Step
from trust_renewal.content.rules import STEP_IDS, exercise_seconds

CONTENT = load_content("en-US")
STEPS = {step.id: step for step in CONTENT.steps}
EXERCISES = {ex.id: ex for step in CONTENT.steps for ex in step.path}


def _step(step_id: str) -> Step:
    if step_id not in STEPS:
        pytest.fail(f"step {step_id} is not written yet")
    return STEPS[step_id]


def _program_texts() -> list[tuple[str, str]]:
    """(where, markup) for everything the program says, check-ins included."""
    texts = [(f"{s.id}:intro", s.intro) for s in CONTENT.steps]
    for ex in EXERCISES.values():
        texts += [(f"{ex.id}:intro", ex.intro), (f"{ex.id}:closing", ex.closing)]
        texts += [(f"{ex.id}:prompt-{i}", p.say) for i, p in enumerate(ex.prompts, 1)]
    return texts + [(c.id, c.say) for c in CONTENT.checkins]


def test_the_program_is_the_eleven_steps_in_order() -> None:
    assert [step.id for step in CONTENT.steps] == list(STEP_IDS)
    assert [step.number for step in CONTENT.steps] == list(range(1, len(STEP_IDS) + 1))


@pytest.mark.parametrize("step_id", STEP_IDS)
def test_each_step_says_its_purpose_in_one_sentence(step_id: str) -> None:
    step = _step(step_id)
    assert step.title.strip()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", step.purpose.strip()) if s]
    assert len(sentences) == 1, step.purpose


@pytest.mark.parametrize("step_id", STEP_IDS)
def test_each_step_intro_takes_under_twenty_seconds(step_id: str) -> None:
    assert spoken_seconds(_step(step_id).intro) < rules.INTRO_MAX_SECONDS


@pytest.mark.parametrize("step_id", STEP_IDS)
def test_each_step_has_a_guided_reflection_of_one_to_two_minutes(step_id: str) -> None:
    reflection = _step(step_id).reflection
    assert reflection is not None and reflection.kind == "guided_reflection"
    low, high = rules.REFLECTION_SECONDS
    assert low <= exercise_seconds(reflection, quick=False) <= high


@pytest.mark.parametrize("step_id", STEP_IDS)
def test_each_step_has_four_exercises_of_three_kinds(step_id: str) -> None:
    exercises = _step(step_id).exercises
    assert len(exercises) >= rules.MIN_EXERCISES_PER_STEP
    assert len({ex.kind for ex in exercises}) >= rules.MIN_KINDS_PER_STEP


@pytest.mark.parametrize("step_id", STEP_IDS)
def test_each_step_has_its_own_spoken_topics(step_id: str) -> None:
    topics = _step(step_id).topics
    low, high = rules.TOPICS_PER_STEP
    assert low <= len(topics) <= high
    others = {t for s in CONTENT.steps if s.id != step_id for t in s.topics}
    assert not set(topics) & others


def test_the_program_has_at_least_forty_four_exercises() -> None:
    assert sum(len(step.exercises) for step in CONTENT.steps) >= rules.MIN_EXERCISES


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=EXERCISES)
def test_each_exercise_is_complete(exercise: Exercise) -> None:
    is_reflection = exercise.id.endswith(".reflection")
    low, high = rules.PROMPTS_PER_EXERCISE
    assert is_reflection or low <= len(exercise.prompts) <= high
    assert exercise.title.strip() and exercise.intro.strip() and exercise.closing.strip()
    assert all(p.card.strip() for p in exercise.prompts)
    assert spoken_seconds(exercise.intro) <= rules.INTRO_MAX_SECONDS


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=EXERCISES)
def test_each_exercise_has_a_quick_version_of_about_three_minutes(exercise: Exercise) -> None:
    assert any(p.quick for p in exercise.prompts)
    assert exercise.quick_minutes <= rules.QUICK_MAX_MINUTES
    # The stated time covers the skill's speech plus the couple's turns.
    assert exercise_seconds(exercise, quick=True, with_turns=True) <= exercise.quick_minutes * 60
    assert exercise_seconds(exercise, quick=False, with_turns=True) <= exercise.minutes * 60


@pytest.mark.parametrize("exercise", EXERCISES.values(), ids=EXERCISES)
def test_turn_prompts_address_speaker_and_listener_and_no_other_text_does(
    exercise: Exercise,
) -> None:
    names = rules.TURN_PARAMS
    for prompt in exercise.prompts:
        if prompt.turns:
            assert exercise.audience == "together"
            assert names <= params_used(prompt.say), prompt.say
        else:
            assert not names & params_used(prompt.say), prompt.say
    assert not names & (params_used(exercise.intro) | params_used(exercise.closing))


def test_no_prompt_repeats_another() -> None:
    normal = rules.normal
    prompts = [
        (f"{ex.id} {i}", normal(p.say)) for ex in EXERCISES.values() for i, p in enumerate(ex.prompts, 1)
    ]
    prompts += [(c.id, normal(c.say)) for c in CONTENT.checkins]
    repeats = []
    for i, (where_a, a) in enumerate(prompts):
        for where_b, b in prompts[i + 1 :]:
            m = SequenceMatcher(None, a, b, autojunk=False)
            if all(r() >= rules.NEAR_DUPLICATE for r in (m.real_quick_ratio, m.quick_ratio, m.ratio)):
                repeats.append((where_a, where_b))
    assert repeats == []


def test_long_silences_are_left_to_the_automatic_chime() -> None:
    # Pauses over 10 s end with a soft chime already; a second one would jar.
    doubled = []
    for where, text in _program_texts():
        tokens = [t for t in parse(text) if not (isinstance(t, Text) and not t.value.strip())]
        for before, after in pairwise(tokens):
            if isinstance(before, Pause) and before.seconds > 10 and isinstance(after, Chime):
                doubled.append(where)
    assert doubled == []


def test_reflective_prompts_leave_silence_to_think() -> None:
    quiet = [ex for ex in EXERCISES.values() if ex.kind in ("guided_reflection", "solo_reflection")]
    for exercise in quiet:
        assert any(
            isinstance(t, Pause) and t.seconds >= 10 for p in exercise.prompts for t in parse(p.say)
        ), exercise.id


# Words that must never be spoken: trademarked methods, clinical promises,
# gendered assumptions about who hurt whom, and text that cannot be heard once.
FORBIDDEN = {
    "trademarked method": r"\b(gottman|imago|emotionally focused|hold me tight|prepare.enrich)\b",
    "clinical claim": r"\b(proven|guarantee\w*|cure\w*|clinically|scientifically|will heal|will fix)\b",
    "gendered word": r"\b(he|she|him|his|her|hers|husband|wife|boyfriend|girlfriend)\b",
    "parenthesis": r"[()]",
    "abbreviation": r"\b(e\.g|i\.e|etc)\b|\b[A-Z]{2,}\b",
    "hand-written SSML": r"[<>]",
}


@pytest.mark.parametrize("rule", FORBIDDEN)
def test_the_program_never_says(rule: str) -> None:
    pattern = re.compile(FORBIDDEN[rule], re.IGNORECASE if rule != "abbreviation" else 0)
    found = [where for where, text in _program_texts() if pattern.search(text)]
    assert found == [], f"{rule} in {found}"


def test_forgiveness_is_never_demanded() -> None:
    pattern = re.compile(r"\byou (must|have to|need to|should) forgive\b", re.IGNORECASE)
    assert [where for where, text in _program_texts() if pattern.search(text)] == []

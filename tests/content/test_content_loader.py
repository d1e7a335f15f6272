"""The loader refuses content that breaks the schema, naming what is wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from trust_renewal.content.loader import ContentError, load_content, load_content_from


def _exercise(ex_id: str, **changes: Any) -> dict[str, Any]:
    exercise = {
        "id": ex_id,
        "title": "Naming it together",
        "kind": "turn_taking",
        "audience": "together",
        "minutes": 8,
        "quick_minutes": 3,
        "intro": "Take turns now.",
        "prompts": [
            {
                "say": "{speaker}, tell {listener} one hope you have. [pause 5]",
                "card": "Take turns: say one hope you have.",
                "quick": True,
                "turns": True,
            }
        ],
        "closing": "Thank you both.",
    }
    exercise.update(changes)
    return exercise


def _step(number: int = 1, step_id: str = "acknowledge", **changes: Any) -> dict[str, Any]:
    step = {
        "id": step_id,
        "number": number,
        "title": "Acknowledge what happened",
        "purpose": "Say together what happened.",
        "topics": [f"{step_id} topic", f"{step_id} words"],
        "intro": "This step is about naming what happened.",
        "reflection": _exercise(
            f"{step_id}.reflection", kind="guided_reflection", minutes=2, quick_minutes=1
        ),
        "exercises": [_exercise(f"{step_id}.naming-it")],
    }
    step.update(changes)
    return step


def _number(**changes: Any) -> dict[str, Any]:
    number = {
        "number": "911",
        "label": "Emergency",
        "call": "Call [digits 911].",
        "serves": {"who": "anyone", "regions": [], "except_regions": []},
        "hours": "day and night",
        "always": True,
        "source": "https://www.911.gov/",
        "checked": "2026-12-06",
        "confirmed": "first-hand",
        "evidence": "test",
    }
    number.update(changes)
    return {k: v for k, v in number.items() if v is not None}


def _folder(tmp_path: Path, steps: list[dict[str, Any]], **files: Any) -> Path:
    root = tmp_path / "en"
    (root / "steps").mkdir(parents=True)
    for step in steps:
        (root / "steps" / f"{step['number']:02d}-{step['id']}.json").write_text(json.dumps(step))
    data = {
        "checkins.json": {"checkins": [{"id": "checkin-001", "say": "How are you?", "card": "How are you?"}]},
        "safety.json": {
            "crisis_lines": {
                "US": {
                    "name": "United States",
                    "say": "Call nine one one.",
                    "card": "Call 911.",
                    "source": "https://www.911.gov/",
                    "numbers": {role: _number() for role in ("emergency", "crisis", "abuse")},
                    "routes": {
                        route: ["emergency", "crisis", "abuse"]
                        for route in ("self_harm", "harm_done", "someone_else", "abuse", "danger")
                    },
                }
            }
        },
    }
    data.update(files)
    for name, value in data.items():
        (root / name).write_text(value if isinstance(value, str) else json.dumps(value))
    return root


def _problems(tmp_path: Path, steps: list[dict[str, Any]], **files: Any) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content_from(_folder(tmp_path, steps, **files))
    return caught.value.problems


def test_a_sound_folder_loads_with_its_indexes(tmp_path: Path) -> None:
    content = load_content_from(_folder(tmp_path, [_step()]))
    assert [ex.id for ex in content.path] == ["acknowledge.reflection", "acknowledge.naming-it"]
    assert content.step_of("acknowledge.naming-it").title == "Acknowledge what happened"
    assert content.crisis_lines["US"].source == "https://www.911.gov/"


def test_an_exercise_id_used_twice_is_refused(tmp_path: Path) -> None:
    step = _step()
    step["exercises"].append(copy.deepcopy(step["exercises"][0]))
    assert "exercise id 'acknowledge.naming-it' is used twice" in _problems(tmp_path, [step])


def test_a_checkin_id_used_twice_is_refused(tmp_path: Path) -> None:
    checkin = {"id": "checkin-001", "say": "How are you?", "card": "How are you?"}
    problems = _problems(tmp_path, [_step()], **{"checkins.json": {"checkins": [checkin, checkin]}})
    assert "check-in id 'checkin-001' is used twice" in problems


def test_every_missing_required_field_is_named(tmp_path: Path) -> None:
    exercise = _exercise("acknowledge.naming-it")
    del exercise["closing"]
    del exercise["prompts"][0]["card"]
    step = _step(exercises=[exercise])
    del step["purpose"]
    problems = "\n".join(_problems(tmp_path, [step]))
    assert "step acknowledge: 'purpose' missing" in problems
    assert "exercise acknowledge.naming-it: 'closing' missing" in problems
    assert "exercise acknowledge.naming-it prompt 1: 'card' missing" in problems


def test_a_misspelled_field_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    exercise = _exercise("acknowledge.naming-it")
    exercise["prompts"][0]["quik"] = True
    problems = _problems(tmp_path, [_step(exercises=[exercise])])
    assert "exercise acknowledge.naming-it prompt 1: unknown field 'quik'" in problems


def test_an_exercise_must_belong_to_its_step_by_id(tmp_path: Path) -> None:
    problems = "\n".join(_problems(tmp_path, [_step(exercises=[_exercise("boundaries.naming-it")])]))
    assert "id should be 'acknowledge.<slug>'" in problems


def test_a_step_file_must_be_named_for_its_number_and_id(tmp_path: Path) -> None:
    root = _folder(tmp_path, [_step()])
    (root / "steps" / "01-acknowledge.json").rename(root / "steps" / "01-naming.json")
    with pytest.raises(ContentError) as caught:
        load_content_from(root)
    assert "step acknowledge: file 01-naming.json should be named 01-acknowledge.json" in (
        caught.value.problems
    )


def test_steps_must_be_numbered_in_order(tmp_path: Path) -> None:
    steps = [_step(1), _step(3, "responsibility")]
    problems = "\n".join(_problems(tmp_path, steps))
    assert "step responsibility: number 3 should be 2" in problems


def test_an_unknown_placeholder_does_not_resolve(tmp_path: Path) -> None:
    exercise = _exercise("acknowledge.naming-it")
    exercise["prompts"][0]["say"] = "{speaker}, tell {partner} one hope. {listener}, listen."
    problems = _problems(tmp_path, [_step(exercises=[exercise])])
    assert "exercise acknowledge.naming-it prompt 1: unknown placeholder {partner}" in problems


def test_markup_that_cannot_be_spoken_is_refused(tmp_path: Path) -> None:
    exercise = _exercise("acknowledge.naming-it")
    exercise["prompts"][0]["say"] = "Breathe. [pause 400] Now {speaker} and {listener}."
    exercise["prompts"][0]["card"] = "Breathe <slowly>."
    problems = "\n".join(_problems(tmp_path, [_step(exercises=[exercise])]))
    assert "pause of 400.0 s is outside" in problems
    assert "card text must be plain" in problems


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"minutes": 45}, "45 minutes is not plausible"),
        ({"minutes": 0.5}, "0.5 minutes is not plausible"),
        ({"quick_minutes": 9}, "quick version of 9 minutes should be 0.5 to 5"),
        ({"minutes": 2, "quick_minutes": 3}, "no longer than the full"),
        ({"kind": "lecture"}, "kind 'lecture' is not one of"),
        ({"audience": "family"}, "audience 'family' is not one of"),
        ({"prompts": []}, "has 0 prompts"),
    ],
)
def test_implausible_exercises_are_refused(tmp_path: Path, changes: dict[str, Any], expected: str) -> None:
    step = _step(exercises=[_exercise("acknowledge.naming-it", **changes)])
    assert expected in "\n".join(_problems(tmp_path, [step]))


def test_a_duration_shorter_than_the_speech_itself_is_refused(tmp_path: Path) -> None:
    long_prompt = {
        "say": "{speaker}, sit with this thought. {listener}, sit with it too. [pause 200]",
        "card": "Sit with this thought.",
        "quick": True,
        "turns": True,
    }
    step = _step(exercises=[_exercise("acknowledge.naming-it", quick_minutes=2, prompts=[long_prompt])])
    problems = "\n".join(_problems(tmp_path, [step]))
    assert "the quick version speaks for" in problems
    assert "longer than its stated 2" in problems


def test_topics_are_lowercase_words_and_no_two_steps_share_one(tmp_path: Path) -> None:
    first = _step(topics=["what happened", "Naming it!"])
    second = _step(2, "responsibility", topics=["what happened", "apology"])
    problems = "\n".join(_problems(tmp_path, [first, second]))
    assert "topic 'Naming it!' must be lowercase words" in problems
    assert "topic 'what happened' is also a topic of acknowledge" in problems


def test_the_reflection_is_a_guided_reflection_named_for_its_step(tmp_path: Path) -> None:
    reflection = _exercise("acknowledge.breathing", kind="solo_reflection")
    problems = "\n".join(_problems(tmp_path, [_step(reflection=reflection)]))
    assert "the reflection must be of kind guided_reflection" in problems
    assert "the reflection's id should be acknowledge.reflection" in problems


def test_a_crisis_line_needs_an_https_source_for_every_number(tmp_path: Path) -> None:
    line = {
        "name": "United States",
        "say": "Call nine one one.",
        "card": "Call 911.",
        "source": "http://example.org/",
        "sources": {"emergency": "www.911.gov"},
    }
    problems = "\n".join(_problems(tmp_path, [_step()], **{"safety.json": {"crisis_lines": {"US": line}}}))
    assert "source 'http://example.org/' is not an https address" in problems
    assert "source 'www.911.gov' is not an https address" in problems


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"source": None}, "'source' missing"),
        ({"serves": None}, "'serves' must say who it serves"),
        ({"serves": {"who": "adults"}}, "'serves' must say who it serves"),
        ({"hours": None}, "'hours' missing"),
        ({"checked": None}, "'checked' missing"),
        ({"checked": "last week"}, "'checked' must be the date checked"),
        ({"confirmed": "probably"}, "'confirmed' must be first-hand or second-hand"),
    ],
)
def test_a_number_without_its_source_who_it_serves_hours_or_date_checked_is_refused(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    line = {
        "name": "United States",
        "say": "Call nine one one.",
        "card": "Call 911.",
        "source": "https://www.911.gov/",
        "numbers": {"emergency": _number(), "crisis": _number(), "abuse": _number(**change)},
        "routes": {r: ["emergency"] for r in ("self_harm", "harm_done", "someone_else", "abuse", "danger")},
    }
    problems = "\n".join(_problems(tmp_path, [_step()], **{"safety.json": {"crisis_lines": {"US": line}}}))
    assert f"crisis line US abuse: {problem}" in problems


def test_a_route_naming_an_unknown_number_is_refused(tmp_path: Path) -> None:
    routes = {r: ["emergency"] for r in ("self_harm", "harm_done", "someone_else", "abuse", "danger")}
    routes["abuse"] = ["emergency", "abuse_men"]
    line = {
        "name": "United States",
        "say": "Call nine one one.",
        "card": "Call 911.",
        "source": "https://www.911.gov/",
        "numbers": {role: _number() for role in ("emergency", "crisis", "abuse")},
        "routes": routes,
    }
    problems = "\n".join(_problems(tmp_path, [_step()], **{"safety.json": {"crisis_lines": {"US": line}}}))
    assert "route abuse: unknown numbers ['abuse_men']" in problems


def test_broken_json_names_the_file(tmp_path: Path) -> None:
    problems = _problems(tmp_path, [_step()], **{"checkins.json": "{not json"})
    assert problems[0].startswith("checkins.json: not valid JSON")


def test_a_folder_without_steps_is_refused(tmp_path: Path) -> None:
    assert "the program has no exercises" in _problems(tmp_path, [])


def test_the_installed_content_loads() -> None:
    content = load_content("en-US")
    assert content.steps and content.checkins and content.crisis_lines

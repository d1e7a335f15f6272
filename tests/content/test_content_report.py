"""``trust-renewal content`` reports on the program and says what is still missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trust_renewal.cli.main import main


def _draft(tmp_path: Path, step: dict | str) -> Path:
    """A content folder with a single step file, as a writer's draft might be."""
    root = tmp_path / "draft"
    (root / "steps").mkdir(parents=True)
    text = step if isinstance(step, str) else json.dumps(step)
    (root / "steps" / "01-acknowledge.json").write_text(text)
    return root


ONE_STEP = {
    "id": "acknowledge",
    "number": 1,
    "title": "Acknowledge what happened",
    "purpose": "Say together what happened.",
    "topics": ["what happened"],
    "intro": "This step is about naming what happened.",
    "exercises": [
        {
            "id": "acknowledge.naming-it",
            "title": "Naming it",
            "kind": "check_in",
            "audience": "together",
            "minutes": 5,
            "quick_minutes": 3,
            "intro": "A short check-in.",
            "prompts": [{"say": "Each of you, say one word for today.", "card": "One word for today."}],
            "closing": "Thank you.",
        }
    ],
}


def test_the_json_report_counts_the_whole_program(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["steps"]) == 12
    assert report["exercises"] == sum(step["exercises"] for step in report["steps"]) >= 44
    assert report["checkins"] >= 60
    assert set(report["crisis_lines"]) >= {"US", "GB", "CA", "AU", "IN"}
    assert report["spoken_minutes"] > report["spoken_minutes_quick"] > 0
    assert report["couple_minutes"] > report["spoken_minutes"]
    assert sum(report["kinds"].values()) == report["exercises"] + report["reflections"]
    assert report["warnings"] == []


def test_the_text_report_lists_each_step_and_the_totals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content"]) == 0
    out = capsys.readouterr().out
    assert "Forgiveness and letting go" in out and "Seek support" in out
    assert "Check-in questions:" in out and "Spoken by the skill:" in out
    assert "Warnings: none" in out


def test_a_draft_that_loads_reports_what_is_still_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "--json", "--from", str(_draft(tmp_path, ONE_STEP))]) == 0
    warnings = "\n".join(json.loads(capsys.readouterr().out)["warnings"])
    assert "expected acknowledge, responsibility" in warnings
    assert "has no guided reflection" in warnings
    assert "1 exercises in all (at least 44)" in warnings
    assert "1 prompts (3 to 7)" in warnings
    assert "0 check-in questions (at least 60)" in warnings
    assert "no crisis line for IN" in warnings


def test_content_that_does_not_load_fails_with_its_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = dict(ONE_STEP, exercises=[dict(ONE_STEP["exercises"][0], kind="lecture")])
    assert main(["content", "--from", str(_draft(tmp_path, broken))]) == 1
    err = capsys.readouterr().err
    assert "does not load" in err and "kind 'lecture' is not one of" in err

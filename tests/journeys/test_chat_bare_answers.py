"""Bare answers typed into the terminal chat, as a couple would say them to a device."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from trust_renewal.cli.main import main
from trust_renewal.content import load_content


@pytest.fixture(autouse=True)
def local_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TABLE_NAME", "STORE", "SKILL_ID", "SQLITE_PATH", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _chat(monkeypatch, capsys, tmp_path: Path, *typed: str) -> dict[str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(typed) + "\n"))
    assert main(["chat", "--db", str(tmp_path / "p.sqlite3")]) == 0
    lines = capsys.readouterr().out.splitlines()
    answers = {}
    for at, line in enumerate(lines):
        if line.startswith("You: ") and at + 1 < len(lines) and lines[at + 1].startswith("Alexa: "):
            answers[line.removeprefix("You: ")] = lines[at + 1].removeprefix("Alexa: ")
    return answers


def test_which_step_then_just_the_topic(monkeypatch, capsys, tmp_path) -> None:
    step = load_content("en-US").steps_by_id["talk-and-listen"]
    said = _chat(monkeypatch, capsys, tmp_path, "open trust renewal", "take us to a step", "talk and listen")
    assert said["take us to a step"].endswith("Which step would you like?")
    assert said["talk and listen"].startswith(f"Step {step.number}, {step.title}.")


def test_names_then_a_reminder_at_just_a_time(monkeypatch, capsys, tmp_path) -> None:
    said = _chat(
        monkeypatch, capsys, tmp_path,
        "open trust renewal", "use our names", "Maya and Jordan", "remind us every day", "eight",
        "in the evening",
    )  # fmt: skip
    assert said["use our names"].endswith("What are your names?")
    assert said["Maya and Jordan"].startswith("Thank you, Maya and Jordan.")
    assert said["eight"] == "Is that 8 in the morning, or 8 in the evening?"
    # The chat carries no API token, so the skill asks Alexa for the permission, for 8 p.m.
    assert "every day at 8 p.m." in said["in the evening"]

"""Bare answers typed into the terminal chat, as a couple would say them to a device."""

from __future__ import annotations

import pytest

from support.chat_lines import chat_answers
from trust_renewal.content import load_content

pytestmark = pytest.mark.usefixtures("chat_env")


def test_which_step_then_just_the_topic(monkeypatch, capsys, tmp_path) -> None:
    step = load_content("en-US").steps_by_id["talk-and-listen"]
    said = chat_answers(
        monkeypatch, capsys, tmp_path, "open trust renewal", "take us to a step", "talk and listen"
    )
    assert said["take us to a step"].endswith("Which step would you like?")
    assert said["talk and listen"].startswith(f"Step {step.number}, {step.title}.")


def test_names_then_a_reminder_at_just_a_time(monkeypatch, capsys, tmp_path) -> None:
    said = chat_answers(
        monkeypatch, capsys, tmp_path,
        "open trust renewal", "use our names", "Maya and Jordan", "remind us every day", "eight",
        "in the evening",
    )  # fmt: skip
    assert said["use our names"].endswith("What are your names?")
    assert said["Maya and Jordan"].startswith("Thank you, Maya and Jordan.")
    assert said["eight"] == "Is that 8 in the morning, or 8 in the evening?"
    # The chat carries no API token, so the skill asks Alexa for the permission, for 8 p.m.
    assert "every day at 8 p.m." in said["in the evening"]

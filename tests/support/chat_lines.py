"""Lines typed into the real terminal chat, and what it answered to each."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from trust_renewal.cli.main import main


def chat_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, *typed: str
) -> dict[str, str]:
    """Type the lines into `trust-renewal chat` on a fresh SQLite file: each line's reply."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(typed) + "\n"))
    assert main(["chat", "--db", str(tmp_path / "p.sqlite3")]) == 0
    lines = capsys.readouterr().out.splitlines()
    answers = {}
    for at, line in enumerate(lines):
        if line.startswith("You: ") and at + 1 < len(lines) and lines[at + 1].startswith("Alexa: "):
            answers[line.removeprefix("You: ")] = lines[at + 1].removeprefix("Alexa: ")
    return answers

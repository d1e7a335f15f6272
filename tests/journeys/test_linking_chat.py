"""Linking two accounts in the chat (issue 26): --user maya and --user jordan on one SQLite file."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from trust_renewal.cli.main import main

pytestmark = pytest.mark.usefixtures("chat_env")


def chat(monkeypatch, capsys, db: Path, user: str, *lines: str) -> list[str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["chat", "--db", str(db), "--user", user]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return captured.out.splitlines()


def reply_to(lines: list[str], typed: str) -> str:
    at = len(lines) - 1 - lines[::-1].index(f"You: {typed}")
    return lines[at + 1].removeprefix("Alexa: ")


def code_in(lines: list[str]) -> str:
    found = re.search(r"code: ((?:\d, ){5}\d)", "\n".join(lines))
    assert found
    return found.group(1).replace(", ", "")


def test_two_partners_in_two_chats_on_one_file_share_one_program(monkeypatch, capsys, tmp_path) -> None:
    db = tmp_path / "progress.sqlite3"
    maya = chat(
        monkeypatch, capsys, db, "maya",
        "open trust renewal", "our names are maya and jordan", "skip", "yes", "link my partner",
    )  # fmt: skip
    code = code_in(maya)
    jordan = chat(
        monkeypatch, capsys, db, "jordan",
        "ask trust renewal to join my partner", "111111", code,
    )  # fmt: skip
    assert "That code didn't work." in reply_to(jordan, "111111")
    assert reply_to(jordan, code).startswith("You're now sharing one program with Maya and Jordan.")
    # Jordan opens the skill on his own account: Maya's place, Maya's names.
    jordan = chat(monkeypatch, capsys, db, "jordan", "open trust renewal", "how are we doing")
    assert "You're part way through Where we are now" in reply_to(jordan, "open trust renewal")
    # He unlinks; each keeps a copy.
    jordan = chat(monkeypatch, capsys, db, "jordan", "open trust renewal", "unlink my partner", "yes")
    assert "This account is no longer linked" in reply_to(jordan, "yes")
    for user in ("maya", "jordan"):
        again = chat(monkeypatch, capsys, db, user, "open trust renewal")
        assert "You're part way through Where we are now" in reply_to(again, "open trust renewal")


def test_one_chat_can_switch_accounts_with_an_at_line(monkeypatch, capsys, tmp_path) -> None:
    db = tmp_path / "progress.sqlite3"
    lines = chat(
        monkeypatch, capsys, db, "maya",
        "open trust renewal", "our names are maya and jordan", "skip", "link my partner",
        "@jordan", "ask trust renewal to join my partner",
    )  # fmt: skip
    assert "(now on jordan's Alexa)" in lines
    code = code_in(lines)
    lines = chat(monkeypatch, capsys, db, "maya", "@jordan", "join my partner", code, "delete our data", "no")
    assert reply_to(lines, code).startswith("You're now sharing one program with Maya and Jordan.")
    assert "Shall I delete just this account's data?" in reply_to(lines, "delete our data")
    assert "Shall I ask for that?" in reply_to(lines, "no")

"""The terminal chat: typed lines in, the real skill's spoken text out, progress on SQLite."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trust_renewal.cli.main import main
from trust_renewal.render.markup import to_ssml
from trust_renewal.render.ssml import to_text

pytestmark = pytest.mark.usefixtures("chat_env")


def said(markup: str) -> str:
    """How the chat prints a content phrase."""
    return to_text(f"<speak>{to_ssml(markup)}</speak>")


def chat(monkeypatch, capsys, db: Path, text: str, *args: str) -> tuple[int, list[str]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code = main(["chat", "--db", str(db), *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out.splitlines()


def replies(lines: list[str]) -> list[str]:
    return [line.removeprefix("Alexa: ") for line in lines if line.startswith("Alexa: ")]


def reply_to(lines: list[str], typed: str) -> str:
    at = lines.index(f"You: {typed}")
    assert lines[at + 1].startswith("Alexa: "), lines[at:]
    return lines[at + 1].removeprefix("Alexa: ")


def test_opening_the_skill_greets_a_new_couple(monkeypatch, capsys, tmp_path, content) -> None:
    code, lines = chat(monkeypatch, capsys, tmp_path / "p.sqlite3", "open trust renewal\n")
    assert code == 0
    assert lines[0] == "You: open trust renewal"
    assert reply_to(lines, "open trust renewal").startswith(said(content.phrase("welcome.first")))


def test_gibberish_gets_the_skills_fallback_answer(monkeypatch, capsys, tmp_path, content) -> None:
    text = "alexa, open trust renewal\nthe weather in paris tomorrow\n"
    _, lines = chat(monkeypatch, capsys, tmp_path / "p.sqlite3", text)
    fallbacks = {said(v) for k, v in content.phrases.items() if k.startswith("fallback.")}
    assert reply_to(lines, "the weather in paris tomorrow") in fallbacks


def test_progress_survives_quitting(monkeypatch, capsys, tmp_path, content) -> None:
    db = tmp_path / "p.sqlite3"
    chat(monkeypatch, capsys, db, "open trust renewal\nyes\nnext\nquit\n")
    _, lines = chat(monkeypatch, capsys, db, "open trust renewal\n")
    assert reply_to(lines, "open trust renewal").startswith(said(content.phrase("welcome.back")))


def test_each_user_has_their_own_progress(monkeypatch, capsys, tmp_path, content) -> None:
    db = tmp_path / "p.sqlite3"
    chat(monkeypatch, capsys, db, "open trust renewal\nyes\nnext\n", "--user", "maya")
    _, lines = chat(monkeypatch, capsys, db, "open trust renewal\n", "--user", "sam")
    assert reply_to(lines, "open trust renewal").startswith(said(content.phrase("welcome.first")))
    _, lines = chat(monkeypatch, capsys, db, "open trust renewal\n", "--user", "maya")
    assert reply_to(lines, "open trust renewal").startswith(said(content.phrase("welcome.back")))


def test_a_one_shot_request_names_todays_exercise(monkeypatch, capsys, tmp_path, content) -> None:
    typed = "Alexa, ask trust renewal for today's exercise"
    _, lines = chat(monkeypatch, capsys, tmp_path / "p.sqlite3", typed + "\n")
    assert content.path[0].title in reply_to(lines, typed)


def test_saying_you_are_unsafe_gives_every_line_and_stays_to_repeat_them(
    monkeypatch, capsys, tmp_path, content
) -> None:
    typed = "tell trust renewal I don't feel safe"
    _, lines = chat(monkeypatch, capsys, tmp_path / "p.sqlite3", typed + "\nrepeat\n")
    numbers = content.crisis_lines["US"].numbers
    for role in ("emergency", "crisis", "abuse"):
        assert said(numbers[role].call) in reply_to(lines, typed)
    again = reply_to(lines, "repeat")
    assert all(numbers[role].number.replace("-", " ") in again for role in numbers)
    assert "(session ended)" not in lines


def test_quit_leaves_and_reads_no_further(monkeypatch, capsys, tmp_path) -> None:
    code, lines = chat(
        monkeypatch, capsys, tmp_path / "p.sqlite3", "open trust renewal\nquit\nnext\n"
    )
    assert code == 0
    assert lines[-1] == "You: quit"
    assert "You: next" not in lines


def test_end_of_input_closes_the_session_quietly(monkeypatch, capsys, tmp_path) -> None:
    code, lines = chat(monkeypatch, capsys, tmp_path / "p.sqlite3", "open trust renewal")
    assert code == 0
    assert len(replies(lines)) == 1  # nothing is spoken in answer to the session ending


def test_silence_plays_the_reprompt_then_ends_the_session(monkeypatch, capsys, tmp_path) -> None:
    _, lines = chat(monkeypatch, capsys, tmp_path / "p.sqlite3", "open trust renewal\n\n\n")
    first = lines.index("You: (silence)")
    assert lines[first + 1].startswith("Alexa: ")
    assert lines[first + 2 :] == ["You: (silence)", "(session ended)"]


def test_the_locale_changes_the_crisis_line(monkeypatch, capsys, tmp_path, content) -> None:
    from trust_renewal.content import load_content

    typed = "I don't feel safe"
    _, lines = chat(
        monkeypatch, capsys, tmp_path / "p.sqlite3", typed + "\n", "--locale", "en-GB"
    )
    gb = load_content("en-GB").crisis_lines["GB"].numbers
    assert all(said(number.call) in reply_to(lines, typed) for number in gb.values())


def test_an_unusable_progress_file_is_explained_not_a_traceback(
    monkeypatch, capsys, tmp_path, content
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    code, lines = chat(monkeypatch, capsys, blocker / "p.sqlite3", "open trust renewal\nnext\n")
    assert code == 0
    assert said(content.phrase("storage.load_failed")) in reply_to(lines, "open trust renewal")
    assert reply_to(lines, "next")  # the conversation goes on without its store


def test_at_a_terminal_it_prompts_instead_of_echoing(monkeypatch, capsys, tmp_path) -> None:
    class Keyboard(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Keyboard("open trust renewal\nquit\n"))
    assert main(["chat", "--db", str(tmp_path / "p.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Type what you would say to Alexa")
    assert "You: Alexa: " in out  # the prompt, then the answer
    assert "You: open trust renewal" not in out


def test_the_installed_command_reads_piped_input(tmp_path: Path) -> None:
    script = shutil.which("trust-renewal", path=str(Path(sys.executable).parent))
    assert script, "the console script is installed with the package"
    env = {k: v for k, v in os.environ.items() if k not in ("TABLE_NAME", "STORE", "SKILL_ID")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    done = subprocess.run(
        [script, "chat", "--db", str(tmp_path / "p.sqlite3")],
        input="open trust renewal\nnext\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "You: open trust renewal"
    assert lines[1].startswith("Alexa: ")
    assert "You: next" in lines
    assert "Traceback" not in done.stderr
    assert (tmp_path / "p.sqlite3").exists()

"""Nothing lost, nothing resurrected, through the terminal chat on a real SQLite file.

Two Chat objects on one file are two devices of one couple; an outage is a
file that cannot be opened.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from trust_renewal.cli.chat import Chat
from trust_renewal.config import Config
from trust_renewal.storage.base import user_key

USER = "maya"  # the chat's --user; the account ID is amzn1.ask.account.maya


pytestmark = pytest.mark.usefixtures("chat_env")


class Device:
    """One device's chat on the shared file: lines in, Alexa's last answer out."""

    def __init__(self, db: Path) -> None:
        self.out = io.StringIO()
        self.chat = Chat.start(Config(store="sqlite", sqlite_path=db), USER, "en-US")
        self.chat.out = self.out

    def hear(self, line: str) -> str:
        start = len(self.out.getvalue())
        self.chat.hear(line)
        answer = self.out.getvalue()[start:]
        return " ".join(a.removeprefix("Alexa: ") for a in answer.splitlines() if a.startswith("Alexa: "))


def _stored(db: Path) -> dict:
    """The couple's row as it is in the file (a tombstone holds no values)."""
    key = user_key(f"amzn1.ask.account.{USER}")
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT attributes FROM progress WHERE id = ?", (key,)).fetchone()
    assert row is not None
    values = json.loads(row[0])
    return {"tombstone": values == {}, **values}


def test_a_failed_read_keeps_names_and_place_in_the_chat(tmp_path, monkeypatch, content):
    db = tmp_path / "p.sqlite3"
    first = Device(db)
    first.hear("open trust renewal")
    first.hear("our names are Maya and Jordan")
    first.hear("skip")  # the one question about roles
    first.hear("yes")
    first.hear("next")
    first.hear("quit")
    before = _stored(db)
    assert before["names"] == ["Maya", "Jordan"] and before["prompt"] == 1

    outage = _Outage(monkeypatch)
    second = Device(db)
    said = [second.hear("open trust renewal"), second.hear("yes"), second.hear("next")]
    assert sum("can't reach your saved progress" in s for s in said) == 1
    outage.end()
    second.hear("help")
    second.hear("quit")

    after = _stored(db)
    assert after["names"] == ["Maya", "Jordan"]
    assert (after["exercise_id"], after["prompt"]) == (before["exercise_id"], before["prompt"])


class _Outage:
    """The progress file cannot be opened (locked, unmounted...) until ``end``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse(*args, **kwargs):
            raise sqlite3.OperationalError("unable to open database file")

        self.monkeypatch = monkeypatch
        monkeypatch.setattr(sqlite3, "connect", refuse)

    def end(self) -> None:
        self.monkeypatch.undo()


def test_a_stale_device_in_the_chat_keeps_names_and_never_moves_the_place_back(tmp_path, content):
    db = tmp_path / "p.sqlite3"
    kitchen, bedroom = Device(db), Device(db)
    kitchen.hear("open trust renewal")
    bedroom.hear("open trust renewal")  # both read the same record
    kitchen.hear("our names are Maya and Jordan")
    kitchen.hear("skip")  # the one question about roles
    kitchen.hear("yes")
    for _ in range(40):
        if "end of this exercise" in kitchen.hear("next"):
            break
    place = _stored(db)["exercise_id"]
    assert place == content.path[1].id

    bedroom.hear("yes")  # the bedroom begins exercise 1, as it was offered
    bedroom.hear("next")
    bedroom.hear("quit")

    stored = _stored(db)
    assert stored["names"] == ["Maya", "Jordan"]
    assert stored["exercise_id"] == place
    assert content.path[0].id in stored["finished"]


def test_delete_in_the_chat_is_not_undone_by_another_open_device(tmp_path):
    db = tmp_path / "p.sqlite3"
    kitchen, bedroom = Device(db), Device(db)
    kitchen.hear("open trust renewal")
    kitchen.hear("our names are Maya and Jordan")
    kitchen.hear("skip")  # the one question about roles
    bedroom.hear("open trust renewal")
    bedroom.hear("delete our data")
    assert "deleted everything" in bedroom.hear("yes")

    told = kitchen.hear("next")

    assert "was deleted" in told
    assert _stored(db) == {"tombstone": True}
    assert b"Jordan" not in b"".join(p.read_bytes() for p in tmp_path.iterdir())


def test_a_failed_deletion_in_the_chat_is_not_reported_as_done(tmp_path, monkeypatch):
    db = tmp_path / "p.sqlite3"
    device = Device(db)
    device.hear("open trust renewal")
    device.hear("our names are Maya and Jordan")
    device.hear("skip")  # the one question about roles
    device.hear("delete our data")

    outage = _Outage(monkeypatch)
    answer = device.hear("yes")
    outage.end()

    assert "deleted everything" not in answer and "couldn't delete" in answer
    assert _stored(db)["names"] == ["Maya", "Jordan"]

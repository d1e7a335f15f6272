"""Roles (issue 16) through the real entry points: lambda_handler on moto DynamoDB, and the chat."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from support.lambda_support import stored_item, talk_to
from trust_renewal.cli.main import main
from trust_renewal.storage.dynamo_codec import decode_item

BLAME = ("cheat", "betray", "guilty", "wrongdoer", "your fault", "the one who hurt")


def _kept(module) -> dict:
    item = stored_item(module)
    assert item is not None
    return decode_item(item).get("attributes", {})


def _named(module):
    talk = talk_to(module)
    talk.launch()
    asked = talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    assert "which of you was hurt" in asked and asked.endswith("Or just say skip.")
    return talk


def test_roles_set_by_voice_changed_cleared_and_deleted_with_the_data(lambda_module):
    talk = _named(lambda_module)
    said = talk.say("SetNamesIntent", nameAlone="Maya")  # just the name, as the answer
    assert "Maya is the partner who was hurt" in said and said.endswith("Shall we begin?")
    assert not any(word in said.lower() for word in BLAME)
    talk.say("AMAZON.StopIntent")
    assert _kept(lambda_module)["hurt"] == "0"

    talk = talk_to(lambda_module)
    talk.launch()
    assert "which of you was hurt" in talk.say("RolesChangeIntent")
    talk.say("RolesHurtIntent", causedName="Maya")  # "Maya caused the hurt": Jordan was hurt
    talk.say("AMAZON.StopIntent")
    assert _kept(lambda_module)["hurt"] == "1"

    talk = talk_to(lambda_module)
    talk.launch()
    assert "the same for both of you" in talk.say("RolesMutualIntent")
    talk.say("AMAZON.StopIntent")
    assert _kept(lambda_module)["hurt"] == "both"

    talk = talk_to(lambda_module)
    talk.launch()
    assert "let go of who was hurt" in talk.say("RolesClearIntent")
    talk.say("AMAZON.StopIntent")
    kept = _kept(lambda_module)
    assert kept["hurt"] is None and kept["roles_asked"] is True

    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("RolesChangeIntent")
    talk.say("RolesHurtIntent", hurtName="Jordan")
    talk.say("DeleteDataIntent")
    talk.say("AMAZON.YesIntent")
    assert talk.ended and "deleted everything" in talk.text
    # Only a tombstone is left: no names, no roles.
    assert "hurt" not in _kept(lambda_module) and "names" not in _kept(lambda_module)


def _to_the_apology(talk) -> str:
    talk.say("GoToStepIntent", stepNumber="2")
    for _ in range(4):
        if talk.state.get("offer_target") == "responsibility.the-apology":
            return talk.say("AMAZON.YesIntent")
        talk.say("SkipIntent")
    raise AssertionError("the apology was never offered")


def test_the_apology_with_roles_gives_each_partner_their_own_task(lambda_module):
    talk = _named(lambda_module)
    talk.say("SetNamesIntent", nameAlone="Maya")
    first = _to_the_apology(talk)
    assert "Jordan, say what you did" in first and "Maya, for now you only listen" in first
    heard = [first]
    while (
        talk.state.get("exercise_id") == "responsibility.the-apology"
        and "responsibility.the-apology" not in talk.finished
    ):
        heard.append(talk.say("AMAZON.NextIntent"))
    text = " ".join(heard)
    assert "Maya, you do not have to accept this apology today" in text
    assert "Jordan, tell Maya in a sentence or two how it felt" in text
    assert "Maya, if you want to, tell Jordan what you heard today" in text
    assert "To the partner who is apologizing" not in text


def test_the_apology_without_roles_stays_symmetric(lambda_module):
    talk = _named(lambda_module)
    talk.say("SkipIntent")
    first = _to_the_apology(talk)
    assert "To the partner who is apologizing" in first and "Jordan, say what you did" not in first


def test_a_reflection_for_one_partner_is_offered_to_them_by_name(lambda_module):
    talk = _named(lambda_module)
    talk.say("RolesHurtIntent", hurtName="Maya")
    talk.say("GoToStepIntent", stepNumber="2")
    offer = talk.say("SkipIntent")  # past the step's shared reflection
    assert "Jordan, this one is for you, on your own time: Getting ready to apologize" in offer
    assert "Maya, yours is Taking it in at my own pace" in offer
    assert talk.say("AMAZON.NoIntent").count("A full apology") == 1  # the path goes on


# -- the terminal chat ----------------------------------------------------------------
@pytest.fixture(autouse=True)
def local_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("STORE", "SKILL_ID", "SQLITE_PATH", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _chat(monkeypatch, capsys, db: Path, *typed: str) -> list[tuple[str, str]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(typed) + "\n"))
    assert main(["chat", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    return [
        (line.removeprefix("You: "), lines[at + 1].removeprefix("Alexa: "))
        for at, line in enumerate(lines)
        if line.startswith("You: ") and at + 1 < len(lines) and lines[at + 1].startswith("Alexa: ")
    ]


def test_in_the_chat_roles_by_voice_then_not_yet_at_forgiveness(monkeypatch, capsys, tmp_path) -> None:
    db = tmp_path / "p.sqlite3"
    said = dict(
        _chat(monkeypatch, capsys, db, "open trust renewal", "our names are Maya and Jordan", "Maya", "quit")
    )
    assert "which of you was hurt" in said["our names are Maya and Jordan"]
    assert "Maya is the partner who was hurt" in said["Maya"]
    # Another day: forgiveness, where Maya may pass with "not yet", said to Jordan in the closed-
    # microphone quiet (issue 20); after the chime "next" goes on without comment.
    turns = _chat(
        monkeypatch, capsys, db,
        "open trust renewal", "let's work on forgiveness", *["skip this one"] * 5, "yes", "next", "next",
        "next",
    )  # fmt: skip
    before, after = turns[-2][1], turns[-1][1]
    assert turns[-5][1].startswith("All right. We'll leave Kindness toward myself for now.")
    assert "Maya, letting go is not something you owe anyone" in before
    assert "not yet is a full answer" in before and "the microphone is closed" in before
    assert after.startswith("Each of you, start with the words"), after
    assert "rush" not in after

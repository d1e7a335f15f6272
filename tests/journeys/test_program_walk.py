"""The whole program, walked from the first prompt to the last: every exercise reachable.

Once through the Lambda entry point with names (every turn stage rendered and
checked against Alexa's limits), once through the terminal chat as typed lines.
"""

from __future__ import annotations

import io
import json
import sys

import pytest

from support.conversation_driver import Talk
from support.dynamo_support import request_envelope
from trust_renewal.cli.main import main
from trust_renewal.conversation.situation import IN_EXERCISE
from trust_renewal.render.ssml import MAX_RESPONSE_BYTES
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.storage.sqlite import SqliteStore


def _nexts(exercise, roles: bool = False) -> int:
    """How many "next"s finish an exercise: one per prompt, four per turn prompt.

    With roles, a turn where the partner who was hurt is not asked to say back the
    other's words has three.
    """
    return sum((3 if roles and not p.hurt_says_back else 4) if p.turns else 1 for p in exercise.prompts)


@pytest.mark.parametrize("roles", [False, True], ids=["no roles", "Maya was hurt"])
def test_every_exercise_is_reachable_and_every_response_within_alexas_limits(content, roles):
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    # The one question about roles: answered with a bare name, or skipped.
    talk.say("SetNamesIntent", nameAlone="Maya") if roles else talk.say("SkipIntent")
    assert talk.state["hurt"] == ("0" if roles else None)
    spoken_prompts: set[tuple[str, int]] = set()
    for exercise in content.path:
        offer = talk.say("AMAZON.YesIntent")
        assert exercise.title in offer or exercise.id == content.path[0].id or talk.last
        for _ in range(_nexts(exercise, roles)):
            assert len(json.dumps(talk.last).encode()) < MAX_RESPONSE_BYTES
            state = talk.builder.attributes["state"]
            assert state["exercise_id"] == exercise.id
            spoken_prompts.add((exercise.id, state["prompt"]))
            talk.say("AMAZON.NextIntent")
        assert talk.finished[-1:] == [exercise.id] and talk.state["situation"] not in IN_EXERCISE
    assert talk.finished == [ex.id for ex in content.path]
    assert talk.builder.attributes["state"]["program_done"] is True
    assert "every step of the program" in talk.text
    expected = {(ex.id, i) for ex in content.path for i in range(len(ex.prompts))}
    assert spoken_prompts == expected


def test_the_quick_version_of_every_exercise_runs(content):
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    for step in content.steps:
        for exercise in step.path:
            talk.say("GoToStepIntent", stepNumber=str(step.number))
            for _ in range(len(step.path)):
                if talk.builder.attributes["state"]["offer_target"] == exercise.id:
                    break
                talk.say("SkipIntent")
            assert talk.builder.attributes["state"]["offer_target"] == exercise.id
            talk.say("QuickVersionIntent")
            assert "short version" in talk.text and exercise.title in talk.text
            quick = exercise.prompt_indexes(True)
            for _ in range(sum(4 if exercise.prompts[i].turns else 1 for i in quick)):
                talk.say("AMAZON.NextIntent")
            assert talk.finished[-1:] == [exercise.id] and talk.state["situation"] not in IN_EXERCISE


def test_the_terminal_chat_walks_the_whole_program(content, monkeypatch, capsys, tmp_path):
    for name in ("TABLE_NAME", "STORE", "SKILL_ID", "SQLITE_PATH", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    lines = ["open trust renewal"]
    for exercise in content.path:
        lines.append("yes")
        lines += ["next"] * _nexts(exercise)
    lines.append("quit")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["chat", "--db", str(tmp_path / "walk.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert "Traceback" not in out
    for exercise in content.path:
        assert exercise.title.rstrip("?") in out, exercise.id  # a "?" title is read mid-sentence without it
    assert "every step of the program" in out
    # What the chat kept in its SQLite file: every exercise finished, in the program's order.
    store = SqliteStore(tmp_path / "walk.sqlite3")
    stored = store.get_attributes(request_envelope("amzn1.ask.account.local-user"))
    assert stored["finished"] == [ex.id for ex in content.path] and stored["program_done"] is True

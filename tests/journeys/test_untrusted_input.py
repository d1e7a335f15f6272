"""What comes from outside is checked before use: session attributes, request types, apiEndpoint.

Session attributes come back from the caller on every turn; tampered ones are
dropped and the record read again, without a word to the couple. Through
lambda_handler on moto, and the chat on SQLite.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from support.lambda_support import stored_item, talk_to
from trust_renewal.cli.chat import Chat
from trust_renewal.config import Config
from trust_renewal.storage.dynamo_codec import decode_item

APOLOGIES = ("I'm sorry", "trouble", "can't reach", "went wrong", "couldn't")
MAX_RESPONSE_BYTES = 24 * 1024


def _deep(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    top = node
    for _ in range(levels):
        node["x"] = {}
        node = node["x"]
    return top


def _set(path: str, value: Any) -> Any:
    def tamper(attributes: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = attributes
        for key in parents:
            node = node[key]
        node[last] = value

    return tamper


TAMPERINGS = {
    "a time zone no runtime has": _set("tz", "Mars/Olympus_Mons"),
    "a time zone that is a number": _set("tz", 7),
    "a revision of the wrong type": _set("sync.rev", "7"),
    "a revision far in the future": _set("sync.rev", 10**30),
    "a prompt index out of range": _set("state.prompt", 999),
    "a negative prompt index": _set("state.prompt", -1),
    "a turn stage out of range": _set("state.turn", 9),
    # Just past the bounds (issue 27; tests/journeys/test_gap_journeys.py checks the place is kept).
    "a turn stage of 4": _set("state.turn", 4),
    "a first speaker of 7": _set("state.first_speaker", 7),
    "a recognised voice for partner 7": _set("state.people", [["amzn1.ask.person.X", 7]]),
    "an exercise that does not exist": _set("state.exercise_id", "no-such-exercise"),
    "a line that names no prompt": _set("state.last", [["prompt:no-such-exercise:99", {}]]),
    "a line with a huge parameter": _set("state.last", [["phrase:cue.next", {"x": "y" * 50_000}]]),
    "names that are not strings": _set("state.names", [{"a": 1}, 2]),
    "finished that is a map": _set("state.finished", {"x": 1}),
    "stamps that are text": _set("sync.stamps", {"names": "yesterday"}),
    "an unknown merge unit": _set("sync.changed", {"everything": []}),
    "a state that is a list": _set("state", [1, 2, 3]),
    "huge extra attributes": _set("padding", "x" * 100_000),
    "nesting just inside the admission limit": _set("deep", _deep(20)),
}


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_tampered_session_attributes_are_dropped_silently(lambda_module, content, name):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    talk.say("AMAZON.YesIntent")
    talk.say("AMAZON.NextIntent")
    TAMPERINGS[name](talk.builder.attributes)

    answers = []
    for intent in ("AMAZON.RepeatIntent", "AMAZON.NextIntent", "ProgressIntent", "AMAZON.HelpIntent"):
        envelope = talk.builder.intent(intent)
        answer = lambda_module.lambda_handler(envelope, None)
        assert "error" not in answer, answer
        assert len(json.dumps(answer).encode()) <= MAX_RESPONSE_BYTES
        talk.builder.absorb(answer)
        talk.last = answer
        answers.append(talk.text)

    assert answers[0] and not any(word in text for text in answers for word in APOLOGIES), answers
    assert "padding" not in talk.builder.attributes and "deep" not in talk.builder.attributes
    # The couple's record was not disturbed.
    talk.end()
    assert decode_item(stored_item(lambda_module))["attributes"]["names"] == ["Maya", "Jordan"]


def test_nesting_far_too_deep_is_refused_before_the_sdk_sees_it(lambda_module):
    talk = talk_to(lambda_module)
    talk.launch()
    envelope = talk.builder.intent("AMAZON.NextIntent")
    envelope["session"]["attributes"]["state"] = _deep(494)
    answer = lambda_module.lambda_handler(envelope, None)  # no RecursionError escapes
    assert "deeper than" in answer["error"]["reason"]


def test_an_apl_runtime_error_gets_an_empty_response_not_an_error(lambda_module, caplog):
    talk = talk_to(lambda_module)
    envelope = talk.builder.launch()
    envelope["request"] = {
        "type": "Alexa.Presentation.APL.RuntimeError",
        "requestId": "amzn1.echo-api.request.apl-error",
        "timestamp": envelope["request"]["timestamp"],
        "locale": "en-US",
        "token": "screen",
        "errors": [{"type": "LINK_ERROR", "reason": "LINK_ERROR", "message": "no such command"}],
    }
    with caplog.at_level("INFO"):
        answer = lambda_module.lambda_handler(envelope, None)
    assert answer == {"version": "1.0", "response": {}}
    assert any(r.getMessage() == "request not handled" for r in caplog.records)


class _RecordingPool:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def request(self, method, url, **_):
        self.urls.append(url)
        raise ConnectionError("nothing is reachable from this test")


def test_the_api_token_never_goes_to_an_endpoint_that_is_not_amazons(lambda_module, monkeypatch):
    import trust_renewal.alexa_api as alexa_api

    pool = _RecordingPool()
    monkeypatch.setattr(alexa_api, "shared_pool", lambda: pool)
    talk = talk_to(
        lambda_module,
        device_id="amzn1.ask.device.KITCHEN",
        api_endpoint="https://api.attacker.example",
        api_access_token="a-real-token",
    )
    text = talk.launch()
    assert text and pool.urls == []

    honest = talk_to(
        lambda_module,
        user="amzn1.ask.account.OTHER",
        device_id="amzn1.ask.device.KITCHEN",
        api_endpoint="https://api.eu.amazonalexa.com",
        api_access_token="a-real-token",
    )
    honest.launch()
    assert pool.urls and all(u.startswith("https://api.eu.amazonalexa.com/") for u in pool.urls)


def test_tampered_session_attributes_in_the_chat_are_dropped_silently(tmp_path: Path, monkeypatch, content):
    for name in ("TABLE_NAME", "STORE", "SKILL_ID", "SQLITE_PATH", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    out = io.StringIO()
    chat = Chat.start(Config(store="sqlite", sqlite_path=tmp_path / "p.sqlite3"), "maya", "en-US")
    chat.out = out
    for line in ("open trust renewal", "our names are Maya and Jordan", "yes", "next"):
        chat.hear(line)
    pristine = copy.deepcopy(chat.builder.attributes)
    for name in sorted(TAMPERINGS):
        chat.builder.attributes = copy.deepcopy(pristine)
        TAMPERINGS[name](chat.builder.attributes)
        start = len(out.getvalue())
        chat.hear("repeat")
        said = out.getvalue()[start:]
        assert said.startswith("Alexa: ") and not any(w in said for w in APOLOGIES), (name, said)

"""Background sounds everywhere the skill runs: lambda_handler on DynamoDB, the web service, the chat."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from support.apla_check import ECHO, check_directive
from support.conversation_driver import SKILL_ID
from support.lambda_support import stored_item, talk_to
from trust_renewal.cli.main import main
from trust_renewal.config import Config
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.render.apla import guide_text
from trust_renewal.runtime import SkillRuntime
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.web.app import create_app

APLA = "Alexa.Presentation.APLA.RenderDocument"


def _apla(response: dict[str, Any]) -> dict[str, Any] | None:
    found = [d for d in response["response"].get("directives") or [] if d["type"] == APLA]
    return found[0] if found else None


def test_a_reflection_through_lambda_comes_with_speech_silence_bed_and_end_cue(lambda_module, content):
    talk = talk_to(lambda_module, supported_interfaces=ECHO)
    talk.launch()
    talk.say("AMAZON.YesIntent")  # the first exercise is a guided reflection
    directive = _apla(talk.last)
    assert directive is not None and "outputSpeech" not in talk.last["response"]
    root = check_directive(directive)
    kinds = [n.type for n in root.walk()]
    assert {"Speech", "Silence", "Mixer"} <= set(kinds)
    (mixer,) = [n for n in root.walk() if n.type == "Mixer"]
    (bed,) = [c for c in mixer.children if c.type == "Audio"]
    assert {f["type"] for f in bed.filters} == {"Repeat", "Volume", "FadeIn"}
    assert [f["type"] for f in mixer.filters] == ["FadeOut"]
    text = guide_text(directive)
    assert "(soft rain underneath, 15 s) (soft chime)" in text  # the end cue after the quiet
    assert talk.last["response"]["reprompt"]["outputSpeech"]["type"] == "SSML"
    assert talk.last["response"]["shouldEndSession"] is False
    talk.say("AMAZON.NextIntent")
    assert _apla(talk.last) is not None  # the next reflection prompt too


def _runtime_error(talk, in_session: bool = True) -> dict[str, Any]:
    """What an Echo sends when it could not play the document (Alexa.Presentation.APLA.RuntimeError)."""
    fields = {
        "token": "trustRenewalGuide",
        "errors": [{"type": "AUDIO_SOURCE_ERROR", "reason": "NOT_FOUND_ERROR", "message": "not found"}],
    }
    kind = "Alexa.Presentation.APLA.RuntimeError"
    builder = talk.builder
    envelope = builder.request_in_session(kind, **fields) if in_session else builder.event(kind, **fields)
    response = talk.handle(envelope)
    # The report ends nothing: the device's session (if any) goes on, with the attributes sent back.
    if in_session:
        builder.attributes = response.get("sessionAttributes") or builder.attributes
    return response


def test_a_launch_and_a_reflection_with_empty_supported_interfaces_get_the_document(lambda_module):
    # A real Echo's requests list no APLA (nor anything, for a skill that declares only APL).
    talk = talk_to(lambda_module, supported_interfaces={})
    launch = talk.send(talk.builder.launch())
    # The launch is a question with nothing to play under it: speech; it tells the skill a device is there.
    assert launch["response"]["outputSpeech"]["type"] == "SSML" and _apla(launch) is None
    talk.say("AMAZON.YesIntent")  # the first exercise is a guided reflection
    directive = _apla(talk.last)
    assert directive is not None and "outputSpeech" not in talk.last["response"]
    check_directive(directive)
    text = guide_text(directive)
    assert "turn off the background sounds" in text and "(soft rain underneath, 15 s) (soft chime)" in text


def test_a_one_shot_launch_into_a_reflection_gets_the_document(lambda_module, content):
    talk = talk_to(lambda_module, supported_interfaces={})
    talk.launch()
    talk.say("AMAZON.StopIntent")
    # "Alexa, ask trust renewal for today's exercise", then yes: a new session straight into the reflection.
    talk.builder.end_session()
    talk.say("TodaysExerciseIntent")
    talk.say("AMAZON.YesIntent")
    assert _apla(talk.last) is not None and talk.builder.attributes["state"]["exercise_id"]


def test_without_a_device_the_reply_is_ssml(lambda_module):
    talk = talk_to(lambda_module, supported_interfaces={})
    talk.launch()
    envelope = talk.builder.intent("AMAZON.YesIntent")
    del envelope["context"]["System"]["device"]  # a request from no device (a test tool, a simulator)
    talk.send(envelope)
    assert _apla(talk.last) is None and "(pause 15 s) (soft chime)" in talk.text


@pytest.mark.parametrize("in_session", [True, False], ids=["in the session", "outside a session"])
def test_after_an_apla_runtime_error_that_device_gets_ssml_from_then_on(lambda_module, in_session):
    talk = talk_to(lambda_module, supported_interfaces={})
    talk.launch()
    talk.say("AMAZON.YesIntent")
    assert _apla(talk.last) is not None
    answer = _runtime_error(talk, in_session)
    # Nothing may be said to an error report; the device is remembered, hashed, with the couple's record.
    assert answer["response"].get("outputSpeech") is None and not answer["response"].get("directives")
    kept = stored_item(lambda_module)["attributes"]["M"]["plain_devices"]["L"]
    assert len(kept) == 1 and "FIXTURE" not in kept[0]["S"] and "local-device" not in kept[0]["S"]
    if in_session:
        talk.say("AMAZON.RepeatIntent")  # the same reflection again: plain SSML, breaks and a chime
        assert _apla(talk.last) is None and "(pause 15 s) (soft chime)" in talk.text
    # A new session on the same device: SSML (outside a session, the open one learns of it only then).
    talk.say("AMAZON.StopIntent")
    talk.launch()
    talk.say("AMAZON.YesIntent")
    assert _apla(talk.last) is None and "<break" in talk.last["response"]["outputSpeech"]["ssml"]
    # The couple's other device (another room) still plays the sounds.
    other = talk_to(lambda_module, supported_interfaces={}, device_id="amzn1.ask.device.KITCHEN")
    other.launch()
    other.say("AMAZON.YesIntent")
    assert _apla(other.last) is not None


def test_with_the_sounds_off_the_reflection_is_ssml(lambda_module):
    talk = talk_to(lambda_module, supported_interfaces={})
    talk.launch()
    talk.say("BackgroundSoundsOffIntent")
    talk.say("AMAZON.YesIntent")
    assert _apla(talk.last) is None
    ssml = talk.last["response"]["outputSpeech"]["ssml"]
    assert "<break" in ssml and "(pause 15 s) (soft chime)" in talk.text


def test_the_web_service_sends_the_directive():
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    client = create_app(runtime, verify=False).test_client()
    builder = EnvelopeBuilder(SKILL_ID, supported_interfaces=ECHO, api_endpoint="https://127.0.0.1:9")
    for envelope in (builder.launch(), None):
        answer = client.post("/", json=envelope or builder.intent("AMAZON.YesIntent"))
        assert answer.status_code == 200
        builder.absorb(answer.get_json())
    check_directive(_apla(answer.get_json()))


@pytest.fixture
def chat_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("TABLE_NAME", "STORE", "SKILL_ID", "SQLITE_PATH", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "p.sqlite3"


def test_the_chat_prints_the_bed_and_the_quiet_in_words(monkeypatch, capsys, chat_env, content):
    monkeypatch.setattr(sys, "stdin", io.StringIO("open trust renewal\nyes\nnext\n"))
    assert main(["chat", "--db", str(chat_env)]) == 0
    out = capsys.readouterr().out
    assert "(soft rain underneath, 4 s)" in out and "(soft rain underneath, 15 s) (soft chime)" in out


def test_turning_the_background_sounds_off_is_kept_across_sessions(lambda_module):
    talk = talk_to(lambda_module, supported_interfaces=ECHO)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    first = guide_text(_apla(talk.last))
    # The first reflection says once how to turn the sounds off, before the bed begins.
    assert first.index("turn off the background sounds") < first.index("underneath")
    talk.say("BackgroundSoundsOffIntent")
    assert "background sounds are off" in talk.text and talk.ended is False
    talk.say("AMAZON.RepeatIntent")
    assert _apla(talk.last) is None and "(pause 15 s) (soft chime)" in talk.text
    talk.say("AMAZON.StopIntent")
    item = stored_item(lambda_module)
    assert item["attributes"]["M"]["background"]["S"] == "off"
    # A new session remembers: still plain SSML, and no second word about the switch.
    talk.launch()
    talk.say("AMAZON.YesIntent")
    assert _apla(talk.last) is None and "background sounds" not in talk.text
    talk.say("BackgroundSoundsOnIntent")
    talk.say("BackgroundSoundsQuieterIntent")
    assert "quieter" in talk.text
    talk.say("AMAZON.RepeatIntent")
    directive = _apla(talk.last)
    assert directive["datasources"]["payload"]["guide"]["bed"]["volume"] == "10%"
    assert "turn off the background sounds" not in guide_text(directive)


def test_a_quiet_partner_turn_through_lambda_has_the_bed_under_it(lambda_module, content):
    """Names given, into the first turn-taking exercise: the speaker's quiet is silence over water."""
    from trust_renewal.render.apla import sounds

    talk = talk_to(lambda_module, supported_interfaces=ECHO)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    talk.say("SkipIntent")  # the one question about who was hurt
    water = sounds()["beds"]["water"]["source"]
    directive = None
    for _ in range(12):  # through the opening reflection, then into the first turn
        talk.say("AMAZON.NextIntent" if talk.builder.attributes.get("state", {}).get("phase") == "exercise"
                 else "AMAZON.YesIntent")
        found = _apla(talk.last)
        if found and found["datasources"]["payload"]["guide"]["bed"]["source"] == water:
            directive = found
            break
    assert directive is not None, "no quiet turn reached"
    root = check_directive(directive)
    (mixer,) = [n for n in root.walk() if n.type == "Mixer"]
    quiet = [n.props["duration"] for n in mixer.children[0].walk() if n.type == "Silence"]
    (who, seconds) = re.search(r"underneath, (\d+) s, while (\w+) speaks", guide_text(directive)).group(2, 1)
    assert quiet == [int(seconds) * 1000] and int(seconds) >= 60 and who in ("Maya", "Jordan")
    (bed,) = [c for c in mixer.children if c.type == "Audio"]
    assert bed.props["source"] == water and [f["type"] for f in bed.filters] == ["Repeat", "Volume", "FadeIn"]
    after = [n.type for n in root.children[-1].walk() if n.type in ("Audio", "Speech")]
    assert after[0] == "Audio" and after[-1] == "Speech"  # the end cue, then one short question
    assert talk.last["response"]["shouldEndSession"] is False
    assert "outputSpeech" not in talk.last["response"] and talk.last["response"]["reprompt"]

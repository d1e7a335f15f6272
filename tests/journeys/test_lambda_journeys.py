"""Whole conversations through lambda_handler, on DynamoDB (moto) with the table from template.yaml."""

from __future__ import annotations

import json

from support.conversation_driver import SKILL_ID
from support.lambda_support import USER
from support.lambda_support import stored_item as _stored
from support.lambda_support import talk_to as _talk
from trust_renewal.envelopes import EnvelopeBuilder


def test_launch_resume_across_sessions_on_dynamodb(lambda_module):
    talk = _talk(lambda_module)
    first = talk.launch()
    assert "Welcome to Trust Renewal" in first and "not therapy" in first
    talk.say("AMAZON.YesIntent")
    talk.say("AMAZON.NextIntent")
    talk.say("AMAZON.StopIntent")
    assert talk.ended
    item = _stored(lambda_module)
    assert item is not None and USER not in json.dumps(item)
    # A new session, even on another device of the same account, resumes.
    other = _talk(lambda_module, device_id="amzn1.ask.device.KITCHEN")
    text = other.launch()
    assert "not therapy" not in text and "part 2" in text
    other.say("AMAZON.YesIntent")
    assert "pick up where you left off" in other.text


def test_a_guided_exercise_is_finished_and_recorded(lambda_module, content):
    talk = _talk(lambda_module)
    talk.launch()
    first = content.path[0]
    talk.say("AMAZON.YesIntent")
    for _ in range(len(first.prompts)):
        talk.say("AMAZON.NextIntent")
    assert talk.finished == [first.id] and content.path[1].title in talk.text
    item = _stored(lambda_module)
    finished = [v["S"] for v in item["attributes"]["M"]["finished"]["L"]]
    assert finished == [first.id]


def test_reads_once_per_session_and_writes_only_on_change(lambda_module):
    calls: list[str] = []
    lambda_module._runtime.store.client.meta.events.register(
        "before-call.dynamodb.*", lambda model, **_: calls.append(model.name)
    )
    talk = _talk(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    before = list(calls)
    talk.say("AMAZON.HelpIntent")
    talk.say("AMAZON.RepeatIntent")
    talk.say("ProgressIntent")
    talk.say("AMAZON.FallbackIntent")
    assert calls == before, "help, repeat, progress and fallback must not touch storage"
    talk.say("AMAZON.NextIntent")
    assert calls.count("GetItem") == 1
    assert calls[len(before) :] == ["PutItem"]


def test_requests_for_another_skill_are_refused_before_anything_is_read(lambda_module):
    calls: list[str] = []
    lambda_module._runtime.store.client.meta.events.register(
        "before-call.dynamodb.*", lambda model, **_: calls.append(model.name)
    )
    envelope = EnvelopeBuilder("amzn1.ask.skill.someone-else", user_id=USER).launch()
    answer = lambda_module.lambda_handler(envelope, None)
    assert answer["error"]["status"] == 400 and "another skill" in answer["error"]["reason"]
    assert calls == [] and _stored(lambda_module) is None


def test_session_ended_saves_position_and_logs_reason(lambda_module, caplog):
    talk = _talk(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    talk.say("AMAZON.NextIntent")
    caplog.set_level("INFO")
    response = talk.end("EXCEEDED_MAX_REPROMPTS")
    assert "outputSpeech" not in response["response"]
    assert any(getattr(r, "reason", None) == "EXCEEDED_MAX_REPROMPTS" for r in caplog.records)
    assert _talk(lambda_module).launch().count("part 2") == 1


def test_skill_disabled_event_deletes_the_record(lambda_module):
    talk = _talk(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    assert _stored(lambda_module) is not None
    event = EnvelopeBuilder(SKILL_ID, user_id=USER).event("AlexaSkillEvent.SkillDisabled", body={})
    answer = lambda_module.lambda_handler(event, None)
    assert answer["version"] == "1.0" and "outputSpeech" not in answer["response"]
    assert _deleted(lambda_module)


def _deleted(module) -> bool:
    """Only a tombstone is left: no progress, no names, nothing personal."""
    item = _stored(module)
    return item is not None and set(item) == {"id", "rev", "deleted_at", "updated_at", "expires_at"}


def test_delete_our_data_after_confirmation(lambda_module):
    talk = _talk(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    talk.say("DeleteDataIntent")
    assert "can't be undone" in talk.text and _stored(lambda_module) is not None
    talk.say("AMAZON.YesIntent")
    assert talk.ended and "deleted everything" in talk.text
    assert _deleted(lambda_module)
    assert "Welcome to Trust Renewal. I'll guide" in _talk(lambda_module).launch()


def test_without_a_region_the_function_still_imports_and_apologises(monkeypatch):
    """Warm-up at import is best effort: a misconfigured function still answers, kindly."""
    import importlib

    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    import lambda_function

    module = importlib.reload(lambda_function)
    talk = _talk(module)
    text = talk.launch()
    assert "can't reach your saved progress" in text and not talk.ended

"""Running the real Lambda entry point on moto DynamoDB (table from template.yaml)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

from moto import mock_aws

from support.conversation_driver import SKILL_ID, Talk
from support.dynamo_support import FAKE_AWS_ENV, TEST_TABLE_NAME, create_progress_table, make_client
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.storage.base import user_key

USER = "amzn1.ask.account.JOURNEY-COUPLE"


def lambda_on_moto(monkeypatch):
    """Yield ``lambda_function`` freshly imported against a moto table; ``.client`` reads it."""
    for key, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("TABLE_NAME", TEST_TABLE_NAME)
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    monkeypatch.delenv("STORE", raising=False)
    with mock_aws():
        client = make_client()
        create_progress_table(client)
        import lambda_function

        module = importlib.reload(lambda_function)
        module.client = client
        yield module


def talk_to(module, user: str = USER, **kw) -> Talk:
    builder = EnvelopeBuilder(SKILL_ID, user_id=user, **kw)
    builder.now = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)
    return Talk(lambda event: module.lambda_handler(event, None), builder)


def stored_item(module, user: str = USER) -> dict | None:
    return module.client.get_item(TableName=TEST_TABLE_NAME, Key={"id": {"S": user_key(user)}}).get("Item")


def can_fulfill(module, matcher, said: str) -> dict:
    """What Alexa would send for ``said`` without the skill's name, through lambda_handler: the verdict."""
    heard = matcher.match(said)
    builder = EnvelopeBuilder(SKILL_ID, user_id="amzn1.ask.account.NAMEFREE", locale="en-US")
    slots = {k: {"name": k, **v} for k, v in heard.slots.items()}
    envelope = builder.event("CanFulfillIntentRequest", intent={"name": heard.intent, "slots": slots})
    answer = module.lambda_handler(envelope, None)
    assert "outputSpeech" not in answer["response"]
    return answer["response"]["canFulfillIntent"]

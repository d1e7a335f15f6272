"""Storage faults as a couple meets them: a spoken apology, the place kept, saved once storage is back."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from support.apla_check import ECHO
from support.lambda_support import USER
from support.lambda_support import stored_item as _stored
from support.lambda_support import talk_to as _talk
from trust_renewal.storage.base import user_key

FAULTS = {
    "throttling": lambda op: ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, op
    ),
    "server_error": lambda op: ClientError(
        {
            "Error": {"Code": "InternalServerError", "Message": "oops"},
            "ResponseMetadata": {"HTTPStatusCode": 500},
        },
        op,
    ),
    "missing_table": lambda op: ClientError(
        {"Error": {"Code": "ResourceNotFoundException", "Message": "no table"}}, op
    ),
    "access_denied": lambda op: ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, op
    ),
    "timeout": lambda op: ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
}


class Faults:
    """Makes the skill's own DynamoDB client fail on chosen operations, until cleared."""

    def __init__(self, module) -> None:
        self.failing: dict[str, str] = {}
        self.raised = 0
        module._runtime.store.client.meta.events.register("before-call.dynamodb.*", self._hook)

    def _hook(self, model, **_):
        kind = self.failing.get(model.name)
        if kind:
            self.raised += 1
            raise FAULTS[kind](model.name)

    def fail(self, kind: str, *operations: str) -> None:
        self.failing = dict.fromkeys(operations, kind)

    def clear(self) -> None:
        self.failing = {}


def _finished(item) -> list[str]:
    return [v["S"] for v in item["attributes"]["M"]["finished"]["L"]]


def _prompt(item) -> int:
    return int(item["attributes"]["M"]["prompt"]["N"])


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_a_failed_save_is_apologised_for_and_saved_on_the_next_turn(lambda_module, kind):
    faults = Faults(lambda_module)
    talk = _talk(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    faults.fail(kind, "PutItem")
    text = talk.say("AMAZON.NextIntent")
    assert "trouble saving your progress" in text
    assert "When you're ready, say next" in text  # the prompt itself still comes
    assert _prompt(_stored(lambda_module)) == 0  # storage really did not take it
    faults.clear()
    talk.say("AMAZON.HelpIntent")  # the next turn that can saves the kept position
    assert _prompt(_stored(lambda_module)) == 1
    assert faults.raised >= 1


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_a_failed_load_is_apologised_for_and_nothing_stored_is_lost(lambda_module, content, kind):
    faults = Faults(lambda_module)
    talk = _talk(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    for _ in content.path[0].prompts:
        talk.say("AMAZON.NextIntent")
    talk.say("AMAZON.StopIntent")
    assert _finished(_stored(lambda_module)) == [content.path[0].id]
    faults.fail(kind, "GetItem", "PutItem")
    other = _talk(lambda_module)
    text = other.launch()
    assert "can't reach your saved progress" in text and not other.ended
    faults.clear()
    other.say("AMAZON.HelpIntent")
    item = _stored(lambda_module)
    assert content.path[0].id in _finished(item)


def test_two_devices_at_once_lose_no_finished_exercise(lambda_module, content):
    first, second = content.path[0], content.path[1]
    kitchen = _talk(lambda_module, device_id="amzn1.ask.device.KITCHEN")
    bedroom = _talk(lambda_module, device_id="amzn1.ask.device.BEDROOM")
    kitchen.launch()
    bedroom.launch()  # both sessions read the same revision
    kitchen.say("AMAZON.YesIntent")
    bedroom.say("SkipIntent")
    bedroom.say("AMAZON.YesIntent")
    kitchen.finish_exercise()
    bedroom.finish_exercise()
    item = _stored(lambda_module)
    assert set(_finished(item)) == {first.id, second.id}
    # Whichever place is kept, the couple is offered the first exercise neither has done.
    assert content.path[2].title in _talk(lambda_module).launch()


def test_a_corrupt_record_is_told_then_replaced_by_a_fresh_start(lambda_module):
    lambda_module.client.put_item(
        TableName="trust-renewal-progress-test",
        Item={"id": {"S": user_key(USER)}, "attributes": {"S": "not a map"}, "rev": {"N": "3"}},
    )
    talk = _talk(lambda_module)
    text = talk.launch()
    assert "couldn't read it" in text and "start again from the beginning" in text
    item = _stored(lambda_module)
    assert item["attributes"]["M"]  # replaced only after the couple was told
    assert "couldn't read it" not in _talk(lambda_module).launch()


def test_an_old_or_partial_record_loads_with_defaults(lambda_module, content):
    lambda_module.client.put_item(
        TableName="trust-renewal-progress-test",
        Item={
            "id": {"S": user_key(USER)},
            "attributes": {"M": {"exercise_id": {"S": content.path[1].id}, "welcomed": {"BOOL": True}}},
            "rev": {"N": "1"},
        },
    )
    text = _talk(lambda_module).launch()
    assert "Welcome back" in text and content.path[1].title in text


def _document(response: dict) -> bool:
    directives = response.get("directives") or []
    return any(d["type"] == "Alexa.Presentation.APLA.RenderDocument" for d in directives)


def test_a_failed_save_is_apologised_for_on_a_device_that_plays_the_reply_as_a_document(lambda_module):
    # On an Echo the reflection comes as an APL for Audio document, with no outputSpeech to
    # splice an apology into: Alexa says outputSpeech before the document, so it goes there.
    faults = Faults(lambda_module)
    talk = _talk(lambda_module, supported_interfaces=ECHO)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    assert _document(talk.last["response"])
    faults.fail("throttling", "PutItem")
    talk.say("AMAZON.NextIntent")
    response = talk.last["response"]
    assert _document(response)
    assert "trouble saving your progress" in talk.text
    assert _prompt(_stored(lambda_module)) == 0

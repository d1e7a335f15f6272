"""Nothing lost, nothing resurrected: failed reads, two devices, deletions, through lambda_handler."""

from __future__ import annotations

import logging

import pytest
from botocore.exceptions import ClientError

from support.conversation_driver import SKILL_ID
from support.dynamo_support import request_envelope
from support.lambda_support import USER, stored_item, talk_to
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.storage.dynamo_codec import decode_item

KITCHEN, BEDROOM = "amzn1.ask.device.KITCHEN", "amzn1.ask.device.BEDROOM"


class Faults:
    """Makes the skill's own DynamoDB client fail on chosen operations, a set number of times."""

    def __init__(self, module) -> None:
        self.failing: dict[str, int] = {}
        self.calls: list[str] = []
        module._runtime.store.client.meta.events.register("before-call.dynamodb.*", self._hook)

    def _hook(self, model, **_):
        self.calls.append(model.name)
        if self.failing.get(model.name, 0) > 0:
            self.failing[model.name] -= 1
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}, model.name
            )

    def fail(self, operation: str, times: int = 1000) -> None:
        self.failing[operation] = times

    def clear(self) -> None:
        self.failing = {}


def _record(module) -> dict:
    item = stored_item(module)
    assert item is not None
    return decode_item(item)


def _seed(module, **values) -> None:
    """A couple who have been here before: their record as the skill would have saved it."""
    module._runtime.store.save_attributes(request_envelope(USER), {"schema": 1, "welcomed": True, **values})


def test_a_failed_read_loses_no_names_token_finished_exercise_or_place(lambda_module, content):
    first, second = content.path[0], content.path[1]
    _seed(
        lambda_module,
        names=["Maya", "Jordan"],
        reminder_token="reminder-token-1",
        finished=[first.id],
        exercise_id=second.id,
        prompt=1,
        started=True,
    )
    faults = Faults(lambda_module)
    faults.fail("GetItem")
    talk = talk_to(lambda_module)

    said = [talk.launch(), talk.say("AMAZON.YesIntent"), talk.say("AMAZON.NextIntent")]
    said.append(talk.say("SetNamesIntent", firstName="Priya"))  # on purpose, while unread

    assert sum("can't reach your saved progress" in text for text in said) == 1  # said once
    assert "PutItem" not in faults.calls  # nothing saved until a read succeeds
    faults.clear()
    talk.say("AMAZON.HelpIntent")  # the read is retried, and now works
    talk.end()

    record = _record(lambda_module)["attributes"]
    assert record["names"] == ["Priya"]  # changed on purpose during the outage: kept
    assert record["reminder_token"] == "reminder-token-1"
    assert first.id in record["finished"]
    assert (record["exercise_id"], record["prompt"]) == (second.id, 1)  # not moved back


def test_an_offer_made_while_the_read_failed_does_not_move_the_place_back(lambda_module, content):
    first, second = content.path[0], content.path[1]
    _seed(lambda_module, finished=[first.id], exercise_id=second.id, prompt=1, started=True)
    faults = Faults(lambda_module)
    faults.fail("GetItem")
    talk = talk_to(lambda_module)
    assert "can't reach your saved progress" in talk.launch()  # and an offer, from a guess
    faults.clear()

    talk.say("AMAZON.YesIntent")  # the read works again on this turn
    talk.end()

    record = _record(lambda_module)["attributes"]
    assert (record["exercise_id"], record["prompt"]) == (second.id, 1)


def test_a_first_time_couple_is_told_apart_from_a_failed_read(lambda_module, content):
    welcome = "Welcome to Trust Renewal. I'll guide"
    assert welcome in talk_to(lambda_module, user="amzn1.ask.account.NEW").launch()
    _seed(lambda_module, names=["Maya", "Jordan"])
    faults = Faults(lambda_module)
    faults.fail("GetItem")
    text = talk_to(lambda_module).launch()
    assert welcome not in text and "can't reach your saved progress" in text


def test_two_devices_keep_names_and_a_stale_one_never_moves_the_place_back(lambda_module, content):
    kitchen = talk_to(lambda_module, device_id=KITCHEN)
    bedroom = talk_to(lambda_module, device_id=BEDROOM)
    kitchen.launch()
    bedroom.launch()  # both sessions read the same (empty) record
    kitchen.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    kitchen.say("AMAZON.YesIntent")
    kitchen.finish_exercise()
    kitchen.say("AMAZON.YesIntent")
    kitchen.finish_exercise()  # the kitchen is now at exercise 3
    place = _record(lambda_module)["attributes"]["exercise_id"]
    assert place == content.path[2].id

    bedroom.say("AMAZON.YesIntent")  # the bedroom, left open, begins exercise 1 as it was offered
    bedroom.say("AMAZON.NextIntent")
    bedroom.end()

    record = _record(lambda_module)["attributes"]
    assert record["names"] == ["Maya", "Jordan"]  # never changed there, so never wiped
    assert record["exercise_id"] == place  # a stale session never moves the place back
    assert set(record["finished"]) == {content.path[0].id, content.path[1].id}


def test_a_stale_session_that_moves_on_purpose_after_another_did_wins_by_stamp(lambda_module, content):
    kitchen = talk_to(lambda_module, device_id=KITCHEN)
    bedroom = talk_to(lambda_module, device_id=BEDROOM)
    kitchen.launch()
    bedroom.launch()
    kitchen.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    bedroom.say("SetNamesIntent", firstName="Noor", secondName="Alex")
    kitchen.say("AMAZON.HelpIntent")
    assert _record(lambda_module)["attributes"]["names"] == ["Noor", "Alex"]


def test_delete_from_one_device_is_not_undone_by_another_open_session(lambda_module, content):
    kitchen = talk_to(lambda_module, device_id=KITCHEN)
    kitchen.launch()
    kitchen.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    kitchen.say("AMAZON.YesIntent")
    bedroom = talk_to(lambda_module, device_id=BEDROOM)
    bedroom.launch()
    bedroom.say("DeleteDataIntent")
    bedroom.say("AMAZON.YesIntent")
    assert "deleted everything" in bedroom.text

    text = kitchen.say("AMAZON.NextIntent")  # the kitchen's session began before the deletion

    assert "was deleted" in text and kitchen.ended
    record = _record(lambda_module)
    assert "deleted_at" in record and "attributes" not in record
    assert "Maya" not in str(stored_item(lambda_module))
    # A new session afterwards starts afresh, as a new couple.
    assert "Welcome to Trust Renewal. I'll guide" in talk_to(lambda_module).launch()


def test_a_deletion_that_fails_once_is_retried_within_the_request(lambda_module):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    faults = Faults(lambda_module)
    faults.fail("PutItem", times=1)  # the first PutItem fails; the store tries again
    event = EnvelopeBuilder(SKILL_ID, user_id=USER).event("AlexaSkillEvent.SkillDisabled", body={})

    answer = lambda_module.lambda_handler(event, None)

    assert answer["version"] == "1.0"
    assert "attributes" not in _record(lambda_module)


def test_a_failed_skill_disabled_deletion_fails_the_request_and_logs_an_alarm_line(
    lambda_module, caplog: pytest.LogCaptureFixture
):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    faults = Faults(lambda_module)
    faults.fail("PutItem")
    event = EnvelopeBuilder(SKILL_ID, user_id=USER).event("AlexaSkillEvent.SkillDisabled", body={})

    with caplog.at_level(logging.ERROR), pytest.raises(Exception):  # noqa: B017 - Lambda sees a failure
        lambda_module.lambda_handler(event, None)

    alarms = [r for r in caplog.records if r.getMessage() == "deletion failed"]
    assert len(alarms) == 1 and alarms[0].levelno == logging.ERROR
    assert _record(lambda_module)["attributes"]["names"] == ["Maya", "Jordan"]  # still there, and said so
    assert not any("record deleted" in r.getMessage() for r in caplog.records)


def test_a_failed_spoken_deletion_is_never_reported_as_done(lambda_module):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    talk.say("DeleteDataIntent")
    faults = Faults(lambda_module)
    faults.fail("PutItem")

    text = talk.say("AMAZON.YesIntent")

    assert "deleted everything" not in text
    assert "couldn't delete" in text
    faults.clear()
    assert _record(lambda_module)["attributes"]["names"] == ["Maya", "Jordan"]

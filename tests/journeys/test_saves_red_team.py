"""Issue 23's storage findings, each replayed through lambda_handler on moto with botocore faults.

1. a deletion undone by a device whose read failed; 2. a write that lands but
reports a timeout freezing the place; 3. a tampered clock poisoning other
couples; 4. records checked field by field only; 5. a first-speaker choice lost
on a device whose place is behind.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from support.dynamo_support import request_envelope
from support.lambda_support import USER, stored_item, talk_to
from trust_renewal.storage.dynamo_codec import decode_item

KITCHEN, BEDROOM = "amzn1.ask.device.KITCHEN", "amzn1.ask.device.BEDROOM"
PLACE = ("exercise_id", "prompt", "turn", "started", "quick")
NOT_SURE = "I'm not sure what to say yes to"


class Faults:
    """The skill's own DynamoDB client, failing as chosen.

    ``fail(op, n)``: the next n calls fail before reaching the table (throttled).
    ``land_then_time_out(n)``: the next n PutItems reach the table and are
    stored, then the caller sees a read timeout, as when the answer is lost.
    """

    def __init__(self, module) -> None:
        self.failing: dict[str, int] = {}
        self.landed_timeouts = 0
        self.calls: list[str] = []
        events = module._runtime.store.client.meta.events
        events.register("before-call.dynamodb.*", self._before)
        events.register("after-call.dynamodb.PutItem", self._after_put)

    def _before(self, model, **_):
        self.calls.append(model.name)
        if self.failing.get(model.name, 0) > 0:
            self.failing[model.name] -= 1
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}, model.name
            )

    def _after_put(self, http_response=None, parsed=None, **_):
        if self.landed_timeouts > 0 and not (parsed or {}).get("Error"):
            self.landed_timeouts -= 1
            raise ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    def fail(self, operation: str, times: int = 1000) -> None:
        self.failing[operation] = times

    def land_then_time_out(self, times: int = 1) -> None:
        self.landed_timeouts = times


def _record(module, user: str = USER) -> dict:
    item = stored_item(module, user)
    assert item is not None
    return decode_item(item)


def _seed(module, user: str = USER, **values) -> None:
    module._runtime.store.save_attributes(
        request_envelope(user), {"schema": 1, "welcomed": True, "roles_asked": True, **values}
    )


def _place(values: dict) -> tuple:
    return tuple(values.get(k) for k in PLACE)


# 1 -----------------------------------------------------------------------------
def test_a_deletion_is_not_undone_by_a_device_whose_read_failed(lambda_module):
    _seed(lambda_module, names=["Maya", "Jordan"])
    faults = Faults(lambda_module)
    faults.fail("GetItem", times=2)  # the bedroom's launch read, and its retry on the next turn
    bedroom = talk_to(lambda_module, device_id=BEDROOM)
    assert "can't reach your saved progress" in bedroom.launch()
    bedroom.say("SetNamesIntent", firstName="Noor", secondName="Alex")
    assert "PutItem" not in faults.calls

    kitchen = talk_to(lambda_module, device_id=KITCHEN)
    kitchen.launch()
    kitchen.say("DeleteDataIntent")
    assert "deleted everything" in kitchen.say("AMAZON.YesIntent")

    text = bedroom.say("AMAZON.YesIntent")  # the read works now, and finds the deletion

    assert "was deleted" in text and bedroom.ended
    assert NOT_SURE not in text
    record = _record(lambda_module)
    assert "deleted_at" in record and "attributes" not in record
    assert "Noor" not in str(stored_item(lambda_module))
    # The next session starts afresh, as a new couple would.
    assert "Welcome to Trust Renewal. I'll guide" in talk_to(lambda_module).launch()


# 2 -----------------------------------------------------------------------------
def test_a_write_that_lands_but_times_out_does_not_freeze_the_place(lambda_module, content):
    _seed(lambda_module, names=["Maya", "Jordan"])
    faults = Faults(lambda_module)
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")  # the first exercise begins
    faults.land_then_time_out()
    text = talk.say("AMAZON.NextIntent")
    assert "trouble saving your progress" in text  # the couple were told what the skill knew
    landed = _place(_record(lambda_module)["attributes"])
    assert landed == _place(talk.state)  # it did land

    heard = []
    for _ in range(3):
        talk.say("AMAZON.NextIntent")
        heard.append(_place(talk.state))
        # Every later turn saves again, and the stored place is the one just heard.
        assert _place(_record(lambda_module)["attributes"]) == heard[-1]
    assert len(set(heard)) == 3 and landed not in heard
    talk.end()
    assert _place(_record(lambda_module)["attributes"]) == heard[-1]


def test_a_landed_write_is_not_mistaken_for_another_devices_move_after_more_failures(lambda_module):
    _seed(lambda_module, names=["Maya", "Jordan"])
    faults = Faults(lambda_module)
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    faults.land_then_time_out()
    talk.say("AMAZON.NextIntent")
    faults.fail("PutItem", times=1)  # the next save fails outright, before reaching the table
    talk.say("AMAZON.NextIntent")
    talk.say("AMAZON.NextIntent")
    assert _place(_record(lambda_module)["attributes"]) == _place(talk.state)


# 3 -----------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["clock", "stamps", "mine"])
def test_a_tampered_clock_cannot_touch_another_couple(lambda_module, where):
    _seed(lambda_module, names=["Maya", "Jordan"])
    tamperer = talk_to(lambda_module)
    tamperer.launch()
    tamperer.say("AMAZON.YesIntent")
    sync = tamperer.builder.attributes["sync"]
    far = 2**62 - 1
    if where == "clock":
        sync["clock"] = far
    else:
        sync[where] = {"names": far}
    before = _record(lambda_module)
    tamperer.say("AMAZON.NextIntent")  # refused quietly: the record is read again
    assert NOT_SURE not in tamperer.text and "trouble" not in tamperer.text
    stamps = _record(lambda_module)["stamps"]
    assert all(v < far for v in stamps.values())
    assert _record(lambda_module)["attributes"]["names"] == before["attributes"]["names"]

    other_user = "amzn1.ask.account.OTHER-COUPLE"
    _seed(lambda_module, other_user, names=["Priya", "Sam"])
    other = talk_to(lambda_module, user=other_user)
    other.launch()
    said = [other.say("AMAZON.YesIntent")]
    places = []
    for _ in range(6):
        said.append(other.say("AMAZON.NextIntent"))
        places.append(_place(_record(lambda_module, other_user)["attributes"]))
        assert places[-1] == _place(other.state)  # every turn was kept, none dropped as invalid
    assert not any(NOT_SURE in s or "trouble" in s for s in said)
    assert len(set(places)) == 6


# 4 -----------------------------------------------------------------------------
TAMPERED_RECORDS = {
    "three names": {"names": ["Ann", "Bea", "Cy"]},
    "500 long names": {"names": ["N" * 200] * 500},
    "a name far too long": {"names": ["Maya", "J" * 41]},
    "roles without names": {"names": [], "hurt": "1"},
    "alone with two names": {"solo": True, "names": ["Ann", "Bea"]},
}


@pytest.mark.parametrize("case", sorted(TAMPERED_RECORDS))
def test_a_record_that_breaks_a_whole_record_rule_never_reaches_storage(lambda_module, case):
    _seed(lambda_module, names=["Maya", "Jordan"], hurt="0")
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    attrs = talk.builder.attributes
    attrs["state"].update(TAMPERED_RECORDS[case])
    # Claim the change as this session's own, so a field-by-field check would save it.
    stamp = max(attrs["sync"]["stamps"].values(), default=1) + 1
    attrs["sync"]["changed"].update({"names": ["Maya", "Jordan"], "hurt": "0", "solo": False})
    attrs["sync"]["mine"].update({"names": stamp, "hurt": stamp, "solo": stamp})

    for intent in ("AMAZON.NextIntent", "AMAZON.HelpIntent"):
        text = talk.say(intent)
        assert "trouble" not in text and "sorry" not in text.lower()
    talk.end()

    stored = _record(lambda_module)["attributes"]
    assert stored["names"] == ["Maya", "Jordan"] and stored["hurt"] == "0"
    assert stored.get("solo") is False


def test_alone_with_the_second_partner_first_is_repaired_not_saved_as_is(lambda_module):
    _seed(lambda_module, names=["Maya"], solo=True)
    talk = talk_to(lambda_module)
    talk.launch()
    attrs = talk.builder.attributes
    fields = ("exercise_id", "prompt", "turn", "started", "quick", "turn_over", "first_speaker")
    attrs["sync"]["changed"]["place"] = {k: attrs["state"][k] for k in fields}
    attrs["sync"]["mine"]["place"] = max(attrs["sync"]["stamps"].values(), default=1) + 1
    attrs["state"]["first_speaker"] = 1  # the second partner of one person
    talk.say("AMAZON.HelpIntent")
    talk.end()
    stored = _record(lambda_module)["attributes"]
    assert stored["solo"] is True and stored["names"] == ["Maya"]
    assert stored.get("first_speaker", 0) == 0


# 5 -----------------------------------------------------------------------------
def test_let_jordan_go_first_is_saved_on_a_device_whose_place_is_behind(lambda_module):
    _seed(lambda_module, names=["Maya", "Jordan"])
    kitchen = talk_to(lambda_module, device_id=KITCHEN)
    bedroom = talk_to(lambda_module, device_id=BEDROOM)
    kitchen.launch()
    bedroom.launch()  # both offered the first exercise
    kitchen.say("AMAZON.YesIntent")
    kitchen.say("AMAZON.NextIntent")  # the kitchen moved the place on
    moved = _place(_record(lambda_module)["attributes"])

    text = bedroom.say("FirstSpeakerIntent", firstName="Jordan")
    assert "Jordan goes first" in text

    stored = _record(lambda_module)["attributes"]
    assert stored["first_speaker"] == 1  # the choice heard confirmed is kept
    assert _place(stored) == moved  # and the bedroom's older place does not move the kept one back
    kitchen.say("AMAZON.NextIntent")  # the kitchen saves again without undoing the choice
    stored = _record(lambda_module)["attributes"]
    assert stored["first_speaker"] == 1 and _place(stored) == _place(kitchen.state)


def test_a_choice_made_while_the_read_failed_is_kept_once_it_works(lambda_module):
    _seed(lambda_module, names=["Maya", "Jordan"], reminder_token="token-1")
    faults = Faults(lambda_module)
    faults.fail("GetItem", times=4)  # launch, then three turns whose retried read fails too
    talk = talk_to(lambda_module)
    assert "can't reach your saved progress" in talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    talk.say("SkipIntent")  # the one question about roles
    assert "Jordan goes first" in talk.say("FirstSpeakerIntent", firstName="Jordan")
    assert "PutItem" not in faults.calls
    talk.say("AMAZON.HelpIntent")  # the read works again, and the session saves
    stored = _record(lambda_module)["attributes"]
    assert stored["first_speaker"] == 1 and stored["names"] == ["Maya", "Jordan"]
    assert stored["reminder_token"] == "token-1"

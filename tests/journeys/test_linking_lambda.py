"""Two Amazon accounts, one program (issue 26): through lambda_handler on moto, with two user IDs."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from support.dynamo_support import TEST_TABLE_NAME
from support.lambda_support import stored_item, talk_to
from trust_renewal.storage import linking
from trust_renewal.storage.base import user_key
from trust_renewal.storage.dynamo_codec import decode_item

MAYA, JORDAN = "amzn1.ask.account.MAYA", "amzn1.ask.account.JORDAN"
SAM = "amzn1.ask.account.SAM"
SCREEN = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "1.6"}}}


def _code(text: str) -> str:
    found = re.search(r"code: ((?:\d, ){5}\d)", text)
    assert found, text
    return found.group(1).replace(", ", "")


def _record(module, key: str) -> dict | None:
    item = module.client.get_item(TableName=TEST_TABLE_NAME, Key={"id": {"S": key}}).get("Item")
    return decode_item(item) if item else None


def _name_and_start(talk) -> None:
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")


def make_code(talk) -> str:
    talk.say("LinkPartnerIntent")
    assert talk.ended  # the mic closes while the partners talk to each other
    return _code(talk.text)


def join(talk, code: str) -> str:
    talk.launch()
    talk.say("JoinPartnerIntent")
    if "Do you want to go on?" in talk.text:
        talk.say("AMAZON.YesIntent")
    assert "What's the code?" in talk.text, talk.text
    return talk.say("GoToStepIntent", stepNumber=code)  # a bare number, as Alexa files six digits alone


@pytest.fixture
def two(lambda_module):
    maya = talk_to(lambda_module, MAYA)
    jordan = talk_to(lambda_module, JORDAN)
    return lambda_module, maya, jordan


def test_link_then_progress_on_one_is_where_the_other_starts(two, content):
    module, maya, jordan = two
    _name_and_start(maya)
    maya.say("AMAZON.YesIntent")  # begins today's exercise
    code = make_code(maya)
    assert "It works once, for the next ten minutes" in maya.text
    said = join(jordan, code)
    assert "You're now sharing one program with Maya and Jordan." in said
    # Jordan moves the shared place on; Maya's next session starts there.
    jordan.launch()
    assert "Would you like to" in jordan.text or "Shall we" in jordan.text or jordan.text
    jordan.say("AMAZON.NextIntent")
    jordan.say("AMAZON.NextIntent")
    jordan_place = (jordan.state["exercise_id"], jordan.state["prompt"], jordan.state["turn"])
    jordan.end()
    maya.launch()
    assert (maya.state["exercise_id"], maya.state["prompt"], maya.state["turn"]) == jordan_place
    assert maya.state["names"] == ["Maya", "Jordan"]
    # Per-account fields stay on each account's own record.
    maya_item = _record(module, user_key(MAYA))
    assert maya_item["attributes"]["link"].startswith("couple#")
    assert "names" not in maya_item["attributes"] and "exercise_id" not in maya_item["attributes"]


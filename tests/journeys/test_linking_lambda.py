"""Two Amazon accounts, one program (issue 26): through lambda_handler on moto, with two user IDs."""

from __future__ import annotations

import re
import time

import pytest
from botocore.exceptions import ClientError

from support.dynamo_support import TEST_TABLE_NAME
from support.lambda_support import talk_to
from trust_renewal.storage import linking
from trust_renewal.storage.base import user_key
from trust_renewal.storage.dynamo_codec import decode_item

MAYA, JORDAN = "amzn1.ask.account.MAYA", "amzn1.ask.account.JORDAN"
SCREEN = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "1.6"}}}
FAILED = "I couldn't do that just now, and nothing has changed."


class Faults:
    """Fails chosen DynamoDB calls of the skill's own client, the way a throttled table does."""

    def __init__(self, module) -> None:
        self.calls: list[str] = []
        self.fail_at: dict[str, set[int]] = {}  # operation -> which calls of it fail (1-based)
        self.seen: dict[str, int] = {}
        module._runtime.store.client.meta.events.register("before-call.dynamodb.*", self._hook)

    def _hook(self, model, **_):
        self.calls.append(model.name)
        self.seen[model.name] = self.seen.get(model.name, 0) + 1
        if self.seen[model.name] in self.fail_at.get(model.name, set()):
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, model.name)

    def arm(self, operation: str, *nth: int) -> None:
        self.seen, self.calls, self.fail_at = {}, [], {operation: set(nth)}

    def clear(self) -> None:
        self.fail_at = {}


def _code(text: str) -> str:
    found = re.search(r"code: ((?:\d, ){5}\d)", text)
    assert found, text
    return found.group(1).replace(", ", "")


def _record(module, key: str) -> dict | None:
    item = module.client.get_item(TableName=TEST_TABLE_NAME, Key={"id": {"S": key}}).get("Item")
    return decode_item(item) if item else None


def _values(module, user: str) -> dict:
    record = _record(module, user_key(user))
    assert record is not None and "deleted_at" not in record, record
    return record["attributes"]


def _couple(module, user: str) -> dict:
    return _record(module, _values(module, user)["link"])


def make_code(talk) -> str:
    talk.launch()
    talk.say("LinkPartnerIntent")
    assert talk.ended  # the mic closes while the partners talk to each other
    return _code(talk.text)


def join(talk, code: str, replace_own: bool = True) -> str:
    talk.launch()
    talk.say("JoinPartnerIntent")
    if "Do you want to go on?" in talk.text:
        assert replace_own, talk.text
        talk.say("AMAZON.YesIntent")
    assert "What's the code?" in talk.text, talk.text
    return talk.say("NumberAloneIntent", number=code)  # six digits said alone: a number said alone


def _wrong(code: str) -> str:
    """A code that differs from ``code`` in its first three digits too."""
    return str((int(code) + 500_000) % 900_000 + 100_000)


@pytest.fixture
def two(lambda_module):
    maya = talk_to(lambda_module, MAYA)
    jordan = talk_to(lambda_module, JORDAN)
    maya.launch()
    maya.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    maya.say("RolesMutualIntent")
    return lambda_module, maya, jordan


@pytest.fixture
def linked(two):
    module, maya, jordan = two
    code = make_code(maya)
    assert "You're now sharing one program with Maya and Jordan." in join(jordan, code)
    jordan.end()
    return module, maya, jordan


def _place(talk) -> tuple:
    return (talk.state["exercise_id"], talk.state["prompt"], talk.state["turn"], talk.state["started"])


# -- 1. link by a spoken code -----------------------------------------------------------
def test_the_code_is_said_digit_by_digit_twice_shown_on_a_screen_and_in_the_app(two):
    module, _, _ = two
    screen = talk_to(module, MAYA, supported_interfaces=SCREEN)
    code = make_code(screen)
    assert re.fullmatch(r"[1-9]\d{5}", code)
    assert screen.text.count(", ".join(code)) == 2
    assert "ask Trust Renewal to join my partner" in screen.text and "ten minutes" in screen.text
    directives = screen.last["response"]["directives"]
    shown = directives[0]["datasources"]["payload"]["screen"]
    assert shown["number"] == f"{code[:3]} {code[3:]}" and shown["title"] == "Your linking code"
    assert code in screen.card["content"]
    # What the code's record holds: three digits, the couple, when it stops: nothing personal.
    stored = _record(module, f"code#{code[:3]}")
    assert set(stored["attributes"]) == {"rest", "couple", "expires", "failures"}
    assert 590 <= stored["expires_at"] - time.time() <= 610  # DynamoDB's TTL takes it away


def test_joining_says_who_is_linked_and_asks_before_own_progress_is_replaced(two, content):
    module, maya, jordan = two
    jordan.launch()
    jordan.say("AMAZON.YesIntent")  # Jordan began an exercise on his own account
    jordan.end()
    code = make_code(maya)
    jordan.launch()
    jordan.say("JoinPartnerIntent")
    assert "this account's own progress is deleted. Do you want to go on?" in jordan.text
    jordan.say("AMAZON.NoIntent")
    assert "Nothing has changed." in jordan.text
    assert "link" not in _values(module, JORDAN) and _values(module, JORDAN)["started"] is True
    said = join(jordan, code)
    assert "You're now sharing one program with Maya and Jordan." in said
    jordan_values = _values(module, JORDAN)
    assert jordan_values["link"] == _values(module, MAYA)["link"]
    assert "started" not in jordan_values and "names" not in jordan_values  # replaced, as agreed


# -- 2. one program, two accounts; 3. reads stay cheap ------------------------------------
def test_progress_on_one_account_is_where_the_other_starts(linked, content):
    module, maya, jordan = linked
    jordan.launch()
    jordan.say("AMAZON.YesIntent")
    jordan.say("AMAZON.NextIntent")
    jordan_place = _place(jordan)
    jordan.end()
    maya.launch()
    assert "You're part way through" in maya.text
    assert _place(maya) == jordan_place and maya.state["names"] == ["Maya", "Jordan"]
    assert maya.state["hurt"] == "both"
    # What stays per account: each account's own record, never the couple's.
    maya.say("BackgroundSoundsOffIntent")
    assert _values(module, MAYA)["background"] == "off"
    assert "background" not in _couple(module, MAYA)["attributes"]
    jordan.launch()
    assert jordan.state["background"] == "on"


def test_a_linked_session_reads_two_records_when_it_starts_and_none_after(linked):
    module, maya, _ = linked
    faults = Faults(module)
    faults.arm("GetItem", 0)
    maya.launch()
    assert faults.calls.count("GetItem") == 2
    faults.arm("GetItem", 0)
    maya.say("AMAZON.YesIntent")
    maya.say("AMAZON.NextIntent")
    maya.say("BackgroundSoundsQuieterIntent")
    assert faults.calls.count("GetItem") == 0 and "PutItem" in faults.calls


def test_both_at_once_in_two_rooms_keep_both_changes(linked, content):
    module, maya, jordan = linked
    maya.launch()
    jordan.launch()  # both sessions open, each read the same couple record
    maya.say("AMAZON.YesIntent")
    maya.finish_exercise()
    jordan.say("RolesChangeIntent")
    jordan.say("RolesHurtIntent", hurtName="Jordan")
    jordan.end()
    maya.end()
    couple = _couple(module, MAYA)["attributes"]
    assert content.path[0].id in couple["finished"]
    assert couple["hurt"] == "1"  # Jordan, the second name
    jordan.launch()
    assert content.path[0].id in jordan.finished


# -- 4. unlink and delete ---------------------------------------------------------------------
def test_unlink_leaves_each_account_its_own_copy(linked, content):
    module, maya, jordan = linked
    maya.launch()
    maya.say("AMAZON.YesIntent")
    maya.finish_exercise()
    maya.end()
    jordan.launch()
    jordan.say("UnlinkPartnerIntent")
    assert "you'll each keep a copy of your progress so far" in jordan.text
    jordan.say("AMAZON.YesIntent")
    assert "This account is no longer linked" in jordan.text
    jordan.end()
    jordan_values = _values(module, JORDAN)
    assert "link" not in jordan_values and content.path[0].id in jordan_values["finished"]
    assert jordan_values["names"] == ["Maya", "Jordan"]
    # From now on their programs go separate ways.
    maya.launch()
    maya.say("AMAZON.NoIntent")
    maya.say("TodaysExerciseIntent")
    maya.say("AMAZON.YesIntent")
    maya.end()
    jordan.launch()
    assert jordan.finished == [content.path[0].id]
    assert _couple(module, MAYA)["attributes"]["members"] == [user_key(MAYA)]
    jordan.say("UnlinkPartnerIntent")
    assert "isn't linked with another one" in jordan.text


def test_deleting_own_data_unlinks_and_leaves_the_partner_the_program(linked, content):
    module, maya, jordan = linked
    couple_key = _values(module, MAYA)["link"]
    maya.launch()
    maya.say("DeleteDataIntent")
    assert "Shall I delete just this account's data?" in maya.text
    maya.say("AMAZON.YesIntent")
    assert "Your partner keeps the shared program." in maya.text and maya.ended
    assert "deleted_at" in _record(module, user_key(MAYA))
    assert _record(module, couple_key)["attributes"]["members"] == [user_key(JORDAN)]
    jordan.launch()
    assert jordan.state["names"] == ["Maya", "Jordan"]
    # Jordan is now the last linked account: his deletion takes the shared program with it.
    jordan.say("DeleteDataIntent")
    assert "Do you want me to delete it?" in jordan.text
    jordan.say("AMAZON.YesIntent")
    assert "deleted_at" in _record(module, couple_key)
    assert "deleted_at" in _record(module, user_key(JORDAN))


def test_the_shared_program_goes_only_with_the_other_accounts_agreement(linked):
    module, maya, jordan = linked
    couple_key = _values(module, MAYA)["link"]
    maya.launch()
    maya.say("DeleteDataIntent")
    maya.say("AMAZON.NoIntent")
    assert "Your partner's account has to agree first" in maya.text
    maya.say("AMAZON.YesIntent")
    assert "Until then, nothing is deleted." in maya.text
    maya.end()
    assert "names" in _record(module, couple_key)["attributes"]
    jordan.launch()
    assert jordan.text.startswith("One thing first. Your partner's account has asked me to delete")
    jordan.say("DeleteDataIntent")
    assert "Shall I delete it now, for both of you?" in jordan.text
    jordan.say("AMAZON.YesIntent")
    assert "I've deleted your shared program" in jordan.text
    for key in (couple_key, user_key(MAYA), user_key(JORDAN)):
        assert "deleted_at" in _record(module, key)
    maya.launch()
    assert "Welcome to Trust Renewal" in maya.text  # a fresh start


def test_the_partner_can_decline_and_nothing_is_deleted(linked):
    module, maya, jordan = linked
    maya.launch()
    maya.say("DeleteDataIntent")
    maya.say("AMAZON.NoIntent")
    maya.say("AMAZON.YesIntent")
    jordan.launch()
    jordan.say("DeleteDataIntent")
    jordan.say("AMAZON.NoIntent")
    assert "Nothing was deleted." in jordan.text
    assert _couple(module, JORDAN)["attributes"]["names"] == ["Maya", "Jordan"]


def test_disabling_the_skill_on_one_account_deletes_that_accounts_data_only(linked):
    module, maya, jordan = linked
    couple_key = _values(module, MAYA)["link"]
    module.lambda_handler(maya.builder.event("AlexaSkillEvent.SkillDisabled"), None)
    assert "deleted_at" in _record(module, user_key(MAYA))
    assert _record(module, couple_key)["attributes"]["members"] == [user_key(JORDAN)]
    jordan.launch()
    assert jordan.state["names"] == ["Maya", "Jordan"]


# -- 5. guarded ---------------------------------------------------------------------------------
def test_five_wrong_codes_an_hour_then_a_kind_refusal_even_for_the_right_one(two, monkeypatch):
    module, maya, jordan = two
    code = make_code(maya)
    jordan.launch()
    jordan.say("JoinPartnerIntent")
    for attempt in range(1, 5):
        said = jordan.say("NumberAloneIntent", number=str(int(_wrong(code)) + attempt))
        assert "That code didn't work" in said
    assert "You have one more try this hour." in said
    said = jordan.say("NumberAloneIntent", number=_wrong(code))
    assert "I'll stop trying them for this hour" in said
    assert "link" not in _values(module, JORDAN)
    join(jordan, code)
    assert "I'll stop trying them for this hour" in jordan.text
    assert "link" not in _values(module, JORDAN)
    now = time.time()
    monkeypatch.setattr(linking, "clock", lambda: now + 3601)  # the hour is over: the count starts again
    code = make_code(maya)
    assert "You're now sharing one program" in join(jordan, code)


def test_a_code_cannot_be_guessed_by_many_accounts_together(two):
    module, maya, jordan = two
    code = make_code(maya)
    for n in range(linking.MAX_WRONG_PER_CODE):
        guesser = talk_to(module, f"amzn1.ask.account.GUESSER-{n}")
        near = code[:3] + f"{(int(code[3:]) + n + 1) % 1000:03d}"  # the right first half, wrong second
        assert "That code didn't work" in join(guesser, near)
    said = join(jordan, code)
    assert "That code has run out" in said and "link" not in _values(module, JORDAN)


def test_an_expired_code_and_a_used_code_are_refused(two, monkeypatch):
    module, maya, jordan = two
    code = make_code(maya)
    now = time.time()
    monkeypatch.setattr(linking, "clock", lambda: now + linking.CODE_LIFETIME_S + 1)
    assert "That code has run out" in join(jordan, code)
    monkeypatch.setattr(linking, "clock", time.time)
    code = make_code(maya)
    assert "You're now sharing one program" in join(jordan, code)
    third = talk_to(module, "amzn1.ask.account.SOMEONE-ELSE")
    assert "That code has already been used" in join(third, code)
    assert "link" not in (_record(module, user_key("amzn1.ask.account.SOMEONE-ELSE")) or {}).get(
        "attributes", {}
    )
    assert len(_couple(module, MAYA)["attributes"]["members"]) == 2


def test_a_code_is_only_heard_when_it_was_asked_for(two):
    module, maya, jordan = two
    code = make_code(maya)
    jordan.launch()
    said = jordan.say("LinkCodeIntent", code=code)
    assert "first say: join my partner" in said
    assert "link" not in (_record(module, user_key(JORDAN)) or {}).get("attributes", {})


# -- faults at every write: nothing half linked ---------------------------------------------
@pytest.mark.parametrize("nth", [1, 2, 3, 4])
def test_a_fault_at_any_write_of_a_join_links_nothing(two, nth):
    module, maya, jordan = two
    jordan.launch()
    jordan.say("AMAZON.YesIntent")  # Jordan's own progress, which the join would replace
    jordan.end()
    code = make_code(maya)
    faults = Faults(module)
    jordan.launch()
    jordan.say("JoinPartnerIntent")
    jordan.say("AMAZON.YesIntent")
    faults.arm("PutItem", nth)
    said = jordan.say("NumberAloneIntent", number=code)
    faults.clear()
    jordan_values = _values(module, JORDAN)
    couple = _couple(module, MAYA)["attributes"]
    if "link" in jordan_values:  # the fault came after the pointer: the link is whole
        assert "You're now sharing one program" in said
        assert user_key(JORDAN) in couple["members"]
    else:
        assert FAILED in said
        assert jordan_values["started"] is True  # his own progress is untouched
        jordan.end()
        maya.launch()
        assert maya.state["names"] == ["Maya", "Jordan"]
        maya.end()
        code = make_code(maya)
        assert "You're now sharing one program" in join(jordan, code)
    jordan.end()
    jordan.launch()
    assert jordan.state["names"] == ["Maya", "Jordan"]


@pytest.mark.parametrize("nth", [1, 2, 3])
def test_a_fault_at_any_write_of_making_a_code_keeps_the_program(two, nth):
    module, maya, _ = two
    faults = Faults(module)
    maya.launch()
    faults.arm("PutItem", nth)
    said = maya.say("LinkPartnerIntent")
    faults.clear()
    assert FAILED in said or "Here's your code" in said
    maya.end()
    maya.launch()
    assert maya.state["names"] == ["Maya", "Jordan"] and maya.state["hurt"] == "both"
    maya.say("LinkPartnerIntent")
    assert "Here's your code" in maya.text


@pytest.mark.parametrize("nth", [1, 2])
def test_a_fault_while_unlinking_never_leaves_an_account_without_its_program(linked, nth):
    module, maya, jordan = linked
    faults = Faults(module)
    jordan.launch()
    jordan.say("UnlinkPartnerIntent")
    faults.arm("PutItem", nth)
    jordan.say("AMAZON.YesIntent")
    faults.clear()
    jordan.end()
    for talk in (maya, jordan):
        talk.launch()
        assert talk.state["names"] == ["Maya", "Jordan"]
        talk.end()


def test_a_failed_first_read_on_a_linked_account_is_retried_and_lands_on_the_shared_program(linked):
    module, maya, jordan = linked
    jordan.launch()
    jordan.say("AMAZON.YesIntent")
    jordan.end()
    faults = Faults(module)
    faults.arm("GetItem", 2)  # the couple's record could not be read as Maya's session started
    maya.launch()
    faults.clear()
    assert maya.state["names"] == []  # nothing made up is saved over the real program
    maya.say("ProgressIntent")
    assert maya.state["names"] == ["Maya", "Jordan"] and maya.state["started"] is True
    maya.say("AMAZON.NavigateHomeIntent")
    maya.end()
    assert _couple(module, JORDAN)["attributes"]["names"] == ["Maya", "Jordan"]
    assert "names" not in _values(module, MAYA)


def test_joining_from_an_account_already_linked_asks_first_and_the_old_partner_keeps_the_program(linked):
    module, maya, jordan = linked
    sam = talk_to(module, "amzn1.ask.account.SAM")
    code = make_code(sam)
    jordan.launch()
    jordan.say("JoinPartnerIntent")
    assert "already shares a program with another account" in jordan.text
    jordan.say("AMAZON.NoIntent")
    assert "Nothing has changed." in jordan.text
    said = join(jordan, code)
    assert "You're now sharing one program" in said
    assert _values(module, JORDAN)["link"] == _values(module, "amzn1.ask.account.SAM")["link"]
    assert _couple(module, MAYA)["attributes"]["members"] == [user_key(MAYA)]
    maya.launch()
    assert maya.state["names"] == ["Maya", "Jordan"]


def test_a_deletion_that_fails_on_a_linked_account_is_never_reported_done(linked):
    module, maya, _ = linked
    faults = Faults(module)
    maya.launch()
    maya.say("DeleteDataIntent")
    faults.arm("PutItem", 1, 2)  # the tombstone and its retry both fail
    maya.say("AMAZON.YesIntent")
    faults.clear()
    assert "couldn't delete your data just now" in maya.text
    assert _values(module, MAYA)["link"] == _values(module, JORDAN)["link"]
    maya.launch()
    maya.say("DeleteDataIntent")
    maya.say("AMAZON.YesIntent")
    assert "deleted_at" in _record(module, user_key(MAYA))


@pytest.mark.parametrize("nth", [1, 3])
def test_a_fault_while_deleting_the_shared_program_never_half_deletes_it(linked, nth):
    module, maya, jordan = linked
    couple_key = _values(module, MAYA)["link"]
    maya.launch()
    maya.say("DeleteDataIntent")
    maya.say("AMAZON.NoIntent")
    maya.say("AMAZON.YesIntent")
    maya.end()
    faults = Faults(module)
    jordan.launch()
    jordan.say("DeleteDataIntent")
    faults.arm("PutItem", nth, nth + 1)
    jordan.say("AMAZON.YesIntent")
    faults.clear()
    if "deleted_at" in _record(module, couple_key):
        # The shared program is gone: whoever still points at it starts afresh, holding nothing.
        for talk in (maya, jordan):
            talk.launch()
            assert talk.state["names"] == [] and "Welcome to Trust Renewal" in talk.text
    else:
        assert "couldn't delete your data just now" in jordan.text
        assert _couple(module, MAYA)["attributes"]["names"] == ["Maya", "Jordan"]


def test_a_permission_change_on_a_linked_account_touches_only_that_accounts_own_record(linked):
    module, maya, jordan = linked
    before = dict(_values(module, MAYA))
    body = {"acceptedPermissions": []}  # every permission turned off in the Alexa app
    module.lambda_handler(maya.builder.event("AlexaSkillEvent.SkillPermissionChanged", body=body), None)
    after = _values(module, MAYA)
    assert set(after) <= set(before) | {"reminder_token", "people"}
    assert after["link"] == before["link"] and "names" not in after
    jordan.launch()
    assert jordan.state["names"] == ["Maya", "Jordan"]

"""Permissions changed in the Alexa app, outside any session: what they let the skill keep goes with them."""

from __future__ import annotations

import logging

from support.conversation_driver import SKILL_ID, Talk
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.handlers.permissions import PERSON_SCOPE
from trust_renewal.handlers.reminders import REMINDERS_SCOPE
from trust_renewal.storage.base import StorageUnavailable, user_key
from trust_renewal.storage.memory import MemoryStore

USER = "amzn1.ask.account.PERMISSIONS"
PERSON = "amzn1.ask.person.MAYA"


def _couple_with_a_reminder_and_a_voice(store: MemoryStore) -> Talk:
    talk = Talk.on_store(store, user=USER, person_id=PERSON)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    record = store.records[user_key(USER)].values
    record["reminder_token"] = "alert-1"  # as a created reminder leaves it
    assert record["people"] == [[PERSON, 0]]
    return talk


def _event(talk: Talk, kind: str, *scopes: str, person_scopes: tuple[str, ...] = ()) -> dict:
    body = {"acceptedPermissions": [{"scope": s} for s in scopes]}
    if person_scopes:
        body["acceptedPersonPermissions"] = [{"scope": s} for s in person_scopes]
    envelope = EnvelopeBuilder(SKILL_ID, user_id=USER).event(f"AlexaSkillEvent.{kind}", body=body)
    return talk.handle(envelope)


def test_revoking_reminders_forgets_the_reminder_token_and_keeps_the_rest():
    store = MemoryStore()
    talk = _couple_with_a_reminder_and_a_voice(store)
    answer = _event(talk, "SkillPermissionChanged", PERSON_SCOPE)
    assert answer["version"] == "1.0" and "outputSpeech" not in answer["response"]
    record = store.records[user_key(USER)].values
    assert record["reminder_token"] is None
    assert record["names"] == ["Maya", "Jordan"] and record["people"] == [[PERSON, 0]]


def test_revoking_voice_profiles_forgets_which_voice_is_whose_but_not_the_names():
    store = MemoryStore()
    talk = _couple_with_a_reminder_and_a_voice(store)
    _event(talk, "SkillPermissionChanged", REMINDERS_SCOPE)
    record = store.records[user_key(USER)].values
    assert record["people"] == [] and record["names"] == ["Maya", "Jordan"]
    assert record["reminder_token"] == "alert-1"


def test_a_per_person_grant_counts_as_granted():
    store = MemoryStore()
    talk = _couple_with_a_reminder_and_a_voice(store)
    _event(talk, "SkillPermissionAccepted", REMINDERS_SCOPE, person_scopes=(PERSON_SCOPE,))
    record = store.records[user_key(USER)].values
    assert record["people"] == [[PERSON, 0]] and record["reminder_token"] == "alert-1"


def test_accepting_everything_writes_nothing():
    store = MemoryStore()
    talk = _couple_with_a_reminder_and_a_voice(store)
    writes = store.writes
    _event(talk, "SkillPermissionAccepted", REMINDERS_SCOPE, PERSON_SCOPE)
    assert store.writes == writes


def test_an_account_that_never_used_the_skill_gets_no_record():
    store = MemoryStore()
    talk = Talk.on_store(store, user=USER)
    _event(talk, "SkillPermissionChanged")
    assert store.records == {}


def test_after_revoking_voices_the_skill_still_greets_by_turn_not_by_voice():
    store = MemoryStore()
    talk = _couple_with_a_reminder_and_a_voice(store)
    _event(talk, "SkillPermissionChanged", REMINDERS_SCOPE)
    later = Talk.on_store(store, user=USER)  # Alexa no longer sends a personId
    later.launch()
    assert "alexa:name" not in later.last["response"]["outputSpeech"]["ssml"]
    assert later.text


class _BrokenStore(MemoryStore):
    def get_attributes(self, request_envelope):
        raise StorageUnavailable("down")


def test_a_storage_fault_is_logged_and_the_event_still_answered(caplog):
    caplog.set_level(logging.ERROR)
    talk = Talk.on_store(_BrokenStore(), user=USER)
    answer = _event(talk, "SkillPermissionChanged")
    assert "error" not in answer and "outputSpeech" not in answer["response"]
    assert any("permission change" in r.getMessage() for r in caplog.records)

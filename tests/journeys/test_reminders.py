"""Daily reminders, through the real skill, with Alexa's APIs stubbed at the HTTP level.

The stub is the skill's ApiClient: it sees every request the SDK's service
clients make (method, URL, headers, JSON body) and answers like Alexa's
Settings and Reminders APIs would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

from support.conversation_driver import SKILL_ID, Talk
from trust_renewal.config import Config
from trust_renewal.content import load_content
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.handlers.reminders import REMINDERS_SCOPE, TOKEN_PREFIX, daily_rule, parse_time
from trust_renewal.render.markup import to_plain
from trust_renewal.skill import build_skill
from trust_renewal.storage.memory import MemoryStore

API = "https://api.amazonalexa.com"
ACCESS_TOKEN = "test-access-token"
DEVICE = "amzn1.ask.device.KITCHEN"
USER = "amzn1.ask.account.REMINDED"
ZONE = "America/Chicago"
GRANTED = {"scopes": {REMINDERS_SCOPE: {"status": "GRANTED"}}}


class AlexaApis(ApiClient):
    """Records every request; answers the time zone, and reminders with scripted statuses."""

    def __init__(self, create_status: int = 201, delete_status: int = 200) -> None:
        self.requests: list[ApiClientRequest] = []
        self.create_status = create_status
        self.delete_status = delete_status
        self.created = 0

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        self.requests.append(request)
        url, method = request.url, request.method
        if url == f"{API}/v2/devices/{DEVICE}/settings/System.timeZone" and method == "GET":
            return self._answer(200, ZONE)
        if url == f"{API}/v1/alerts/reminders" and method == "POST":
            if self.create_status >= 300:
                return self._answer(self.create_status, {"code": "ERROR", "message": "scripted"})
            self.created += 1
            return self._answer(self.create_status, {"alertToken": f"alert-{self.created}", "status": "ON"})
        if url.startswith(f"{API}/v1/alerts/reminders/") and method == "DELETE":
            if self.delete_status >= 300:
                return self._answer(self.delete_status, {"code": "ERROR", "message": "scripted"})
            return ApiClientResponse(headers=[], status_code=self.delete_status, body="")
        return self._answer(404, {"code": "NOT_FOUND", "message": url})

    @staticmethod
    def _answer(status: int, body: Any) -> ApiClientResponse:
        return ApiClientResponse(
            headers=[("Content-Type", "application/json")], status_code=status, body=json.dumps(body)
        )

    # -- what went over the wire ---------------------------------------------------------
    def calls(self, method: str, path: str = "/v1/alerts/reminders") -> list[ApiClientRequest]:
        return [r for r in self.requests if r.method == method and r.url.startswith(API + path)]

    @staticmethod
    def json_body(request: ApiClientRequest) -> dict[str, Any]:
        # A JSON client sends the serialized body as JSON text (as the SDK's default client does).
        headers = {k.lower(): v for k, v in request.headers}
        assert "json" in headers["content-type"]
        wire = request.body if isinstance(request.body, str) else json.dumps(request.body)
        return json.loads(wire)


class ReminderTalk(Talk):
    """A Talk whose envelopes carry an API token and, when granted, the reminders permission."""

    granted = False

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        if self.granted:
            envelope["context"]["System"]["user"]["permissions"] = GRANTED
        return super().send(envelope)

    def permission_answer(self, status: str, token: str) -> dict[str, Any]:
        """Alexa's Connections.Response after it asked for the permission (a new session)."""
        self.builder.end_session()
        envelope = self.builder.intent("AMAZON.NextIntent")  # a session and context as Alexa sends
        envelope["request"] = {
            "type": "Connections.Response",
            "requestId": "amzn1.echo-api.request.permission",
            "timestamp": envelope["request"]["timestamp"],
            "locale": envelope["request"]["locale"],
            "name": "AskFor",
            "status": {"code": "200", "message": "OK"},
            "payload": {"permissionScope": REMINDERS_SCOPE, "status": status},
            "token": token,
        }
        return self.send(envelope)


def _talk(store: MemoryStore, api: AlexaApis, locale: str = "en-US", token: str | None = ACCESS_TOKEN):
    skill = build_skill(Config(store="memory", skill_id=SKILL_ID), store, api_client=api)

    def handle(envelope: dict[str, Any]) -> dict[str, Any]:
        request = skill.serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        return skill.serializer.serialize(skill.invoke(request_envelope=request, context=None))

    builder = EnvelopeBuilder(
        SKILL_ID, user_id=USER, device_id=DEVICE, locale=locale, api_endpoint=API, api_access_token=token
    )
    builder.now = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)  # 1 p.m. in Chicago
    return ReminderTalk(handle, builder)


def _stored(store: MemoryStore) -> dict[str, Any]:
    from trust_renewal.storage.base import user_key

    return dict(store.records[user_key(USER)].values)


@pytest.fixture
def api() -> AlexaApis:
    return AlexaApis()


@pytest.fixture
def talk(store: MemoryStore, api: AlexaApis) -> ReminderTalk:
    t = _talk(store, api)
    t.launch()
    return t


def _phrase(key: str, **params: str) -> str:
    return to_plain(load_content("en-US").phrase(key), params)


# -- the AMAZON.TIME slot ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [("20:00", (20, 0)), ("08:30", (8, 30)), ("EV", (19, 0)), ("MO", (8, 0)), ("AF", (14, 0)),
     ("NI", (21, 0)), ("ev", (19, 0)), ("", None), ("25:00", None), ("tomorrow", None)],
)  # fmt: skip
def test_time_slot_values_become_an_hour_and_minute(value, expected):
    assert parse_time(value) == expected


# -- permission granted ----------------------------------------------------------------------------
def test_a_granted_reminder_is_daily_at_that_hour_in_the_device_time_zone(talk, api, store):
    before = _stored(store)
    talk.granted = True
    said = talk.say("SetReminderIntent", time="20:00")
    (post,) = api.calls("POST")
    assert post.url == f"{API}/v1/alerts/reminders"
    assert ("Authorization", f"Bearer {ACCESS_TOKEN}") in post.headers
    body = api.json_body(post)
    assert body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "timeZoneId": ZONE,
        "recurrence": {
            "startDateTime": "2026-11-21T13:00:00",
            "recurrenceRules": ["FREQ=DAILY;BYHOUR=20;BYMINUTE=0;BYSECOND=0;INTERVAL=1"],
        },
    }
    assert body["requestTime"] == "2026-11-21T13:00:00"  # local time, no offset, as the API wants
    assert body["alertInfo"] == {
        "spokenInfo": {"content": [{"locale": "en-US", "text": _phrase("reminder.spoken_text")}]}
    }
    assert body["pushNotification"] == {"status": "ENABLED"}
    assert _phrase("reminder.set", time="8 p.m.") in said and ".." not in said
    assert not talk.ended
    # Only the reminder's token and its time (for "what time is our reminder") are kept;
    # nothing else about the couple changed.
    after = _stored(store)
    assert after.pop("reminder_token") == "alert-1"
    assert after.pop("reminder_time") == "8 p.m."
    before.pop("reminder_token")
    before.pop("reminder_time")
    assert after == before


def test_a_time_said_alone_calls_the_reminders_api_only_after_the_time_question(talk, api):
    # "eight p m" said to each other near the device (TimeAloneIntent): nothing is created (issue 21).
    talk.granted = True
    said = talk.say("TimeAloneIntent", time="20:00")
    assert said.startswith("If you'd like a daily reminder at 8 p.m.,") and api.calls("POST") == []
    talk.say("SetReminderIntent")  # "remind us every day": what time?
    said = talk.say("TimeAloneIntent", time="20:00")
    (post,) = api.calls("POST")
    assert api.json_body(post)["trigger"]["recurrence"]["recurrenceRules"] == [daily_rule(20, 0)]
    assert _phrase("reminder.set", time="8 p.m.") in said


@pytest.mark.parametrize(("slot", "rule_hour", "said"), [("EV", 19, "7 p.m."), ("08:30", 8, "8:30 a.m.")])
def test_parts_of_the_day_and_minutes(talk, api, slot, rule_hour, said):
    talk.granted = True
    text = talk.say("SetReminderIntent", time=slot)
    if ":" in slot:  # a clock hour before noon could be either: asked once, answered "morning"
        assert text == _phrase("reminder.am_or_pm", time="8:30") and api.calls("POST") == []
        text = talk.say("SetReminderIntent", time="MO")
    else:  # "every evening": which time in the evening, never one chosen for them (issue 20)
        assert text == _phrase("reminder.part_of_day", part="evening") and api.calls("POST") == []
        text = talk.say("SetReminderIntent", time="07:00")  # "at seven"
    rule = api.json_body(api.calls("POST")[0])["trigger"]["recurrence"]["recurrenceRules"][0]
    assert rule == daily_rule(rule_hour, 30 if ":30" in slot else 0)
    assert f"BYHOUR={rule_hour};" in rule
    assert said in text


def test_no_time_means_a_question_not_a_reminder(talk, api):
    talk.granted = True
    text = talk.say("SetReminderIntent")
    assert _phrase("reminder.which_time") in text
    assert api.calls("POST") == [] and not talk.ended


def test_a_reminder_in_another_locale_speaks_that_locale(store, api):
    talk = _talk(store, api, locale="en-GB")
    talk.launch()
    talk.granted = True
    talk.say("SetReminderIntent", time="21:00")
    (content,) = api.json_body(api.calls("POST")[0])["alertInfo"]["spokenInfo"]["content"]
    assert content["locale"] == "en-GB"


def test_setting_a_new_time_replaces_the_old_reminder(talk, api, store):
    talk.granted = True
    talk.say("SetReminderIntent", time="20:00")
    talk.say("SetReminderIntent", time="07:00")
    # "At seven" answers nothing about morning or evening: asked once more (issue 20).
    text = talk.say("SetReminderIntent", time="07:00")
    assert text == _phrase("reminder.am_or_pm_again", time="7") and api.calls("DELETE") == []
    text = talk.say("SetReminderIntent", time="07:00")  # "seven a m", asked again: the morning
    (delete,) = api.calls("DELETE")
    assert delete.url == f"{API}/v1/alerts/reminders/alert-1"
    assert len(api.calls("POST")) == 2
    assert _phrase("reminder.moved", time="7 a.m.") in text
    assert _stored(store)["reminder_token"] == "alert-2"


# -- asking for the permission by voice -----------------------------------------------------------
def test_without_permission_alexa_asks_for_it_and_the_session_ends(talk, api):
    response = talk.send(talk.builder.intent("SetReminderIntent", {"time": "20:00"}))
    (directive,) = response["response"]["directives"]
    assert directive == {
        "type": "Connections.SendRequest",
        "name": "AskFor",
        "payload": {
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": REMINDERS_SCOPE, "consentLevel": "ACCOUNT"}],
        },
        "token": f"{TOKEN_PREFIX}20:00",
    }
    assert talk.ended and "reprompt" not in response["response"]
    assert _phrase("reminder.needs_permission", time="8 p.m.") in talk.text
    assert api.calls("POST") == []


def test_accepted_sets_the_reminder_asked_for(talk, api, store):
    talk.send(talk.builder.intent("SetReminderIntent", {"time": "19:00"}))
    token = talk.last["response"]["directives"][0]["token"]
    talk.granted = True
    talk.permission_answer("ACCEPTED", token)
    rule = api.json_body(api.calls("POST")[0])["trigger"]["recurrence"]["recurrenceRules"][0]
    assert rule == daily_rule(19, 0)
    assert _phrase("reminder.set", time="7 p.m.") in talk.text
    assert _stored(store)["reminder_token"] == "alert-1"


def test_accepted_works_even_before_the_context_shows_the_permission(talk, api):
    talk.permission_answer("ACCEPTED", f"{TOKEN_PREFIX}20:00")
    assert len(api.calls("POST")) == 1
    assert "directives" not in talk.last["response"] or not any(
        d["type"] == "Connections.SendRequest" for d in talk.last["response"]["directives"]
    )


@pytest.mark.parametrize(
    ("status", "key"), [("DENIED", "permission_denied"), ("NOT_ANSWERED", "permission_not_answered")]
)
def test_denied_or_unanswered_gets_kind_words_and_a_card_to_allow_it_later(talk, api, store, status, key):
    before = _stored(store)
    response = talk.permission_answer(status, f"{TOKEN_PREFIX}20:00")
    assert _phrase(f"reminder.{key}") in talk.text
    assert response["response"]["card"] == {
        "type": "AskForPermissionsConsent",
        "permissions": [REMINDERS_SCOPE],
    }
    assert api.calls("POST") == []
    assert _stored(store) == before


def test_a_reminder_refused_by_the_api_for_lack_of_permission_asks_again(talk, store):
    api = AlexaApis(create_status=401)
    talk = _talk(store, api)
    talk.launch()
    talk.granted = True  # the context says granted, but the user revoked it since
    response = talk.say("SetReminderIntent", time="20:00")
    directives = talk.last["response"].get("directives") or []
    assert [d["type"] for d in directives] == ["Connections.SendRequest"], response
    assert talk.ended


# -- stopping ----------------------------------------------------------------------------------------
def test_stop_the_reminders_deletes_the_stored_one(talk, api, store):
    talk.granted = True
    talk.say("SetReminderIntent", time="20:00")
    text = talk.say("StopRemindersIntent")
    (delete,) = api.calls("DELETE")
    assert delete.url == f"{API}/v1/alerts/reminders/alert-1"
    assert ("Authorization", f"Bearer {ACCESS_TOKEN}") in delete.headers
    assert _phrase("reminder.stopped") in text
    assert _stored(store)["reminder_token"] is None


def test_stop_with_no_reminder_says_so_and_calls_nothing(talk, api):
    text = talk.say("StopRemindersIntent")
    assert _phrase("reminder.none") in text
    assert api.calls("DELETE") == [] and api.calls("POST") == []


def test_a_reminder_already_removed_in_the_app_counts_as_stopped(talk, api, store):
    talk.granted = True
    talk.say("SetReminderIntent", time="20:00")
    api.delete_status = 404
    assert _phrase("reminder.stopped") in talk.say("StopRemindersIntent")
    assert _stored(store)["reminder_token"] is None


# -- failures ----------------------------------------------------------------------------------------
def test_an_api_failure_when_setting_is_an_apology_and_nothing_changes(store):
    api = AlexaApis(create_status=500)
    talk = _talk(store, api)
    talk.launch()
    before = _stored(store)
    talk.granted = True
    text = talk.say("SetReminderIntent", time="20:00")
    assert _phrase("reminder.failed") in text and not talk.ended
    assert _stored(store) == before


def test_an_api_failure_when_stopping_keeps_the_reminder_token(talk, api, store):
    talk.granted = True
    talk.say("SetReminderIntent", time="20:00")
    api.delete_status = 500
    assert _phrase("reminder.stop_failed") in talk.say("StopRemindersIntent")
    assert _stored(store)["reminder_token"] == "alert-1"


def test_without_api_access_nothing_is_called_and_the_skill_apologises(store, api):
    talk = _talk(store, api, token=None)  # the local chat: no access token
    talk.launch()
    talk.granted = True
    assert _phrase("reminder.failed") in talk.say("SetReminderIntent", time="20:00")
    assert api.requests == []


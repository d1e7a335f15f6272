"""The device time zone through ``lambda_handler``: asked at most once a day per device, kept with the record.

Alexa's Settings API is a real HTTP server on loopback (``settings_stub``); the
skill reaches it through its ``ALEXA_API_URL`` setting, DynamoDB is moto.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from support.lambda_support import lambda_on_moto, talk_to
from support.settings_stub import settings_stub
from trust_renewal.handlers.time_zones import MAX_DEVICES

LIVING_ROOM = "amzn1.ask.device.LIVINGROOM"
KITCHEN = "amzn1.ask.device.KITCHEN"
TOKEN = "an-api-access-token"
# 19:00 UTC on the 21st is 08:00 on the 22nd in Auckland (UTC+13 in November).
EVENING_UTC = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)


@pytest.fixture
def stub():
    with settings_stub() as running:
        running.zone = "Pacific/Auckland"
        yield running


@pytest.fixture
def skill(monkeypatch, stub):
    """``lambda_function`` on moto, its Alexa API client pointed at the stub."""
    monkeypatch.setenv("ALEXA_API_URL", stub.url)
    yield from lambda_on_moto(monkeypatch)


def session(module, when: datetime, device: str = LIVING_ROOM, user: str | None = None) -> dict:
    """One short session (open, then stop); the state the skill kept in the session."""
    talk = talk_to(module, api_access_token=TOKEN, device_id=device, **({"user": user} if user else {}))
    talk.builder.now = when
    talk.launch()
    state = dict(talk.builder.attributes["state"])
    talk.say("AMAZON.StopIntent")
    return state


def test_twenty_sessions_of_one_device_on_one_day_ask_once_and_the_next_day_once_more(skill, stub):
    days = []
    for n in range(20):
        days.append(session(skill, EVENING_UTC + timedelta(minutes=10 * n))["today_date"])
    assert stub.zone_calls() == 1
    assert set(days) == {"2026-11-22"}, "every session counted the day in Auckland"
    assert stub.requests[0]["authorization"] == f"Bearer {TOKEN}"
    assert stub.requests[0]["path"] == f"/v2/devices/{LIVING_ROOM}/settings/System.timeZone"
    next_day = session(skill, EVENING_UTC + timedelta(days=1))
    assert stub.zone_calls() == 2
    assert next_day["today_date"] == "2026-11-23"


def test_a_second_device_is_asked_for_its_own_zone(skill, stub):
    session(skill, EVENING_UTC)
    stub.zone = "America/Chicago"
    kitchen = session(skill, EVENING_UTC + timedelta(minutes=5), device=KITCHEN)
    assert kitchen["today_date"] == "2026-11-21"  # 13:00 in Chicago
    again = session(skill, EVENING_UTC + timedelta(minutes=10))
    assert again["today_date"] == "2026-11-22"  # the living room is still in Auckland
    assert stub.zone_calls() == 2


def test_when_the_api_fails_the_kept_zone_stands(skill, stub):
    session(skill, EVENING_UTC)
    stub.zone = None  # the Settings API answers 500 from now on
    next_day = session(skill, EVENING_UTC + timedelta(days=1))
    assert next_day["today_date"] == "2026-11-23", "Auckland's date, from the kept zone"
    assert stub.zone_calls() == 2


def test_with_no_zone_kept_a_failed_lookup_means_utc(skill, stub):
    stub.zone = None
    first = session(skill, EVENING_UTC)
    assert first["today_date"] == "2026-11-21"
    assert first["zones"] == []
    second = session(skill, EVENING_UTC + timedelta(minutes=30))
    assert second["today_date"] == "2026-11-21"
    assert stub.zone_calls() == 2, "nothing kept, so the next session tries again"


def test_a_zone_name_this_runtime_cannot_use_is_refused_and_utc_is_used(skill, stub):
    stub.zone = "Mars/Olympus_Mons"
    assert session(skill, EVENING_UTC)["today_date"] == "2026-11-21"


def test_the_record_keeps_hashed_device_ids_and_a_bounded_number_of_devices(skill, stub):
    devices = [f"amzn1.ask.device.SPEAKER-{n}" for n in range(MAX_DEVICES + 3)]
    for n, device in enumerate(devices):
        state = session(skill, EVENING_UTC + timedelta(minutes=n), device=device)
    kept = state["zones"]
    assert len(kept) == MAX_DEVICES
    assert all(device not in str(kept) for device in devices), "no raw device IDs in the record"
    # The newest device is kept: its next session today asks nothing.
    calls = stub.zone_calls()
    session(skill, EVENING_UTC + timedelta(hours=1), device=devices[-1])
    assert stub.zone_calls() == calls
    # The oldest fell out: it is asked again.
    session(skill, EVENING_UTC + timedelta(hours=1), device=devices[0])
    assert stub.zone_calls() == calls + 1


def test_sessions_of_a_process_reuse_one_connection(skill, stub):
    for n in range(5):
        user = f"amzn1.ask.account.COUPLE-{n}"  # five households: five lookups
        session(skill, EVENING_UTC, user=user)
    assert stub.zone_calls() == 5
    assert stub.connections == 1, "the keep-alive pool carried every call"


def test_without_an_api_token_nothing_is_asked_and_the_day_is_utc(skill, stub):
    talk = talk_to(skill, device_id=LIVING_ROOM)  # no apiAccessToken: a local envelope
    talk.builder.now = EVENING_UTC
    talk.launch()
    assert talk.builder.attributes["state"]["today_date"] == "2026-11-21"
    assert stub.zone_calls() == 0

"""Help that serves everyone, where they are (issue 22), through ``lambda_handler`` on moto.

The device's time zone comes from Alexa's Settings API, here a real HTTP server
on loopback (``settings_stub``); it chooses the country's lines when it names
one country, else the locale does. Then: who each reply serves, danger first,
each number once, the reply about someone else, hopelessness asked about, the
pause that lasts into the next session, and the answers after a disclosure.
"""

from __future__ import annotations

import io
import json
import re
import sys

import pytest

from support.lambda_support import lambda_on_moto, stored_item, talk_to
from support.settings_stub import settings_stub
from trust_renewal.content import load_content
from trust_renewal.content.model import SafetyNumber
from trust_renewal.handlers.countries import country_of, country_of_zone

TOKEN = "an-api-access-token"
CONTENT = load_content("en-US")
EMERGENCY = {"US": "911", "GB": "999", "CA": "911", "AU": "000", "IN": "112"}
ROUTE_INTENTS = {
    "SelfHarmIntent": "self_harm",
    "HarmDoneIntent": "harm_done",
    "WorryAboutSomeoneIntent": "someone_else",
    "AbuseIntent": "abuse",
    "SafetyIntent": "danger",
}
_NUMBER = re.compile(r'<prosody rate="slow">(.*?)</prosody>')
_DIGITS = re.compile(r'<say-as interpret-as="digits">(\d+)</say-as>')


@pytest.fixture
def stub():
    with settings_stub() as running:
        yield running


@pytest.fixture
def skill(monkeypatch, stub):
    monkeypatch.setenv("ALEXA_API_URL", stub.url)
    yield from lambda_on_moto(monkeypatch)


def device(skill, stub, locale: str, zone: str, who: str = "couple"):
    """A conversation with a device set to ``zone`` (a fresh couple, a fresh device)."""
    stub.zone = zone
    safe = re.sub(r"[^A-Za-z0-9]", "", f"{who}{locale}{zone}")
    return talk_to(
        skill,
        user=f"amzn1.ask.account.{safe}",
        locale=locale,
        api_access_token=TOKEN,
        device_id=f"amzn1.ask.device.{safe}",
    )


def said_in_order(talk) -> list[str]:
    """Every phone number read digit by digit, in the order said (repeats kept)."""
    ssml = talk.last["response"]["outputSpeech"]["ssml"]
    return ["".join(_DIGITS.findall(block)) for block in _NUMBER.findall(ssml)]


def _digits(number: SafetyNumber) -> str:
    return re.sub(r"\D", "", number.number)


def numbers_heard(talk, country: str) -> list[SafetyNumber]:
    """The numbers of ``country`` the last reply said, as safety.json describes them."""
    by_digits = {_digits(n): n for n in CONTENT.crisis_lines[country].numbers.values()}
    heard = said_in_order(talk)
    assert all(d in by_digits for d in heard), (heard, country)
    return [by_digits[d] for d in heard]


def serving(numbers: list[SafetyNumber], who: str, region: str | None) -> list[SafetyNumber]:
    return [n for n in numbers if n.serves(who, region) and n.role != "emergency"]


# -- the country from where the device is ------------------------------------------------
@pytest.mark.parametrize(
    ("zone", "locale", "country"),
    [
        ("America/Toronto", "en-US", "CA"),  # a Canadian with an American device
        ("America/New_York", "en-CA", "US"),
        ("Australia/Sydney", "en-GB", "AU"),  # a Briton with a British device in Sydney
        ("Asia/Kolkata", "en-US", "IN"),
        ("Europe/London", "en-AU", "GB"),
        ("Europe/Paris", "en-GB", "GB"),  # not one of ours: the locale decides
        ("America/Mexico_City", "en-US", "US"),
        ("UTC", "en-IN", "IN"),  # no zone known: the locale decides
    ],
)
def test_the_time_zone_chooses_the_country_when_it_names_one_else_the_locale(
    skill, stub, zone, locale, country
):
    talk = device(skill, stub, locale, zone)
    talk.launch()
    talk.say("SafetyIntent")
    assert said_in_order(talk)[0] == EMERGENCY[country]
    assert {n.number for n in numbers_heard(talk, country)} >= {
        CONTENT.crisis_lines[country].numbers["emergency"].number
    }
    assert country_of(zone, locale) == country


def test_zones_shared_by_no_country_we_know_name_none():
    assert country_of_zone("America/Toronto") == "CA" and country_of_zone("America/Vancouver") == "CA"
    assert country_of_zone("America/Chicago") == "US" and country_of_zone("Pacific/Honolulu") == "US"
    assert country_of_zone("Asia/Calcutta") == "IN" and country_of_zone("Australia/Perth") == "AU"
    assert country_of_zone("Europe/Dublin") is None and country_of_zone("") is None


# -- who each reply serves -----------------------------------------------------------------
def test_a_man_in_england_hears_a_line_for_men_and_one_open_at_any_hour(skill, stub):
    talk = device(skill, stub, "en-GB", "Europe/London", who="man")
    talk.say("AbuseIntent")
    heard = numbers_heard(talk, "GB")
    text = talk.text
    assert any(n.role == "abuse" and n.who == "men" for n in serving(heard, "man", "ENG"))
    assert any(n.always for n in serving(heard, "man", "ENG")), "someone to call at night too"
    # Each line says who it is for, in a few words.
    assert "For women, day or night" in text and "For men, on weekdays" in text
    assert "In Scotland, for anyone" in text and "In Wales, for anyone" in text


def test_a_woman_in_ontario_with_an_american_device_hears_the_ontario_line(skill, stub):
    talk = device(skill, stub, "en-US", "America/Toronto", who="woman")
    talk.say("AbuseIntent")
    heard = numbers_heard(talk, "CA")
    assert "18668630511" in said_in_order(talk)
    assert any(n.always and n.role == "abuse" for n in serving(heard, "woman", "ON"))
    assert "18007997233" not in said_in_order(talk), "not the US hotline"


def test_a_man_in_quebec_hears_a_line_open_to_him_day_and_night(skill, stub):
    talk = device(skill, stub, "en-CA", "America/Toronto", who="man")  # Montreal keeps Toronto's zone
    talk.say("AbuseIntent")
    heard = numbers_heard(talk, "CA")
    quebec = [n for n in serving(heard, "man", "QC") if n.role == "abuse" and n.always]
    assert quebec and "In Quebec, for anyone" in talk.text


def test_anyone_in_west_bengal_hears_a_line_that_is_run_there(skill, stub):
    talk = device(skill, stub, "en-IN", "Asia/Kolkata", who="anyone")
    for intent in ("AbuseIntent", "SelfHarmIntent", "SafetyIntent"):
        talk.say(intent)
        heard = numbers_heard(talk, "IN")
        assert any(n.always for n in serving(heard, "man", "WB")), intent
        assert any(n.always for n in serving(heard, "woman", "WB")), intent
        assert said_in_order(talk).count("14416") == 1, intent
    talk.say("AbuseIntent")
    assert "except West Bengal" in talk.text  # 181 says where it is not run


@pytest.mark.parametrize("country", sorted(CONTENT.crisis_lines))
@pytest.mark.parametrize("intent", ["SelfHarmIntent", "AbuseIntent", "SafetyIntent"])
def test_every_caller_whatever_their_gender_or_region_has_a_line_open_day_and_night(
    skill, stub, country, intent
):
    zone = {"US": "America/Chicago", "GB": "Europe/London", "CA": "America/Winnipeg",
            "AU": "Australia/Perth", "IN": "Asia/Kolkata"}[country]  # fmt: skip
    talk = device(skill, stub, "en-US", zone)
    talk.say(intent)
    heard = numbers_heard(talk, country)
    line = CONTENT.crisis_lines[country]
    regions = {None} | {r for n in line.numbers.values() for r in (*n.regions, *n.except_regions)}
    for who in ("woman", "man"):
        for region in regions:
            assert any(n.always for n in serving(heard, who, region)), (who, region)


# -- danger first, each number once -----------------------------------------------------------
@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
@pytest.mark.parametrize("intent", ["SafetyIntent", "HarmDoneIntent"])
def test_danger_now_and_a_step_taken_say_the_emergency_number_first(skill, stub, locale, intent):
    talk = device(skill, stub, locale, "UTC")
    talk.say(intent)
    country = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}[locale]
    first_sentence = re.split(r"(?<=[.!?])\s", talk.text, maxsplit=1)[0]
    assert EMERGENCY[country] in first_sentence, talk.text
    assert said_in_order(talk)[0] == EMERGENCY[country]


def test_i_took_too_many_pills_hears_the_emergency_number_first_in_the_chat(monkeypatch, capsys, tmp_path):
    from trust_renewal.cli.main import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("Alexa, tell trust renewal I took too many pills\n"))
    main(["chat", "--db", str(tmp_path / "p.sqlite3")])
    reply = capsys.readouterr().out.split("Alexa: ", 1)[1]
    assert reply.startswith("Call 911 now."), reply
    assert "988" in reply


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_no_number_is_said_twice_in_one_reply(skill, stub, locale):
    talk = device(skill, stub, locale, "UTC")
    talk.launch()
    for intent in (*ROUTE_INTENTS, "AMAZON.RepeatIntent", "AMAZON.YesIntent", "FindSupportIntent"):
        talk.say(intent)
        heard = said_in_order(talk)
        assert len(heard) == len(set(heard)), (intent, heard)
    # Slowly, digit by digit: every number sits in a slow prosody block.
    assert '<prosody rate="slow">' in talk.last["response"]["outputSpeech"]["ssml"]


# -- worry about someone else -------------------------------------------------------------------
def test_worry_about_a_partners_suicide_threats_is_answered_to_the_one_worried(skill, stub):
    talk = device(skill, stub, "en-US", "America/New_York")
    text = talk.say("WorryAboutSomeoneIntent")
    assert "What you're feeling matters" not in text
    assert "for them, or with them" in text and "worried about someone" in text
    assert "controlling you" in text and "When you can talk privately" in text
    assert said_in_order(talk) == ["988", "911", "18007997233"]
    assert not talk.ended


def test_the_chat_hears_my_husband_says_he_wants_to_kill_himself_as_worry(monkeypatch, capsys, tmp_path):
    from trust_renewal.cli.main import main

    typed = "Alexa, tell trust renewal my husband says he wants to kill himself\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    main(["chat", "--db", str(tmp_path / "p.sqlite3")])
    out = capsys.readouterr().out
    assert "for them, or with them" in out and "What you're feeling matters" not in out


# -- hopelessness -----------------------------------------------------------------------------------
def test_hopelessness_is_asked_about_plainly_and_a_yes_takes_the_self_harm_route(skill, stub):
    talk = device(skill, stub, "en-GB", "Europe/London")
    talk.launch()
    asked = talk.say("HopelessIntent")
    assert asked.endswith("are you having thoughts of ending your life?")
    assert not said_in_order(talk) and not talk.ended
    text = talk.say("AMAZON.YesIntent")
    assert said_in_order(talk) == ["116123", "999"]
    assert "distance between you and anything you could use to hurt yourself" in text
    assert "someone you trust" in text and text.endswith("are you safe right now?")


def test_no_to_the_hopelessness_question_is_heard_warmly_without_numbers(skill, stub):
    talk = device(skill, stub, "en-US", "America/Chicago")
    talk.say("HopelessIntent")
    text = talk.say("AMAZON.NoIntent")
    assert "thoughts of ending your life ever come" in text and "slow breath" in text
    assert not said_in_order(talk)
    assert "breathe in slowly" in talk.say("AMAZON.YesIntent")


# -- after a disclosure: yes and stop -----------------------------------------------------------------
def test_after_self_harm_yes_im_safe_is_met_warmly_and_no_brings_the_emergency_number(skill, stub):
    talk = device(skill, stub, "en-AU", "Australia/Sydney")
    talk.say("SelfHarmIntent")
    assert talk.text.endswith("are you safe right now?")
    safe = talk.say("AMAZON.YesIntent")
    assert safe.startswith("I'm glad") and "Let's leave the exercises" not in safe
    other = device(skill, stub, "en-AU", "Australia/Sydney", who="other")
    other.say("SelfHarmIntent")
    not_safe = other.say("AMAZON.NoIntent")
    assert not_safe.startswith("Call triple zero, 000, now.")
    assert said_in_order(other) == ["000", "131114"]


def test_after_abuse_yes_gives_the_numbers_again_and_stop_closes_warmly(skill, stub):
    talk = device(skill, stub, "en-GB", "Europe/London")
    talk.say("AbuseIntent")
    first = said_in_order(talk)
    again = talk.say("AMAZON.YesIntent")
    assert again.startswith("All right. Here they are again, slowly.")
    assert said_in_order(talk) == first and not talk.ended
    goodbye = talk.say("AMAZON.StopIntent")
    assert talk.ended and "each other" not in goodbye and "find support" in goodbye


# -- the pause that lasts ----------------------------------------------------------------------------
def test_after_abuse_the_exercises_stay_paused_into_the_next_session_until_an_informed_yes(skill, stub):
    talk = device(skill, stub, "en-US", "America/Chicago", who="paused")
    talk.launch()
    talk.say("AMAZON.YesIntent")  # the first exercise begins
    talk.say("AbuseIntent")
    talk.say("AMAZON.StopIntent")
    # The record keeps a neutral flag, and nothing of what was said.
    item = stored_item(skill, user=talk.builder.user_id)
    record = json.dumps(item)
    assert '"exercises_paused": {"BOOL": true}' in record
    assert "hit" not in record.lower() and "abuse" not in record.lower()

    later = device(skill, stub, "en-US", "America/Chicago", who="paused")
    opening = later.launch()
    assert "exercises are paused" in opening and "both partners feel safe" in opening
    assert "find support" in opening and "begin" not in opening.lower() and "?" not in opening
    for ask in ("TodaysExerciseIntent", "AMAZON.NextIntent", "AMAZON.YesIntent", "GoToStepIntent"):
        assert "exercises are paused" in later.say(ask), ask
    support = later.say("FindSupportIntent")
    assert "18007997233" in said_in_order(later) and "counselor" in support
    # Only an informed choice brings them back: what they are for, then yes.
    confirm = later.say("AMAZON.ResumeIntent")
    assert "both partners feel safe with each other" in confirm and "neither is afraid" in confirm
    assert "stay paused" in later.say("AMAZON.NoIntent")
    assert "exercises are paused" in later.say("TodaysExerciseIntent")
    later.say("AMAZON.ResumeIntent")
    assert "exercises are back" in later.say("AMAZON.YesIntent")
    later.say("AMAZON.StopIntent")
    back = device(skill, stub, "en-US", "America/Chicago", who="paused").launch()
    assert "paused" not in back and "?" in back  # an exercise is offered again


def test_self_harm_alone_does_not_pause_the_exercises_for_later_sessions(skill, stub):
    talk = device(skill, stub, "en-US", "America/Chicago", who="selfharm")
    talk.launch()
    talk.say("SelfHarmIntent")
    talk.say("AMAZON.StopIntent")
    assert "paused" not in device(skill, stub, "en-US", "America/Chicago", who="selfharm").launch()


# -- the chat plays the device's time zone ---------------------------------------------------------------
def test_the_chat_time_zone_option_plays_the_devices_setting(monkeypatch, capsys, tmp_path):
    from trust_renewal.cli.main import main

    typed = "Alexa, tell trust renewal my wife hits me\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    main(["chat", "--db", str(tmp_path / "p.sqlite3"), "--time-zone", "America/Toronto"])
    out = capsys.readouterr().out
    assert "Assaulted Women's Helpline" in out and "1 866 863 0511" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    main(["chat", "--db", str(tmp_path / "p.sqlite3")])
    assert "1 800 799 7233" in capsys.readouterr().out  # without it, the en-US locale decides


def test_the_chat_refuses_an_unknown_time_zone(capsys, tmp_path):
    from trust_renewal.cli.main import main

    assert main(["chat", "--db", str(tmp_path / "p.sqlite3"), "--time-zone", "Mars/Olympus"]) == 2
    assert "unknown time zone" in capsys.readouterr().err

"""Guided-session journeys through the real entry points: names, turns, time zones, safety, Flask."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ask_sdk_model.services import ApiClient, ApiClientResponse

from support.conversation_driver import SKILL_ID, Talk
from support.lambda_support import talk_to
from trust_renewal.config import Config
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.runtime import SkillRuntime
from trust_renewal.skill import build_skill
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.web.app import create_app


class SettingsApi(ApiClient):
    """Alexa's Settings API at the HTTP level: answers the time-zone request, or fails."""

    def __init__(self, zone: str | None) -> None:
        self.zone = zone
        self.requests: list[str] = []

    def invoke(self, request):
        self.requests.append(request.url)
        if self.zone is None:
            return ApiClientResponse(headers=[], status_code=500, body='{"message": "unavailable"}')
        return ApiClientResponse(
            headers=[("Content-Type", "application/json")], status_code=200, body=json.dumps(self.zone)
        )


def _with_settings_api(module, api: SettingsApi) -> None:
    runtime = module._runtime
    runtime._skill = build_skill(runtime.config, runtime.store, api_client=api)


def _device_talk(module, when: datetime) -> Talk:
    talk = talk_to(module, api_access_token="a-token", device_id="amzn1.ask.device.LIVINGROOM")
    talk.builder.now = when
    return talk


def test_names_and_turns_through_lambda(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    turn_ex = next(ex for ex in content.path if ex.prompts[0].turns)
    step = content.step_of(turn_ex.id)
    talk.say("GoToStepIntent", stepNumber=str(step.number))
    while talk.builder.attributes["state"]["offer_target"] != turn_ex.id:
        talk.say("SkipIntent")
    text = talk.say("AMAZON.YesIntent")
    assert text.index("Maya") < text.rindex("Jordan")  # Maya speaks first, Jordan listens
    assert "Jordan, tell Maya what you heard" in talk.say("TurnDoneIntent")
    assert "switch" in talk.say("TurnDoneIntent")
    # Later handoffs are short, and name who says back what they heard.
    assert "Now Maya, tell Jordan what you heard" in talk.say("TurnDoneIntent")
    talk.say("TurnDoneIntent")
    assert talk.builder.attributes["state"]["prompt"] == 1
    # The names are kept for the next session.
    again = talk_to(lambda_module)
    again.launch()
    assert again.builder.attributes["state"]["names"] == ["Maya", "Jordan"]


def test_without_names_turns_say_partner_one_and_two(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("AMAZON.NoIntent")
    turn_ex = next(ex for ex in content.path if ex.prompts[0].turns)
    talk.say("GoToStepIntent", stepNumber=str(content.step_of(turn_ex.id).number))
    while talk.builder.attributes["state"]["offer_target"] != turn_ex.id:
        talk.say("SkipIntent")
    text = talk.say("AMAZON.YesIntent").lower()
    assert "partner one" in text and "partner two" in text


def test_todays_exercise_follows_the_device_time_zone_across_midnight(lambda_module, content):
    api = SettingsApi("Pacific/Auckland")  # UTC+13 in November
    _with_settings_api(lambda_module, api)
    evening = _device_talk(lambda_module, datetime(2026, 11, 21, 9, 0, tzinfo=UTC))  # 22:00 on the 21st there
    evening.launch()
    evening.say("AMAZON.YesIntent")
    evening.finish_exercise()
    evening.say("AMAZON.StopIntent")
    assert api.requests == [
        "https://api.amazonalexa.com/v2/devices/amzn1.ask.device.LIVINGROOM/settings/System.timeZone"
    ], "asked once per session"
    # Three hours later it is already the 22nd in Auckland (still the 21st in UTC): a new exercise.
    after_midnight = _device_talk(lambda_module, datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    text = after_midnight.launch()
    assert "Today's exercise is" in text and content.path[1].title in text
    assert after_midnight.builder.attributes["state"]["today_date"] == "2026-11-22"


def test_when_the_settings_api_fails_the_day_is_utc_and_nothing_is_said_about_it(lambda_module, content):
    api = SettingsApi(None)
    _with_settings_api(lambda_module, api)
    evening = _device_talk(lambda_module, datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    evening.launch()
    evening.say("AMAZON.YesIntent")
    evening.finish_exercise()
    evening.say("AMAZON.StopIntent")
    later = _device_talk(lambda_module, datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    text = later.launch()
    # Still the 21st in UTC: today's exercise is done; the next is offered as optional.
    assert "already done today's exercise" in text
    assert later.builder.attributes["state"]["today_date"] == "2026-11-21"
    assert "sorry" not in text.lower()
    assert len(api.requests) == 2  # tried once per session, then UTC


def test_safety_mid_exercise_gives_the_countrys_line_and_keeps_the_place(lambda_module, content):
    talk = talk_to(lambda_module, locale="en-GB")
    talk.launch()
    talk.say("AMAZON.YesIntent")
    talk.say("AMAZON.NextIntent")
    place = {k: talk.builder.attributes["state"][k] for k in ("exercise_id", "prompt")}
    text = talk.say("SafetyIntent")
    assert not talk.ended and "safety comes first" in text
    gb = content.crisis_lines["GB"]
    from trust_renewal.render.markup import to_plain

    said = [gb.numbers[i] for i in gb.routes["danger"]]
    assert all(to_plain(number.call).replace("-", " ") in text for number in said)
    assert not talk.card  # nothing goes to the shared Alexa app unless asked
    talk.say("AMAZON.StopIntent")
    # The exercises stay paused, but the couple's place is kept for when they resume.
    later = talk_to(lambda_module, locale="en-GB")
    assert "exercises are paused" in later.launch()
    assert {k: later.builder.attributes["state"][k] for k in place} == place


def test_the_same_conversation_through_the_flask_app():
    store = MemoryStore()
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=store)
    client = create_app(runtime, verify=False).test_client()

    def post(envelope):
        answer = client.post("/", json=envelope)
        assert answer.status_code == 200
        return answer.get_json()

    talk = Talk(post, EnvelopeBuilder(SKILL_ID, user_id="amzn1.ask.account.WEB"))
    assert "not therapy" in talk.launch()
    talk.say("AMAZON.YesIntent")
    talk.say("AMAZON.NextIntent")
    talk.say("AMAZON.StopIntent")
    assert talk.ended and store.writes >= 2
    again = Talk(post, EnvelopeBuilder(SKILL_ID, user_id="amzn1.ask.account.WEB"))
    assert "part 2" in again.launch()

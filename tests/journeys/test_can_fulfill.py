"""Name-free requests: the skill claims only what it can do for anyone, with no session and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.conversation_driver import SKILL_ID
from support.lambda_support import can_fulfill
from trust_renewal.config import Config
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.runtime import SkillRuntime
from trust_renewal.storage.memory import MemoryStore

MANIFEST = json.loads((Path(__file__).resolve().parents[2] / "interaction_model" / "skill.json").read_text())


def _ask(intent: str, slots: dict | None = None, locale: str = "en-US") -> tuple[dict, MemoryStore]:
    store = MemoryStore()
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=store)
    builder = EnvelopeBuilder(SKILL_ID, user_id="amzn1.ask.account.NAMEFREE", locale=locale)
    slots = {k: {"name": k, "value": v} for k, v in (slots or {}).items()}
    envelope = builder.event("CanFulfillIntentRequest", intent={"name": intent, "slots": slots})
    answer = runtime.handle(envelope)
    assert "error" not in answer and "outputSpeech" not in answer["response"]
    return answer["response"]["canFulfillIntent"], store


def test_the_interface_is_declared():
    assert {"type": "CAN_FULFILL_INTENT_REQUEST"} in MANIFEST["manifest"]["apis"]["custom"]["interfaces"]


@pytest.fixture(scope="module")
def matcher():
    from trust_renewal.cli.matcher import Matcher

    return Matcher.for_locale("en-US", skill_id=SKILL_ID)


@pytest.fixture
def on_lambda(monkeypatch):
    from support.lambda_support import lambda_on_moto

    yield from lambda_on_moto(monkeypatch)


@pytest.mark.parametrize(
    "said",
    [
        "what's today's step in rebuilding trust",
        "help us with our trust exercise tonight",
        "how are we doing with rebuilding trust",
        "what's our progress on the apology exercise",
    ],
)
def test_a_request_that_names_the_program_is_yes(on_lambda, matcher, said):
    verdict = can_fulfill(on_lambda, matcher, said)
    assert verdict["canFulfill"] == "YES"
    assert verdict["slots"] == {"programName": {"canUnderstand": "YES", "canFulfill": "YES"}}


@pytest.mark.parametrize(
    "said",
    ["what are we doing today", "where are we", "give us an update", "how are we doing", "go to step four"],
)
def test_a_generic_question_is_no_so_the_program_never_opens_for_anyone_who_asks(on_lambda, matcher, said):
    # Someone in the household asking this must not land in a betrayal-recovery program.
    assert can_fulfill(on_lambda, matcher, said)["canFulfill"] == "NO"


@pytest.mark.parametrize("intent", ["TodaysExerciseIntent", "ProgressIntent"])
def test_today_or_progress_without_naming_the_program_is_no_and_stores_nothing(intent):
    verdict, store = _ask(intent)
    assert verdict["canFulfill"] == "NO"
    assert store.records == {} and store.writes == 0  # asking is not using: nothing stored


@pytest.mark.parametrize(
    "slots",
    [
        {"topic": "forgiveness"},
        {"stepNumber": "4"},
        {"topic": "gardening"},
        {"stepNumber": "12"},
        {"stepNumber": "13"},
        {"stepNumber": "0"},
        {},
    ],
)
def test_a_step_by_number_or_topic_names_no_program_and_is_no(slots):
    assert _ask("GoToStepIntent", slots)[0]["canFulfill"] == "NO"


@pytest.mark.parametrize(
    "intent",
    [
        "AMAZON.NextIntent",
        "TurnDoneIntent",
        "SafetyIntent",
        "DeleteDataIntent",
        "SetReminderIntent",
        "PlaySound",
    ],
)
def test_what_needs_a_session_or_belongs_to_alexa_is_no(intent):
    assert _ask(intent)[0]["canFulfill"] == "NO"

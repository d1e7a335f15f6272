"""Name-free requests: the skill claims only what it can do for anyone, with no session and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.conversation_driver import SKILL_ID
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


@pytest.mark.parametrize("intent", ["TodaysExerciseIntent", "ProgressIntent"])
def test_what_works_for_anyone_from_anywhere_is_yes(intent):
    verdict, store = _ask(intent)
    assert verdict["canFulfill"] == "YES"
    assert store.records == {} and store.writes == 0  # asking is not using: nothing stored


def test_a_step_by_a_topic_of_ours_is_yes_and_the_slot_understood():
    verdict, _ = _ask("GoToStepIntent", {"topic": "forgiveness"})
    assert verdict == {
        "canFulfill": "YES",
        "slots": {"topic": {"canUnderstand": "YES", "canFulfill": "YES"}},
    }


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_a_step_number_of_the_program_is_yes_in_every_locale(locale):
    verdict, _ = _ask("GoToStepIntent", {"stepNumber": "4"}, locale=locale)
    assert verdict["canFulfill"] == "YES"


@pytest.mark.parametrize(
    ("slots", "slot"),
    [
        ({"topic": "gardening"}, "topic"),
        ({"stepNumber": "13"}, "stepNumber"),
        ({"stepNumber": "0"}, "stepNumber"),
    ],
)
def test_a_step_or_topic_we_do_not_have_is_no(slots, slot):
    verdict, _ = _ask("GoToStepIntent", slots)
    assert verdict["canFulfill"] == "NO"
    assert verdict["slots"][slot] == {"canUnderstand": "NO", "canFulfill": "NO"}


def test_a_step_with_no_number_or_topic_is_no():
    assert _ask("GoToStepIntent")[0]["canFulfill"] == "NO"


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

"""Random and mutated envelopes thrown at both front doors: nothing escapes, every answer is clean.

(a) ``lambda_function.lambda_handler``, loaded the way Lambda loads it, with the
environment set first; (b) the Flask app with verification off (a signature
would stop mutations at the door, before they reach anything interesting).
Each answer must be a response envelope whose SSML Alexa would accept, or a
clean refusal; never an exception, a 5xx, or a traceback.

``FUZZ_EXAMPLES`` and ``OUTCOMES`` are plain module data so a figures script
can report how many examples ran and how they ended.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trust_renewal.config import Config
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.interaction_models import language_model, load_model
from trust_renewal.render.ssml import problems
from trust_renewal.runtime import SkillRuntime
from trust_renewal.storage.memory import MemoryStore
from trust_renewal.web.app import create_app

FUZZ_EXAMPLES = 150  # per property; five properties below
OUTCOMES: dict[str, Counter[str]] = {"lambda": Counter(), "web": Counter()}

# Nothing listens here: the skill's time-zone lookup fails at once and falls
# back to UTC, so no test reaches the internet.
OFFLINE_API = "https://127.0.0.1:9"
SKILL_ID = "amzn1.ask.skill.fuzz-trust-renewal"
LAMBDA_FUNCTION = Path(__file__).resolve().parents[2] / "lambda" / "lambda_function.py"

# Derandomized: the same examples every run, so the suite (and any figures) are reproducible.
FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- inputs -------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=16,
)


def _intents() -> list[tuple[str, list[str]]]:
    intents = language_model(load_model("en-US"))["intents"]
    return [(i["name"], [s["name"] for s in i.get("slots", [])]) for i in intents]


INTENTS = _intents()
# Strings no speech recognizer produces but a raw request can carry: NUL, a lone
# surrogate (JSON "\ud800"), a non-character, XML specials.
NASTY = ["\x00", "\x0b", "\ud800", "\ufffe", "&<>\"'", "]]>", "<speak>", "3", "forgiveness", "7 pm"]
strings = st.text(max_size=30) | st.sampled_from(NASTY)


@st.composite
def valid_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed envelope: launch, an intent from the model (mid-session or not), or an event."""
    locale = draw(st.sampled_from(["en-US", "en-GB", "en-IN"]))
    builder = EnvelopeBuilder(skill_id=SKILL_ID, api_endpoint=OFFLINE_API, locale=locale)
    kind = draw(st.sampled_from(["launch", "intent", "intent", "intent", "ended", "event"]))
    if kind == "launch":
        return builder.launch()
    if kind == "ended":
        builder.launch()
        reason = draw(st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"]))
        return builder.session_ended(reason)
    if kind == "event":
        kind = draw(st.sampled_from(["AlexaSkillEvent.SkillEnabled", "System.ExceptionEncountered"]))
        return builder.event(kind)
    name, slot_names = draw(st.sampled_from(INTENTS))
    if draw(st.booleans()):
        builder.launch()  # continue a session, as Alexa would after a launch
    slots = {slot: draw(strings) for slot in slot_names}
    return builder.intent(name, slots)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((*prefix, key))
            found.extend(_paths(inner, (*prefix, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.append((*prefix, index))
            found.extend(_paths(inner, (*prefix, index)))
    return found


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid envelope with one to four keys dropped, retyped or replaced."""
    envelope = copy.deepcopy(draw(valid_envelopes()))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(envelope)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = envelope
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        action = draw(st.sampled_from(["drop", "json", "string", "number", "empty"]))
        if action == "drop":
            del parent[key]
        elif action == "json":
            parent[key] = draw(json_values)
        elif action == "string":
            parent[key] = draw(strings)
        elif action == "number":
            parent[key] = draw(st.integers(-(2**63), 2**63) | st.floats(allow_nan=False))
        else:
            parent[key] = draw(st.sampled_from([{}, [], "", None]))
    return envelope


any_input = json_values | mutated_envelopes()

# -- what counts as a clean answer -----------------------------------------------


def assert_clean_answer(answer: Any) -> str:
    """A response envelope with Alexa-valid SSML, or a refusal; returns which."""
    assert isinstance(answer, dict)
    json.dumps(answer)  # serializable, as Lambda and Flask must send it
    if "error" in answer:
        error = answer["error"]
        assert 400 <= error["status"] < 500
        assert isinstance(error["reason"], str) and error["reason"]
        return "refused"
    assert "version" in answer and "response" in answer
    response = answer["response"]
    for speech in (response.get("outputSpeech"), (response.get("reprompt") or {}).get("outputSpeech")):
        if speech and speech.get("type") == "SSML":
            assert problems(speech["ssml"]) == [], speech["ssml"]
    return "answered"


# -- the front doors --------------------------------------------------------------


@pytest.fixture(scope="module")
def lambda_handler():
    """lambda_function loaded fresh with the environment Lambda would give it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with pytest.MonkeyPatch.context() as env:
        for name in ("TABLE_NAME", "SQLITE_PATH"):
            env.delenv(name, raising=False)
        env.setenv("STORE", "memory")
        env.setenv("SKILL_ID", SKILL_ID)
        env.setenv("LOG_LEVEL", "WARNING")
        spec = importlib.util.spec_from_file_location("lambda_function_under_fuzz", LAMBDA_FUNCTION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    # lambda_function configures logging for CloudWatch; give pytest its handlers back.
    root.handlers[:], root.level = handlers, level
    return module.lambda_handler


@pytest.fixture(scope="module")
def web_client():
    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    return create_app(runtime, verify=False).test_client()


@FUZZ_SETTINGS
@given(event=any_input)
def test_lambda_handler_answers_anything_cleanly(lambda_handler, event):
    OUTCOMES["lambda"][assert_clean_answer(lambda_handler(event, None))] += 1


@FUZZ_SETTINGS
@given(event=mutated_envelopes())
def test_lambda_handler_answers_mutated_envelopes_cleanly(lambda_handler, event):
    OUTCOMES["lambda"][assert_clean_answer(lambda_handler(event, None))] += 1


def _post(client, body: bytes, content_type: str = "application/json") -> str:
    answer = client.post("/", data=body, headers={"Content-Type": content_type})
    assert answer.mimetype == "application/json"
    assert answer.status_code == 200 or 400 <= answer.status_code < 500, answer.get_data(as_text=True)
    outcome = assert_clean_answer(answer.get_json())
    assert (outcome == "answered") == (answer.status_code == 200)
    return outcome


@FUZZ_SETTINGS
@given(event=any_input)
def test_web_app_answers_any_json_cleanly(web_client, event):
    OUTCOMES["web"][_post(web_client, json.dumps(event).encode())] += 1


@FUZZ_SETTINGS
@given(event=mutated_envelopes())
def test_web_app_answers_mutated_envelopes_cleanly(web_client, event):
    OUTCOMES["web"][_post(web_client, json.dumps(event).encode())] += 1


@FUZZ_SETTINGS
@given(
    body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", ""]),
)
def test_web_app_refuses_arbitrary_bytes_cleanly(web_client, body, content_type):
    OUTCOMES["web"][_post(web_client, body, content_type)] += 1


def test_well_formed_envelopes_are_answered_not_refused(lambda_handler):
    # The fuzz above would pass if everything were refused; these must get speech.
    builder = EnvelopeBuilder(skill_id=SKILL_ID, api_endpoint=OFFLINE_API)
    for envelope in (builder.launch(), builder.intent("AMAZON.HelpIntent")):
        assert assert_clean_answer(lambda_handler(envelope, None)) == "answered"


SLOT_INTENTS = [(name, slots) for name, slots in INTENTS if slots]


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize(("intent", "slot_names"), SLOT_INTENTS, ids=[n for n, _ in SLOT_INTENTS])
def test_slot_values_no_one_could_say_are_answered_cleanly(lambda_handler, intent, slot_names, value):
    # Slot values are echoed back in speech; whatever arrives must still make valid SSML.
    builder = EnvelopeBuilder(skill_id=SKILL_ID, api_endpoint=OFFLINE_API)
    builder.launch()
    envelope = builder.intent(intent, {slot: value for slot in slot_names})
    assert_clean_answer(lambda_handler(envelope, None))

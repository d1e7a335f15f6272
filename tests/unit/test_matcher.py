"""The chat's matcher hears typed text the way Alexa would hear it with our model."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from trust_renewal.cli.matcher import (
    FALLBACK,
    HEARD_WHOLE,
    HEARD_WITHIN,
    Matcher,
    load_builtin_utterances,
    normalise,
    number_value,
    time_value,
)
from trust_renewal.config import LOCAL_SKILL_ID
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.interaction_models import (
    LOCALES,
    StepTopics,
    build_model,
    default_model_dir,
    language_model,
    load_model,
    read_source,
)

# Fixed topics, so these tests do not move when the content writers edit theirs.
TOPICS = [
    StepTopics("forgiveness", ("forgiveness", "letting go", "forgiving")),
    StepTopics("boundaries", ("boundaries", "setting boundaries")),
]
EXAMPLES = {
    "AMAZON.FirstName": "maya",
    "AMAZON.NUMBER": "three",
    "AMAZON.TIME": "8 pm",
    "STEP_TOPIC": "letting go",
}


@pytest.fixture(scope="module")
def model() -> dict:
    model_dir = default_model_dir()
    assert model_dir is not None
    source, overlays = read_source(model_dir)
    return build_model(source, overlays["en-US"], TOPICS)


@pytest.fixture(scope="module")
def matcher(model: dict) -> Matcher:
    return Matcher(model)


def _filled(sample: str, slots: dict[str, str], examples: dict[str, str]) -> str:
    text = sample
    for name, slot_type in slots.items():
        value = "jordan" if name == "secondName" else examples[slot_type]
        text = text.replace("{" + name + "}", value)
    return text


def _value(match, slot: str) -> str | None:
    return match.slots[slot].get("value")


def _resolution(match, slot: str) -> dict:
    return match.slots[slot]["resolutions"]["resolutionsPerAuthority"][0]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sample_of_every_locale_is_heard_as_its_own_intent(locale: str) -> None:
    model = load_model(locale)
    matcher = Matcher(model)
    builtins = load_builtin_utterances()
    topic = language_model(model)["types"][0]["values"][0]["name"]["value"]
    examples = {**EXAMPLES, "STEP_TOPIC": topic, "PROGRAM": "rebuilding trust"}
    wrong = []
    for intent in language_model(model)["intents"]:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in [*intent["samples"], *builtins.get(intent["name"], [])]:
            text = _filled(sample, slots, examples)
            heard = matcher.match(text).intent
            if heard != intent["name"]:
                wrong.append(f"{text!r}: {heard}, not {intent['name']}")
    assert wrong == []


def test_built_in_phrasings_never_repeat_a_custom_sample(model: dict) -> None:
    custom = {
        normalise(s) for i in language_model(model)["intents"] for s in i["samples"]
    }
    builtin = {normalise(s) for phrases in load_builtin_utterances().values() for s in phrases}
    assert custom & builtin == set()


def test_builtins_exist_in_the_model(model: dict) -> None:
    names = {i["name"] for i in language_model(model)["intents"]}
    assert set(load_builtin_utterances()) <= names


@pytest.mark.parametrize(
    ("typed", "spoken"),
    [
        ("Alexa, what's today's exercise?", "what's today's exercise"),
        ("WHAT’S today’s exercise!!", "what's today's exercise"),
        ("alexa remind us at 8:30 P.M.", "remind us at 8:30 pm"),
        ("remind us at 7pm", "remind us at 7 pm"),
        ('"skip" -- this one', "skip this one"),
    ],
)
def test_typed_text_is_normalised_like_speech(typed: str, spoken: str) -> None:
    assert normalise(typed) == spoken


def test_apostrophes_are_optional_when_typing(matcher: Matcher) -> None:
    assert matcher.match("whats todays exercise").intent == "TodaysExerciseIntent"
    assert matcher.match("im done").intent == "TurnDoneIntent"


def test_nothing_like_a_sample_is_the_fallback_intent(matcher: Matcher) -> None:
    match = matcher.match("the weather in paris tomorrow")
    assert match.intent == FALLBACK
    assert match.slots == {}
    assert match.is_fallback


@pytest.mark.parametrize(
    ("typed", "number"),
    [("take us to step three", "3"), ("go to step 11", "11"), ("step eleven", "11")],
)
def test_step_numbers_arrive_as_digits(matcher: Matcher, typed: str, number: str) -> None:
    match = matcher.match(typed)
    assert match.intent == "GoToStepIntent"
    assert _value(match, "stepNumber") == number
    assert "value" not in match.slots["topic"]  # an unfilled slot, as Alexa sends it


@pytest.mark.parametrize(
    ("words", "number"),
    [("three", 3), ("twenty one", 21), ("a hundred", 100), ("one hundred and five", 105), ("42", 42)],
)
def test_number_words(words: str, number: int) -> None:
    assert number_value(words) == number


@pytest.mark.parametrize("words", ["three three", "banana", "twenty twenty", ""])
def test_words_that_are_not_one_number(words: str) -> None:
    assert number_value(words) is None


def test_a_known_topic_resolves_to_its_step(matcher: Matcher) -> None:
    match = matcher.match("let's work on letting go")
    assert match.intent == "GoToStepIntent"
    assert _value(match, "topic") == "letting go"  # what was said is kept
    resolution = _resolution(match, "topic")
    assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolution["values"][0]["value"] == {"name": "forgiveness", "id": "forgiveness"}
    assert resolution["authority"].endswith(f"{LOCAL_SKILL_ID}.STEP_TOPIC")


def test_an_unknown_topic_is_no_match_with_the_words_kept(matcher: Matcher) -> None:
    match = matcher.match("take us to the step on gardening")
    assert match.intent == "GoToStepIntent"
    assert _value(match, "topic") == "gardening"
    resolution = _resolution(match, "topic")
    assert resolution["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert "values" not in resolution


def test_the_most_specific_sample_wins(matcher: Matcher) -> None:
    # "take us to {topic}" also fits, but the number sample has more literal words.
    match = matcher.match("take us to step three")
    assert _value(match, "stepNumber") == "3"
    assert "value" not in match.slots["topic"]
    # "remind us every {time}" also fits the words, but not as a time.
    assert _value(matcher.match("remind us every day at 8 pm"), "time") == "20:00"


def test_names_are_capitalised_and_one_name_is_enough(matcher: Matcher) -> None:
    couple = matcher.match("our names are maya and jordan")
    assert couple.intent == "SetNamesIntent"
    assert (_value(couple, "firstName"), _value(couple, "secondName")) == ("Maya", "Jordan")
    solo = matcher.match("it's just me, I'm Sam")
    assert solo.intent == "JustMeIntent"
    assert _value(solo, "firstName") == "Sam"
    assert _value(matcher.match("call me alex"), "firstName") == "Alex"


@pytest.mark.parametrize(
    ("spoken", "value"),
    [
        ("8 pm", "20:00"),
        ("8:30 am", "08:30"),
        ("8:30 a.m.", "08:30"),
        ("20:00", "20:00"),
        ("eight pm", "20:00"),
        ("eight thirty in the evening", "20:30"),
        ("half past seven", "07:30"),
        ("quarter to nine pm", "20:45"),
        ("twelve am", "00:00"),
        ("12 pm", "12:00"),
        ("11 pm", "23:00"),
        ("noon", "12:00"),
        ("evening", "EV"),
        ("morning", "MO"),
        ("afternoon", "AF"),
        ("night", "NI"),
    ],
)
def test_times_arrive_in_alexas_format(spoken: str, value: str) -> None:
    assert time_value(normalise(spoken)) == value


@pytest.mark.parametrize("spoken", ["13 pm", "25:00", "eight sixty", "sometime", "day at 8 pm"])
def test_what_is_not_a_time(spoken: str) -> None:
    assert time_value(normalise(spoken)) is None


def test_reminder_at_a_part_of_the_day(matcher: Matcher) -> None:
    match = matcher.match("remind us every evening")
    assert match.intent == "SetReminderIntent"
    assert _value(match, "time") == "EV"


@pytest.mark.parametrize(
    ("typed", "intent"),
    [
        ("I don't feel safe", "SafetyIntent"),
        ("i am not safe at home", "SafetyIntent"),
        ("I'm in danger", "SafetyIntent"),
        ("Alexa, my partner hurts me.", "AbuseIntent"),
        ("I'm scared of my partner", "AbuseIntent"),
        ("he hits me", "AbuseIntent"),
        ("last night my husband hit me again", "AbuseIntent"),
        ("honestly I just want to die", "SelfHarmIntent"),
        ("I feel so awful right now", "DistressIntent"),
    ],
)
def test_saying_you_are_not_safe_is_heard_as_safety(matcher: Matcher, typed: str, intent: str) -> None:
    assert matcher.match(typed).intent == intent


@pytest.mark.parametrize(
    "typed",
    [
        "I feel terrible about what I did",
        "I hurt him when I lied",
        "that hurt",
        "he beat me at chess again",
        "she pushed me to try yoga",
        "I'm in danger of falling asleep",
    ],
)
def test_ordinary_words_about_hurt_are_not_heard_as_safety(matcher: Matcher, typed: str) -> None:
    # Words of harm in an everyday sense never give crisis numbers or stop the exercise.
    assert matcher.match(typed).intent not in (*HEARD_WITHIN, *HEARD_WHOLE)


@pytest.mark.parametrize("typed", ["help", "help me", "what can I say"])
def test_asking_for_help_is_not_the_safety_intent(matcher: Matcher, typed: str) -> None:
    assert matcher.match(typed).intent == "AMAZON.HelpIntent"


def test_matched_slots_make_an_envelope_the_sdk_reads(matcher: Matcher) -> None:
    match = matcher.match("let's work on forgiveness")
    envelope = EnvelopeBuilder(LOCAL_SKILL_ID).intent(match.intent, match.slots)
    parsed = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    topic = parsed.request.intent.slots["topic"]
    authority = topic.resolutions.resolutions_per_authority[0]
    assert topic.value == "forgiveness"
    assert authority.status.code.value == "ER_SUCCESS_MATCH"
    assert authority.values[0].value.id == "forgiveness"
    assert parsed.request.intent.slots["stepNumber"].value is None


def test_the_shipped_model_resolves_the_contents_own_topics(content) -> None:
    matcher = Matcher.for_locale("en-US")
    step = content.steps[-1]
    topic = step.topics[-1] if step.topics else step.title
    match = matcher.match(f"let's work on {topic}")
    assert _resolution(match, "topic")["values"][0]["value"]["id"] == step.id


def test_a_feeling_said_as_its_own_sample_is_that_feeling_not_distress(matcher: Matcher) -> None:
    # "I feel so angry" is a distress sample and "so" is a small word, but "I feel angry" said whole
    # is FeelingsIntent's own sample: Alexa sends that intent, so the chat must too.
    assert matcher.match("I feel angry").intent == "FeelingsIntent"
    assert matcher.match("I feel so angry").intent == "DistressIntent"


@pytest.mark.parametrize("typed", ["I'm okay", "I'm okay now", "I'm done"])
def test_a_filler_or_command_is_nobodys_name_inside_a_sample(matcher: Matcher, typed: str) -> None:
    assert matcher.match(typed).intent != "SetNamesIntent"


def test_an_unknown_topic_over_a_whole_sentence_lets_the_model_decide(matcher: Matcher) -> None:
    # "let's do {topic}" would stretch the topic over "the rest another night": it means tonight is done.
    assert matcher.match("let's do the rest another night").intent == "EnoughForTonightIntent"


@pytest.mark.parametrize(
    "typed", ["he hit me again tonight after dinner", "to be honest I'm afraid of him"]
)
def test_abuse_inside_a_longer_sentence_is_heard(matcher: Matcher, typed: str) -> None:
    assert matcher.match(typed).intent == "AbuseIntent"

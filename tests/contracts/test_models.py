"""The interaction models: complete, valid for Alexa, generated from one source, never drifting."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from trust_renewal.cli.main import main
from trust_renewal.interaction_models import (
    LOCALES,
    MIN_SAMPLES,
    REQUIRED_BUILTINS,
    build_model,
    check_model,
    default_model_dir,
    differences,
    generate_all,
    language_model,
    load_model,
    model_text,
    read_source,
    topic_phrase,
)
from trust_renewal.spelling import locale_spelling, respell

MODEL_DIR = default_model_dir()


def _intents(model: dict) -> dict[str, dict]:
    return {i["name"]: i for i in language_model(model)["intents"]}


def _custom(model: dict) -> dict[str, dict]:
    return {n: i for n, i in _intents(model).items() if not n.startswith("AMAZON.")}


@pytest.fixture(scope="module")
def generated() -> dict[str, dict]:
    assert MODEL_DIR is not None, "tests run from the source checkout"
    return generate_all(MODEL_DIR)


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_ships_a_model_alexa_would_build(locale: str) -> None:
    model = load_model(locale)
    assert check_model(model) == []
    assert language_model(model)["invocationName"] == "trust renewal"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_required_built_in_intent_is_present(locale: str) -> None:
    assert set(REQUIRED_BUILTINS) <= set(_intents(load_model(locale)))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_custom_intent_has_enough_distinct_samples(locale: str) -> None:
    for name, intent in _custom(load_model(locale)).items():
        distinct = {" ".join(s.lower().split()) for s in intent["samples"]}
        assert len(distinct) == len(intent["samples"]) >= MIN_SAMPLES, name


def test_the_safety_intent_knows_many_ways_to_say_it() -> None:
    samples = _custom(load_model("en-US"))["SafetyIntent"]["samples"]
    assert len(samples) >= 20
    assert not any(s.lower() in ("help", "help me") for s in samples)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_belongs_to_two_intents(locale: str) -> None:
    owner: dict[str, str] = {}
    for name, intent in _custom(load_model(locale)).items():
        for sample in intent["samples"]:
            key = " ".join(sample.lower().split())
            assert owner.setdefault(key, name) == name, f"{sample!r}: {owner[key]} and {name}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_slot_type_used_is_defined(locale: str) -> None:
    model = load_model(locale)
    defined = {t["name"] for t in language_model(model)["types"]}
    for intent in language_model(model)["intents"]:
        for slot in intent.get("slots", []):
            assert slot["type"].startswith("AMAZON.") or slot["type"] in defined


def test_step_topics_are_the_contents_topics(content) -> None:
    values = language_model(load_model("en-US"))["types"][0]["values"]
    shipped = {v["id"]: [v["name"]["value"], *v["name"].get("synonyms", [])] for v in values}
    expected = {
        step.id: list(dict.fromkeys(topic_phrase(t) for t in (step.topics or (step.title,))))
        for step in content.steps
    }
    assert shipped == expected


def test_locales_agree_on_intents_slots_and_step_ids() -> None:
    def shape(model: dict) -> object:
        lm = language_model(model)
        return (
            [(i["name"], i.get("slots", [])) for i in lm["intents"]],
            [(t["name"], [v["id"] for v in t["values"]]) for t in lm["types"]],
            lm["invocationName"],
        )

    us = shape(load_model("en-US"))
    for locale in LOCALES:
        assert shape(load_model(locale)) == us, locale


def test_every_locale_keeps_every_shared_sample_in_its_own_spelling() -> None:
    assert MODEL_DIR is not None
    us = _custom(load_model("en-US"))
    for locale in LOCALES:
        spelling = locale_spelling(locale)
        theirs = _custom(load_model(locale))
        for name, intent in us.items():
            missing = {respell(s, spelling) for s in intent["samples"]} - set(theirs[name]["samples"])
            assert missing == set(), (locale, name)


def test_british_spelling_where_it_matters() -> None:
    def words(locale: str) -> set[str]:
        model = load_model(locale)
        text = json.dumps([i["samples"] for i in language_model(model)["intents"]])
        return set(text.replace('"', " ").replace(",", " ").split())

    assert "programme" in words("en-GB")
    assert "program" not in words("en-GB")
    assert "program" in words("en-US")
    assert "programme" not in words("en-US")


def test_spelling_keeps_capitals_and_whole_words() -> None:
    spelling = {"program": "programme", "color": "colour"}
    assert respell("Program our colors", spelling) == "Programme our colors"


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_models_are_what_the_source_generates(generated: dict, locale: str) -> None:
    assert MODEL_DIR is not None
    committed = (MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8")
    assert committed == model_text(generated[locale]), "run `trust-renewal models --write`: " + "; ".join(
        differences(json.loads(committed), generated[locale])[:5]
    )


def test_load_model_refuses_an_unknown_locale() -> None:
    with pytest.raises(ValueError, match="en-US"):
        load_model("fr-FR")


def test_the_model_check_catches_what_alexa_would_reject() -> None:
    model = copy.deepcopy(load_model("en-US"))
    intents = _intents(model)
    intents["SkipIntent"]["samples"].append("what's today's exercise")
    intents["ProgressIntent"]["samples"].append("how far along is step {number}")
    intents["QuickVersionIntent"]["samples"] = ["a short one today"]
    intents["TurnDoneIntent"]["samples"].append("done 4 now")
    lm = language_model(model)
    lm["intents"] = [i for i in lm["intents"] if i["name"] != "AMAZON.StopIntent"]
    lm["invocationName"] = "Trust"
    problems = "\n".join(check_model(model))
    assert "also in TodaysExerciseIntent" in problems
    assert "undefined slot {number}" in problems
    assert "QuickVersionIntent: 1 samples" in problems
    assert "invalid words ['4']" in problems
    assert "AMAZON.StopIntent is missing" in problems
    assert "invocation name" in problems


def test_the_generator_refuses_a_topic_named_by_two_steps() -> None:
    from trust_renewal.interaction_models import StepTopics

    assert MODEL_DIR is not None
    source, overlays = read_source(MODEL_DIR)
    model = build_model(
        source, overlays["en-US"], [StepTopics("a", ("trust",)), StepTopics("b", ("Trust", "x"))]
    )
    assert any("'trust' names both a and b" in p for p in check_model(model))


def test_differences_name_what_changed() -> None:
    before = load_model("en-GB")
    after = copy.deepcopy(before)
    _intents(after)["ProgressIntent"]["samples"].append("where have we got to")
    found = differences(before, after)
    assert found == [
        "interactionModel.languageModel.intents[ProgressIntent].samples: "
        "'where have we got to' is generated but not committed"
    ]
    assert differences(before, copy.deepcopy(before)) == []


def test_models_command_checks_and_rewrites(tmp_path: Path, capsys) -> None:
    assert MODEL_DIR is not None
    folder = tmp_path / "interaction_model"
    shutil.copytree(MODEL_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    assert main(["models", "--check", "--dir", str(folder)]) == 0

    stale = json.loads((folder / "en-AU.json").read_text(encoding="utf-8"))
    _intents(stale)["SkipIntent"]["samples"].remove("skip this one")
    (folder / "en-AU.json").write_text(json.dumps(stale), encoding="utf-8")
    (folder / "en-IN.json").unlink()
    capsys.readouterr()
    assert main(["models", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "en-AU.json: differs" in out
    assert "'skip this one' is generated but not committed" in out
    assert "en-IN.json: missing" in out
    assert "en-US.json: up to date" in out

    assert main(["models", "--write", "--dir", str(folder)]) == 0
    assert main(["models", "--check", "--dir", str(folder)]) == 0
    assert (folder / "en-AU.json").read_text() == (MODEL_DIR / "en-AU.json").read_text()


def test_models_command_without_a_source_says_so(tmp_path: Path, capsys) -> None:
    assert main(["models", "--dir", str(tmp_path)]) == 2
    assert "source/intents.json" in capsys.readouterr().err

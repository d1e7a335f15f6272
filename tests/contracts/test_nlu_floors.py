"""The samples, measured as Alexa learns them: a statistical model trained on each locale's model alone.

`trust-renewal nlu` scores the frozen held-out corpus (tests/corpus/heldout.json); here the same
figures must clear the floors of issue 21 in every locale, for the model and for the chat's matcher.
Training is done once per locale per test session (a few seconds each).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trust_renewal.cli.main import main
from trust_renewal.cli.nlu import (
    FLOORS,
    MAX_FALSE_ALARMS,
    annotation_set,
    default_corpus_path,
    evaluate,
    load_corpus,
)
from trust_renewal.interaction_models import LOCALES, language_model, load_model

CORPUS = default_corpus_path()


@pytest.fixture(scope="session")
def corpus():
    assert CORPUS is not None
    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def reports(corpus):
    return {locale: evaluate(load_model(locale), locale, corpus) for locale in LOCALES}


def test_the_held_out_corpus_is_as_big_as_the_issue_asks(corpus) -> None:
    by_intent: dict[str, int] = {}
    for p in corpus:
        by_intent[p.intent] = by_intent.get(p.intent, 0) + 1
    assert len(corpus) >= 600
    assert by_intent["SelfHarmIntent"] >= 60
    assert by_intent["AbuseIntent"] + by_intent["SafetyIntent"] >= 60
    assert by_intent["DistressIntent"] >= 40
    assert by_intent["AMAZON.FallbackIntent"] >= 100
    # Every intent has phrasings: those added after the corpus was frozen came from someone who had
    # not read their samples (the dated additions in the corpus say who, when and how).
    model_intents = {i["name"] for i in language_model(load_model("en-US"))["intents"]}
    without = model_intents - {"AMAZON.FallbackIntent"} - set(by_intent)
    assert without == set(), sorted(without)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_meets_the_accuracy_and_safety_floors(reports, locale: str) -> None:
    for report in reports[locale]:
        figures = report.figures
        below = {name: round(figures[name], 3) for name, floor in FLOORS.items() if figures[name] < floor}
        assert below == {}, (report.pipeline, below, report.worst[:10])


# Issue 21 asks for at most 3% (MAX_FALSE_ALARMS); not met yet: 5 of 132 (3.8%, was 7 of 112) after the
# out-of-domain samples and the model's settings chosen on tests/corpus/nlu_dev.json only (docs/nlu.md).
# Until it is, this bound keeps it from getting worse; lower it to MAX_FALSE_ALARMS as the samples improve.
FALSE_ALARMS_NOW = 5 / 132


@pytest.mark.parametrize("locale", LOCALES)
def test_ordinary_sentences_raise_no_more_false_alarms_than_today(reports, locale: str) -> None:
    assert MAX_FALSE_ALARMS < FALSE_ALARMS_NOW
    for report in reports[locale]:
        assert report.figures["false_alarms"] <= FALSE_ALARMS_NOW, (report.pipeline, report.worst)


def test_the_safety_routes_never_fall_below_their_floors_even_in_the_worst_locale(reports) -> None:
    worst = {
        route: min(r.figures[route] for rs in reports.values() for r in rs)
        for route in ("self_harm", "abuse_danger", "distress")
    }
    assert worst["self_harm"] >= FLOORS["self_harm"]
    assert worst["abuse_danger"] >= FLOORS["abuse_danger"]
    assert worst["distress"] >= FLOORS["distress"]


def test_intents_a_model_lacks_are_reported_not_fatal(corpus) -> None:
    model = load_model("en-US")
    lm = language_model(model)
    lm["intents"] = [i for i in lm["intents"] if i["name"] != "WhoseTurnIntent"]
    (report,) = evaluate(model, "en-US", corpus, ["samples"])
    assert report.missing_intents == {"WhoseTurnIntent": 9}


def test_annotation_sets_are_written_for_every_locale_in_the_ask_shape(tmp_path: Path, capsys) -> None:
    assert main(["nlu", "--annotations", str(tmp_path)]) == 0
    for locale in LOCALES:
        body = json.loads((tmp_path / f"{locale}.json").read_text())
        names = {e["expected"][0]["intent"]["name"] for e in body["data"]}
        assert "SelfHarmIntent" in names and "AMAZON.FallbackIntent" in names
        entry = next(e for e in body["data"] if e["inputs"]["utterance"] == "i go by liz")
        assert entry["expected"] == [
            {"intent": {"name": "SetNamesIntent", "slots": {"nameAlone": {"value": "liz"}}}}
        ]
        assert set(entry["inputs"]) == {"utterance", "referenceTimestamp"}


def test_annotation_set_skips_intents_the_model_lacks(corpus) -> None:
    body = annotation_set(corpus, ["SelfHarmIntent"])
    assert {e["expected"][0]["intent"]["name"] for e in body["data"]} == {
        "SelfHarmIntent",
        "AMAZON.FallbackIntent",
    }


def test_check_exits_non_zero_when_a_floor_is_not_met(tmp_path: Path, capsys) -> None:
    # The before: samples only, as the chat understood before issue 21, misses most floors.
    assert main(["nlu", "--locale", "en-US", "--pipeline", "samples", "--check"]) == 1
    assert "below the floor" in capsys.readouterr().err

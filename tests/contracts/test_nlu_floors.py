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
# Test sets written by helpers who never opened the project (docs/nlu.md, "Blind test sets"), each
# frozen before a round of samples and measured when it was finished. Some of their figures are below
# the issue's floors, so these bounds (the lowest measured in any locale, model or chat) only keep
# them from getting worse; raise them as the samples improve.
BLIND = Path(__file__).resolve().parents[1] / "corpus"
BLIND_NOW = {
    "heldout_blind.json": {"self_harm": 0.92, "abuse_danger": 0.92, "distress": 0.86},
    "heldout_blind2.json": {"self_harm": 0.94, "abuse_danger": 0.88, "distress": 0.76},
}


@pytest.fixture(scope="session")
def corpus():
    assert CORPUS is not None
    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def reports(corpus):
    return {locale: evaluate(load_model(locale), locale, corpus) for locale in LOCALES}


@pytest.fixture(scope="session")
def blind_reports():
    corpora = {name: load_corpus(BLIND / name) for name in BLIND_NOW}
    return {
        (name, locale): evaluate(load_model(locale), locale, corpus)
        for name, corpus in corpora.items()
        for locale in LOCALES
    }


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


@pytest.mark.parametrize("locale", LOCALES)
def test_ordinary_sentences_are_rarely_heard_as_a_cry_for_help(reports, locale: str) -> None:
    for report in reports[locale]:
        assert report.figures["false_alarms"] <= MAX_FALSE_ALARMS, (report.pipeline, report.worst)


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


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(BLIND_NOW))
def test_on_the_blind_test_sets_cries_for_help_are_heard_no_worse_than_measured(
    blind_reports, name: str, locale: str
) -> None:
    bounds = BLIND_NOW[name]
    for report in blind_reports[(name, locale)]:
        below = {k: round(report.figures[k], 3) for k, bound in bounds.items() if report.figures[k] < bound}
        assert below == {}, (report.pipeline, below, report.worst[:10])
        assert report.figures["false_alarms"] <= MAX_FALSE_ALARMS, (report.pipeline, report.worst)

"""People's own words for self-harm, abuse and distress reach their route and number, in every locale.

Every phrasing of tests/corpus/safety.json goes through the chat's matcher to
an intent and, as a one-shot, through ``lambda_handler`` (DynamoDB on moto) to
a reply, in all five locales. The figures in docs/safety.md are this table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.safety_corpus import (
    COUNTRY,
    GROUPS,
    SAFETY_INTENTS,
    distress_marker,
    figures_markdown,
    load_corpus,
    run_corpus,
    spoken_numbers,
)
from trust_renewal.interaction_models import language_model, load_model

DOCS = Path(__file__).resolve().parents[2] / "docs" / "safety.md"
MINIMUM = {"self_harm": 80, "abuse": 80, "distress": 60, "ordinary": 150}


@pytest.fixture(scope="module")
def figures():
    from support.lambda_support import lambda_on_moto

    with pytest.MonkeyPatch.context() as mp:
        for module in lambda_on_moto(mp):
            yield run_corpus(module.lambda_handler)


def test_the_corpus_is_large_and_varied_enough() -> None:
    corpus = load_corpus()
    for group in GROUPS:
        phrases = corpus[group]
        assert len(phrases) >= MINIMUM[group], group
        assert len({p.lower() for p in phrases}) == len(phrases), f"{group} repeats a phrasing"
    ordinary = " ".join(corpus["ordinary"]).lower()
    for must in ("i hurt him when i lied", "we fought about money", "i was afraid to tell you", "that hurt"):
        assert must in ordinary


def test_many_phrasings_are_not_the_models_own_samples() -> None:
    # The corpus is written apart from the model: a good part of it is heard only
    # because a sample sits inside a longer sentence, the way people talk.
    samples = {
        " ".join(s.lower().split())
        for intent in language_model(load_model("en-US"))["intents"]
        for s in intent.get("samples", [])
    }
    corpus = load_corpus()
    safety = [p for g in ("self_harm", "abuse", "distress") for p in corpus[g]]
    not_samples = [p for p in safety if " ".join(p.lower().split()) not in samples]
    assert len(not_samples) >= len(safety) // 3


@pytest.mark.parametrize("locale", COUNTRY)
@pytest.mark.parametrize("group", ["self_harm", "abuse", "distress"])
def test_every_safety_phrasing_reaches_its_route_with_the_countrys_number(figures, locale, group):
    fig = figures[locale]
    reached = {o.phrase for o in fig.reached(group, distress_marker(locale))}
    missed = [(o.phrase, o.intent) for o in fig.outcomes[group] if o.phrase not in reached]
    assert missed == []


@pytest.mark.parametrize("locale", COUNTRY)
def test_no_ordinary_sentence_lands_on_a_safety_route(figures, locale):
    fig = figures[locale]
    assert [(o.phrase, o.intent) for o in fig.landed(distress_marker(locale))] == []
    assert all(o.intent not in SAFETY_INTENTS for o in fig.outcomes["ordinary"])


@pytest.mark.parametrize("locale", COUNTRY)
def test_a_distress_answer_never_asks_them_to_begin(figures, locale):
    for outcome in figures[locale].outcomes["distress"]:
        spoken = outcome.ssml.lower()
        assert "begin" not in spoken and "start it" not in spoken, outcome.phrase
        assert not spoken_numbers(outcome.ssml)


def test_the_safety_docs_report_these_figures(figures):
    table = figures_markdown(figures)
    assert table in DOCS.read_text(encoding="utf-8"), table

"""How couples really phrase things: the corpus through the chat's matcher and the real skill."""

from __future__ import annotations

import pytest

from support.phrase_corpus import (
    LOCALE,
    load_corpus,
    measure,
    phrasings,
    present_intents,
    readme_block,
    table,
)
from trust_renewal.cli.matcher import Matcher, normalise
from trust_renewal.interaction_models import language_model, load_model

MIN_SHARE = 0.9  # of each intent's corpus phrasings the matcher must understand
MIN_PHRASINGS = 15


@pytest.fixture(scope="module")
def model() -> dict:
    return load_model(LOCALE)


@pytest.fixture(scope="module")
def matcher(model: dict) -> Matcher:
    return Matcher(model)


def test_the_corpus_has_enough_phrasings_for_every_everyday_intent() -> None:
    corpus = load_corpus()["intents"]
    for intent, entry in corpus.items():
        said = phrasings(entry)
        assert len({normalise(p) for p in said}) == len(said) >= MIN_PHRASINGS, intent
    wanted = {
        "AMAZON.NextIntent", "AMAZON.RepeatIntent", "AMAZON.HelpIntent", "AMAZON.PauseIntent",
        "AMAZON.ResumeIntent", "AMAZON.PreviousIntent", "TodaysExerciseIntent", "TurnDoneIntent",
        "ProgressIntent", "SkipIntent", "AMAZON.StopIntent", "RestartExerciseIntent",
        "MoreTimeIntent", "TakeBreakIntent", "WhoseTurnIntent",
    }  # fmt: skip
    assert wanted <= set(corpus)


def test_held_out_phrasings_are_not_model_samples(model: dict) -> None:
    # The held-out set measures what the model has not been tuned on: it must stay unseen.
    samples = {normalise(s) for i in language_model(model)["intents"] for s in i["samples"]}
    held = {normalise(p) for entry in load_corpus()["held_out"].values() for p in phrasings(entry)}
    assert held & samples == set()


def test_every_intent_understands_most_of_its_corpus(model: dict, matcher: Matcher) -> None:
    rows = measure(matcher, load_corpus()["intents"], present_intents(model))
    assert rows, "no corpus intent is in the model"
    short = {r.intent: (r.understood, r.total, r.misses) for r in rows if r.share < MIN_SHARE}
    assert short == {}


# Misheard as one of these, a phrasing would end, erase or derail something the couple did not ask for.
NEVER_BY_MISTAKE = frozenset(
    {"SelfHarmIntent", "AbuseIntent", "SafetyIntent", "DistressIntent", "DeleteDataIntent",
     "AMAZON.StartOverIntent", "RolesClearIntent", "StopRemindersIntent", "AMAZON.CancelIntent"}
)  # fmt: skip
MAX_MISROUTED = 0.03  # a statistical model, like Alexa's, sometimes hears another intent


def test_a_misheard_phrasing_never_does_something_drastic(model: dict, matcher: Matcher) -> None:
    # A miss may fall back (Alexa asks again) or, rarely, land on a near intent; never on one
    # that gives crisis lines, ends the program or erases something.
    corpus = load_corpus()
    present = present_intents(model)
    rows = [r for section in ("intents", "held_out") for r in measure(matcher, corpus[section], present)]
    drastic = [
        (r.intent, said, heard) for r in rows for said, heard in r.misrouted if heard in NEVER_BY_MISTAKE
    ]
    assert drastic == []
    misrouted = sum(len(r.misrouted) for r in rows)
    assert misrouted <= MAX_MISROUTED * sum(r.total for r in rows), [r.misrouted for r in rows if r.misrouted]


def test_the_models_doc_shows_the_measured_figures(model: dict) -> None:
    expected = table(model)
    hint = "update the phrase corpus table in docs/interaction-models.md to:\n"
    assert readme_block() == expected, hint + expected

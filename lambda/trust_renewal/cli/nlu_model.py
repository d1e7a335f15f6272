"""A statistical intent classifier with slot filling, trained only on an interaction model.

Alexa's language understanding is statistical: it learns from the samples (and
the slot values) and generalises as far as they carry it. This model does the
same on the same material, so what it understands locally is what the samples
teach: word and character n-grams weighted by TF-IDF into a linear support
vector machine for the intent (its scores turned into a confidence by a
softmax), a per-word linear SVM for the slots, and a confidence
threshold below which an utterance is out of domain (AMAZON.FallbackIntent).
A linear SVM trains in well under a second per locale, where a logistic
regression on the same features takes ten or more: the whole corpus runs in CI.
Samples a model adds to AMAZON.FallbackIntent train that class as they train
Alexa's out-of-domain model.

scikit-learn is a dependency of the command line tools, never of the Lambda
bundle: nothing under handlers/, conversation/ or storage/ imports this.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from trust_renewal.cli.matcher import FALLBACK, canonical, load_builtin_utterances, number_value

# Below this probability for its best intent an utterance is out of domain.
# Chosen on the development corpus (tests/corpus/nlu_dev.json), never on the held-out one.
DEFAULT_THRESHOLD = 0.3
# How sharply the SVM's scores become a confidence (a softmax of SCALE * score).
SCALE = 4.0
# The SVM's regularisation, and whether each intent weighs the same whatever its size.
CLASSIFIER_C = 0.5
CLASS_WEIGHT: str | None = None
# How much each out-of-domain sample counts against the intents' samples.
FALLBACK_WEIGHT = 2.0
# How many values fill each {slot} when a sample is expanded for training.
VALUES_PER_SLOT = 4
# Openings that soften what follows without changing it (compared in canonical form).
_SOFT_OPENINGS = frozenset({"to be honest", "i think", "i mean", "you know", "i guess"})
_SLOT = re.compile(r"\{(\w+)\}")
_TIME_WORDS = frozenset(
    {"am", "pm", "a", "m", "p", "oclock", "half", "quarter", "past", "to", "noon", "midnight", "morning",
     "evening", "afternoon", "night", "tonight", "in", "the", "at", "thirty", "fifteen", "forty"}
)  # fmt: skip


def load_slot_catalog() -> dict[str, list[str]]:
    """Stand-in values for the built-in slot types (AMAZON.FirstName, NUMBER, TIME)."""
    node = resources.files("trust_renewal.cli").joinpath("slot_catalog.json")
    data = json.loads(node.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k.startswith("AMAZON.")}


@dataclass(frozen=True)
class Example:
    """One training utterance: its words, its intent, each word's slot (or "O") and its weight."""

    words: tuple[str, ...]
    intent: str
    labels: tuple[str, ...]
    weight: float = 1.0

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Prediction:
    """What the model understood: an intent, how sure it is, and the slots' spoken words."""

    intent: str
    confidence: float
    slots: dict[str, str] = field(default_factory=dict)
    probabilities: dict[str, float] = field(default_factory=dict)

    def probability(self, *intents: str) -> float:
        return sum(self.probabilities.get(name, 0.0) for name in intents)


def _type_phrases(lm: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for slot_type in lm.get("types", []):
        phrases: list[str] = []
        for value in slot_type.get("values", []):
            phrases += [value["name"]["value"], *value["name"].get("synonyms", [])]
        out[slot_type["name"]] = phrases
    return out


def intent_samples(
    model: dict[str, Any], builtin_utterances: dict[str, list[str]] | None = None
) -> dict[str, list[str]]:
    """Each intent's samples as the model gives them (built-ins: their usual phrasings too)."""
    builtins = load_builtin_utterances() if builtin_utterances is None else builtin_utterances
    out: dict[str, list[str]] = {}
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        samples = [*intent.get("samples", []), *builtins.get(intent["name"], [])]
        out[intent["name"]] = list(dict.fromkeys(samples))
    return out


def training_examples(
    model: dict[str, Any],
    builtin_utterances: dict[str, list[str]] | None = None,
    catalog: dict[str, list[str]] | None = None,
) -> list[Example]:
    """Every sample, its {slots} filled with values of their types (deterministically)."""
    lm = model["interactionModel"]["languageModel"]
    catalog = load_slot_catalog() if catalog is None else catalog
    values = {**catalog, **_type_phrases(lm)}
    slot_types = {i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in lm["intents"]}
    examples: list[Example] = []
    turn = 0  # walks through each type's values so every value is used somewhere
    for intent, samples in intent_samples(model, builtin_utterances).items():
        for sample in samples:
            refs = _SLOT.findall(sample)
            if not refs:
                words = tuple(canonical(sample).split())
                if words:
                    examples.append(Example(words, intent, ("O",) * len(words)))
                continue
            for _ in range(VALUES_PER_SLOT):
                words_out: list[str] = []
                labels: list[str] = []
                for token in sample.split():
                    ref = _SLOT.fullmatch(token)
                    if ref is None:
                        piece = canonical(token).split()
                        words_out += piece
                        labels += ["O"] * len(piece)
                        continue
                    name = ref.group(1)
                    pool = values.get(slot_types.get(intent, {}).get(name, ""), []) or ["something"]
                    value = canonical(pool[turn % len(pool)]).split()
                    turn += 1
                    words_out += value
                    labels += [name] * len(value)
                if words_out:
                    examples.append(Example(tuple(words_out), intent, tuple(labels), 1.0 / VALUES_PER_SLOT))
    return examples


def _word_features(words: Sequence[str], i: int, intent: str, vocab: frozenset[str]) -> str:
    """One word's features for the slot tagger, as space-separated tokens."""
    # A word never seen outside a slot is known only by its shape and its neighbours,
    # so a name the catalog lacks ("maya") is a name where names are said.
    w = words[i]
    features = [
        "w=" + (w if w in vocab else "<unk>"),
        "p1=" + (words[i - 1] if i > 0 else "<s>"),
        "p2=" + (words[i - 2] if i > 1 else "<s>"),
        "n1=" + (words[i + 1] if i + 1 < len(words) else "</s>"),
        "n2=" + (words[i + 2] if i + 2 < len(words) else "</s>"),
        "intent=" + intent,
    ]
    if number_value(w) is not None or w.isdigit():
        features.append("number")
    if w in _TIME_WORDS:
        features.append("timeword")
    return " ".join(features)


class IntentModel:
    """Intent and slots for an utterance, learnt from one interaction model."""

    def __init__(
        self,
        model: dict[str, Any],
        builtin_utterances: dict[str, list[str]] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.svm import LinearSVC

        self.threshold = threshold
        self._seen: dict[str, Prediction] = {}
        lm = model["interactionModel"]["languageModel"]
        self.intent_slots: dict[str, tuple[str, ...]] = {
            i["name"]: tuple(s["name"] for s in i.get("slots", [])) for i in lm["intents"]
        }
        examples = training_examples(model, builtin_utterances)
        # Words of the skill's own samples only: an everyday word the out-of-domain samples use
        # ("gardening") is still unknown to the slot tagger, so it can be a topic nobody listed.
        self.vocab = frozenset(
            w
            for e in examples
            if e.intent != FALLBACK
            for w, label in zip(e.words, e.labels, strict=True)
            if label == "O"
        )
        self.intents = sorted({e.intent for e in examples})
        self.classifier = make_pipeline(
            make_union(
                TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
            ),
            LinearSVC(C=CLASSIFIER_C, class_weight=CLASS_WEIGHT),
        )
        self.classifier.fit(
            [e.text for e in examples],
            [e.intent for e in examples],
            linearsvc__sample_weight=[
                e.weight * (FALLBACK_WEIGHT if e.intent == FALLBACK else 1.0) for e in examples
            ],
        )
        tagged = [e for e in examples if self.intent_slots.get(e.intent)]
        self.tagger = None
        if tagged:
            rows, labels = [], []
            for e in tagged:
                for i in range(len(e.words)):
                    rows.append(_word_features(e.words, i, e.intent, self.vocab))
                    labels.append(e.labels[i])
            self.tagger = make_pipeline(
                CountVectorizer(token_pattern=r"\S+", lowercase=False, binary=True), LinearSVC(C=0.5)
            )
            self.tagger.fit(rows, labels)

    @staticmethod
    def _words(text: str) -> list[str]:
        words = canonical(text).split()
        # An opening that only softens ("to be honest, ...") says nothing of the intent.
        for size in (3, 2):
            if len(words) > size and " ".join(words[:size]) in _SOFT_OPENINGS:
                return words[size:]
        return words

    def predict(self, text: str) -> Prediction:
        """The intent and slots for one utterance (remembered: the chat and the scores ask again)."""
        if text not in self._seen:
            self.predict_many([text])
        return self._seen[text]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions for many utterances at once (one pass of the vectorisers: much faster)."""
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in self._seen]
        said = {t: self._words(t) for t in todo}
        spoken = [t for t in todo if said[t]]
        for t in todo:
            if not said[t]:
                self._seen[t] = Prediction(FALLBACK, 1.0)
        if spoken:
            all_scores = self.classifier.decision_function([" ".join(said[t]) for t in spoken]) * SCALE
            classes = [str(c) for c in self.classifier.classes_]
            for t, scores in zip(spoken, all_scores, strict=True):
                probs = np.exp(scores - scores.max())
                probs /= probs.sum()
                ranked = sorted(zip(classes, probs, strict=True), key=lambda p: -p[1])
                probabilities = {name: float(p) for name, p in ranked}
                intent, best = ranked[0]
                if intent == FALLBACK or best < self.threshold:
                    self._seen[t] = Prediction(FALLBACK, float(best), {}, probabilities)
                else:
                    self._seen[t] = Prediction(
                        intent, float(best), self.slots(said[t], intent), probabilities
                    )
        return [self._seen[t] for t in texts]

    def slots(self, words: Sequence[str], intent: str) -> dict[str, str]:
        """The words each of the intent's slots holds (a slot's longest run of words)."""
        allowed = self.intent_slots.get(intent, ())
        if not allowed or self.tagger is None:
            return {}
        rows = [_word_features(words, i, intent, self.vocab) for i in range(len(words))]
        probs = self.tagger.decision_function(rows)
        classes = [str(c) for c in self.tagger.classes_]
        keep = [k for k, label in enumerate(classes) if label == "O" or label in allowed]
        labels = [classes[max(keep, key=lambda k, row=row: row[k])] for row in probs]
        runs: dict[str, str] = {}
        i = 0
        while i < len(words):
            if labels[i] == "O":
                i += 1
                continue
            end = i
            while end + 1 < len(words) and labels[end + 1] == labels[i]:
                end += 1
            value = " ".join(words[i : end + 1])
            if len(value) > len(runs.get(labels[i], "")):
                runs[labels[i]] = value
            i = end + 1
        return runs


def model_key(model: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()


_TRAINED: dict[tuple[str, float], IntentModel] = {}


def trained(model: dict[str, Any], threshold: float = DEFAULT_THRESHOLD) -> IntentModel:
    """The model trained on this interaction model, once per process (training takes seconds)."""
    key = (model_key(model), threshold)
    if key not in _TRAINED:
        _TRAINED[key] = IntentModel(model, threshold=threshold)
    return _TRAINED[key]


@lru_cache(maxsize=8)
def trained_for_locale(locale: str) -> IntentModel:
    from trust_renewal.interaction_models import load_model

    return trained(load_model(locale))


def sklearn_available() -> bool:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True

"""Typed text → intent and slots, learnt from the interaction model as Alexa learns it.

The terminal chat understands what the model (plus the built-in intents' usual
phrasings) teaches: a sample said exactly (small words aside) is that sample's
intent, slots filled the way Alexa presents them; anything else goes to the
statistical model trained on the same samples (``cli/nlu_model.py``), which
answers AMAZON.FallbackIntent when it is not confident, as Alexa does for
out-of-domain requests. ``trust-renewal nlu`` measures both on a held-out corpus.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from trust_renewal.config import LOCAL_SKILL_ID
from trust_renewal.conversation.answers import NOT_NAMES

FALLBACK = "AMAZON.FallbackIntent"

# Safety is heard in people's own words, inside longer sentences too: a sample of
# these intents anywhere in what was said wins over everything else ("last night
# my husband hit me again"), unless the statistical model, reading the whole
# sentence, sees no hint of a safety intent in it ("he beat me at chess").
# Listed in the order they win a tie.
HEARD_WITHIN = (
    "HarmDoneIntent", "WorryAboutSomeoneIntent", "SelfHarmIntent", "AbuseIntent", "SafetyIntent"
)
# Distress must be the whole sentence, give or take small words ("honestly I
# feel awful right now"), so "I feel terrible about what I did" stays ordinary.
HEARD_WHOLE = ("HopelessIntent", "DistressIntent")
# Spoken forms Alexa may hand over either way; compared in one form.
_CONTRACTIONS = (
    ("i am", "i'm"), ("do not", "don't"), ("does not", "doesn't"), ("did not", "didn't"),
    ("is not", "isn't"), ("are not", "aren't"), ("cannot", "can't"), ("can not", "can't"),
    ("will not", "won't"), ("would not", "wouldn't"), ("he is", "he's"), ("she is", "she's"),
    ("they are", "they're"), ("we are", "we're"), ("it is", "it's"), ("i have", "i've"),
    ("i will", "i'll"), ("he will", "he'll"), ("she will", "she'll"), ("they will", "they'll"),
    ("there is", "there's"), ("what is", "what's"), ("that is", "that's"), ("i would", "i'd"),
    ("wanna", "want to"), ("gonna", "going to"), ("okay", "ok"),
)  # fmt: skip
# Small words that change nothing about what is meant, dropped before comparing.
_FILLER_WORDS = frozenset(
    {"so", "really", "just", "honestly", "actually", "literally", "truly", "even", "um", "uh",
     "please", "alexa", "oh", "god", "seriously", "totally", "completely"}
)  # fmt: skip
_OPENINGS = ("i think", "i mean", "to be honest", "sorry", "well", "ok", "you know")
_ENDINGS = (
    "right now", "today", "tonight", "at the moment", "anymore", "any more", "at all", "again",
    "i think", "to be honest", "you know",
)  # fmt: skip

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# Parts of the day: Alexa fills an AMAZON.TIME slot with these codes.
_DAY_PARTS = {
    "morning": "MO", "this morning": "MO", "afternoon": "AF", "this afternoon": "AF",
    "evening": "EV", "this evening": "EV", "night": "NI", "tonight": "NI",
}  # fmt: skip
_NOON = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}
_PM = ("pm", "p m", "in the afternoon", "in the evening", "at night", "tonight")
_AM = ("am", "a m", "in the morning")

# What each slot type may capture before its value is checked.
_WORDS = r"[a-z0-9':]+(?: [a-z0-9':]+){0,%d}"
_FRAGMENTS = {
    "AMAZON.FirstName": r"[a-z][a-z']*",
    "AMAZON.NUMBER": r"\d+|" + _WORDS % 4,
    "AMAZON.TIME": _WORDS % 5,
}
_CUSTOM_FRAGMENT = _WORDS % 5
# How much of the model's confidence must lean to safety for a safety sample heard
# inside a longer sentence to win (chosen on tests/corpus/nlu_dev.json and nlu_dev_blind.json).
WITHIN_FLOOR = 0.20


def normalise(text: str) -> str:
    """Lowercase words and digits as Alexa's speech recognition would hand them over."""
    t = text.lower().replace("’", "'").replace("‘", "'")
    t = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", t)  # "p.m." → "pm"
    t = re.sub(r"(\d)\s?([ap]m)\b", r"\1 \2", t)  # "8pm" → "8 pm"
    t = re.sub(r"[^a-z0-9':]+", " ", t)
    t = re.sub(r"(?<!\d):|:(?!\d)", " ", t)  # keep colons only inside times
    t = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", t)  # quotes, not apostrophes
    t = " ".join(t.split())
    return re.sub(r"^alexa\b ?", "", t)


def number_value(words: str) -> int | None:
    """Digits or number words ("twenty one") → the number, else None."""
    if words.isdigit():
        return int(words)
    total, current, last = 0, 0, ""
    for word in words.split():
        if word in ("a", "and") and last in ("", "hundred"):
            continue
        if word in _UNITS:
            if last in ("unit", "teen") or (last == "tens" and not 0 < _UNITS[word] < 10):
                return None
            current += _UNITS[word]
            last = "unit" if _UNITS[word] < 10 else "teen"
        elif word in _TENS:
            if last in ("unit", "teen", "tens"):
                return None
            current += _TENS[word]
            last = "tens"
        elif word == "hundred" and last in ("", "unit", "teen"):
            current = max(current, 1) * 100
            last = "hundred"
        elif word == "thousand" and last not in ("thousand",):
            total += max(current, 1) * 1000
            current, last = 0, "thousand"
        else:
            return None
    return total + current if last else None


def _clock(words: str) -> tuple[int, int] | None:
    """"8", "8:30", "eight thirty", "half past eight", "quarter to nine" → (hour, minute)."""
    past = re.fullmatch(r"(half|quarter|.+?) (past|after|to) (.+)", words)
    if past:
        minutes = {"half": 30, "quarter": 15}.get(past.group(1)) or number_value(past.group(1))
        hour = number_value(past.group(3))
        if minutes is None or hour is None or not 0 < minutes < 60:
            return None
        return (hour, minutes) if past.group(2) != "to" else ((hour - 1) % 24, 60 - minutes)
    digits = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?", words)
    if digits:
        return int(digits.group(1)), int(digits.group(2) or 0)
    parts = words.split()
    for split in range(1, len(parts) + 1):
        hour = number_value(" ".join(parts[:split]))
        rest = " ".join(parts[split:])
        minute = 0 if not rest else number_value(re.sub(r"^oh (?=\w)", "", rest))
        if hour is not None and minute is not None and hour <= 24:
            return hour, minute
    return None


def time_value(words: str) -> str | None:
    """Spoken time → Alexa's AMAZON.TIME value ("8 pm" → "20:00", "evening" → "EV")."""
    words = re.sub(r"^(?:at|about|around) ", "", words)
    if words in _DAY_PARTS:
        return _DAY_PARTS[words]
    if words in _NOON:
        return _NOON[words]
    suffix = ""
    for ending in (*_PM, *_AM):
        if words.endswith(" " + ending):
            words, suffix = words[: -len(ending) - 1], ending
            break
    words = re.sub(r" o'?clock$", "", words)
    clock = _clock(words)
    if clock is None:
        return None
    hour, minute = clock
    if not (0 <= hour <= 23 and 0 <= minute <= 59) or (suffix and not 1 <= hour <= 12):
        return None
    if suffix in _PM and hour < 12:
        hour += 12
    elif suffix in _AM and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def canonical(text: str) -> str:
    """A normalised utterance in one spoken form: contractions joined, small words dropped."""
    words = f" {normalise(text)} "
    for long, short in _CONTRACTIONS:
        words = words.replace(f" {long} ", f" {short} ")
    words = words.replace("'", "")
    return " ".join(w for w in words.split() if w not in _FILLER_WORDS)


def _trim_edges(words: str) -> str:
    """Drop small openings and endings ("I think ...", "... right now")."""
    changed = True
    while changed:
        changed = False
        for phrase in _OPENINGS:
            if words.startswith(phrase + " "):
                words, changed = words[len(phrase) + 1 :], True
        for phrase in _ENDINGS:
            if words.endswith(" " + phrase):
                words, changed = words[: -len(phrase) - 1], True
    return words


_LEADING_FILLERS = re.compile(
    r"^(?:(?:ok|okay|so|um|uh|er|erm|well|and|alright|all right|right|yeah|hey|oh|sorry)\b ?)+"
)
_TRAILING_FILLERS = re.compile(r"(?: (?:please|now|then|thanks|thank you|for us|alexa))+$")


def without_fillers(spoken: str) -> str:
    """Normalised words without the fillers around them ("ok so next please" → "next")."""
    return _TRAILING_FILLERS.sub("", _LEADING_FILLERS.sub("", spoken)).strip()


@dataclass(frozen=True)
class Match:
    """What Alexa would send for one utterance: an intent and its slots."""

    intent: str
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    sample: str | None = None  # the sample utterance that matched (None: fallback)
    # How it matched: "sample" (a whole sample), "within" (a safety sample inside
    # a longer sentence), "whole" (a distress sample, small words aside), "model"
    # (the statistical model) or "none".
    via: str = "sample"

    @property
    def is_fallback(self) -> bool:
        return self.intent == FALLBACK


@dataclass(frozen=True)
class _Pattern:
    intent: str
    sample: str
    source: str  # the regular expression, compiled when first needed
    literal_words: int
    slot_types: dict[str, str]  # group name → slot type

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.source)


def _typed(slot_type: str, slot: dict[str, Any]) -> bool:
    """The slot holds a value of a checked type: a number, a time, a custom value, a name word."""
    if slot_type in ("AMAZON.NUMBER", "AMAZON.TIME"):
        return True  # _slot already refused words that are not one
    if slot_type == "AMAZON.FirstName":
        return False
    authority = slot.get("resolutions", {}).get("resolutionsPerAuthority", [{}])[0]
    return authority.get("status", {}).get("code") == "ER_SUCCESS_MATCH"


def _literal_key(words: str) -> str:
    return " ".join(words.replace("'", "").split())


def _unresolved(match: Match) -> bool:
    """A custom slot of the match holds words that are none of its type's values."""
    for slot in match.slots.values():
        authority = slot.get("resolutions", {}).get("resolutionsPerAuthority", [{}])[0]
        if authority.get("status", {}).get("code") == "ER_SUCCESS_NO_MATCH":
            return True
    return False


def load_builtin_utterances() -> dict[str, list[str]]:
    """What Alexa's built-in intents understand (they carry no samples in the model)."""
    node = resources.files("trust_renewal.cli").joinpath("builtin_utterances.json")
    return json.loads(node.read_text(encoding="utf-8"))["intents"]


class Matcher:
    """Matches typed text against one interaction model."""

    def __init__(
        self,
        model: dict[str, Any],
        builtin_utterances: dict[str, list[str]] | None = None,
        skill_id: str = LOCAL_SKILL_ID,
        statistical: bool = True,
    ) -> None:
        """``statistical=False``: exact samples only (how a phrasing is told to be a copy)."""
        lm = model["interactionModel"]["languageModel"]
        self.model = model
        self.statistical = statistical
        self._statistical_model: Any = None
        self.invocation_name: str = lm["invocationName"]
        self.skill_id = skill_id
        self.intent_slots: dict[str, dict[str, str]] = {
            i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in lm["intents"]
        }
        # phrase → (value name, id) per custom slot type, as entity resolution sees it.
        self.type_values: dict[str, dict[str, tuple[str, str]]] = {}
        for slot_type in lm.get("types", []):
            phrases: dict[str, tuple[str, str]] = {}
            for value in slot_type.get("values", []):
                name = value["name"]["value"]
                vid = value.get("id") or name
                for phrase in [name, *value["name"].get("synonyms", [])]:
                    phrases.setdefault(normalise(phrase), (name, vid))
            self.type_values[slot_type["name"]] = phrases
        builtins = load_builtin_utterances() if builtin_utterances is None else builtin_utterances
        # Safety samples in their compared form, longest first (the most specific wins).
        self.safety_phrases: list[tuple[str, str, str]] = sorted(
            (
                (canonical(sample), intent["name"], sample)
                for intent in lm["intents"]
                if intent["name"] in (*HEARD_WITHIN, *HEARD_WHOLE)
                for sample in intent.get("samples") or []
                if "{" not in sample
            ),
            key=lambda p: (-len(p[0].split()), (*HEARD_WITHIN, *HEARD_WHOLE).index(p[1])),
        )
        self.patterns: list[_Pattern] = []
        for intent in lm["intents"]:
            # A built-in hears its usual phrasings plus the samples the model adds to it.
            samples = [*intent.get("samples", []), *builtins.get(intent["name"], [])]
            for sample in dict.fromkeys(samples):
                self.patterns.append(self._compile(intent["name"], sample))
        # Samples without slots are looked up by their words (apostrophes aside) rather than
        # tried one by one: thousands of them, and the chat reads every line against all.
        self._literal: dict[str, list[int]] = {}
        self._slotted: list[int] = []
        for order, pattern in enumerate(self.patterns):
            if pattern.slot_types:
                self._slotted.append(order)
            else:
                key = _literal_key(" ".join(normalise(t) for t in pattern.sample.replace("-", " ").split()))
                self._literal.setdefault(key, []).append(order)

    @classmethod
    def for_locale(cls, locale: str = "en-US", skill_id: str = LOCAL_SKILL_ID) -> Matcher:
        from trust_renewal.interaction_models import load_model

        return cls(load_model(locale), skill_id=skill_id)

    def _compile(self, intent: str, sample: str) -> _Pattern:
        slots = self.intent_slots.get(intent, {})
        parts: list[str] = []
        literal = 0
        types: dict[str, str] = {}
        for token in sample.replace("-", " ").split():
            slot = re.fullmatch(r"\{(\w+)\}", token)
            if slot:
                name = slot.group(1)
                slot_type = slots.get(name, "")
                types[name] = slot_type
                parts.append(f"(?P<{name}>{_FRAGMENTS.get(slot_type, _CUSTOM_FRAGMENT)})")
            else:
                # Apostrophes are optional so "whats" matches "what's".
                parts.append(re.escape(normalise(token)).replace("'", "'?"))
                literal += 1
        return _Pattern(intent, sample, " ".join(parts), literal, types)

    def match(self, text: str) -> Match:
        """The intent and slots Alexa would send for what someone said.

        A sample's exact words are tried first, then the words without fillers
        ("ok so, next please"); anything else goes to the statistical model.
        Safety first: a self-harm, abuse or danger sample anywhere in the
        sentence, or a distress sample as the whole of it (small words aside),
        wins over any other intent, unless the model sees nothing of safety in
        the whole sentence.
        """
        found = self._match_samples(text)
        if found.intent in (*HEARD_WITHIN, *HEARD_WHOLE):
            return found
        if found.sample is not None and "{" not in found.sample:
            # A sample said whole, with no slot to stretch over other words, is what Alexa
            # sends: "I feel angry" is the feeling, even though "I feel so angry" is distress
            # and an out-of-domain sample stays out of domain.
            return found
        understood = self._understand(text) if self.statistical else None
        # A custom slot stretched over words none of its values are ("let's do {topic}" over
        # "the rest another night") is weak: the model reading the whole sentence decides.
        if understood is not None and (
            found.is_fallback or (_unresolved(found) and understood.intent != FALLBACK)
        ):
            found = self._from_prediction(understood)
        within = self._match_safety(text)
        if within is None or (found.intent == within.intent):
            return found
        if found.intent in HEARD_WITHIN and within.intent not in HEARD_WITHIN:
            return found  # a danger heard by the model outranks distress heard in a sample
        if understood is None or understood.probability(*HEARD_WITHIN, *HEARD_WHOLE) >= WITHIN_FLOOR:
            return within
        return found

    def match_sample(self, text: str) -> Match:
        """A sample said exactly (small words aside), or AMAZON.FallbackIntent."""
        return self._match_samples(text)

    def _understand(self, text: str) -> Any:
        if self._statistical_model is None:
            # nlu_model builds on this module's normalisation; loaded by name when first needed,
            # so the matcher imports without scikit-learn (and without a module cycle).
            trained = importlib.import_module("trust_renewal.cli.nlu_model").trained
            self._statistical_model = trained(self.model)  # once per process and model
        return self._statistical_model.predict(text)

    def _from_prediction(self, prediction: Any) -> Match:
        if prediction.intent == FALLBACK:
            return Match(FALLBACK, via="none")
        slots: dict[str, dict[str, Any]] = {
            name: {"confirmationStatus": "NONE"} for name in self.intent_slots.get(prediction.intent, {})
        }
        types = self.intent_slots.get(prediction.intent, {})
        for name, words in prediction.slots.items():
            value = self._slot(types.get(name, ""), words)
            if value is not None:
                slots[name] = value
        return Match(prediction.intent, slots, None, via="model")

    def slot_values(self, intent: str, words: dict[str, str]) -> dict[str, str]:
        """Slot words as Alexa gives their values ("eight pm" → "20:00"); unreadable ones left out."""
        types = self.intent_slots.get(intent, {})
        out = {}
        for name, said in words.items():
            value = self._slot(types.get(name, ""), said)
            if value is not None:
                out[name] = str(value["value"])
        return out

    def _match_safety(self, text: str) -> Match | None:
        said = canonical(text)
        if not said:
            return None
        padded = f" {said} "
        trimmed = _trim_edges(said)
        for phrase, intent, sample in self.safety_phrases:
            if intent in HEARD_WITHIN and f" {phrase} " in padded:
                return Match(intent, {}, sample, via="within")
            if intent in HEARD_WHOLE and phrase in (said, trimmed):
                return Match(intent, {}, sample, via="whole")
        return None

    def _match_samples(self, text: str) -> Match:
        spoken = normalise(text)
        found = self._match_words(spoken)
        plain = without_fillers(spoken)
        if found.is_fallback and plain and plain != spoken:
            found = self._match_words(plain)
        return found

    def _match_words(self, spoken: str) -> Match:
        best: tuple[tuple[int, int, int], int, Match] | None = None
        whole: Match | None = None
        candidates = sorted({*self._literal.get(_literal_key(spoken), ()), *self._slotted})
        for order in candidates:
            pattern = self.patterns[order]
            found = pattern.regex.fullmatch(spoken)
            if not found:
                continue
            slots = self._fill(pattern, found)
            if slots is None:
                continue
            if pattern.literal_words and any(
                slot_type == "AMAZON.FirstName" and (found.group(name) or "") in NOT_NAMES
                for name, slot_type in pattern.slot_types.items()
            ):
                continue  # "I'm okay" is not "I'm {name}": a filler or command is nobody's name
            typed = {name: _typed(pattern.slot_types[name], slots[name]) for name in pattern.slot_types}
            if pattern.literal_words == 0 and not all(
                ok or pattern.slot_types[name] == "AMAZON.FirstName" for name, ok in typed.items()
            ):
                # A bare answer ("forgiveness", "three", "eight p m") is heard only when
                # its words are a value of the slot's type, not any words at all.
                continue
            # Values Alexa checks against a type (numbers, times, custom values) beat
            # free text such as a first name: "three" is a number before it is a name.
            resolved = sum(typed.values())
            captured = sum(len(found.group(g) or "") for g in pattern.slot_types)
            # Most literal words first, then resolved slots, then the least left to slots.
            score = (pattern.literal_words, resolved, -captured)
            match = Match(pattern.intent, slots, pattern.sample)
            if best is None or score > best[0]:
                best = (score, order, match)
            if pattern.literal_words == 0 and typed and all(typed.values()) and whole is None:
                whole = match
        if best is not None and whole is not None and self._takes_names(best[2]):
            # Words that are wholly a value of a checked type ("talk and listen", a step
            # topic; "three") are that value before they are first names around an "and".
            return whole
        return best[2] if best else Match(FALLBACK, via="none")

    def _takes_names(self, match: Match) -> bool:
        return "AMAZON.FirstName" in self.intent_slots.get(match.intent, {}).values()

    def _fill(self, pattern: _Pattern, found: re.Match[str]) -> dict[str, dict[str, Any]] | None:
        slots: dict[str, dict[str, Any]] = {
            name: {"confirmationStatus": "NONE"} for name in self.intent_slots.get(pattern.intent, {})
        }
        for name, slot_type in pattern.slot_types.items():
            value = self._slot(slot_type, found.group(name))
            if value is None:
                return None  # Alexa would not hear this as that slot type
            slots[name] = value
        return slots

    def _slot(self, slot_type: str, words: str) -> dict[str, Any] | None:
        base: dict[str, Any] = {"confirmationStatus": "NONE", "source": "USER"}
        if slot_type == "AMAZON.NUMBER":
            number = number_value(words)
            return None if number is None else {"value": str(number), **base}
        if slot_type == "AMAZON.TIME":
            when = time_value(words)
            return None if when is None else {"value": when, **base}
        if slot_type == "AMAZON.FirstName":
            return {"value": words[:1].upper() + words[1:], **base}
        if slot_type in self.type_values:
            hit = self.type_values[slot_type].get(words)
            authority: dict[str, Any] = {
                "authority": f"amzn1.er-authority.echo-sdk.{self.skill_id}.{slot_type}",
                "status": {"code": "ER_SUCCESS_MATCH" if hit else "ER_SUCCESS_NO_MATCH"},
            }
            if hit:
                authority["values"] = [{"value": {"name": hit[0], "id": hit[1]}}]
            return {"value": words, **base, "resolutions": {"resolutionsPerAuthority": [authority]}}
        return {"value": words, **base}

"""The interaction models: built from one shared source, checked, and loaded.

``interaction_model/source/intents.json`` holds the intents and samples every
English locale shares; ``source/locales.json`` adds per-locale phrasings and the
content's ``spelling.json`` per-locale spelling, and
phrasing; the step topics slot type comes from the content files. Generating
all five locales from that one source is what keeps them from drifting apart.
The generated ``<locale>.json`` files ship as package data, so the terminal
chat can read them after a plain ``pip install``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from trust_renewal.spelling import locale_spelling, respell

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
REQUIRED_BUILTINS = (
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.StartOverIntent",
)
MIN_SAMPLES = 12
MAX_SAMPLE_CHARS = 200
STEP_TOPIC = "STEP_TOPIC"

# Alexa accepts letters, spaces, apostrophes, periods and hyphens in samples
# (numbers spelled out) and slots written as {name} between spaces.
_SAMPLE_TOKEN = re.compile(r"^(\{[A-Za-z][A-Za-z0-9_]*\}|[A-Za-z][A-Za-z'.\-]*)$")
_SLOT_REF = re.compile(r"\{([^{}]+)\}")


class ModelSourceError(ValueError):
    """The model source (or the content it draws on) cannot make a valid model."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("cannot build the interaction models:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class StepTopics:
    """What a couple may call one program step ("forgiveness", "letting go")."""

    step_id: str
    topics: tuple[str, ...]


# -- loading the shipped models ----------------------------------------------
def load_model(locale: str = "en-US") -> dict[str, Any]:
    """The shipped interaction model for a locale, as Alexa reads it."""
    if locale not in LOCALES:
        raise ValueError(f"no interaction model for {locale!r}; locales: {', '.join(LOCALES)}")
    node = resources.files("trust_renewal.interaction_model").joinpath(f"{locale}.json")
    return json.loads(node.read_text(encoding="utf-8"))


def language_model(model: dict[str, Any]) -> dict[str, Any]:
    return model["interactionModel"]["languageModel"]


# -- the source ----------------------------------------------------------------
def default_model_dir() -> Path | None:
    """``interaction_model/`` of the source checkout this package runs from, if any."""
    candidate = Path(__file__).resolve().parents[2] / "interaction_model"
    return candidate if (candidate / "source" / "intents.json").is_file() else None


def read_source(model_dir: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The shared source and the per-locale overlays."""
    source = json.loads((model_dir / "source" / "intents.json").read_text(encoding="utf-8"))
    overlays = json.loads((model_dir / "source" / "locales.json").read_text(encoding="utf-8"))
    return source, overlays.get("locales", {})


def content_topics(locale: str) -> list[StepTopics]:
    """Each step's topics from the content (its title if the writers gave none yet)."""
    from trust_renewal.content.loader import load_content

    return [
        StepTopics(step.id, tuple(step.topics) or (step.title,))
        for step in load_content(locale).steps
    ]


# -- building ------------------------------------------------------------------
def topic_phrase(text: str) -> str:
    """A topic as Alexa takes a slot value: lowercase words, no punctuation."""
    text = text.lower().replace("&", " and ").replace("-", " ")
    text = re.sub(r"[^a-z' ]+", " ", text)
    return " ".join(text.split())


_ALTERNATION = re.compile(r"\(([^()]*)\)")
# A line whose choices multiply to more samples than this gets a covering set
# instead: every choice of every group in some sample, not every combination.
# Alexa learns the words and their contexts from that; the full product made one
# intent (AbuseIntent) 1,457 near-identical samples, and a model leans towards
# its biggest intents (issue 21).
FULL_PRODUCT_MAX = 12
COVERING_MIN = 8


def expand_sample(sample: str) -> list[str]:
    """Every sample a source line stands for: ``(a|b)`` picks one of its words or phrases.

    The source writes one line where people vary a word ("my (husband|wife) hit me");
    Alexa's model gets each variant as its own sample, every combination while
    they are few, else a covering set in which each choice appears. An empty
    choice drops the group.
    """
    pieces: list[str | list[str]] = []
    at = 0
    for found in _ALTERNATION.finditer(sample):
        pieces.append(sample[at : found.start()])
        pieces.append(found.group(1).split("|"))
        at = found.end()
    pieces.append(sample[at:])
    groups = [p for p in pieces if isinstance(p, list)]
    if not groups:
        return [" ".join(sample.split())]
    total = 1
    for group in groups:
        total *= len(group)
    if total <= FULL_PRODUCT_MAX:
        picks = [list(combo) for combo in itertools.product(*groups)]
    else:
        # Each group cycles through its choices at its own pace, so pairings vary.
        count = max(COVERING_MIN, *(len(g) for g in groups))
        picks = [[g[(i * (k + 1) + k) % len(g)] for k, g in enumerate(groups)] for i in range(count)]
    out = []
    for pick in picks:
        chosen = iter(pick)
        text = "".join(p if isinstance(p, str) else next(chosen) for p in pieces)
        out.append(" ".join(text.split()))
    return list(dict.fromkeys(out))


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.lower()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def step_topic_type(steps: Sequence[StepTopics], spelling: dict[str, str]) -> dict[str, Any]:
    values = []
    for step in steps:
        phrases = _unique(respell(topic_phrase(t), spelling) for t in step.topics)
        if not phrases:
            continue
        value: dict[str, Any] = {"value": phrases[0]}
        if phrases[1:]:
            value["synonyms"] = phrases[1:]
        values.append({"id": step.step_id, "name": value})
    return {"name": STEP_TOPIC, "values": values}


def build_model(
    source: dict[str, Any],
    overlay: dict[str, Any],
    steps: Sequence[StepTopics],
    spelling: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One locale's model from the shared source, its overlay, its spelling and the step topics."""
    spelling = spelling or {}
    extra: dict[str, list[str]] = overlay.get("samples") or {}
    known = {intent["name"] for intent in source["intents"]} | set(source["builtinIntents"])
    unknown = sorted(set(extra) - known)
    if unknown:
        raise ModelSourceError([f"locale overlay adds samples to unknown intents: {', '.join(unknown)}"])
    intents: list[dict[str, Any]] = []
    for intent in source["intents"]:
        built: dict[str, Any] = {"name": intent["name"]}
        if intent.get("slots"):
            built["slots"] = [{"name": s["name"], "type": s["type"]} for s in intent["slots"]]
        samples = [*intent.get("samples", []), *extra.get(intent["name"], [])]
        built["samples"] = _unique(
            respell(variant, spelling) for s in samples for variant in expand_sample(s)
        )
        intents.append(built)
    # Built-ins understand the usual phrasings already; their samples here add the
    # ways couples say them in this skill ("we're ready for the next part").
    builtin_samples: dict[str, list[str]] = source.get("builtinSamples") or {}
    strays = sorted(set(builtin_samples) - set(source["builtinIntents"]))
    if strays:
        raise ModelSourceError([f"builtinSamples for intents not in builtinIntents: {', '.join(strays)}"])
    intents.extend(
        {
            "name": name,
            "samples": _unique(
                respell(variant, spelling)
                for s in [*builtin_samples.get(name, []), *extra.get(name, [])]
                for variant in expand_sample(s)
            ),
        }
        for name in source["builtinIntents"]
    )
    model: dict[str, Any] = {"invocationName": source["invocationName"]}
    if source.get("modelConfiguration"):
        model["modelConfiguration"] = source["modelConfiguration"]
    model["intents"] = intents
    # Types the source declares (e.g. PROGRAM: how people name this program), after the step topics.
    model["types"] = [step_topic_type(steps, spelling), *source.get("types", [])]
    return {"interactionModel": {"languageModel": model}}


def generate_all(model_dir: Path, topics: dict[str, list[StepTopics]] | None = None) -> dict[str, dict]:
    """Every locale's model; ``topics`` by locale, else read from the content."""
    source, overlays = read_source(model_dir)
    missing = [loc for loc in LOCALES if loc not in overlays]
    if missing:
        raise ModelSourceError([f"source/locales.json has no entry for {', '.join(missing)}"])
    models = {}
    for locale in LOCALES:
        steps = topics[locale] if topics is not None else content_topics(locale)
        model = build_model(source, overlays[locale], steps, locale_spelling(locale))
        problems = check_model(model)
        if problems:
            raise ModelSourceError([f"{locale}: {p}" for p in problems])
        models[locale] = model
    return models


def model_text(model: dict[str, Any]) -> str:
    """The committed form of a model: stable, readable, diff-friendly."""
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


# -- checking ------------------------------------------------------------------
def sample_slots(sample: str) -> list[str]:
    return _SLOT_REF.findall(sample)


def check_model(model: dict[str, Any]) -> list[str]:
    """What Alexa's model build (or our own bar) would reject in a model."""
    problems: list[str] = []
    try:
        lm = language_model(model)
    except (KeyError, TypeError):
        return ["not shaped like {interactionModel: {languageModel: ...}}"]
    name = lm.get("invocationName", "")
    if not re.fullmatch(r"[a-z][a-z'.]*( [a-z][a-z'.]*)+", name or ""):
        problems.append(f"invocation name {name!r} must be two or more lowercase words")
    types = {t["name"]: t for t in lm.get("types", [])}
    intents = lm.get("intents", [])
    names = [i["name"] for i in intents]
    for builtin in REQUIRED_BUILTINS:
        if builtin not in names:
            problems.append(f"built-in {builtin} is missing")
    if len(set(names)) != len(names):
        problems.append("an intent is listed twice")
    owner: dict[str, str] = {}
    for intent in intents:
        iname = intent["name"]
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for slot, slot_type in slots.items():
            if not slot_type.startswith("AMAZON.") and slot_type not in types:
                problems.append(f"{iname}: slot {slot} has undefined type {slot_type}")
        samples = intent.get("samples", [])
        builtin = iname.startswith("AMAZON.")
        if builtin and slots:
            problems.append(f"{iname}: a built-in intent cannot take slots here")
        if not builtin and len(samples) < MIN_SAMPLES:
            problems.append(f"{iname}: {len(samples)} samples, fewer than {MIN_SAMPLES}")
        used: set[str] = set()
        for sample in samples:
            key = " ".join(sample.lower().split())
            if key in owner:
                where = "twice" if owner[key] == iname else f"also in {owner[key]}"
                problems.append(f"{iname}: sample {sample!r} is {where}")
            owner[key] = iname
            if len(sample) > MAX_SAMPLE_CHARS:
                problems.append(f"{iname}: sample {sample!r} is over {MAX_SAMPLE_CHARS} characters")
            bad = [t for t in sample.split() if not _SAMPLE_TOKEN.match(t)]
            if bad:
                problems.append(f"{iname}: sample {sample!r} has invalid words {bad}")
            for ref in sample_slots(sample):
                used.add(ref)
                if ref not in slots:
                    problems.append(f"{iname}: sample {sample!r} uses undefined slot {{{ref}}}")
        for slot in slots:
            if slot not in used:
                problems.append(f"{iname}: slot {slot} appears in no sample")
    for tname, slot_type in types.items():
        ids: set[str] = set()
        phrases: dict[str, str] = {}
        for value in slot_type.get("values", []):
            vid = value.get("id", "")
            if vid in ids:
                problems.append(f"type {tname}: id {vid!r} is used twice")
            ids.add(vid)
            name_obj = value.get("name", {})
            for phrase in [name_obj.get("value", ""), *name_obj.get("synonyms", [])]:
                key = phrase.lower()
                if not key.strip():
                    problems.append(f"type {tname}: value {vid!r} has an empty phrase")
                elif key in phrases and phrases[key] != vid:
                    problems.append(f"type {tname}: {phrase!r} names both {phrases[key]} and {vid}")
                phrases.setdefault(key, vid)
        if not slot_type.get("values"):
            problems.append(f"type {tname} has no values")
    return problems


def differences(committed: Any, generated: Any, path: str = "") -> list[str]:
    """Readable differences between a committed model and a freshly generated one."""
    out: list[str] = []
    here = path or "(top)"
    if isinstance(committed, dict) and isinstance(generated, dict):
        for key in [*committed, *(k for k in generated if k not in committed)]:
            sub = f"{path}{'' if str(key).startswith('[') else '.'}{key}" if path else str(key)
            if key not in generated:
                out.append(f"{sub}: only in the committed file")
            elif key not in committed:
                out.append(f"{sub}: missing from the committed file")
            else:
                out.extend(differences(committed[key], generated[key], sub))
    elif isinstance(committed, list) and isinstance(generated, list):
        keyed = _keyed(committed), _keyed(generated)
        if keyed[0] is not None and keyed[1] is not None:
            out.extend(differences(keyed[0], keyed[1], path))
        elif all(isinstance(x, str) for x in [*committed, *generated]):
            for item in committed:
                if item not in generated:
                    out.append(f"{here}: {item!r} is committed but not generated")
            for item in generated:
                if item not in committed:
                    out.append(f"{here}: {item!r} is generated but not committed")
            if not out and committed != generated:
                out.append(f"{here}: same items in a different order")
        elif committed != generated:
            out.append(f"{here}: differs")
    elif committed != generated:
        out.append(f"{here}: committed {committed!r}, generated {generated!r}")
    return out


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Lists of named objects (intents, slots, types, values) compared by name."""
    for key in ("name", "id"):
        if items and all(isinstance(x, dict) and isinstance(x.get(key), str) for x in items):
            return {f"[{x[key]}]": x for x in items}
    return None if items else {}

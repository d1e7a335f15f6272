"""``trust-renewal nlu``: how much of what people say the samples teach, measured as Alexa learns.

Trains the statistical model (``cli/nlu_model.py``) on each locale's interaction
model alone and scores a held-out corpus of phrasings written without looking at
the samples (``tests/corpus/heldout.json``: frozen, never used for training or
tuning). Two ways of understanding are scored: ``model``, the statistical model
as Alexa's NLU would use it, and ``chat``, the terminal chat's matcher (exact
samples first, then the same model). The report gives overall accuracy, accuracy
on phrasings that are not copies of a sample, each intent's n/N, recall per
safety route, false alarms on ordinary sentences and the worst misses.
``--check`` exits 1 when a floor is not met; ``--annotations DIR`` writes the
corpus as ASK NLU annotation sets (docs/nlu.md says how to run them on Alexa).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trust_renewal.interaction_models import LOCALES

FALLBACK = "AMAZON.FallbackIntent"
# The safety routes and the corpus intents filed under each (conversation/safety.py, docs/safety.md).
ROUTES: dict[str, tuple[str, ...]] = {
    "self_harm": ("SelfHarmIntent", "HarmDoneIntent", "WorryAboutSomeoneIntent"),
    "abuse_danger": ("AbuseIntent", "SafetyIntent"),
    "distress": ("DistressIntent", "HopelessIntent"),
}
_CRISIS_LINE = ("SelfHarmIntent", "HarmDoneIntent", "WorryAboutSomeoneIntent")
# The answers that reach help for a phrasing meant as each safety intent: a self-harm phrasing is
# helped by the crisis line whichever of its three replies gives it, or by the direct question
# hopelessness asks ("are you having thoughts of ending your life?"); a distress phrasing by the
# distress answer or that question; hopelessness by that question or the crisis line itself.
REACHES: dict[str, tuple[str, ...]] = {
    **{name: (*_CRISIS_LINE, "HopelessIntent") for name in _CRISIS_LINE},
    "AbuseIntent": ROUTES["abuse_danger"],
    "SafetyIntent": ROUTES["abuse_danger"],
    "DistressIntent": ROUTES["distress"],
    "HopelessIntent": ("HopelessIntent", *_CRISIS_LINE),
}
SAFETY_INTENTS = tuple(dict.fromkeys(name for names in REACHES.values() for name in names))
# The bar every locale and both ways of understanding must clear (issue 21).
FLOORS: dict[str, float] = {
    "overall": 0.90,
    "not_copies": 0.80,
    "self_harm": 0.95,
    "abuse_danger": 0.92,
    "distress": 0.90,
}
MAX_FALSE_ALARMS = 0.03  # ordinary sentences heard as a safety intent
PIPELINES = ("model", "chat")
# "samples": the chat's exact samples alone, as the chat understood before the model.
ALL_PIPELINES = (*PIPELINES, "samples")
WORST = 25  # misses listed
REFERENCE_TIMESTAMP = "2026-01-05T18:00:00.000Z"


@dataclass(frozen=True)
class Phrasing:
    """One held-out phrasing: what was said, what was meant, the slots meant."""

    text: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)
    also: tuple[str, ...] = ()

    def accepts(self, intent: str) -> bool:
        return intent == self.intent or intent in self.also


def default_corpus_path() -> Path | None:
    candidate = Path(__file__).resolve().parents[3] / "tests" / "corpus" / "heldout.json"
    return candidate if candidate.is_file() else None


def load_corpus(path: Path) -> list[Phrasing]:
    """The corpus: ``{"intents": {name: [text | {text, slots, also}]}}``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[Phrasing] = []
    for intent, items in data["intents"].items():
        for item in items:
            if isinstance(item, str):
                out.append(Phrasing(item, intent))
            else:
                out.append(
                    Phrasing(item["text"], intent, dict(item.get("slots", {})), tuple(item.get("also", ())))
                )
    return out


@dataclass
class Outcome:
    phrasing: Phrasing
    intent: str
    slots: dict[str, str]
    copy: bool

    @property
    def right(self) -> bool:
        return self.phrasing.accepts(self.intent)

    @property
    def slots_right(self) -> bool:
        wanted = self.phrasing.slots
        return self.right and all(_same_value(self.slots.get(k), v) for k, v in wanted.items())


def _same_value(got: str | None, wanted: str) -> bool:
    return got is not None and got.lower().strip() == wanted.lower().strip()


@dataclass
class Report:
    """One locale, one way of understanding: the figures and the misses."""

    locale: str
    pipeline: str
    total: int
    right: int
    not_copies: int
    not_copies_right: int
    slot_total: int
    slot_right: int
    routes: dict[str, tuple[int, int]]
    ordinary: int
    false_alarms: int
    per_intent: dict[str, tuple[int, int]]
    missing_intents: dict[str, int]
    worst: list[dict[str, str]]

    @property
    def figures(self) -> dict[str, float]:
        def ratio(n: int, d: int) -> float:
            return n / d if d else 1.0

        out = {
            "overall": ratio(self.right, self.total),
            "not_copies": ratio(self.not_copies_right, self.not_copies),
            "slots": ratio(self.slot_right, self.slot_total),
            "false_alarms": ratio(self.false_alarms, self.ordinary),
        }
        out.update({route: ratio(*self.routes[route]) for route in ROUTES})
        return out

    def failures(self) -> list[str]:
        figures = self.figures
        out = [
            f"{name} {figures[name]:.1%} is below the floor {floor:.0%}"
            for name, floor in FLOORS.items()
            if figures[name] < floor
        ]
        if figures["false_alarms"] > MAX_FALSE_ALARMS:
            out.append(
                f"ordinary sentences heard as safety {figures['false_alarms']:.1%} "
                f"is above {MAX_FALSE_ALARMS:.0%}"
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["figures"] = self.figures
        data["failures"] = self.failures()
        return data


Understand = Callable[[str], tuple[str, dict[str, str]]]


def score(
    locale: str,
    pipeline: str,
    corpus: Iterable[Phrasing],
    understand: Understand,
    is_copy: Callable[[str], bool],
    known_intents: Iterable[str],
) -> Report:
    """Every phrasing through ``understand``; intents the model lacks are counted apart."""
    known = set(known_intents) | {FALLBACK}
    outcomes: list[Outcome] = []
    missing: dict[str, int] = {}
    for phrasing in corpus:
        if phrasing.intent not in known:
            missing[phrasing.intent] = missing.get(phrasing.intent, 0) + 1
            continue
        intent, slots = understand(phrasing.text)
        outcomes.append(Outcome(phrasing, intent, slots, is_copy(phrasing.text)))
    per_intent: dict[str, list[int]] = {}
    for o in outcomes:
        counts = per_intent.setdefault(o.phrasing.intent, [0, 0])
        counts[0] += o.right
        counts[1] += 1
    routes = {}
    for route, names in ROUTES.items():
        said = [o for o in outcomes if o.phrasing.intent in names]
        routes[route] = (sum(o.intent in REACHES[o.phrasing.intent] for o in said), len(said))
    ordinary = [o for o in outcomes if o.phrasing.intent == FALLBACK]
    false_alarms = [o for o in ordinary if o.intent in SAFETY_INTENTS]
    not_copies = [o for o in outcomes if not o.copy]
    with_slots = [o for o in outcomes if o.phrasing.slots]

    def badness(o: Outcome) -> int:
        if o.phrasing.intent in SAFETY_INTENTS:
            return 0  # a cry for help not heard
        if o.intent in SAFETY_INTENTS:
            return 1  # a false alarm
        return 2

    misses = sorted((o for o in outcomes if not o.right), key=badness)
    worst = [{"said": o.phrasing.text, "meant": o.phrasing.intent, "heard": o.intent} for o in misses[:WORST]]
    return Report(
        locale=locale,
        pipeline=pipeline,
        total=len(outcomes),
        right=sum(o.right for o in outcomes),
        not_copies=len(not_copies),
        not_copies_right=sum(o.right for o in not_copies),
        slot_total=len(with_slots),
        slot_right=sum(o.slots_right for o in with_slots),
        routes=routes,
        ordinary=len(ordinary),
        false_alarms=len(false_alarms),
        per_intent={k: (v[0], v[1]) for k, v in sorted(per_intent.items())},
        missing_intents=missing,
        worst=worst,
    )


def evaluate(
    model: dict[str, Any], locale: str, corpus: list[Phrasing], pipelines: Iterable[str] = PIPELINES
) -> list[Report]:
    """Train on ``model`` and score the corpus each way."""
    from trust_renewal.cli.matcher import Matcher
    from trust_renewal.cli.nlu_model import trained

    pipelines = list(pipelines)
    exact = Matcher(model, statistical=False)
    statistical = trained(model) if "model" in pipelines else None
    chat = Matcher(model)
    known = [i["name"] for i in model["interactionModel"]["languageModel"]["intents"]]

    copies: dict[str, bool] = {}

    def is_copy(text: str) -> bool:
        if text not in copies:
            copies[text] = not exact.match_sample(text).is_fallback
        return copies[text]

    if pipelines != ["samples"]:
        # One pass of the vectorisers over the whole corpus; the chat's matcher shares the
        # trained model (trained() keeps one per interaction model), so it reuses these too.
        trained(model).predict_many([p.text for p in corpus])

    def by_model(text: str) -> tuple[str, dict[str, str]]:
        assert statistical is not None
        found = statistical.predict(text)
        return found.intent, exact.slot_values(found.intent, found.slots)

    def by_chat(text: str) -> tuple[str, dict[str, str]]:
        found = chat.match(text)
        return found.intent, {k: str(v["value"]) for k, v in found.slots.items() if "value" in v}

    def by_samples(text: str) -> tuple[str, dict[str, str]]:
        found = exact.match(text)
        return found.intent, {k: str(v["value"]) for k, v in found.slots.items() if "value" in v}

    ways = {"model": by_model, "chat": by_chat, "samples": by_samples}
    return [score(locale, name, corpus, ways[name], is_copy, known) for name in pipelines]


# -- annotation sets for Alexa's own NLU evaluation -----------------------------------
def annotation_set(corpus: Iterable[Phrasing], known_intents: Iterable[str]) -> dict[str, Any]:
    """The corpus as the body of SMAPI's "update annotations" call (application/json)."""
    known = set(known_intents) | {FALLBACK}
    data = []
    for p in corpus:
        if p.intent not in known:
            continue
        intent: dict[str, Any] = {"name": p.intent}
        if p.slots:
            intent["slots"] = {name: {"value": value} for name, value in p.slots.items()}
        data.append(
            {
                "inputs": {"utterance": p.text, "referenceTimestamp": REFERENCE_TIMESTAMP},
                "expected": [{"intent": intent}],
            }
        )
    return {"data": data}


# -- the command ---------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--locale", action="append", choices=LOCALES, help="a locale to score (repeatable; default: all)"
    )
    parser.add_argument(
        "--corpus", type=Path, default=None, help="held-out corpus (default: tests/corpus/heldout.json)"
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        metavar="FILE",
        help="score this interaction model file instead of the shipped one (one --locale)",
    )
    parser.add_argument(
        "--pipeline",
        choices=ALL_PIPELINES,
        action="append",
        help="model (the statistical model alone), chat (the chat's matcher), samples (exact samples "
        "only, as the chat was before the model); default: model and chat",
    )
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 if any floor is not met")
    parser.add_argument(
        "--annotations",
        type=Path,
        default=None,
        metavar="DIR",
        help="write DIR/<locale>.json: the corpus as ASK NLU annotation sets, then stop",
    )


def run(args: argparse.Namespace) -> int:
    from trust_renewal.interaction_models import load_model

    corpus_path = args.corpus or default_corpus_path()
    if corpus_path is None or not corpus_path.is_file():
        print("nlu: no held-out corpus; pass --corpus FILE", file=sys.stderr)
        return 2
    try:
        corpus = load_corpus(corpus_path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"nlu: cannot read the corpus {corpus_path}: {exc}", file=sys.stderr)
        return 2
    locales = args.locale or list(LOCALES)
    if args.model is not None and len(locales) != 1:
        print("nlu: --model scores one model: give exactly one --locale", file=sys.stderr)
        return 2
    models = {}
    for locale in locales:
        try:
            models[locale] = (
                json.loads(args.model.read_text(encoding="utf-8")) if args.model else load_model(locale)
            )
        except (OSError, ValueError) as exc:
            print(f"nlu: cannot read the model for {locale}: {exc}", file=sys.stderr)
            return 2
    if args.annotations is not None:
        args.annotations.mkdir(parents=True, exist_ok=True)
        for locale, model in models.items():
            known = [i["name"] for i in model["interactionModel"]["languageModel"]["intents"]]
            path = args.annotations / f"{locale}.json"
            body = annotation_set(corpus, known)
            path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
            print(f"{path}: {len(body['data'])} annotations")
        return 0
    reports = []
    for locale, model in models.items():
        reports += evaluate(model, locale, corpus, args.pipeline or PIPELINES)
    if args.json:
        print(json.dumps([r.as_dict() for r in reports], indent=2))
    else:
        for report in reports:
            print(render(report))
    failed = [r for r in reports if r.failures()]
    if args.check and failed:
        for r in failed:
            for problem in r.failures():
                print(f"nlu: {r.locale} {r.pipeline}: {problem}", file=sys.stderr)
        return 1
    return 0


def render(report: Report) -> str:
    f = report.figures
    lines = [
        f"== {report.locale}, {report.pipeline} ({report.total} phrasings)",
        f"  overall          {report.right}/{report.total} = {f['overall']:.1%}",
        f"  not copies       {report.not_copies_right}/{report.not_copies} = {f['not_copies']:.1%}",
        f"  slots            {report.slot_right}/{report.slot_total} = {f['slots']:.1%}",
    ]
    for route, (n, d) in report.routes.items():
        lines.append(f"  {route:<16} {n}/{d} = {f[route]:.1%}")
    lines.append(f"  false alarms     {report.false_alarms}/{report.ordinary} = {f['false_alarms']:.1%}")
    lines.append("  per intent:")
    for intent, (n, d) in report.per_intent.items():
        lines.append(f"    {intent:<32} {n}/{d}")
    if report.missing_intents:
        missing = ", ".join(f"{k} ({v})" for k, v in sorted(report.missing_intents.items()))
        lines.append(f"  not in this model (not scored): {missing}")
    if report.worst:
        lines.append("  worst misses:")
        lines += [f"    {w['said']!r}: meant {w['meant']}, heard {w['heard']}" for w in report.worst]
    problems = report.failures()
    lines.append("  floors: " + ("met" if not problems else "NOT met: " + "; ".join(problems)))
    return "\n".join(lines)

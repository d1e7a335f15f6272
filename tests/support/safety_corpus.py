"""The safety phrase corpus through the chat's matcher and the real ``lambda_handler``.

``run_corpus`` sends every phrasing of tests/corpus/safety.json, as a one-shot
("Alexa, tell trust renewal ..."), in each of the five locales, and reads what
the skill said. ``figures_markdown`` is the table in docs/safety.md. To print it:

    .venv/bin/python tests/support/safety_corpus.py
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
CORPUS = TESTS / "corpus" / "safety.json"
GROUPS = ("self_harm", "abuse", "distress", "ordinary")
SAFETY_INTENTS = frozenset(
    {"SelfHarmIntent", "HarmDoneIntent", "WorryAboutSomeoneIntent", "HopelessIntent", "AbuseIntent",
     "SafetyIntent", "DistressIntent"}
)
# The intents each group may reach ("I'm scared to go home" is danger: every line, the abuse one
# too; "I took too many pills" is a step taken: the emergency number first, then the crisis line;
# "I want the pain to stop" is hopelessness: asked plainly about thoughts of ending their life).
ROUTE_INTENTS = {
    "self_harm": ("SelfHarmIntent", "HarmDoneIntent", "WorryAboutSomeoneIntent", "HopelessIntent"),
    "abuse": ("AbuseIntent", "SafetyIntent"),
    "distress": ("DistressIntent", "HopelessIntent"),
}
# Hopelessness is answered with one direct question, not a number (issue 22).
ASKED = "are you having thoughts of ending your life?"
COUNTRY = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}
# The numbers the issue asks for, checked against official pages (see safety.json).
EXPECTED = {
    "US": {"crisis": "988", "abuse": "18007997233", "emergency": "911"},
    "GB": {"crisis": "116123", "abuse": "08082000247", "emergency": "999"},
    "CA": {"crisis": "988", "abuse": "18668630511", "emergency": "911"},
    "AU": {"crisis": "131114", "abuse": "1800737732", "emergency": "000"},
    "IN": {"crisis": "14416", "abuse": "181", "emergency": "112"},
}
NEEDED = {"self_harm": ("crisis",), "abuse": ("abuse", "emergency")}
_NUMBER = re.compile(r'<prosody rate="slow">(.*?)</prosody>')
_DIGITS = re.compile(r'<say-as interpret-as="digits">(\d+)</say-as>')


def load_corpus() -> dict[str, list[str]]:
    raw = json.loads(CORPUS.read_text(encoding="utf-8"))
    return {group: list(raw[group]) for group in GROUPS}


def spoken_numbers(ssml: str) -> set[str]:
    """Every phone number read digit by digit in the speech (its groups joined)."""
    return {"".join(_DIGITS.findall(block)) for block in _NUMBER.findall(ssml)}


@dataclass
class Outcome:
    phrase: str
    intent: str
    via: str  # how the matcher heard it: sample, within, whole, none
    ssml: str
    ended: bool
    card: bool


@dataclass
class LocaleFigures:
    locale: str
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)

    def reached(self, group: str, distress_text: str) -> list[Outcome]:
        """Phrasings of a safety group that reached their route with the right number."""
        country = COUNTRY[self.locale]
        good = []
        for o in self.outcomes[group]:
            if o.intent not in ROUTE_INTENTS[group] or o.ended or o.card:
                continue
            if o.intent == "HopelessIntent":
                if ASKED in o.ssml:
                    good.append(o)
                continue
            if group == "distress":
                if distress_text in o.ssml:
                    good.append(o)
                continue
            want = {EXPECTED[country][role] for role in NEEDED[group]}
            if want <= spoken_numbers(o.ssml):
                good.append(o)
        return good

    def landed(self, distress_text: str) -> list[Outcome]:
        """Ordinary phrasings that landed on a safety route (intent, numbers or distress words)."""
        numbers = set(EXPECTED[COUNTRY[self.locale]].values())
        return [
            o
            for o in self.outcomes["ordinary"]
            if o.intent in SAFETY_INTENTS or spoken_numbers(o.ssml) & numbers or distress_text in o.ssml
        ]


def run_corpus(lambda_handler, locales=tuple(COUNTRY)) -> dict[str, LocaleFigures]:
    """Every phrasing, in every locale, as a one-shot through ``lambda_handler``."""
    from support.apla_check import played_ssml
    from support.conversation_driver import SKILL_ID
    from trust_renewal.cli.matcher import Matcher
    from trust_renewal.envelopes import EnvelopeBuilder

    corpus = load_corpus()
    figures: dict[str, LocaleFigures] = {}
    for locale in locales:
        matcher = Matcher.for_locale(locale, skill_id=SKILL_ID)
        result = LocaleFigures(locale)
        for group in GROUPS:
            result.outcomes[group] = []
            for n, phrase in enumerate(corpus[group]):
                match = matcher.match(phrase)
                # A different couple each time: every phrasing is someone's first words.
                builder = EnvelopeBuilder(
                    SKILL_ID, user_id=f"amzn1.ask.account.corpus-{group}-{n}", locale=locale
                )
                response = lambda_handler(builder.intent(match.intent, match.slots or None), None)
                body = response.get("response") or {}
                result.outcomes[group].append(
                    Outcome(
                        phrase=phrase,
                        intent=match.intent,
                        via=match.via,
                        # All the device plays: a distress answer's breath comes as APL for Audio.
                        ssml=" ".join(played_ssml(response)),
                        ended=body.get("shouldEndSession") is True,
                        card="card" in body,
                    )
                )
        figures[locale] = result
    return figures


def distress_marker(locale: str) -> str:
    """The first words of the distress answer, as they appear in the SSML."""
    from trust_renewal.content import load_content
    from trust_renewal.render.markup import to_ssml

    return to_ssml(load_content(locale).phrase("distress.open")).split("<", 1)[0].strip()


def figures_markdown(figures: dict[str, LocaleFigures]) -> str:
    """The table in docs/safety.md: per locale, how many phrasings reached their route, and how."""
    lines = [
        "| locale | self-harm → crisis line | abuse → abuse line + emergency | distress → distress answer "
        "| ordinary → a safety route | heard inside a longer sentence |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for locale, fig in figures.items():
        marker = distress_marker(locale)
        cells = [
            f"{len(fig.reached(g, marker))} / {len(fig.outcomes[g])}"
            for g in ("self_harm", "abuse", "distress")
        ]
        cells.append(f"{len(fig.landed(marker))} / {len(fig.outcomes['ordinary'])}")
        safety = [o for g in ("self_harm", "abuse", "distress") for o in fig.outcomes[g]]
        within = sum(1 for o in safety if o.via in ("within", "whole"))
        cells.append(f"{within} / {len(safety)}")
        lines.append(f"| {locale} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    import pytest

    sys.path.insert(0, str(TESTS))
    import conftest  # noqa: F401  (paths and fake AWS settings)
    from support.lambda_support import lambda_on_moto

    with pytest.MonkeyPatch.context() as mp:
        for module in lambda_on_moto(mp):
            print(figures_markdown(run_corpus(module.lambda_handler)))


if __name__ == "__main__":
    main()

"""A voice paced for listening: slower, a little softer, in reflections and turn instructions.

The pace is content, not markup in every line: ``content/data/voice.json`` names
the paces and which exercise kinds use one; an exercise may set its own
``pace`` (``"plain"`` for none); any prompt that holds a pause (a reflection)
gets the reflection pace. The renderers wrap each run of words of such a
prompt in the pace's tags (never a pause or a sound: see ``markup.to_ssml``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import quoteattr

from trust_renewal.content.model import Content
from trust_renewal.conversation.reply import Line

PLAIN = "plain"


@dataclass(frozen=True)
class Pace:
    name: str
    rate: float  # relative speaking rate: 0.9 is 90 % of normal speed
    wrap: tuple[str, str]  # opening and closing SSML around each run of words


@lru_cache(maxsize=1)
def voice() -> dict[str, Any]:
    node = resources.files("trust_renewal.content").joinpath("data", "voice.json")
    return json.loads(node.read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def pace_named(name: str, locale: str) -> Pace | None:
    spec = voice()["paces"].get(name)
    if not spec:
        return None
    attrs = " ".join(f"{k}={quoteattr(spec[k])}" for k in ("rate", "volume", "pitch") if spec.get(k))
    opening, closing = f"<prosody {attrs}>", "</prosody>"
    domain = spec.get("domain")
    if domain and locale in voice()["domain_locales"].get(domain, ()):
        opening = f"<amazon:domain name={quoteattr(domain)}>" + opening
        closing += "</amazon:domain>"
    rate = str(spec.get("rate", "100%"))
    return Pace(name, float(rate.rstrip("%")) / 100 if rate.endswith("%") else 1.0, (opening, closing))


def pace_of(line: Line, content: Content, locale: str = "en-US") -> Pace | None:
    """The pace a line is spoken at, or None for Alexa's ordinary reading voice."""
    kind, _, rest = line.key.partition(":")
    if kind != "prompt":
        return None
    exercise_id, _, index = rest.partition(":")
    index = index.partition(":")[0]  # a role's own wording ("…:3:hurt") keeps its prompt's pace
    exercise = content.exercises_by_id.get(exercise_id)
    if exercise is None or not index.isdigit():
        return None
    name = exercise.pace or voice()["by_kind"].get(exercise.kind)
    if not name:  # a reflection inside any other kind of exercise is paced too
        name = voice()["reflections"] if "[pause " in exercise.prompts[int(index)].say else PLAIN
    return pace_named(name, locale)


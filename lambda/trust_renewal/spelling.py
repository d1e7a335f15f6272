"""Locale spelling: one map per locale, used for what the skill says and for its interaction models.

The maps live with the content (``content/data/<locale>/spelling.json``) so they
ship with the package; the loader respells program text and phrases with them,
and the model generator respells sample utterances and step topics.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

_LOCALE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")
_WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=16)
def locale_spelling(locale: str) -> dict[str, str]:
    """The locale's word swaps (lowercase keys); empty for en-US or an unknown locale."""
    if not isinstance(locale, str) or not _LOCALE.match(locale):
        return {}
    node = resources.files("trust_renewal.content").joinpath("data", locale, "spelling.json")
    if not node.is_file():
        return {}
    words = json.loads(node.read_text(encoding="utf-8")).get("words") or {}
    return {str(k).lower(): str(v) for k, v in words.items()}


def respell(text: str, spelling: dict[str, str]) -> str:
    """Swap whole words for the locale's spelling, keeping a leading capital."""
    if not spelling:
        return text

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = spelling.get(word.lower())
        if new is None:
            return word
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return _WORD.sub(swap, text)

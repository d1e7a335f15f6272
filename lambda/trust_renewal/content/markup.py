"""The small markup content writers use: its tokens, how it parses, and what it measures.

Content is plain text plus four kinds of token:

* ``[pause N]``: N seconds of silence (0.1 to 300).
* ``[chime]``: the soft chime on its own.
* ``[digits 0808 2000 247]``: a phone number, read slowly digit by digit with a
  short break between its groups (spaces or hyphens); shown as written.
* ``{name}``: a parameter filled at render time (names, titles, numbers).

Parsing lives with the content because the loader checks every piece as it
loads; ``render.markup`` turns the tokens into SSML and plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_PAUSE_SECONDS = 300.0

_TOKEN = re.compile(
    r"\[pause (\d+(?:\.\d+)?)\]|\[chime\]|\{([a-z_][a-z0-9_]*)\}|\[digits (\d+(?:[ -]\d+)*)\]"
)
# A phone number is read slowly, its groups apart, so it can be written down.
DIGIT_GROUP_BREAK_MS = 400
DIGIT_SECONDS = 0.6
_STRAY = re.compile(r"[\[\]{}]")


class MarkupError(ValueError):
    """Content markup that cannot be rendered."""


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Chime:
    pass


@dataclass(frozen=True)
class Param:
    name: str


@dataclass(frozen=True)
class Digits:
    number: str  # as written: digit groups separated by spaces or hyphens

    @property
    def groups(self) -> list[str]:
        return re.split(r"[ -]", self.number)


Token = Text | Pause | Chime | Param | Digits


@lru_cache(maxsize=4096)
def parse(markup: str) -> tuple[Token, ...]:
    """Split markup into tokens; raise MarkupError on anything malformed.

    Cached: every reply renders the same content lines again (as speech, card and
    screen text), and the tokens are immutable. The content holds far fewer
    distinct lines than the cache does.
    """
    tokens: list[Token] = []
    pos = 0
    for match in _TOKEN.finditer(markup):
        _add_text(tokens, markup[pos : match.start()])
        if match.group(1) is not None:
            seconds = float(match.group(1))
            if not 0.1 <= seconds <= MAX_PAUSE_SECONDS:
                raise MarkupError(f"pause of {seconds} s is outside 0.1 to {MAX_PAUSE_SECONDS:g} s")
            tokens.append(Pause(seconds))
        elif match.group(2) is not None:
            tokens.append(Param(match.group(2)))
        elif match.group(3) is not None:
            tokens.append(Digits(match.group(3)))
        else:
            tokens.append(Chime())
        pos = match.end()
    _add_text(tokens, markup[pos:])
    return tuple(tokens)


def _add_text(tokens: list[Token], text: str) -> None:
    if not text:
        return
    stray = _STRAY.search(text)
    if stray:
        raise MarkupError(
            f"unknown markup near {text[max(0, stray.start() - 15) : stray.end() + 15]!r}"
        )
    tokens.append(Text(text))


def params_used(markup: str) -> set[str]:
    return {t.name for t in parse(markup) if isinstance(t, Param)}


def spoken_seconds(markup: str, words_per_minute: float = 150.0) -> float:
    """Rough speaking time: words at a calm pace plus every pause."""
    words = 0
    silence = 0.0
    for token in parse(markup):
        if isinstance(token, Text):
            words += len(token.value.split())
        elif isinstance(token, Param):
            words += 1
        elif isinstance(token, Pause):
            silence += token.seconds
        elif isinstance(token, Digits):
            digits = sum(len(g) for g in token.groups)
            silence += digits * DIGIT_SECONDS + (len(token.groups) - 1) * DIGIT_GROUP_BREAK_MS / 1000
        else:
            silence += 1.5
    return words * 60.0 / words_per_minute + silence

"""The small markup content writers use, and its SSML, text and card forms.

Content is plain text (``&``, ``<`` and ``>`` may be typed freely: they are
escaped here) plus three kinds of token:

* ``[pause N]``: N seconds of silence (0.1 to 300). Alexa allows at most 10 s
  per ``<break>``, so longer pauses become a chain of breaks, followed by a
  soft chime so nobody thinks the skill has stopped.
* ``[chime]``: the soft chime on its own.
* ``[digits 0808 2000 247]``: a phone number, read slowly digit by digit, with a
  short break between its groups (spaces or hyphens); shown as written.
* ``{name}``: a parameter filled at render time (names, titles, numbers);
  parameter values are always treated as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

MAX_BREAK_SECONDS = 10.0
MAX_PAUSE_SECONDS = 300.0
# A soft bell from the Alexa Skills Kit sound library.
CHIME_URL = "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_02"

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


def parse(markup: str) -> tuple[Token, ...]:
    """Split markup into tokens; raise MarkupError on anything malformed."""
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


# Characters XML cannot carry (controls, lone surrogates, non-characters): a slot
# value is whatever a device sent, so it is cleaned before it reaches SSML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _param(tokens_param: Param, params: Mapping[str, object]) -> str:
    try:
        value = str(params[tokens_param.name])
    except KeyError:
        raise MarkupError(f"missing parameter {{{tokens_param.name}}}") from None
    return _NOT_XML.sub("", value)


def fill(token: Param, params: Mapping[str, object]) -> str:
    """A parameter's value as plain text (not yet escaped)."""
    return _param(token, params)


def _break(seconds: float) -> str:
    millis = round(seconds * 1000)
    return (
        f'<break time="{millis // 1000}s"/>'
        if millis % 1000 == 0
        else f'<break time="{millis}ms"/>'
    )


def pause_ssml(seconds: float) -> str:
    """A pause as Alexa allows it: breaks of at most 10 s, a chime after long ones."""
    parts = []
    left = seconds
    while left > MAX_BREAK_SECONDS:
        parts.append(_break(MAX_BREAK_SECONDS))
        left -= MAX_BREAK_SECONDS
    if left > 0:
        parts.append(_break(left))
    if seconds > MAX_BREAK_SECONDS:
        parts.append(f'<audio src="{CHIME_URL}"/>')
    return "".join(parts)


def digits_ssml(number: str) -> str:
    """A phone number read slowly, digit by digit, with a short break between its groups."""
    brk = f'<break time="{DIGIT_GROUP_BREAK_MS}ms"/>'
    groups = brk.join(f'<say-as interpret-as="digits">{g}</say-as>' for g in Digits(number).groups)
    return f'<prosody rate="slow">{groups}</prosody>'


def to_ssml(
    markup: str, params: Mapping[str, object] | None = None, wrap: tuple[str, str] = ("", "")
) -> str:
    """An SSML fragment (no ``<speak>`` wrapper) with all text escaped.

    ``wrap`` (an opening and a closing tag) goes around each run of words, never
    around a pause or a sound, so a speaking style never has to hold a break or audio.
    """
    out = []
    words: list[str] = []

    def flush() -> None:
        if "".join(words).strip():
            out.append(wrap[0] + "".join(words) + wrap[1])
        elif words:
            out.append("".join(words))
        words.clear()

    for token in parse(markup):
        if isinstance(token, Text):
            words.append(escape(token.value))
        elif isinstance(token, Param):
            words.append(escape(_param(token, params or {})))
        elif isinstance(token, Pause):
            flush()
            out.append(pause_ssml(token.seconds))
        elif isinstance(token, Digits):
            flush()  # a number is read at its own slow pace, with breaks between groups
            out.append(digits_ssml(token.number))
        else:
            flush()
            out.append(f'<audio src="{CHIME_URL}"/>')
    flush()
    return "".join(out)


def to_plain(markup: str, params: Mapping[str, object] | None = None) -> str:
    """Plain text for cards and screens: pauses and chimes dropped."""
    out = []
    for token in parse(markup):
        if isinstance(token, Text):
            out.append(token.value)
        elif isinstance(token, Param):
            out.append(_param(token, params or {}))
        elif isinstance(token, Digits):
            out.append(token.number)
    return re.sub(r"\s+", " ", "".join(out)).strip()


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

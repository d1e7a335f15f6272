"""The content markup (parsed in ``content.markup``) as SSML and as plain text for cards.

Content is plain text (``&``, ``<`` and ``>`` may be typed freely: they are
escaped here) plus three kinds of token:

* ``[pause N]``: N seconds of silence (0.1 to 300). Alexa allows at most 10 s
  per ``<break>``, so longer pauses become a chain of breaks, followed by a
  soft chime so nobody thinks the skill has stopped.
* ``[chime]``: the soft chime on its own.
* ``[digits 0808 2000 247]``: a phone number read slowly, digit by digit.
* ``{name}``: a parameter filled at render time (names, titles, numbers);
  parameter values are always treated as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

from trust_renewal.content.markup import (
    DIGIT_GROUP_BREAK_MS,
    Digits,
    MarkupError,
    Param,
    Pause,
    Text,
    parse,
)

MAX_BREAK_SECONDS = 10.0
# A soft bell from the Alexa Skills Kit sound library.
CHIME_URL = "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_02"

# Characters XML cannot carry (controls, lone surrogates, non-characters): a slot
# value is whatever a device sent, so it is cleaned before it reaches SSML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _param(tokens_param: Param, params: Mapping[str, object]) -> str:
    try:
        value = str(params[tokens_param.name])
    except KeyError:
        raise MarkupError(f"missing parameter {{{tokens_param.name}}}") from None
    return _NOT_XML.sub("", value)


# A parameter that opens a sentence is capitalised: neutral labels such as
# "partner one" are lower case in the phrase book, names and titles already are not.
_SENTENCE_OPEN = re.compile(r"(?:^|[.!?]\s+)$")


def _in_sentence(value: str, before: str) -> str:
    return value[:1].upper() + value[1:] if _SENTENCE_OPEN.search(before) else value


# A value ending in a question mark (a title: "How patient are we being?") that the
# sentence goes on after is read without it, or Alexa asks mid-sentence.
_GOES_ON = re.compile(r"^\s*(?:[,;:]|[a-z])")


def fill(token: Param, params: Mapping[str, object], before: str = "", after: str = "") -> str:
    """A parameter's value as plain text (not yet escaped), capitalised when it opens a sentence.

    ``before`` is the line's text up to the parameter, ``after`` the text that follows it.
    """
    value = _in_sentence(_param(token, params), before)
    if value.endswith("?") and _GOES_ON.match(after):
        value = value[:-1]
    return value


def _after(tokens: list[object], at: int) -> str:
    """The text right after token ``at`` (empty when a pause, a sound or the end follows)."""
    following = tokens[at + 1] if at + 1 < len(tokens) else None
    return following.value if isinstance(following, Text) else ""


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
    before = ""  # the words so far, to know where a sentence opens

    def flush() -> None:
        if "".join(words).strip():
            out.append(wrap[0] + "".join(words) + wrap[1])
        elif words:
            out.append("".join(words))
        words.clear()

    tokens = list(parse(markup))
    for at, token in enumerate(tokens):
        if isinstance(token, Text):
            words.append(escape(token.value))
            before += token.value
        elif isinstance(token, Param):
            value = fill(token, params or {}, before, _after(tokens, at))
            words.append(escape(value))
            before += value
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
    out: list[str] = []
    tokens = list(parse(markup))
    for at, token in enumerate(tokens):
        if isinstance(token, Text):
            out.append(token.value)
        elif isinstance(token, Param):
            out.append(fill(token, params or {}, "".join(out), _after(tokens, at)))
        elif isinstance(token, Digits):
            out.append(token.number)
    return re.sub(r"\s+", " ", "".join(out)).strip()

"""Reflections and quiet turns in APL for Audio: speech, silence, a soft bed under it, the end cue.

A Reply that holds a reflection (pauses in its lines) or a quiet turn (a
``quiet`` Line with params ``seconds`` and ``who``) is answered, on any
device, with one ``Alexa.Presentation.APLA.RenderDocument`` directive and no
outputSpeech: Alexa speaks outputSpeech first and plays the document after it,
so all the speech lives in the document. Amazon's APL for audio reference says
all Alexa devices can play such a response, and requests do not list the
interface in ``supportedInterfaces``, so the caller decides only whether the
request came from a device that has not failed to play one
(``handlers.reading.plays_sounds``). Every other reply, and couples who turned
the background sounds off, get plain SSML.

The document (``content/data/apla/guide.json``) is data; this module builds its
``payload`` datasource: the parts said ``before`` the guided part, the parts
``under`` the bed (speech, silence, mid-way chimes), the parts ``after`` it
(the end cue and what can be said next), and the bed itself.

Limits, from Amazon's APL for Audio reference: the whole audio response may
last at most 240 s ("Audio" component, audio file requirements), the same cap
the APLA 0.91 announcement gives for a repeated clip. A reply over the budget,
with more than five sound clips (the SSML limit, kept here too), or whose
directive would not fit the response size the skill keeps to, is spoken as
SSML instead, so nothing is ever cut off.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from trust_renewal.content.markup import Chime, Digits, Param, Pause, Text, parse
from trust_renewal.content.model import Content
from trust_renewal.conversation.reply import Line, Reply
from trust_renewal.conversation.sounds import QUIET_KEY, is_calm
from trust_renewal.render.markup import MAX_BREAK_SECONDS, digits_ssml, fill
from trust_renewal.render.pace import Pace, pace_of
from trust_renewal.render.reply import line_markup, line_ssml, line_text
from trust_renewal.render.ssml import MAX_AUDIO_PER_RESPONSE, MAX_RESPONSE_BYTES

DOCUMENT_TOKEN = "trustRenewalGuide"
DATASOURCE = "payload"
MAX_AUDIO_SECONDS = 240.0
# Speech length is only estimated (words at a calm pace), so keep a tenth of the budget spare.
AUDIO_BUDGET_SECONDS = MAX_AUDIO_SECONDS * 0.9
# The rest of a response (reprompt, card, screen, session state) needs room too.
MAX_DIRECTIVE_BYTES = MAX_RESPONSE_BYTES // 2
WORDS_PER_MINUTE = 150.0  # the content report's estimate (render.markup.spoken_seconds)
SETTINGS = ("on", "quieter", "off")


@lru_cache(maxsize=1)
def guide_document() -> dict[str, Any]:
    """The APLA document, read once per process."""
    node = resources.files("trust_renewal.content").joinpath("data", "apla", "guide.json")
    return json.loads(node.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def sounds() -> dict[str, Any]:
    """The bed and chime sounds, their lengths and levels (``content/data/apla/sounds.json``)."""
    node = resources.files("trust_renewal.content").joinpath("data", "apla", "sounds.json")
    return json.loads(node.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Part:
    """One clip of the document: speech (SSML), silence (ms) or a sound (soundbank id)."""

    kind: str
    ssml: str = ""
    text: str = ""  # the words, for the chat and the length estimate
    ms: int = 0
    source: str = ""
    rate: float = 1.0  # speaking rate relative to normal (a slower pace is longer)

    def data(self) -> dict[str, Any]:
        if self.kind == "speech":
            return {"kind": "speech", "ssml": f"<speak>{self.ssml}</speak>", "text": self.text}
        if self.kind == "silence":  # a quiet turn also names who speaks (for the chat's text)
            return {"kind": "silence", "ms": self.ms, **({"who": self.text} if self.text else {})}
        return {"kind": "sound", "source": self.source}

    @property
    def seconds(self) -> float:
        if self.kind == "speech":
            return len(self.text.split()) * 60.0 / (WORDS_PER_MINUTE * self.rate)
        if self.kind == "silence":
            return self.ms / 1000
        return float(sounds()["chime"]["seconds"])


def _chime() -> Part:
    return Part("sound", source=sounds()["chime"]["source"])


def is_quiet(line: Line) -> bool:
    return line.key == QUIET_KEY


def _quiet_seconds(line: Line) -> int:
    try:
        return max(0, int(float(line.kwargs.get("seconds", "0"))))
    except ValueError:
        return 0


class _Builder:
    """Turns lines into parts, merging neighbouring speech into one Speech clip."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self._ssml: list[str] = []
        self._text: list[str] = []
        self._rate = 1.0
        self._wrap: tuple[str, str] = ("", "")

    def speech(self, ssml: str, text: str, pace: Pace | None) -> None:
        wrap = pace.wrap if pace else ("", "")
        rate = pace.rate if pace else 1.0
        if self._ssml and (wrap != self._wrap or rate != self._rate):
            self.flush()
        self._wrap, self._rate = wrap, rate
        self._ssml.append(ssml)
        self._text.append(text)

    def flush(self) -> None:
        ssml = _join(self._ssml)
        if ssml:
            opening, closing = self._wrap
            self.parts.append(
                Part("speech", ssml=opening + ssml + closing, text=_join(self._text), rate=self._rate)
            )
        self._ssml, self._text = [], []

    def add(self, part: Part) -> None:
        self.flush()
        self.parts.append(part)


def _join(pieces: list[str]) -> str:
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if piece:
            out += piece if not out or piece[0] in ",.;:!?" else " " + piece
    return out


def _line_parts(builder: _Builder, line: Line, content: Content, pace: Pace | None) -> None:
    """Add one line's parts: speech, silences and chimes in the order they are heard."""
    if is_quiet(line):
        who = line.kwargs.get("who", "")
        if who.startswith("@"):  # a neutral label ("partner one") from the phrase book
            who = line_text(Line(f"phrase:label.{who[1:]}"), content)
        builder.add(Part("silence", ms=_quiet_seconds(line) * 1000, text=who))
        builder.add(_chime())  # the end cue, as the SSML quiet turn has it
        return
    if line.key.startswith("person:"):
        builder.speech(line_ssml(line, content), line_text(line, content), None)
        return
    markup, params = line_markup(line, content)
    before = ""  # the line's words so far, so a label opening a sentence is capitalised
    for token in parse(markup):
        if isinstance(token, Text):
            builder.speech(escape(token.value), token.value, pace)
            before += token.value
        elif isinstance(token, Param):
            value = fill(token, params, before)
            builder.speech(escape(value), value, pace)
            before += value
        elif isinstance(token, Pause):
            builder.add(Part("silence", ms=round(token.seconds * 1000)))
            if token.seconds > MAX_BREAK_SECONDS:
                builder.add(_chime())  # long pauses end with the soft chime, as in SSML
        elif isinstance(token, Chime):
            builder.add(_chime())
        elif isinstance(token, Digits):
            builder.speech(digits_ssml(token.number), token.number, None)


# Crisis numbers, the question about ending one's life and the paused exercises are said
# plainly, never over a sound bed (conversation/safety.py).
_SAFETY_KEYS = (
    "safety_call:", "safety_now:", "safety_number:", "phrase:hopeless.", "phrase:paused.",
    "phrase:self_harm.", "phrase:safety.",
)  # fmt: skip


@dataclass(frozen=True)
class Guide:
    """A reply laid out for the document: three runs of parts and the bed under the middle one."""

    before: tuple[Part, ...]
    under: tuple[Part, ...]
    after: tuple[Part, ...]
    bed: str  # the name of a bed in sounds.json
    level: str  # "on" or "quieter"

    @property
    def parts(self) -> tuple[Part, ...]:
        return self.before + self.under + self.after

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.parts)

    @property
    def audio_clips(self) -> int:
        return 1 + sum(1 for p in self.parts if p.kind == "sound")  # the bed, then every chime

    def datasource(self, content: Content) -> dict[str, Any]:
        config = sounds()
        bed = config["beds"][self.bed]
        last = self.under[-1]
        return {
            "guide": {
                "before": [p.data() for p in self.before],
                "under": [p.data() for p in self.under],
                "after": [p.data() for p in self.after],
                "bed": {
                    "source": bed["source"],
                    "label": line_text(Line(f"phrase:{bed['label']}"), content),
                    "volume": config["volume"][self.level],
                    "fadeInMs": int(config["fade_in_ms"]),
                    # The fade ends the guided part, which always closes on silence.
                    "fadeOutMs": min(int(config["fade_out_ms"]), last.ms),
                },
            }
        }


def lay_out(reply: Reply, content: Content, level: str = "on", locale: str = "en-US") -> Guide | None:
    """The reply as a Guide, or None when it holds no reflection or quiet turn."""
    if level not in ("on", "quieter") or reply.silent or not reply.speech:
        return None
    if not any(is_calm(line, content) for line in reply.speech):
        return None
    if any(line.key.startswith(_SAFETY_KEYS) for line in reply.speech):
        return None
    builder = _Builder()
    start: int | None = None
    for line in reply.speech:
        if start is None and is_calm(line, content):
            builder.flush()  # the bed starts with the first calm line, not before it
            start = len(builder.parts)
        _line_parts(builder, line, content, pace_of(line, content, locale))
    builder.flush()
    if start is None:
        return None
    parts = builder.parts
    last_silence = max(i for i, p in enumerate(parts) if p.kind == "silence")
    under = parts[start : last_silence + 1]
    if not under or under[-1].ms <= 0:
        return None
    bed = sounds()["bed_for"]["quiet" if any(is_quiet(line) for line in reply.speech) else "reflection"]
    return Guide(tuple(parts[:start]), tuple(under), tuple(parts[last_silence + 1 :]), bed, level)


def limit_problems(guide: Guide, directive: dict[str, Any]) -> list[str]:
    """What would break Alexa's APL for Audio limits (empty when the document may be sent)."""
    found = []
    if guide.seconds > AUDIO_BUDGET_SECONDS:
        found.append(f"about {guide.seconds:.0f} s of audio, over the {AUDIO_BUDGET_SECONDS:.0f} s budget")
    if guide.audio_clips > MAX_AUDIO_PER_RESPONSE:
        found.append(f"{guide.audio_clips} sound clips, over {MAX_AUDIO_PER_RESPONSE}")
    size = len(json.dumps(directive, separators=(",", ":")).encode())
    if size > MAX_DIRECTIVE_BYTES:
        found.append(f"a {size}-byte directive, over {MAX_DIRECTIVE_BYTES}")
    return found


def guide_directive(reply: Reply, content: Content, level: str, locale: str) -> dict[str, Any] | None:
    """The RenderDocument directive (as JSON) for this reply, or None to speak it as SSML."""
    guide = lay_out(reply, content, level, locale)
    if guide is None:
        return None
    directive = {
        "type": "Alexa.Presentation.APLA.RenderDocument",
        "token": DOCUMENT_TOKEN,
        "document": guide_document(),
        "datasources": {DATASOURCE: guide.datasource(content)},
    }
    return None if limit_problems(guide, directive) else directive


def audio_directive(plays: bool, reply: Reply, content: Content, setting: str, locale: str) -> Any | None:
    """The APLA RenderDocument directive when the device plays sounds and the reply calls for it, else None.

    When there is one, the reply's speech is in the document, not in outputSpeech.
    """
    setting = setting if setting in SETTINGS else "on"  # an unreadable setting: the default
    if not plays or reply.silent or setting == "off":
        return None
    directive = guide_directive(reply, content, setting, locale)
    if directive is None:
        return None
    from ask_sdk_model.interfaces.alexa.presentation.apla import RenderDocumentDirective

    return RenderDocumentDirective(
        token=directive["token"], document=directive["document"], datasources=directive["datasources"]
    )


def guide_text(directive: dict[str, Any]) -> str:
    """The document as readable text: the words, and the bed and the quiet in words.

    For the terminal chat: ``… let it out. (soft rain underneath, 4 s) …``.
    """
    guide = (directive.get("datasources") or {}).get(DATASOURCE, {}).get("guide") or {}
    label = (guide.get("bed") or {}).get("label", "")
    out: list[str] = []
    for run, bedded in (("before", False), ("under", True), ("after", False)):
        for part in guide.get(run) or ():
            if part.get("kind") == "speech":
                out.append(part.get("text", ""))
            elif part.get("kind") == "silence":
                seconds = f"{part.get('ms', 0) / 1000:g} s"
                if part.get("who"):  # a quiet turn: who speaks, and that Alexa is not listening
                    seconds += f", while {part['who']} speaks; the microphone is closed"
                out.append(f"({label} underneath, {seconds})" if bedded else f"(pause {seconds})")
            else:
                out.append("(soft chime)")
    return " ".join(piece for piece in out if piece)

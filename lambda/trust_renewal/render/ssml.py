"""SSML checks against Alexa's rules, and SSML turned back into readable text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

MAX_SPEECH_CHARS = 8000
MAX_RESPONSE_BYTES = 24 * 1024
MAX_AUDIO_PER_RESPONSE = 5
MAX_BREAK_MS = 10_000
# A silence this long is a timed turn (QUIET.md), not a reflection pause.
QUIET_MS = 60_000

# Tags Alexa's SSML supports (https://developer.amazon.com/docs/custom-skills/speech-synthesis-markup-language-ssml-reference.html).
ALEXA_TAGS = frozenset(
    {
        "speak",
        "amazon:domain",
        "amazon:effect",
        "amazon:emotion",
        "audio",
        "break",
        "emphasis",
        "lang",
        "p",
        "phoneme",
        "prosody",
        "s",
        "say-as",
        "sub",
        "voice",
        "w",
        "alexa:name",
    }
)
_NS = {
    "amazon": "urn:amazon",
    "alexa": "urn:alexa",
}
_TIME = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")


def _parseable(ssml: str) -> str:
    # Alexa's namespaced tags carry no xmlns declaration; declare them so the
    # XML parser accepts them, then strip the URIs back when naming tags.
    decl = " ".join(f'xmlns:{k}="{v}"' for k, v in _NS.items())
    return ssml.replace("<speak>", f"<speak {decl}>", 1)


def _tag(element: ET.Element) -> str:
    tag = element.tag
    for prefix, uri in _NS.items():
        tag = tag.replace("{" + uri + "}", prefix + ":")
    return tag


def break_ms(value: str) -> int | None:
    match = _TIME.match(value.strip())
    if not match:
        return None
    number = float(match.group(1))
    return round(number if match.group(2) == "ms" else number * 1000)


def problems(ssml: str) -> list[str]:
    """Everything Alexa would reject in one outputSpeech/reprompt SSML string."""
    found: list[str] = []
    if len(ssml) > MAX_SPEECH_CHARS:
        found.append(f"{len(ssml)} characters, over Alexa's {MAX_SPEECH_CHARS}")
    try:
        root = ET.fromstring(_parseable(ssml))
    except ET.ParseError as exc:
        return [*found, f"not well-formed XML: {exc}"]
    if _tag(root) != "speak":
        found.append("root element is not <speak>")
    audio = 0
    for element in root.iter():
        tag = _tag(element)
        if tag not in ALEXA_TAGS:
            found.append(f"unknown tag <{tag}>")
        if tag == "break":
            ms = break_ms(element.get("time", "")) if element.get("time") else None
            if element.get("time") is not None and (ms is None or ms > MAX_BREAK_MS):
                found.append(f"break time {element.get('time')!r} is not a time of at most 10s")
        if tag == "audio":
            audio += 1
            src = element.get("src", "")
            if not (src.startswith("soundbank://") or src.startswith("https://")):
                found.append(f"audio src {src!r} is neither soundbank:// nor https://")
    if audio > MAX_AUDIO_PER_RESPONSE:
        found.append(f"{audio} audio clips, over Alexa's {MAX_AUDIO_PER_RESPONSE}")
    return found


def to_text(ssml: str) -> str:
    """Readable text for the terminal: pauses and sounds shown in brackets."""
    root = ET.fromstring(_parseable(ssml))
    parts: list[str] = []
    pending_ms = 0

    def flush_pause() -> None:
        nonlocal pending_ms
        if pending_ms >= QUIET_MS:
            parts.append(f" (quiet for {pending_ms / 60000:g} min; the microphone is closed) ")
        elif pending_ms >= 1500:
            parts.append(f" (pause {pending_ms / 1000:g} s) ")
        elif pending_ms:
            parts.append(" ")
        pending_ms = 0

    def walk(element: ET.Element) -> None:
        nonlocal pending_ms
        tag = _tag(element)
        if tag == "break":
            pending_ms += break_ms(element.get("time", "0ms")) or 0
        elif tag == "audio":
            flush_pause()
            parts.append(" (soft chime) ")
        elif tag == "alexa:name":
            flush_pause()
            parts.append("(your name)")
        if tag not in ("break", "audio") and element.text:
            flush_pause()
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                flush_pause()
                parts.append(child.tail)

    walk(root)
    flush_pause()
    text = "".join(parts)
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r" *\n *", "\n", text).strip()

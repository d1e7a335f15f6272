"""The screen on devices with a display: one APL document, bound to what the couple hears now.

The document (``content/data/apl/screen.json``) is data; this module builds its
``payload`` datasource from the Reply and the State, and only for devices that
say they support ``Alexa.Presentation.APL``. Every word shown comes from the
phrase book or the program content.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from trust_renewal.content.model import Content, Exercise
from trust_renewal.conversation.exercise import first_speaker, partner_labels
from trust_renewal.conversation.program import current_exercise, prompt_index
from trust_renewal.conversation.reply import Line, Reply, say
from trust_renewal.conversation.situation import IN_EXERCISE, Situation
from trust_renewal.conversation.state import State
from trust_renewal.render.reply import line_text

APL_INTERFACE = "Alexa.Presentation.APL"
DOCUMENT_TOKEN = "trustRenewalScreen"
DATASOURCE = "payload"

OFFERS = (Situation.OFFER_BEGIN, Situation.OFFER_RESUME)


@lru_cache(maxsize=2)
def _read_document(name: str) -> dict[str, Any]:
    node = resources.files("trust_renewal.content").joinpath("data", "apl", name)
    return json.loads(node.read_text(encoding="utf-8"))


def screen_document() -> dict[str, Any]:
    """The APL document, read once per process."""
    return _read_document("screen.json")


def basic_document() -> dict[str, Any]:
    """The plain document for devices whose APL is older than the main one's (same payload)."""
    return _read_document("screen_basic.json")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def document_for(supported_interfaces: Any) -> dict[str, Any] | None:
    """The document this device can show: the main one, the plain one on older APL, or None.

    ``supported_interfaces`` is the raw ``context.System.device.supportedInterfaces``
    dict; a device without the APL interface never gets the directive. A device
    that does not say its APL version gets the main document.
    """
    if not isinstance(supported_interfaces, dict):
        return None
    apl = supported_interfaces.get(APL_INTERFACE)
    if not isinstance(apl, dict):
        return None
    max_version = (apl.get("runtime") or {}).get("maxVersion")
    if not isinstance(max_version, str) or not _version(max_version):
        return screen_document()
    for document in (screen_document(), basic_document()):
        if _version(max_version) >= _version(document["version"]):
            return document
    return None


def supports_screen(supported_interfaces: Any) -> bool:
    """True when the device can show one of the documents."""
    return document_for(supported_interfaces) is not None


def _text(content: Content, key: str, **params: object) -> str:
    return line_text(say(key, **params), content)


def _spoken_text(lines: tuple[Line, ...], content: Content) -> str:
    return " ".join(t for t in (line_text(line, content) for line in lines) if t)


def _turn_label(state: State, exercise: Exercise, content: Content) -> str:
    prompt = exercise.prompts[prompt_index(state, exercise)]
    if not prompt.turns:
        return _text(content, "screen.together" if exercise.audience == "together" else "screen.on_your_own")
    a, b = partner_labels(state, first_speaker(state))
    speaker, listener = (a, b) if state.turn < 2 else (b, a)
    key = "screen.turn_speak" if state.turn % 2 == 0 else "screen.turn_reflect"
    label = _text(content, key, speaker=speaker, listener=listener)
    return label[:1].upper() + label[1:]  # a neutral label ("partner one") may open the line


def _subject(state: State, content: Content) -> Exercise | None:
    """The exercise the screen is about: the one running, offered or next."""
    if state.situation in OFFERS and state.offer_target in content.exercises_by_id:
        return content.exercise(state.offer_target or "")
    if state.situation in (Situation.COMPLETE, Situation.CHECKIN):
        return None
    return current_exercise(state, content)


def _safety_numbers(reply: Reply, content: Content) -> str:
    """The phone numbers this reply gives, one per line ("Samaritans: 116 123"), or ""."""
    shown = []
    for line in reply.speech:
        kind, _, rest = line.key.partition(":")
        if kind in ("safety_call", "safety_now", "safety_number"):
            country, _, role = rest.partition(":")
            number = content.crisis_lines[country].numbers[role]
            shown.append(f"{number.label}: {number.number}")
    return "<br>".join(dict.fromkeys(shown))


def _link_code(reply: Reply) -> str:
    """A linking code this reply gives ("481 529", read more easily in two halves), or ""."""
    for line in reply.speech:
        if line.key == "phrase:link.code":
            digits = "".join(c for c in line.kwargs.get("digits", "") if c.isdigit())
            return f"{digits[:3]} {digits[3:]}" if digits else ""
    return ""


def screen_data(reply: Reply, state: State, content: Content) -> dict[str, Any]:
    """The ``payload`` datasource: everything the document shows, as plain text and numbers."""
    done = len(set(state.finished) & set(content.exercises_by_id))
    total = len(content.path)
    in_exercise = state.situation in IN_EXERCISE and state.exercise_id in content.exercises_by_id
    exercise = _subject(state, content)
    offering = state.situation in OFFERS
    screen: dict[str, Any] = {
        "heading": "",
        "title": _text(content, "screen.skill_name"),
        "turn": "",
        "text": _spoken_text(reply.speech, content),
        "progress": round(100 * done / total) if total else 0,
        "progressText": _text(content, "screen.progress", done=done, total=total),
        # Touching Next begins an offered exercise (it is "next"; the conversation treats it as yes).
        "hint": _text(content, "screen.hint_offer" if offering else "screen.hint_other"),
        "next": _text(content, "screen.next"),
        "nextSpoken": _text(content, "screen.next_label"),
        "number": _safety_numbers(reply, content),
    }
    code = _link_code(reply)
    if code and not screen["number"]:
        # The code to say on the partner's Alexa, large, as on the safety screen.
        screen.update(heading="", title=_text(content, "screen.link_code"), number=code, progressText="")
        return {"screen": screen}
    if screen["number"]:
        # Safety first: the numbers, large, under a plain title; no step or program shown.
        screen.update(heading="", title=_text(content, "safety.card_title"), progressText="")
        return {"screen": screen}
    if exercise is not None:
        step = content.step_of(exercise.id)
        screen["heading"] = _text(
            content, "screen.step", number=step.number, count=len(content.steps), title=step.title
        )
        screen["title"] = exercise.title
    if in_exercise and exercise is not None:
        prompt = exercise.prompts[prompt_index(state, exercise)]
        # The prompt's card text: short, and written to be read.
        screen["text"] = prompt.card
        screen["turn"] = _turn_label(state, exercise, content)
        screen["hint"] = _text(content, "screen.hint_turn" if prompt.turns else "screen.hint_exercise")
    return {"screen": screen}


def screen_directive(
    supported_interfaces: Any, reply: Reply, state: State, content: Content
) -> Any | None:
    """A RenderDocument directive for this reply, or None (no screen, or the session ends)."""
    if reply.silent or not reply.speech or (reply.end_session and not _link_code(reply)):
        return None  # a linking code stays on the screen after the session closes
    document = document_for(supported_interfaces)
    if document is None:
        return None
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(
        token=DOCUMENT_TOKEN,
        document=document,
        datasources={DATASOURCE: screen_data(reply, state, content)},
    )

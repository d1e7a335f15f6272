"""A conversation Reply rendered for Alexa: SSML speech and reprompt, card text."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from trust_renewal.content.model import Content
from trust_renewal.conversation.reply import Line, Reply
from trust_renewal.render.markup import CHIME_URL, pause_ssml, to_plain, to_ssml
from trust_renewal.render.pace import pace_of

_DEFAULT_LABELS = {
    "speaker": "@partner_one",
    "listener": "@partner_two",
    "first": "@partner_one",
    "second": "@partner_two",
}


@dataclass(frozen=True)
class Rendered:
    ssml: str  # SSML fragment, without <speak>
    reprompt: str | None
    card_title: str | None
    card_text: str | None


def _source(line: Line, content: Content) -> str:
    """The markup a line refers to."""
    kind, _, rest = line.key.partition(":")
    if kind == "phrase":
        return content.phrase(rest)
    if kind in ("step_intro", "purpose"):
        step = content.steps_by_id[rest]
        return step.intro if kind == "step_intro" else step.purpose
    if kind == "checkin":
        return next(c.say for c in content.checkins if c.id == rest)
    if kind in ("crisis", "crisis_card"):
        line_ = content.crisis_lines[rest]
        return line_.say if kind == "crisis" else line_.card
    if kind in ("safety_call", "safety_now", "safety_number"):
        country, _, key = rest.partition(":")
        number = content.crisis_lines[country].numbers[key]
        if kind == "safety_now":  # danger now: the emergency number as the first sentence
            return number.now or number.call
        # A number said alone: its short name, then the digits, slowly.
        return number.call if kind == "safety_call" else f"{number.label}: [digits {number.number}]."
    exercise_id, _, index = rest.partition(":")
    exercise = content.exercise(exercise_id)
    if kind == "intro":
        return exercise.intro
    if kind == "closing":
        return exercise.closing
    if kind == "title":
        return exercise.title
    if kind in ("prompt", "card"):
        # "<exercise>:<index>" or, for a role's own wording, "<exercise>:<index>:<role>".
        number, _, role = index.partition(":")
        prompt = exercise.prompts[int(number)]
        variant = prompt.variant(role) if role else None
        if role and variant is None:
            raise KeyError(f"no {role!r} wording for {line.key!r}")
        source = variant or prompt
        return source.say if kind == "prompt" else source.card
    raise KeyError(f"unknown line key {line.key!r}")


def quiet_text(line: Line, content: Content) -> str:
    """The chat's view of a quiet: how long, who speaks, and that the microphone is closed."""
    seconds = int(line.kwargs.get("seconds", "0") or 0)
    length = f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"
    who = _params(Line("x", (("who", line.kwargs.get("who", "")),)), content)["who"]
    while_ = f" while {who} speaks" if who else ""
    return f"(quiet for {length}{while_}; the microphone is closed)"


def _params(line: Line, content: Content) -> dict[str, str]:
    params = {**_DEFAULT_LABELS, **line.kwargs}
    # "@label" values are neutral words for a partner, kept in the phrase book.
    return {
        k: to_plain(content.phrase(f"label.{v[1:]}")) if v.startswith("@") else v for k, v in params.items()
    }


def _join(pieces: list[str]) -> str:
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        out += piece if not out or piece[0] in ",.;:!?" else " " + piece
    return out


def quiet_ssml(seconds: int) -> str:
    """A timed quiet (QUIET.md): chained breaks of at most 10 s, then the soft chime."""
    ssml = pause_ssml(max(1, seconds))
    return ssml if CHIME_URL in ssml else ssml + f'<audio src="{CHIME_URL}"/>'


def line_markup(line: Line, content: Content) -> tuple[str, dict[str, str]]:
    """The markup a line refers to and the parameters it is filled with (for other renderers)."""
    return _source(line, content), _params(line, content)


def line_ssml(line: Line, content: Content, locale: str = "en-US") -> str:
    if line.key == "quiet":
        return quiet_ssml(int(line.kwargs.get("seconds", "0") or 0))
    if line.key.startswith("person:"):
        return f'<alexa:name type="first" personId={quoteattr(line.key[len("person:") :])}/>'
    pace = pace_of(line, content, locale)
    return to_ssml(_source(line, content), _params(line, content), pace.wrap if pace else ("", ""))


def line_text(line: Line, content: Content) -> str:
    if line.key.startswith("person:") or line.key == "quiet":
        return ""
    return to_plain(_source(line, content), _params(line, content))


def speech_ssml(lines: tuple[Line, ...], content: Content, locale: str = "en-US") -> str:
    return _join([line_ssml(line, content, locale) for line in lines])


def render_reply(reply: Reply, content: Content, locale: str = "en-US") -> Rendered:
    card_title = card_text = None
    if reply.card is not None:
        card_title = line_text(reply.card.title, content)
        # One line per card line: a finished exercise's card lists its prompts.
        card_text = "\n".join(text for line in reply.card.body if (text := line_text(line, content)))
    return Rendered(
        ssml=speech_ssml(reply.speech, content, locale),
        reprompt=speech_ssml(reply.reprompt, content, locale) if reply.reprompt else None,
        card_title=card_title,
        card_text=card_text,
    )

"""What to say, as content references: the renderer turns them into SSML, cards and screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Line:
    """A piece of speech: a content reference plus plain-text parameters.

    Keys: ``phrase:<key>``, ``step_intro:<step>``, ``intro:<exercise>``,
    ``prompt:<exercise>:<index>``, ``closing:<exercise>``, ``crisis:<country>``,
    ``checkin:<id>``, ``person:<personId>`` (Alexa says the recognised speaker's name).
    """

    key: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def kwargs(self) -> dict[str, str]:
        return dict(self.params)

    def to_json(self) -> list[Any]:
        return [self.key, dict(self.params)]

    @classmethod
    def from_json(cls, raw: Any) -> Line:
        key, params = raw
        return cls(str(key), tuple(sorted((str(k), str(v)) for k, v in dict(params).items())))


def say(key: str, **params: object) -> Line:
    """A line from the phrase book."""
    return Line(f"phrase:{key}", tuple(sorted((k, str(v)) for k, v in params.items())))


def ref(key: str, **params: object) -> Line:
    """A line from the program (intro, prompt, closing, crisis line, check-in)."""
    return Line(key, tuple(sorted((k, str(v)) for k, v in params.items())))


@dataclass(frozen=True)
class Card:
    """A card for the Alexa app: a title line and body lines (rendered as plain text)."""

    title: Line
    body: tuple[Line, ...]


@dataclass(frozen=True)
class Reply:
    speech: tuple[Line, ...] = ()
    reprompt: tuple[Line, ...] = ()
    end_session: bool = False
    card: Card | None = None
    # Work for the edges to do (delete data, create a reminder); its result comes
    # back as an ``action_result`` event.
    action: str | None = None
    action_params: dict[str, str] = field(default_factory=dict)
    # True when nothing should be said at all (SessionEndedRequest).
    silent: bool = False

"""The couple's state: what is kept between sessions, and what lives only in one session.

One serialized form serves both places: ``to_persisted()`` is what storage
keeps; ``to_session()`` adds the session-only fields for session attributes.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from trust_renewal.conversation.reply import Line
from trust_renewal.conversation.situation import Situation, from_legacy

SCHEMA_VERSION = 1
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class State:
    # -- kept between sessions -------------------------------------------------
    exercise_id: str | None = None  # where the couple is on the path (None: the start)
    prompt: int = 0  # position within the exercise's run (full or quick version)
    turn: int = 0  # inside a turn prompt: 0 first speaks, 1 reflect, 2 second speaks, 3 reflect
    started: bool = False  # the current exercise has begun (so launch offers to resume)
    quick: bool = False  # running the quick version of the current exercise
    finished: tuple[str, ...] = ()  # exercise ids, in the order they were finished
    welcomed: bool = False  # has heard the first-time welcome
    names: tuple[str, ...] = ()
    people: tuple[tuple[str, int], ...] = ()  # Alexa personId -> partner index
    days_practiced: int = 0
    days_in_row: int = 0
    last_practiced: str | None = None  # local ISO date
    today_date: str | None = None
    today_exercise: str | None = None
    program_done: bool = False
    checkins_heard: int = 0
    reminder_token: str | None = None
    # Turns (issue 10): who opens the current turn-taking exercise (partner index),
    # whether the turn at the position was finished before the session closed,
    # one person using the skill alone, and whether unnamed partners were told who
    # "partner one" is.
    first_speaker: int = 0
    turn_over: bool = False
    solo: bool = False
    told_partner_one: bool = False
    background: str = "on"  # background sounds under reflections: "on", "quieter" or "off"
    sounds_told: bool = False  # has heard, once, how to turn the background sounds off
    # Device time zones, so a session start rarely asks Alexa's Settings API:
    # (hashed device ID, IANA zone, UTC date fetched); kept small by handlers.time_zones.
    zones: tuple[tuple[str, str, str], ...] = ()
    # -- this session only -------------------------------------------------------
    situation: Situation = Situation.HOME
    offer_target: str | None = None  # the exercise an offer is about (or a name to place)
    last: tuple[Line, ...] = ()  # what was said last, for "repeat"
    last_reprompt: tuple[Line, ...] = ()

    # ----------------------------------------------------------------------------
    def to_persisted(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name in PERSISTED}
        data["finished"] = list(self.finished)
        data["names"] = list(self.names)
        data["people"] = [list(p) for p in self.people]
        data["zones"] = [list(z) for z in self.zones]
        data["schema"] = SCHEMA_VERSION
        return data

    def to_session(self) -> dict[str, Any]:
        data = self.to_persisted()
        data.update(
            situation=str(self.situation),
            offer_target=self.offer_target,
            last=[line.to_json() for line in self.last],
            last_reprompt=[line.to_json() for line in self.last_reprompt],
        )
        return data

    @classmethod
    def from_dict(cls, raw: Any) -> State:
        """Build a State from stored or session data, tolerating old and partial records.

        Unknown keys are ignored and missing or ill-typed ones take defaults, so
        a record written by an older version (or half written) still loads.
        """
        if not isinstance(raw, dict):
            return cls()
        defaults = asdict(cls())
        values: dict[str, Any] = {}
        for name, default in defaults.items():
            if name not in raw or name in ("last", "last_reprompt", "situation"):
                continue
            value = raw[name]
            if name in ("finished", "names"):
                if isinstance(value, list | tuple):
                    values[name] = tuple(str(v) for v in value if isinstance(v, str | int))
            elif name == "people":
                if isinstance(value, list | tuple):
                    values[name] = tuple(
                        (str(p[0]), int(p[1]))
                        for p in value
                        if isinstance(p, list | tuple) and len(p) == 2 and isinstance(p[1], int)
                    )
            elif name == "zones":
                if isinstance(value, list | tuple):
                    values[name] = tuple(
                        (z[0], z[1], z[2])
                        for z in value
                        if isinstance(z, list | tuple) and len(z) == 3 and all(isinstance(x, str) for x in z)
                    )
            elif isinstance(default, bool):
                if isinstance(value, bool):
                    values[name] = value
            elif isinstance(default, int):
                if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                    values[name] = int(value)
            elif value is None or isinstance(value, str):
                values[name] = value
        for name in ("last", "last_reprompt"):
            try:
                values[name] = tuple(Line.from_json(x) for x in raw.get(name) or ())
            except (TypeError, ValueError):
                values[name] = ()
        try:
            values["situation"] = Situation(raw.get("situation"))
        except ValueError:  # an older session spoke of phase and offer
            values["situation"] = from_legacy(raw.get("phase"), raw.get("offer"))
        if "first_speaker" not in raw:
            # Records from before the first speaker was stored alternated by count.
            values["first_speaker"] = len(values.get("finished", ())) % 2
        values["first_speaker"] = min(values.get("first_speaker", 0), 1)
        if raw.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
            log.info("state upgraded", extra={"event": f"schema {raw.get('schema')} -> {SCHEMA_VERSION}"})
        return replace(cls(), **values)


PERSISTED = frozenset(
    f.name for f in fields(State) if f.name not in ("situation", "offer_target", "last", "last_reprompt")
)


def merge_persisted(
    stored: dict[str, Any], ours: dict[str, Any], path: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Merge two saved states of one couple written by two devices at once.

    Finished exercises are a set (nobody loses one); the position furthest
    along the program wins; practice counts take the larger; names and the
    rest follow whoever wrote last (ours).
    """
    a, b = State.from_dict(stored), State.from_dict(ours)
    finished = tuple(dict.fromkeys((*a.finished, *b.finished)))
    order = {ex: i for i, ex in enumerate(path)}

    def progress(s: State) -> tuple[int, int, int]:
        return (order.get(s.exercise_id or "", -1), s.prompt, s.turn)

    lead = a if progress(a) > progress(b) else b
    merged = replace(
        b,
        exercise_id=lead.exercise_id,
        prompt=lead.prompt,
        turn=lead.turn,
        turn_over=lead.turn_over,
        first_speaker=lead.first_speaker,
        started=lead.started,
        quick=lead.quick,
        finished=finished,
        welcomed=a.welcomed or b.welcomed,
        days_practiced=max(a.days_practiced, b.days_practiced),
        days_in_row=max(a.days_in_row, b.days_in_row),
        last_practiced=max(filter(None, (a.last_practiced, b.last_practiced)), default=None),
        program_done=a.program_done or b.program_done,
        checkins_heard=max(a.checkins_heard, b.checkins_heard),
    )
    return merged.to_persisted()

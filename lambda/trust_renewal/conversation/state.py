"""The couple's state: what is kept between sessions, and what lives only in one session.

One serialized form serves both places: ``to_persisted()`` is what storage
keeps; ``to_session()`` adds the session-only fields for session attributes.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from trust_renewal.conversation.reply import Line

SCHEMA_VERSION = 1
PHASES = ("home", "offer", "exercise", "checkin", "complete")
SAFETY_ROUTES = (None, "self_harm", "abuse", "danger")
SAFETY_OFFERS = (None, "card", "breath")
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
    background: str = "on"  # background sounds under reflections: "on", "quieter" or "off"
    sounds_told: bool = False  # has heard, once, how to turn the background sounds off
    # Device time zones, so a session start rarely asks Alexa's Settings API:
    # (hashed device ID, IANA zone, UTC date fetched); kept small by handlers.time_zones.
    zones: tuple[tuple[str, str, str], ...] = ()
    # -- this session only -------------------------------------------------------
    phase: str = "home"
    offer: str | None = None  # what "yes" does now
    offer_target: str | None = None  # the exercise or step an offer is about
    last: tuple[Line, ...] = ()  # what was said last, for "repeat"
    last_reprompt: tuple[Line, ...] = ()
    # Safety (conversation/safety.py): the route given this session ("self_harm",
    # "abuse", "danger"), an open safety question ("card", "breath"), fallbacks in
    # a row, and whether the note about Alexa's voice history was said.
    safety_route: str | None = None
    safety_offer: str | None = None
    misses: int = 0
    privacy_told: bool = False

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
            phase=self.phase,
            offer=self.offer,
            offer_target=self.offer_target,
            last=[line.to_json() for line in self.last],
            last_reprompt=[line.to_json() for line in self.last_reprompt],
            **{name: getattr(self, name) for name in SAFETY_SESSION},
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
            if name not in raw or name in ("last", "last_reprompt"):
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
        if values.get("phase") not in PHASES:
            values.pop("phase", None)
        if values.get("safety_route") not in SAFETY_ROUTES:
            values.pop("safety_route", None)
        if values.get("safety_offer") not in SAFETY_OFFERS:
            values.pop("safety_offer", None)
        if raw.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
            log.info(
                "state upgraded", extra={"event": f"schema {raw.get('schema')} -> {SCHEMA_VERSION}"}
            )
        return replace(cls(), **values)


# Safety state lives only in the session: a new session starts without it.
SAFETY_SESSION = ("safety_route", "safety_offer", "misses", "privacy_told")
PERSISTED = frozenset(
    f.name
    for f in fields(State)
    if f.name not in ("phase", "offer", "offer_target", "last", "last_reprompt", *SAFETY_SESSION)
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

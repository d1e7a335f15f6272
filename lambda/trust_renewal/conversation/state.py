"""The couple's state: what is kept between sessions, and what lives only in one session.

One serialized form serves both places: ``to_persisted()`` is what storage
keeps; ``to_session()`` adds the session-only fields for session attributes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

from trust_renewal.conversation.reply import Line
from trust_renewal.conversation.situation import Situation, from_legacy

SCHEMA_VERSION = 1
SAFETY_ROUTES = (None, "self_harm", "harm_done", "someone_else", "abuse", "danger")
# Open safety questions: the card, one breath, "are you safe right now?", "are you having
# thoughts of ending your life?", and "do you both feel safe?" before the exercises resume.
SAFETY_OFFERS = (None, "card", "breath", "safe_now", "ask_life", "resume")
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
    # Devices (hashed IDs, as in zones) that answered a background-sound document
    # with Alexa.Presentation.APLA.RuntimeError: they get plain speech from then on.
    plain_devices: tuple[str, ...] = ()
    # Turns (issue 10): who opens the current turn-taking exercise (partner index),
    # whether the turn at the position was finished before the session closed,
    # one person using the skill alone, and whether unnamed partners were told who
    # "partner one" is.
    first_speaker: int = 0
    turn_over: bool = False
    solo: bool = False
    told_partner_one: bool = False
    # Roles (issue 16), kept like names and deleted with them: the index of the
    # partner who was hurt ("0" or "1"), "both" when they hurt each other, None
    # when not told; and whether the one gentle question was asked.
    hurt: str | None = None
    roles_asked: bool = False
    # Safety (issue 22): after an abuse or danger disclosure the couple exercises stay
    # paused, across sessions, until an informed choice resumes them. A neutral flag:
    # nothing of what was said is kept.
    exercises_paused: bool = False
    # -- this session only -------------------------------------------------------
    situation: Situation = Situation.HOME
    offer_target: str | None = None  # the exercise an offer is about
    pending_name: str | None = None  # "call me Sam" with two names set: the name to place
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
        data["plain_devices"] = list(self.plain_devices)
        data["schema"] = SCHEMA_VERSION
        return data

    def to_session(self) -> dict[str, Any]:
        data = self.to_persisted()
        data.update(
            situation=str(self.situation),
            pending_name=self.pending_name,
            offer_target=self.offer_target,
            last=[line.to_json() for line in self.last],
            last_reprompt=[line.to_json() for line in self.last_reprompt],
            **{name: getattr(self, name) for name in SAFETY_SESSION},
        )
        return data

    @classmethod
    def from_dict(cls, raw: Any, strict: bool = False) -> State:
        """Build a State from stored or session data.

        Stored records are read tolerantly: unknown keys are ignored and missing
        or ill-typed fields take defaults, so a record written by an older
        version (or half written) still loads. ``strict`` (for session
        attributes, which arrive from outside) applies the same field rules but
        raises InvalidState on the first field that breaks them. Then the whole
        record is checked (RECORD_RULES): what breaks a rule is repaired, or,
        in strict mode, refused when the skill could never have written it.
        Nothing here writes: a repaired record is stored again only when the
        couple change the repaired field themselves.
        """
        if not isinstance(raw, dict):
            if strict:
                raise InvalidState("not a map")
            return cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            try:
                values[f.name] = field_value(f.name, getattr(_DEFAULT, f.name), raw[f.name])
            except (TypeError, ValueError, KeyError, IndexError) as exc:
                if strict:
                    raise InvalidState(f"field {f.name!r} is not valid") from exc
        if "situation" not in raw:  # an older session spoke of phase and offer
            values["situation"] = from_legacy(raw.get("phase"), raw.get("offer"))
        if "first_speaker" not in raw:
            # Records from before the first speaker was stored alternated by count.
            values["first_speaker"] = len(values.get("finished", ())) % 2
        if raw.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
            log.info(
                "state upgraded",
                extra={"event": f"schema {str(raw.get('schema'))[:20]} -> {SCHEMA_VERSION}"},
            )
        return checked(replace(_DEFAULT, **values), strict)


class InvalidState(ValueError):
    """Session attributes that do not follow the state's schema."""


_DEFAULT = State()
# Bounds on what any kept or session field may hold: far above real use, far
# below what would make a response or a record too big.
MAX_TEXT = 200
MAX_ITEMS = 500
MAX_NUMBER = 10**9
MAX_LINES = 24
TURN_STAGES = 4
HURT_VALUES = ("0", "1", "both")
# A couple is at most two people, and a first name as the skill keeps it is at
# most 40 characters (transitions._clean_name trims to that).
MAX_NAMES = 2
MAX_NAME = 40


def _text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError("not a short string")
    return value


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list | tuple) or len(value) > MAX_ITEMS:
        raise ValueError("not a short list")
    return list(value)


def field_value(name: str, default: Any, value: Any) -> Any:
    """One field's value checked against its schema; ValueError (or TypeError) if it breaks it.

    Fields with their own rules come first; any other field follows its
    default's type, so a field added to State later is checked without more code.
    """
    if name in ("last", "last_reprompt"):
        lines = tuple(Line.from_json(x) for x in _items(value))
        too_long = any(
            len(line.key) > MAX_TEXT
            or len(line.params) > MAX_LINES
            or any(len(v) > MAX_TEXT for _, v in line.params)
            for line in lines
        )
        if len(lines) > MAX_LINES or too_long:
            raise ValueError("lines longer than the skill ever says")
        return lines
    if name == "people":
        people = []
        for pair in _items(value):
            person, index = _items(pair)
            if index not in (0, 1) or isinstance(index, bool):
                raise ValueError("a partner index is 0 or 1")
            people.append((_text(person), index))
        return tuple(people)
    if name == "names":
        names = tuple(_text(x) for x in _items(value))
        if len(names) > MAX_NAMES or not all(0 < len(n) <= MAX_NAME for n in names):
            raise ValueError("at most two names of a plausible length")
        return names
    if name == "pending_name" and value is not None and not 0 < len(_text(value)) <= MAX_NAME:
        raise ValueError("a name of a plausible length")
    if name == "situation":
        return Situation(value)
    if name == "hurt" and value not in (None, *HURT_VALUES):
        raise ValueError("a role is a partner index or both")
    if name == "first_speaker" and value not in (0, 1):
        raise ValueError("a partner index is 0 or 1")
    if name == "turn" and value not in range(TURN_STAGES):
        raise ValueError("a turn stage is 0 to 3")
    if name == "safety_route" and value not in SAFETY_ROUTES:
        raise ValueError("unknown safety route")
    if name == "safety_offer" and value not in SAFETY_OFFERS:
        raise ValueError("unknown safety question")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise TypeError("not a boolean")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("not a number")
        if not 0 <= value <= MAX_NUMBER or value != int(value):
            raise ValueError("not a whole number in range")
        return int(value)
    if isinstance(default, tuple):
        # Items are short strings, or short lists of them (the zones' triples).
        return tuple(
            tuple(_text(x) for x in _items(v)) if isinstance(v, list | tuple) else _text(v)
            for v in _items(value)
        )
    if default is None or isinstance(default, str):
        return None if value is None else _text(value)
    if isinstance(default, dict):
        if not isinstance(value, dict) or len(value) > MAX_ITEMS:
            raise ValueError("not a small map")
        return {_text(k): v for k, v in value.items()}
    return value


# -- the whole record --------------------------------------------------------------
#
# Each field may be fine on its own while the record as a whole says something
# the skill never says. Each rule names what it checks, a repair, and whether
# session attributes breaking it are refused outright (the skill never writes
# such a record, so someone else did) or only repaired (the skill itself can
# reach it, e.g. "it's just me" after "let Jordan go first"). A field added to
# State later adds its own rule here.
@dataclass(frozen=True)
class RecordRule:
    name: str
    holds: Callable[[State], bool]
    repair: Callable[[State], State]
    refuse_in_session: bool = False


RECORD_RULES: list[RecordRule] = [
    RecordRule(
        "roles only with names",
        lambda s: s.hurt is None or bool(s.names),
        lambda s: replace(s, hurt=None),
        refuse_in_session=True,
    ),
    RecordRule(
        "one person alone has at most one name",
        lambda s: not s.solo or len(s.names) <= 1,
        lambda s: replace(s, names=s.names[:1]),
        refuse_in_session=True,
    ),
    RecordRule(
        "one person alone always speaks first",
        lambda s: not s.solo or s.first_speaker == 0,
        lambda s: replace(s, first_speaker=0),
    ),
    RecordRule(
        "a recognised voice names one of the partners",
        lambda s: all(index < max(len(s.names), 1) for _, index in s.people),
        lambda s: replace(s, people=tuple(p for p in s.people if p[1] < max(len(s.names), 1))),
    ),
]


def checked(state: State, strict: bool = False) -> State:
    """``state`` with every RECORD_RULES rule holding; InvalidState (strict) for a refused one."""
    for rule in RECORD_RULES:
        if rule.holds(state):
            continue
        if strict and rule.refuse_in_session:
            raise InvalidState(f"the record breaks a rule: {rule.name}")
        log.info("record repaired", extra={"reason": rule.name})
        state = rule.repair(state)
    return state


# Safety state lives only in the session: a new session starts without it.
SAFETY_SESSION = ("safety_route", "safety_offer", "misses", "privacy_told")
PERSISTED = frozenset(
    f.name
    for f in fields(State)
    if f.name
    not in ("situation", "offer_target", "pending_name", "last", "last_reprompt", *SAFETY_SESSION)
)


# -- how two sessions' changes to the kept fields combine ---------------------------
#
# A session records which kept fields it changed and when (a change stamp; a
# field it never changed carries none), and a save merges only those onto the
# stored record. The rules live here, in one place. Fields that only make sense
# together are merged as one unit; any kept field not named below is its own
# unit, and for any unit without a policy the later change wins by stamp, so a
# field added to State later just works.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    # The place: the one most recently moved on purpose by a session that knew where it was.
    "place": ("exercise_id", "prompt", "turn", "started", "quick", "turn_over", "first_speaker"),
    "today": ("today_date", "today_exercise"),
}


def later_wins(stored: Any, stored_stamp: int, ours: Any, our_stamp: int, base: Any) -> Any:
    return ours if our_stamp >= stored_stamp else stored


# Fields of the place group that are a couple's choice rather than a position:
# a choice they heard confirmed is kept even when the position is not.
PLACE_CHOICES = ("first_speaker",)


def unless_moved_since_read(stored: Any, stored_stamp: int, ours: Any, our_stamp: int, base: Any) -> Any:
    """Ours, unless another device moved it after this session read it.

    A session that did not see the latest place (a device left open in
    another room) carries on where it is, but never moves the kept place
    back: the kept place is the one last moved by a session that knew it.
    A choice in the group ("let Jordan go first") is kept whenever this
    session made it, whichever position wins; another device's choice stays.
    """

    def position(value: Any) -> dict[str, Any]:
        return {k: v for k, v in dict(value or {}).items() if k not in PLACE_CHOICES}

    if not isinstance(stored, dict) or not isinstance(ours, dict):
        return ours if stored == base else stored
    merged = dict(ours if position(stored) == position(base) else stored)
    before = base if isinstance(base, dict) else {}
    for name in PLACE_CHOICES:
        if name in ours and ours[name] != before.get(name, ours[name]):
            merged[name] = ours[name]
        elif name in stored:
            merged[name] = stored[name]
    return merged


def set_changes(stored: Any, stored_stamp: int, ours: Any, our_stamp: int, base: Any) -> Any:
    """What this session added (or, starting over, removed) applied to what is stored.

    Nobody loses an exercise another device finished; a stale session cannot
    bring back exercises a start-over cleared, because it only adds its own.
    """

    def key(item: Any) -> Any:  # items may be lists (the zones' triples): compare them as tuples
        return tuple(item) if isinstance(item, list) else item

    before, mine = {key(x) for x in base or []}, list(ours or [])
    on_file = {key(x) for x in stored or []}
    removed = before - {key(x) for x in mine}
    # In this session's order (newest-first zones, finishing order), then what others added.
    merged: dict[Any, Any] = {}
    for item in mine:
        if key(item) not in before or key(item) in on_file:
            merged.setdefault(key(item), item)
    for item in stored or []:
        if key(item) not in removed:
            merged.setdefault(key(item), item)
    return list(merged.values())


def larger(stored: Any, stored_stamp: int, ours: Any, our_stamp: int, base: Any) -> Any:
    present = [v for v in (stored, ours) if v is not None]
    return max(present) if present else None


def either(stored: Any, stored_stamp: int, ours: Any, our_stamp: int, base: Any) -> Any:
    return bool(stored) or bool(ours)


Policy = Callable[[Any, int, Any, int, Any], Any]
MERGE_POLICIES: dict[str, Policy] = {
    "place": unless_moved_since_read,
    "finished": set_changes,  # grow-only, item by item
    "zones": set_changes,  # each device's own entry (handlers.time_zones)
    "plain_devices": set_changes,  # a device that failed to play sounds stays marked
    "welcomed": either,
    "days_practiced": larger,
    "days_in_row": larger,
    "last_practiced": larger,
    "checkins_heard": larger,
}


def _units() -> dict[str, tuple[str, ...]]:
    grouped = {name for group in FIELD_GROUPS.values() for name in group}
    units = {unit: names for unit, names in FIELD_GROUPS.items()}
    for name in sorted(PERSISTED - grouped):
        units[name] = (name,)
    return units


UNITS = _units()


def unit_values(persisted: dict[str, Any]) -> dict[str, Any]:
    """Kept values by merge unit: a group's fields as one map, any other field as itself."""
    out: dict[str, Any] = {}
    for unit, names in UNITS.items():
        if unit in FIELD_GROUPS:
            out[unit] = {n: persisted.get(n, getattr(_DEFAULT, n)) for n in names}
        else:
            out[unit] = persisted.get(unit, getattr(_DEFAULT, unit))
    return out


def changed_units(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The units whose value differs, each with its value before."""
    old, new = unit_values(before), unit_values(after)
    return {unit: old[unit] for unit in UNITS if old[unit] != new[unit]}


def merge_changes(stored: Any, changes: Any) -> tuple[dict[str, Any], dict[str, int]]:
    """A session's changes (storage.base.Changes) merged onto a stored record (Record).

    Only the units the session changed are touched; each follows its policy.
    A stored record that is this session's own earlier write (one whose
    outcome it never learnt) is its base, not another device's move.
    """
    values, stamps = dict(stored.values), dict(stored.stamps)
    on_file, ours = unit_values(values), unit_values(dict(changes.values))
    own = bool(getattr(changes, "own", None)) and changes.own(stored)
    for unit, base in changes.changed.items():
        if unit not in UNITS:
            continue
        if own:
            base = on_file[unit]
        our_stamp = int(changes.stamps.get(unit, 0))
        stored_stamp = int(stamps.get(unit, 0))
        policy = MERGE_POLICIES.get(unit, later_wins)
        merged = policy(on_file[unit], stored_stamp, ours[unit], our_stamp, base)
        if unit in FIELD_GROUPS:
            values.update(merged)
        else:
            values[unit] = merged
        stamps[unit] = max(our_stamp, stored_stamp)
    values["schema"] = SCHEMA_VERSION
    return values, stamps

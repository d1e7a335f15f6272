"""Load the couple's state once per session; save only the fields a session changed.

Session attributes come back from outside on every turn, so they are checked
against the state's schema before use; anything invalid is dropped and the
record read again, without a word to the couple. A session whose read failed
saves nothing until a read succeeds (it would otherwise write a made-up empty
couple over the real one); if that read finds the data deleted meanwhile, the
couple are told and nothing of the session is saved.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SsmlOutputSpeech

from trust_renewal.content import Content
from trust_renewal.conversation import State
from trust_renewal.conversation.program import run_length
from trust_renewal.conversation.reply import say
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.state import (
    FIELD_GROUPS,
    UNITS,
    InvalidState,
    changed_units,
    field_value,
    merge_changes,
    unit_values,
)
from trust_renewal.handlers.actions import DELETED_KEY
from trust_renewal.handlers.linked_session import (
    S_LINK,
    LinkSession,
    after_save,
    linked_start,
    move_account_units,
    save_linked,
)
from trust_renewal.handlers.reading import LINK_KEY, NOTICES_KEY, STATE_KEY, content_for, session_of
from trust_renewal.render.reply import speech_ssml
from trust_renewal.storage.base import (
    ANY_REVISION,
    MAX_CLOCK_LEAD_US,
    Changes,
    CorruptRecord,
    Record,
    RecordDeleted,
    StorageUnavailable,
    change_stamp,
    now_stamp,
    user_id_of,
    user_key,
)

log = logging.getLogger(__name__)
APLA_DOCUMENT = "Alexa.Presentation.APLA.RenderDocument"
# Session attribute keys.
S_STATE, S_SYNC, S_TZ = "state", "sync", "tz"
# Every session attribute this skill writes: anything else that comes back was not
# ours and is dropped (a new session key must be added here).
SESSION_KEYS = frozenset({S_STATE, S_SYNC, S_TZ, S_LINK})
# Request attribute keys: the state as this turn began, and the session's storage bookkeeping.
BEFORE_KEY, SYNC_KEY = "state_before", "sync"
# Request attribute: a session whose read had failed found the data deleted since.
DELETED_ELSEWHERE_KEY = "deleted_elsewhere"
_SESSION_TYPES = (
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "Alexa.Presentation.APL.UserEvent",
    "Connections.Response",
    # A device that could not play a background-sound document: remembered (handlers.requests).
    "Alexa.Presentation.APLA.RuntimeError",
)
# Units whose value a session that could not read was only guessing at: its
# place and today's exercise start from nothing, so they never overwrite the record.
_GUESSED_WITHOUT_A_READ = ("place", "today")


_SYNC_KEYS = frozenset({"read", "rev", "stamps", "mine", "changed", "held", "clock", "pending"})
# Saves of this session whose outcome is unknown, remembered (newest last) until one save succeeds.
MAX_PENDING = 8
_TOKEN = re.compile(r"[0-9a-f]{16}")


@dataclass
class Sync:
    """What a session knows about the stored record (kept in session attributes as ``sync``)."""

    read: bool = True  # a read has succeeded (or found no record): saving is allowed
    revision: int | None = None  # the revision read or last written (None: no record)
    stamps: dict[str, int] = field(default_factory=dict)  # unit -> change stamp, as stored
    mine: dict[str, int] = field(default_factory=dict)  # unsaved unit -> when this session changed it
    changed: dict[str, Any] = field(default_factory=dict)  # unsaved unit -> its value before
    held: dict[str, Any] = field(default_factory=dict)  # kept field -> stored value this session differs from
    clock: int = 0  # the highest stamp seen
    pending: tuple[str, ...] = ()  # writer tokens of saves that may have landed unseen

    def to_json(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "rev": self.revision,
            "stamps": dict(self.stamps),
            "mine": dict(self.mine),
            "changed": dict(self.changed),
            "held": dict(self.held),
            "clock": self.clock,
            "pending": list(self.pending),
        }

    @classmethod
    def from_record(cls, record: Record | None) -> Sync:
        if record is None:
            return cls()
        stamps = {} if record.tombstone else {k: v for k, v in record.stamps.items() if k in UNITS}
        return cls(
            revision=record.revision,
            stamps=stamps,
            clock=max([*stamps.values(), record.deleted_at or 0], default=0),
        )

    def changes(self, state: State, writer: str | None = None) -> Changes:
        """This session's unsaved changes, and the record they apply to as the session knows it."""
        values = state.to_persisted()
        known = None
        if self.revision is not None and self.revision != ANY_REVISION:
            before: dict[str, Any] = {}
            for unit, base in self.changed.items():
                before.update(base if unit in FIELD_GROUPS else {unit: base})
            view = {**values, **before, **self.held}
            known = Record(values=view, stamps=self.stamps, revision=self.revision)
        return Changes(
            values=values,
            stamps={**self.stamps, **self.mine},
            changed=dict(self.changed),
            revision=self.revision,
            known=known,
            writer=writer,
            landed=tuple(self.pending),
        )

    @classmethod
    def from_json(cls, raw: Any) -> Sync:
        """The same rules as the state's schema; InvalidState on anything else.

        Stamps and the clock are checked against this process's clock: a
        session cannot carry one further ahead than a clock can be.
        """
        if not isinstance(raw, dict) or set(raw) != _SYNC_KEYS:
            raise InvalidState("sync is not the expected map")
        read, rev, clock, pending = raw["read"], raw["rev"], raw["clock"], raw["pending"]
        if not isinstance(pending, list) or len(pending) > MAX_PENDING:
            raise InvalidState("sync pending writes are not valid")
        if not all(isinstance(t, str) and _TOKEN.fullmatch(t) for t in pending):
            raise InvalidState("sync pending writes are not valid")
        maps = [raw[k] for k in ("stamps", "mine", "changed", "held")]
        if not isinstance(read, bool) or not _whole(clock, 0):
            raise InvalidState("sync flags are not valid")
        if rev is not None and not _whole(rev, ANY_REVISION):
            raise InvalidState("sync revision is not valid")
        if not all(isinstance(m, dict) for m in maps):
            raise InvalidState("sync maps are not valid")
        stamps, mine, changed, held = maps
        if set(stamps) - set(UNITS) or set(mine) - set(UNITS) or set(changed) - set(UNITS):
            raise InvalidState("sync names unknown fields")
        if set(held) - set(FIELD_GROUPS["place"]):
            raise InvalidState("sync holds fields it may not")
        if not all(_whole(v, 0) for v in (*stamps.values(), *mine.values())):
            raise InvalidState("sync stamps are not valid")
        latest = now_stamp() + MAX_CLOCK_LEAD_US
        if any(v > latest for v in (clock, *stamps.values(), *mine.values())):
            raise InvalidState("sync stamps are ahead of any clock")
        defaults = State()
        try:
            base = {unit: _unit_value(unit, value) for unit, value in changed.items()}
            kept = {n: _persisted(field_value(n, getattr(defaults, n), v)) for n, v in held.items()}
        except (TypeError, ValueError) as exc:
            raise InvalidState("sync holds invalid earlier values") from exc
        return cls(read, rev, dict(stamps), dict(mine), base, kept, clock, tuple(pending))


def _whole(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and least <= value < 2**62


def _unit_value(unit: str, value: Any) -> Any:
    """A merge unit's earlier value, checked field by field like the state itself."""
    defaults = State()
    if unit in FIELD_GROUPS:
        if not isinstance(value, dict) or set(value) != set(FIELD_GROUPS[unit]):
            raise ValueError("a group's earlier value names its fields")
        return {n: _persisted(field_value(n, getattr(defaults, n), value[n])) for n in value}
    return _persisted(field_value(unit, getattr(defaults, unit), value))


def _persisted(value: Any) -> Any:
    # The kept form of a value: tuples are stored as lists.
    return [list(v) if isinstance(v, tuple) else v for v in value] if isinstance(value, tuple) else value


def _hashed_user(handler_input: HandlerInput) -> str | None:
    user = user_id_of(handler_input.request_envelope)
    return user_key(user)[:12] if user else None


def fits_content(state: State, content: Content) -> bool:
    """Whether a state's references all exist in this content (positions in range, lines that render)."""
    if state.exercise_id is not None:
        exercise = content.exercises_by_id.get(state.exercise_id)
        if exercise is None or state.prompt >= run_length(state, exercise):
            return False
    known = (*content.exercises_by_id, *content.steps_by_id)
    if state.offer_target is not None and state.offer_target not in known:
        return False
    if state.today_exercise is not None and state.today_exercise not in content.exercises_by_id:
        return False
    try:
        speech_ssml(state.last, content)
        speech_ssml(state.last_reprompt, content)
    except Exception:  # a line that names nothing in the content: the lines are not ours
        return False
    return True


def _session_state(
    session: dict[str, Any], content: Content
) -> tuple[State, Sync, LinkSession | None] | None:
    """The state and sync carried in the session; None when there are none. InvalidState if tampered."""
    zone = session.get(S_TZ)
    if zone is not None:
        try:
            ZoneInfo(zone if isinstance(zone, str) and len(zone) < 64 else "")
        except (ValueError, KeyError, OSError) as exc:
            raise InvalidState("the time zone is not one this runtime knows") from exc
    if S_STATE not in session and S_SYNC not in session:
        return None
    state = State.from_dict(session.get(S_STATE), strict=True)
    sync = Sync.from_json(session.get(S_SYNC))
    link = None
    if session.get(S_LINK) is not None:
        try:
            link = LinkSession.from_json(session[S_LINK], Sync)
        except ValueError as exc:
            raise InvalidState("the link is not what this skill wrote") from exc
    if not fits_content(state, content):
        raise InvalidState("the state names what the content does not have")
    return state, sync, link


class LoadStateInterceptor(AbstractRequestInterceptor):
    """State from the session; from storage on a first turn, after a failed read, or after tampering."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput) -> None:
        request_type = getattr(handler_input.request_envelope.request, "object_type", None)
        if request_type not in _SESSION_TYPES:
            return
        attrs = handler_input.attributes_manager
        session = session_of(handler_input)
        content = content_for(handler_input)
        carried = None
        for key in set(session) - SESSION_KEYS:
            session.pop(key)  # not written by this skill: never used, never echoed back
        try:
            carried = _session_state(session, content)
        except InvalidState as exc:
            # Not what this skill wrote: drop it all and read the record again, silently.
            log.warning("session attributes invalid; reading the record again", extra={"reason": str(exc)})
            session.clear()
        notices: list[str] = []
        link: LinkSession | None = None
        if carried is not None:
            state, sync, link = carried
            if not sync.read:
                state, sync, link = self._retry_read(handler_input, state, sync)
        else:
            state, sync, link, notices = self._first_read(handler_input)
            if link is not None and link.info(handler_input.request_envelope).delete_asked:
                notices.append("link.delete_asked_notice")
        attrs.request_attributes[STATE_KEY] = state
        attrs.request_attributes[BEFORE_KEY] = state
        attrs.request_attributes[SYNC_KEY] = sync
        attrs.request_attributes[LINK_KEY] = link
        if notices and request_type != "SessionEndedRequest":
            attrs.request_attributes[NOTICES_KEY] = notices

    def _first_read(
        self, handler_input: HandlerInput
    ) -> tuple[State, Sync, LinkSession | None, list[str]]:
        try:
            record = self.store.load(handler_input.request_envelope)
            linked = None if record is None else linked_start(
                self.store, handler_input.request_envelope, record, Sync
            )
        except CorruptRecord as exc:
            log.warning(
                "stored progress unreadable; starting afresh", extra={"user_key": _hashed_user(handler_input)}
            )
            revision = exc.revision if exc.revision is not None else ANY_REVISION
            return State(welcomed=True), Sync(revision=revision), None, ["storage.corrupt"]
        except StorageUnavailable as exc:
            log.error("could not load progress", extra={"error_type": type(exc.__cause__ or exc).__name__})
            # Not a new couple: a read that failed. Nothing is saved until a read succeeds.
            return State(welcomed=True), Sync(read=False), None, ["storage.load_failed"]
        if linked is not None:
            state, sync, link = linked
            return state, sync, link, []
        sync = Sync.from_record(record)
        if record is None or record.tombstone:
            return State(), sync, None, []
        return State.from_dict(dict(record.values)), sync, None, []

    def _retry_read(
        self, handler_input: HandlerInput, state: State, sync: Sync
    ) -> tuple[State, Sync, LinkSession | None]:
        """The read failed earlier this session: try again, quietly, and keep what this session did."""
        envelope = handler_input.request_envelope
        try:
            record = self.store.load(envelope)
            linked = None if record is None else linked_start(self.store, envelope, record, Sync)
        except (StorageUnavailable, CorruptRecord):
            return state, sync, None
        if record is not None and record.tombstone:
            # Never an empty starting point: this session began without seeing the
            # record, so whatever it did may predate the deletion. Nothing is saved.
            log.info("data deleted while this session could not read it; nothing saved")
            handler_input.attributes_manager.request_attributes[DELETED_ELSEWHERE_KEY] = True
            return State(), Sync(read=False), None
        link = None
        if linked is not None:
            # The program is a couple's: merge onto the two records seen as one.
            shared, fresh, link = linked
            stored = Record(values=shared.to_persisted(), stamps={**fresh.stamps, **link.account.stamps})
        else:
            fresh = Sync.from_record(record)
            stored = Record() if record is None else record
        # What the couple did meanwhile is kept, except where they were: that
        # was a guess from an empty start and must not move the real place.
        changed = {u: b for u, b in sync.changed.items() if u not in _GUESSED_WITHOUT_A_READ}
        stamps = {u: s for u, s in sync.mine.items() if u in changed}
        values, _ = merge_changes(
            stored, Changes(values=state.to_persisted(), stamps=stamps, changed=changed, revision=None)
        )
        fresh.changed = changed
        fresh.mine = stamps
        fresh.clock = max(fresh.clock, sync.clock)
        merged = State.from_dict({**state.to_session(), **State().to_persisted(), **values})
        guessed = sync.changed.get("place")
        if isinstance(guessed, dict) and guessed.get("first_speaker") != state.first_speaker:
            # "Let Jordan go first" was heard confirmed: a choice, kept on the real place.
            fresh.changed["place"] = unit_values(merged.to_persisted())["place"]
            fresh.mine["place"] = sync.mine.get("place", fresh.clock)
            merged = replace(merged, first_speaker=state.first_speaker)
        place = FIELD_GROUPS["place"]
        if any(getattr(merged, n) != getattr(state, n) for n in place):
            # What was offered was offered from the guess: "yes" must not take them back there.
            merged = replace(merged, situation=Situation.HOME, offer_target=None)
        if link is not None:
            move_account_units(fresh, link)
        return merged, fresh, link


class SaveStateInterceptor(AbstractResponseInterceptor):
    """Stamp what this turn changed, save the changes, and keep the session's view current."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        attrs = handler_input.attributes_manager
        if attrs.request_attributes.get(DELETED_ELSEWHERE_KEY):
            _tell_deleted(handler_input, response)
            session_of(handler_input).clear()
            return
        if not attrs.request_attributes.get("state_out"):
            return
        state: State = attrs.request_attributes[STATE_KEY]
        before = attrs.request_attributes.get(BEFORE_KEY, state)
        sync: Sync = attrs.request_attributes.get(SYNC_KEY) or Sync(read=False)
        session = session_of(handler_input)
        if attrs.request_attributes.get(DELETED_KEY):
            session.clear()
            return
        now_changed = changed_units(before.to_persisted(), state.to_persisted())
        if now_changed:
            stamp = change_stamp(sync.clock)  # the server's clock; the session's only as a floor
            for unit, base in now_changed.items():
                # The value before this session's first unsaved change: the stored one,
                # unless this session holds a different place than the record.
                sync.changed.setdefault(unit, base)
                sync.mine[unit] = stamp
            sync.clock = stamp
        link: LinkSession | None = attrs.request_attributes.get(LINK_KEY)
        if link is not None:
            move_account_units(sync, link)
        if (sync.changed or (link is not None and link.account.changed)) and sync.read:
            writer = secrets.token_hex(8)
            try:
                if link is None:
                    record = self.store.save(
                        handler_input.request_envelope, sync.changes(state, writer), merge=merge_changes
                    )
                    state, sync = _adopt(state, record)
                else:
                    couple, account = save_linked(
                        self.store, handler_input.request_envelope, state, sync, link, writer
                    )
                    state, sync = after_save(state, sync, link, couple, account, _adopt)
            except RecordDeleted:
                log.info("save refused: the data was deleted after this session read it")
                _tell_deleted(handler_input, response)
                session.clear()
                return
            except StorageUnavailable as exc:
                log.error(
                    "could not save progress", extra={"error_type": type(exc.__cause__ or exc).__name__}
                )
                # It may have landed all the same (a timeout after sending): the next
                # save recognises this token on the stored record as its own write.
                sync.pending = (*sync.pending, writer)[-MAX_PENDING:]
                if link is not None:
                    link.account.pending = (*link.account.pending, writer)[-MAX_PENDING:]
                _apologise(handler_input, response)
        session[S_STATE] = state.to_session()
        session[S_SYNC] = sync.to_json()
        if link is not None:
            session[S_LINK] = link.to_json()
        else:
            session.pop(S_LINK, None)


def _adopt(state: State, record: Record) -> tuple[State, Sync]:
    """What was saved (other devices' changes merged in), but this session's own place.

    Where the record's place differs (another device moved it), the session
    holds the record's value aside, so its next save knows what is stored.
    """
    sync = Sync.from_record(record)
    names = FIELD_GROUPS["place"]
    ours = {name: getattr(state, name) for name in names}
    sync.held = {n: record.values[n] for n in names if n in record.values and record.values[n] != ours[n]}
    return State.from_dict({**state.to_session(), **dict(record.values), **ours}), sync


def _apologise(handler_input: HandlerInput, response: Response) -> None:
    key = "storage.save_failed_bye" if response.should_end_session else "storage.save_failed"
    apology = speech_ssml((say(key),), content_for(handler_input))
    speech = getattr(response, "output_speech", None)
    if speech is not None and getattr(speech, "ssml", None):
        speech.ssml = speech.ssml.replace("<speak>", f"<speak>{apology} ", 1)
    elif any(getattr(d, "object_type", None) == APLA_DOCUMENT for d in response.directives or ()):
        # The reply is in an APL for Audio document; Alexa says outputSpeech before it.
        response.output_speech = SsmlOutputSpeech(ssml=f"<speak>{apology}</speak>")


def _tell_deleted(handler_input: HandlerInput, response: Response) -> None:
    """The couple deleted their data from another device while this session was open."""
    if getattr(handler_input.request_envelope.request, "object_type", None) == "SessionEndedRequest":
        return  # nothing may be said; nothing was saved
    ssml = speech_ssml((say("storage.deleted_elsewhere"),), content_for(handler_input))
    response.output_speech = SsmlOutputSpeech(ssml=f"<speak>{ssml}</speak>")
    response.reprompt = None
    response.card = None
    response.directives = None
    response.should_end_session = True

"""The storage work behind linking two accounts (conversation.transitions.linking asks for it).

Each action returns the result the conversation answers (``link_*``) and, when
the session's program moved (a new couple, a join, an unlink), puts the new
State, sync and link into the request so the turn goes on with them.
"""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput

from trust_renewal.conversation import Reply, State
from trust_renewal.handlers.actions import DELETED_KEY
from trust_renewal.handlers.interceptors import BEFORE_KEY, SYNC_KEY, Sync
from trust_renewal.handlers.linked_session import LinkSession, adopt_linked, own_key
from trust_renewal.handlers.reading import LINK_KEY, STATE_KEY
from trust_renewal.storage import linking
from trust_renewal.storage.base import DeletionFailed, StorageUnavailable, Store

log = logging.getLogger(__name__)
Result = tuple[str, dict[str, str]]


def store_of(handler_input: HandlerInput) -> Store:
    # The SDK keeps the persistence adapter it was built with here; it is the skill's Store.
    return handler_input.attributes_manager._persistence_adapter  # type: ignore[attr-defined]


def perform_link(handler_input: HandlerInput, reply: Reply, state: State) -> Result | None:
    """Do one linking action; (result, params) for the conversation, or None after a deletion."""
    envelope = handler_input.request_envelope
    attrs = handler_input.attributes_manager.request_attributes
    store, account = store_of(handler_input), own_key(envelope)
    link: LinkSession | None = attrs.get(LINK_KEY)
    sync: Sync = attrs.get(SYNC_KEY) or Sync(read=False)
    if account is None:
        return ("link_failed", {})
    action = reply.action
    if action in ("link_delete_own", "link_delete_shared"):
        _delete(handler_input, store, account, link, shared=action == "link_delete_shared")
        return None
    if not sync.read:  # the program could not be read this session: change nothing
        return ("link_failed", {})
    try:
        if action == "link_create":
            return _create(handler_input, store, account, state, sync, link)
        if action == "link_join":
            return _join(handler_input, store, account, state, link, reply.action_params.get("code", ""))
        if action == "link_unlink":
            return _unlink(handler_input, store, account, state)
        if action == "link_ask_delete_shared" and link is not None:
            linking.ask_delete_shared(store, envelope, account, link.couple)
            link.delete_asked = account
            return ("link_delete_asked", {})
    except StorageUnavailable as exc:
        log.error("linking did not reach the store", extra={"error_type": type(exc).__name__})
        return ("link_failed", {})
    log.error("unknown linking action", extra={"event": str(action)[:40]})
    return ("link_failed", {})


def _adopt(handler_input: HandlerInput, state: State, sync: Sync, link: LinkSession | None) -> None:
    """The session goes on with this program: nothing of it is unsaved."""
    attrs = handler_input.attributes_manager.request_attributes
    attrs[STATE_KEY] = attrs[BEFORE_KEY] = state
    attrs[SYNC_KEY] = sync
    attrs[LINK_KEY] = link


def _create(
    handler_input: HandlerInput,
    store: Store,
    account: str,
    state: State,
    sync: Sync,
    link: LinkSession | None,
) -> Result:
    envelope = handler_input.request_envelope
    # Checked against the pointers: a partner whose join failed half way is not a partner.
    others = [] if link is None else [m for m in link.members if m != account]
    if link is not None and others and linking.partners_still_linked(store, envelope, account, link.couple):
        return ("link_already_linked", {})
    if link is None:
        values = state.to_persisted()
        stamps = {**sync.stamps, **sync.mine}
        couple, couple_record, account_record = linking.start_couple(store, envelope, account, values, stamps)
        state, couple_sync, link = adopt_linked(couple, couple_record, account_record, Sync, base=state)
        _adopt(handler_input, state, couple_sync, link)
    digits = linking.make_code(store, envelope, link.couple)
    log.info("linking code made")  # never the code itself
    return ("link_code_made", {"digits": ", ".join(digits), "code": digits})


def _join(
    handler_input: HandlerInput, store: Store, account: str, state: State, link: LinkSession | None, code: str
) -> Result:
    envelope = handler_input.request_envelope
    check = linking.check_code(store, envelope, account, code, link.couple if link else None)
    if check.status != "ok" or check.couple is None:
        log.info("linking code refused", extra={"reason": check.status})
        return (f"link_{check.status}", {"left": str(check.tries_left)})
    try:
        couple_record, account_record = linking.join(store, envelope, account, code, check.couple)
    except linking.CodeTaken:
        return ("link_used", {})
    fresh, couple_sync, new_link = adopt_linked(check.couple, couple_record, account_record, Sync, base=state)
    _adopt(handler_input, fresh, couple_sync, new_link)
    log.info("accounts linked")
    return ("link_joined", {"names": " and ".join(fresh.names)})


def _unlink(handler_input: HandlerInput, store: Store, account: str, state: State) -> Result:
    written = linking.unlink(store, handler_input.request_envelope, account)
    if written is None:
        return ("link_not_linked", {})
    fresh = State.from_dict({**state.to_session(), **State().to_persisted(), **dict(written.values)})
    _adopt(handler_input, fresh, Sync.from_record(written), None)
    log.info("accounts unlinked")
    return ("link_unlinked", {})


def _delete(
    handler_input: HandlerInput, store: Store, account: str, link: LinkSession | None, shared: bool
) -> None:
    """Delete as agreed; DeletionFailed (never "done") when it did not happen."""
    envelope = handler_input.request_envelope
    try:
        if shared and link is not None:
            couple = store.load(envelope, key=link.couple)
            others = linking.partners_still_linked(store, envelope, account, link.couple)
            asked = linking.delete_asked_by(couple)
            if others and asked not in others:
                raise DeletionFailed("the other account has not agreed")  # never without agreement
            linking.delete_shared(store, envelope, account, link.couple)
        else:
            linking.delete_own(store, envelope, account)
    except DeletionFailed:
        raise
    except StorageUnavailable as exc:
        raise DeletionFailed(f"the deletion did not reach the store ({exc})") from exc
    handler_input.attributes_manager.request_attributes[DELETED_KEY] = True
    log.info("linked data deleted", extra={"event": "shared" if shared else "own"})


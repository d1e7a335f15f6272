"""The device's time zone, kept with the couple's record so most sessions never ask for it.

Alexa's Settings API costs a network round trip (and, on a cold process, a TLS
handshake) on the session's first turn. A device's zone rarely changes, so it is
kept per device in the persisted state and asked again at most once a UTC day.
When the API fails the kept zone stands, however old; with none kept, UTC.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ask_sdk_core.handler_input import HandlerInput

from trust_renewal.conversation import State

log = logging.getLogger(__name__)

MAX_DEVICES = 8  # a household's speakers; the oldest lookups drop out beyond this
SESSION_KEY = "tz"  # session attribute: the zone settled on this session's first turn


def device_key(device_id: str) -> str:
    """A short hash of the device ID: the record keeps no raw Alexa identifiers."""
    return hashlib.sha256(device_id.encode("utf-8")).hexdigest()[:16]


def kept_zone(state: State, key: str) -> tuple[str, str] | None:
    """(zone, UTC date fetched) kept for this device, if any."""
    for device, zone, fetched in state.zones:
        if device == key:
            return zone, fetched
    return None


def with_zone(state: State, key: str, zone: str, fetched: str) -> State:
    """The state keeping ``zone`` for this device, newest first, at most MAX_DEVICES."""
    others = tuple(z for z in state.zones if z[0] != key)
    return replace(state, zones=((key, zone, fetched), *others)[:MAX_DEVICES])


def _usable(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError, OSError):  # not found, a malformed name, an unreadable file
        return False
    return True


def _utc_date(handler_input: HandlerInput) -> str:
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if not isinstance(stamp, datetime):
        stamp = datetime.now(UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).date().isoformat()


def _ask_settings_api(handler_input: HandlerInput, device_id: str) -> str | None:
    """The zone Alexa's Settings API gives for the device, or None on any failure."""
    try:
        found = handler_input.service_client_factory.get_ups_service().get_system_time_zone(device_id)
        if isinstance(found, str) and found:
            ZoneInfo(found)  # reject names this runtime cannot use
            return found
    except Exception as exc:  # the API, the network or the zone name
        log.info("time zone lookup failed", extra={"error_type": type(exc).__name__})
    return None


def device_time_zone(handler_input: HandlerInput, state_key: str, session: dict[str, Any]) -> str:
    """This request's time zone: the session's, the kept one (fresh today), the API's, or UTC.

    A zone fetched from the API is written into the turn's state (request
    attribute ``state_key``), so it is saved with the couple's record.
    """
    settled = session.get(SESSION_KEY)
    if isinstance(settled, str) and _usable(settled):  # session attributes come back from outside
        return settled
    system = getattr(handler_input.request_envelope.context, "system", None)
    device_id = getattr(getattr(system, "device", None), "device_id", None)
    zone = "UTC"
    if device_id:
        attributes = handler_input.attributes_manager.request_attributes
        state = attributes.get(state_key)
        state = state if isinstance(state, State) else None
        key = device_key(device_id)
        kept = kept_zone(state, key) if state is not None else None
        today = _utc_date(handler_input)
        if kept is not None and _usable(kept[0]):
            zone = kept[0]
        elif kept is not None:
            kept = None  # a name this runtime cannot use: ask again
        can_ask = getattr(system, "api_access_token", None) and handler_input.service_client_factory
        if can_ask and (kept is None or kept[1] != today):
            found = _ask_settings_api(handler_input, device_id)
            if found is not None:
                zone = found
                if state is not None:
                    attributes[state_key] = with_zone(state, key, found, today)
    session[SESSION_KEY] = zone
    return zone

"""Request envelopes in Alexa's wire shape, for the local front doors and tests.

The terminal chat builds its requests here, so what it sends is what the Alexa
service would send: same fields, same nesting, camelCase keys.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any


def timestamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _slots(slots: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in (slots or {}).items():
        if isinstance(value, dict):  # already a full slot (e.g. with resolutions)
            out[name] = {"name": name, **value}
        else:
            out[name] = {"name": name, "value": value, "confirmationStatus": "NONE"}
    return out


class EnvelopeBuilder:
    """Builds one user's envelopes, carrying session attributes between turns like Alexa does."""

    def __init__(
        self,
        skill_id: str,
        user_id: str = "amzn1.ask.account.local-user",
        locale: str = "en-US",
        device_id: str = "amzn1.ask.device.local-device",
        person_id: str | None = None,
        supported_interfaces: dict[str, Any] | None = None,
        api_endpoint: str = "https://api.amazonalexa.com",
        api_access_token: str | None = None,
    ) -> None:
        self.skill_id = skill_id
        self.user_id = user_id
        self.locale = locale
        self.device_id = device_id
        self.person_id = person_id
        self.supported_interfaces = supported_interfaces or {}
        self.api_endpoint = api_endpoint
        # No token by default: local runs must not call Alexa's APIs.
        self.api_access_token = api_access_token
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self.now: datetime | None = None  # fixed clock for tests; None means the real time

    # -- session bookkeeping -------------------------------------------------
    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def absorb(self, response: dict[str, Any]) -> None:
        """Keep the session going (or end it) the way the Alexa service would."""
        body = response.get("response") or {}
        # Only an explicit false keeps the microphone open on a speaker.
        if body.get("shouldEndSession") is not False:
            self.end_session()
            return
        self.attributes = response.get("sessionAttributes") or {}

    def end_session(self) -> None:
        self.session_id = None
        self.attributes = {}

    # -- envelopes ------------------------------------------------------------
    def _base(self, request: dict[str, Any], with_session: bool = True) -> dict[str, Any]:
        new = self.session_id is None
        if new and with_session:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        system: dict[str, Any] = {
            "application": {"applicationId": self.skill_id},
            "user": {"userId": self.user_id},
            "device": {
                "deviceId": self.device_id,
                "supportedInterfaces": self.supported_interfaces,
            },
            "apiEndpoint": self.api_endpoint,
        }
        if self.api_access_token:
            system["apiAccessToken"] = self.api_access_token
        if self.person_id:
            system["person"] = {"personId": self.person_id}
        envelope: dict[str, Any] = {
            "version": "1.0",
            "context": {"System": system},
            "request": {
                "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                "timestamp": timestamp(self.now),
                "locale": self.locale,
                **request,
            },
        }
        if with_session:
            envelope["session"] = {
                "new": new,
                "sessionId": self.session_id,
                "application": {"applicationId": self.skill_id},
                "user": {"userId": self.user_id},
                "attributes": dict(self.attributes),
            }
        return envelope

    def launch(self) -> dict[str, Any]:
        self.end_session()
        return self._base({"type": "LaunchRequest"})

    def intent(self, name: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._base(
            {
                "type": "IntentRequest",
                "dialogState": "COMPLETED",
                "intent": {"name": name, "confirmationStatus": "NONE", "slots": _slots(slots)},
            }
        )

    def session_ended(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        envelope = self._base({"type": "SessionEndedRequest", "reason": reason})
        self.end_session()
        return envelope

    def request_in_session(self, request_type: str, **fields: Any) -> dict[str, Any]:
        """A request of another type inside the open session (an APL for Audio RuntimeError...)."""
        return self._base({"type": request_type, **fields})

    def event(self, request_type: str, **fields: Any) -> dict[str, Any]:
        """A request outside any session (skill events, Connections.Response...)."""
        return self._base({"type": request_type, **fields}, with_session=False)

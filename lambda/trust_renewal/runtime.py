"""One skill per process, and the dict-in, dict-out entry that Lambda and the chat share."""

from __future__ import annotations

import json
import logging
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill

from trust_renewal.admission import admit
from trust_renewal.config import Config
from trust_renewal.envelope_checks import RejectedRequest, UnhandledRequest

log = logging.getLogger(__name__)


# The shape of a launch as Alexa sends it (IDs are placeholders): read once at
# INIT so the SDK's model classes for it are imported there (see warm_up).
_SAMPLE_LAUNCH: dict[str, Any] = {
    "version": "1.0",
    "session": {
        "new": True,
        "sessionId": "amzn1.echo-api.session.warm-up",
        "application": {"applicationId": "amzn1.ask.skill.warm-up"},
        "user": {"userId": "amzn1.ask.account.warm-up"},
    },
    "context": {
        "System": {
            "application": {"applicationId": "amzn1.ask.skill.warm-up"},
            "user": {"userId": "amzn1.ask.account.warm-up"},
            "device": {"deviceId": "amzn1.ask.device.warm-up", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com",
            "apiAccessToken": "warm-up",
        }
    },
    "request": {
        "type": "LaunchRequest",
        "requestId": "amzn1.echo-api.request.warm-up",
        "timestamp": "2026-01-01T00:00:00Z",
        "locale": "en-US",
    },
}


def build_store(config: Config) -> AbstractPersistenceAdapter:
    """The persistence adapter the configuration names (imported only when chosen)."""
    if config.store == "dynamodb":
        from trust_renewal.storage.dynamodb import DynamoDbStore

        return DynamoDbStore(config.table_name or "", region=config.aws_region)
    if config.store == "sqlite":
        from trust_renewal.storage.sqlite import SqliteStore

        return SqliteStore(config.sqlite_path)
    from trust_renewal.storage.memory import MemoryStore

    return MemoryStore()


def empty_response() -> dict[str, Any]:
    """A valid Alexa response that says and does nothing."""
    return {"version": "1.0", "response": {}}


def rejection(reason: str, status: int = 400) -> dict[str, Any]:
    """The clean error a front door returns for a request it will not process."""
    return {"error": {"status": status, "reason": reason}}


class SkillRuntime:
    """Builds the skill on first use and answers raw request envelopes."""

    def __init__(
        self,
        config: Config,
        store: AbstractPersistenceAdapter | None = None,
        api_client: Any = None,
    ) -> None:
        self.config = config
        self._store = store
        self._api_client = api_client  # Alexa's service APIs; tests pass a stub
        self._skill: CustomSkill | None = None

    @property
    def store(self) -> AbstractPersistenceAdapter:
        if self._store is None:
            self._store = build_store(self.config)
        return self._store

    @property
    def skill(self) -> CustomSkill:
        if self._skill is None:
            from trust_renewal.skill import build_skill

            self._skill = build_skill(self.config, self.store, api_client=self._api_client)
        return self._skill

    def warm_up(self) -> None:
        """Build now what every request needs: the skill, the default content, the DynamoDB client.

        Lambda runs a function's import (INIT) on a full vCPU but each request on a
        share proportional to its memory (a seventh of one at 256 MB), so this work
        is several times faster at import than in the first request. Best effort:
        after a failure the first request builds (and fails) as it always did.
        """
        try:
            from trust_renewal.content import load_content

            store, _ = self.store, self.skill
            load_content()
            if self.config.store == "dynamodb":
                from trust_renewal.storage.dynamodb import DynamoDbStore

                if isinstance(store, DynamoDbStore):
                    _ = store.client  # boto3 and the DynamoDB service model
            self._prime_first_request()
        except Exception as exc:  # whatever it is, the first request meets it again
            log.warning(
                "warm-up failed; the first request will retry", extra={"error_type": type(exc).__name__}
            )

    def _prime_first_request(self) -> None:
        """Import now what the first request would import on a slice of a vCPU.

        The SDK imports request model classes the first time an envelope names
        them, every launch renders and settles a time zone, and the first socket
        to DynamoDB encodes its host name with the IDNA codec.
        """
        import encodings.idna  # noqa: F401

        from ask_sdk_model import RequestEnvelope

        import trust_renewal.handlers.time_zones
        import trust_renewal.render.apl
        import trust_renewal.render.apla
        import trust_renewal.render.ssml  # noqa: F401

        self.skill.serializer.deserialize(json.dumps(_SAMPLE_LAUNCH), RequestEnvelope)

    def handle(self, event: Any) -> dict[str, Any]:
        """Answer one envelope: a response envelope, or ``{"error": ...}`` if refused."""
        skill = self.skill
        try:
            admitted = admit(event, self.config.skill_id, skill.serializer)
        except UnhandledRequest as exc:
            log.info("request not handled", extra={"reason": exc.reason})
            return empty_response()
        except RejectedRequest as exc:
            log.warning("request refused", extra={"reason": exc.reason})
            return rejection(exc.reason, exc.status)
        from trust_renewal.alexa_api import request_budget

        with request_budget():  # this request's Alexa API calls, together, stay well inside 8 s
            response = skill.invoke(request_envelope=admitted.request_envelope, context=None)
        return skill.serializer.serialize(response)

"""Checks on a raw request envelope before the SDK sees it: shape and skill ID."""

from __future__ import annotations

from typing import Any

# Request types this skill answers; anything else is refused as unknown.
KNOWN_REQUEST_TYPES = frozenset(
    {
        "LaunchRequest",
        "IntentRequest",
        "SessionEndedRequest",
        "CanFulfillIntentRequest",
        "Connections.Response",
        "Alexa.Presentation.APL.UserEvent",
        "Alexa.Presentation.APLA.RuntimeError",
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillAccountLinked",
        "System.ExceptionEncountered",
        "AudioPlayer.PlaybackStarted",
        "AudioPlayer.PlaybackFinished",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackNearlyFinished",
        "AudioPlayer.PlaybackFailed",
    }
)


class RejectedRequest(ValueError):
    """A request the skill will not process; ``reason`` is safe to show the caller."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class UnhandledRequest(RejectedRequest):
    """A well-formed request of a type this skill does not handle: answered with an empty response.

    Alexa can send request types a skill never declared (``Alexa.Presentation.APL.RuntimeError``,
    new events); an error body would make Alexa report the skill as failing.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason, 200)


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def application_id(envelope: dict[str, Any]) -> str | None:
    """The skill the request is for: ``context.System`` first, then the old ``session`` place."""
    return _get(envelope, "context", "System", "application", "applicationId") or _get(
        envelope, "session", "application", "applicationId"
    )


def check_shape(envelope: Any) -> None:
    """Raise RejectedRequest unless this looks like an Alexa request envelope."""
    if not isinstance(envelope, dict):
        raise RejectedRequest("the body must be a JSON object")
    request = envelope.get("request")
    if not isinstance(request, dict):
        raise RejectedRequest("'request' is missing or not an object")
    for field in ("type", "requestId", "timestamp"):
        if not isinstance(request.get(field), str) or not request.get(field):
            raise RejectedRequest(f"'request.{field}' is missing or not a string")
    if "locale" in request and not isinstance(request["locale"], str):
        raise RejectedRequest("'request.locale' is not a string")
    for name in ("session", "context"):
        if name in envelope and not isinstance(envelope[name], dict):
            raise RejectedRequest(f"'{name}' is not an object")
    session = envelope.get("session")
    attributes = session.get("attributes") if isinstance(session, dict) else None
    if attributes is not None and not isinstance(attributes, dict):
        raise RejectedRequest("'session.attributes' is not an object")
    if request["type"] == "IntentRequest":
        intent = request.get("intent")
        if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
            raise RejectedRequest("'request.intent.name' is missing or not a string")
        slots = intent.get("slots")
        if slots is not None and not isinstance(slots, dict):
            raise RejectedRequest("'request.intent.slots' is not an object")
        for slot in (slots or {}).values():
            if not isinstance(slot, dict):
                raise RejectedRequest("a slot is not an object")
    user = _get(envelope, "context", "System", "user", "userId") or _get(
        envelope, "session", "user", "userId"
    )
    if user is not None and not isinstance(user, str):
        raise RejectedRequest("'userId' is not a string")
    if request["type"] not in KNOWN_REQUEST_TYPES:
        # Last, so only a well-formed envelope gets this far: Alexa may send types
        # this skill never asked for (an APL runtime error...). They are answered.
        raise UnhandledRequest(f"request type {request['type'][:60]!r} is not handled")


def check_skill_id(envelope: dict[str, Any], skill_id: str | None) -> None:
    """Refuse a request meant for another skill (when a skill ID is configured)."""
    if skill_id is None:
        return
    found = application_id(envelope)
    if found != skill_id:
        raise RejectedRequest("the request is for another skill" if found else "the request names no skill")


def with_context(envelope: dict[str, Any]) -> dict[str, Any]:
    """Old envelopes carry no ``context`` (or no ``context.System``): rebuild it from the session.

    The SDK reads ``context.System`` on every request, so an envelope without it
    would crash there; the session holds the same application and user.
    """
    context = envelope.get("context")
    if isinstance(context, dict) and isinstance(context.get("System"), dict):
        return envelope
    session = envelope.get("session") if isinstance(envelope.get("session"), dict) else {}
    system: dict[str, Any] = {}
    if isinstance(session.get("application"), dict):
        system["application"] = session["application"]
    if isinstance(session.get("user"), dict):
        system["user"] = session["user"]
    rebuilt = dict(context) if isinstance(context, dict) else {}
    rebuilt["System"] = system
    return {**envelope, "context": rebuilt}

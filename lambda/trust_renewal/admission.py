"""One admission for both front doors: what a request must be before the skill sees it.

Lambda (``runtime.handle``) hands over the envelope as a dict; the web app hands
over the body's bytes once Amazon's signature on them is checked. Both go through
``admit``: size, JSON, nesting, shape, the door's own checks (the web's timestamp),
skill ID; then an old envelope gets its ``context`` rebuilt and the envelope becomes
the SDK's RequestEnvelope, once. A refusal is a ``RejectedRequest`` with a reason
safe to show the caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from trust_renewal.envelope_checks import (
    RejectedRequest,
    UnhandledRequest,
    check_shape,
    check_skill_id,
    with_context,
)

# Alexa's requests are a few kilobytes; its responses are capped at 24 KiB.
MAX_BODY_BYTES = 128 * 1024
# Alexa's envelopes nest about ten levels (session attributes included); far deeper is an attack.
MAX_DEPTH = 32

Check = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Admitted:
    """An envelope the skill will answer: as dispatched (context rebuilt) and as the SDK's object."""

    envelope: dict[str, Any]
    request_envelope: Any
    rebuilt: bool  # the old format without context.System: ``envelope`` differs from what came


def check_size(size: int, limit: int = MAX_BODY_BYTES) -> None:
    if size > limit:
        raise RejectedRequest(f"the body is over {limit} bytes", 413)


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's parser accepts them unless told not to.
    raise ValueError(f"{name} is not JSON")


def parse_body(body: bytes, limit: int = MAX_BODY_BYTES) -> Any:
    """The JSON in a request body, or RejectedRequest (too large, not UTF-8, not JSON)."""
    check_size(len(body), limit)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RejectedRequest("the body is not UTF-8 text") from exc
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise RejectedRequest("the body is not valid JSON") from exc


def check_nesting(value: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse structures nested deeper than ``limit`` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            raise RejectedRequest(f"the envelope nests deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in children)


def _approximate_size(value: Any) -> int:
    """About the JSON length of a dict the runtime was handed (Lambda parsed it already)."""
    total, stack = 0, [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            total += 2 + sum(len(str(k)) + 4 for k in node)
            stack.extend(node.values())
        elif isinstance(node, list):
            total += 2 + len(node)
            stack.extend(node)
        else:
            total += len(node) + 2 if isinstance(node, str) else 8
    return total


def _to_model(serializer: Any, envelope: dict[str, Any]) -> Any:
    from ask_sdk_model import RequestEnvelope

    from_dict = getattr(serializer, "from_dict", None)
    try:
        if from_dict is not None:  # the skill's serializer reads the parsed dict (no second parse)
            return from_dict(envelope, RequestEnvelope)
        return serializer.deserialize(json.dumps(envelope), RequestEnvelope)
    except Exception as exc:  # the SDK raises several types for bad shapes
        raise RejectedRequest(
            f"the envelope does not match Alexa's request format ({type(exc).__name__})"
        ) from exc


def admit(
    raw: bytes | dict[str, Any] | Any,
    skill_id: str | None,
    serializer: Any,
    *,
    checks: Iterable[Check] = (),
    max_bytes: int = MAX_BODY_BYTES,
) -> Admitted:
    """The one admission both front doors use; RejectedRequest for anything the skill will not answer.

    ``raw`` is a body's bytes (the web door) or an already parsed envelope (Lambda, the chat).
    ``checks`` run after the shape check and before the skill ID (the web's timestamp check).
    """
    if isinstance(raw, bytes | bytearray):
        envelope = parse_body(bytes(raw), max_bytes)
    else:
        envelope = raw
        if isinstance(envelope, dict | list):
            check_size(_approximate_size(envelope), max_bytes)
    check_nesting(envelope)
    unhandled = None
    try:
        check_shape(envelope)
    except UnhandledRequest as exc:  # answered empty, but only once the other checks pass
        unhandled = exc
    for check in checks:
        check(envelope)
    check_skill_id(envelope, skill_id)
    if unhandled is not None:
        raise unhandled
    dispatchable = with_context(envelope)
    return Admitted(dispatchable, _to_model(serializer, dispatchable), dispatchable is not envelope)

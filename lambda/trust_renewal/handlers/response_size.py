"""The last word on every response: it fits in Alexa's 24 KB, whatever went into it."""

from __future__ import annotations

import json
import logging
from typing import Any

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Response

log = logging.getLogger(__name__)

# Alexa refuses a response envelope over 24 kilobytes.
MAX_RESPONSE_BYTES = 24 * 1024
_serializer = DefaultSerializer()


def envelope_size(response: Response | None, session: dict[str, Any] | None) -> int:
    """The bytes of the response envelope the SDK will send."""
    envelope = {
        "version": "1.0",
        "response": _serializer.serialize(response),
        "sessionAttributes": session or {},
    }
    return len(json.dumps(envelope, ensure_ascii=False).encode("utf-8"))


class ResponseSizeInterceptor(AbstractResponseInterceptor):
    """Trim a response that would be too big: screen and card first, then the session's extras.

    Content tests keep real responses far below the limit; this only guards
    against what no test foresaw. Speech is never cut: a response still too
    big after trimming keeps its speech and loses its session attributes.
    """

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if response is None:
            return
        attrs = handler_input.attributes_manager
        session = attrs.session_attributes if handler_input.request_envelope.session is not None else None
        size = envelope_size(response, session)
        if size <= MAX_RESPONSE_BYTES:
            return
        log.error("response too large; trimmed", extra={"status": size})
        response.directives = None
        response.card = None
        if session is not None and envelope_size(response, session) > MAX_RESPONSE_BYTES:
            session.clear()  # the next turn reads the record again

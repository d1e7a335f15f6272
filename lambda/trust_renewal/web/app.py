"""The Flask app the Alexa console talks to: plain refusals first, then the SDK's SkillAdapter.

``POST /`` runs the checks in the order Amazon's rules make sense in: size,
content type, signature over the exact raw bytes, then the admission Lambda
shares (``admission.admit``: JSON, nesting, shape, this door's timestamp check,
skill ID); only then does flask-ask-sdk dispatch to the skill, handed the
envelope already read.
Every refusal is JSON ``{"error": {"status": N, "reason": "..."}}`` and one log
line; no traceback or HTML page ever reaches the caller.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from trust_renewal.admission import MAX_BODY_BYTES, admit, check_size
from trust_renewal.envelope_checks import RejectedRequest, UnhandledRequest
from trust_renewal.runtime import SkillRuntime, empty_response, rejection
from trust_renewal.web import sdk_compat
from trust_renewal.web.verification import (
    Clock,
    RequestVerifier,
    TimestampVerifier,
    VerificationException,
)

# Must run before flask_ask_sdk is imported (see sdk_compat).
sdk_compat.install()

from flask_ask_sdk.skill_adapter import (  # noqa: E402 - after install(), on purpose
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)

log = logging.getLogger(__name__)

JSON_MIMETYPE = "application/json"

_HTTP_REASONS = {
    404: "there is nothing at this address",
    405: "this address does not accept that method",
    413: "the body is too large",
    500: "the skill could not answer this request",
}


@dataclass(frozen=True)
class Verifiers:
    """The two checks Amazon requires of a web service, configured together."""

    signature: RequestVerifier
    timestamp: TimestampVerifier

    @classmethod
    def default(cls, clock: Clock | None = None) -> Verifiers:
        return cls(RequestVerifier(clock=clock), TimestampVerifier(clock=clock))


class _Refused(Exception):
    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _refusal(reason: str, status: int, cause: BaseException | None = None) -> tuple[Response, int]:
    # The cause's type (e.g. URLError, InvalidSignature) helps an operator; its text could quote input.
    extra = {"reason": reason, "status": status}
    if cause is not None:
        extra["error_type"] = type(cause).__name__
    if status >= 500:
        log.error("request failed", extra=extra)
    else:
        log.warning("request refused", extra=extra)
    return jsonify(rejection(reason, status)), status


def create_app(
    runtime: SkillRuntime,
    *,
    verify: bool = True,
    verifiers: Verifiers | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Flask:
    """The web service for ``runtime``'s skill; ``verify=False`` skips signature and timestamp."""
    app = Flask(__name__)
    # Werkzeug applies this to streamed (chunked) bodies too, but by cutting them
    # short, not by failing: one byte over the cap lets the view see "too large".
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes + 1
    # The view verifies before dispatch (raw bytes, Amazon's order); the SDK must not do it again.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    checks = (verifiers or Verifiers.default()) if verify else None
    skill = runtime.skill
    adapter = SkillAdapter(
        skill=skill, skill_id=runtime.config.effective_skill_id, verifiers=[], app=app
    )

    def read_body() -> bytes:
        length = request.content_length
        if length is not None and length > max_body_bytes:
            raise _Refused(f"the body is over {max_body_bytes} bytes", 413)
        if request.mimetype != JSON_MIMETYPE:
            raise _Refused(f"the content type must be {JSON_MIMETYPE}", 415)
        try:
            body = request.get_data(cache=True)
        except RequestEntityTooLarge as exc:
            raise _Refused(f"the body is over {max_body_bytes} bytes", 413) from exc
        check_size(len(body), max_body_bytes)  # before the signature: Amazon's order
        return body

    def timestamp_check(envelope: dict[str, Any]) -> None:
        if checks is not None:
            checks.timestamp.check(envelope["request"]["type"], envelope["request"]["timestamp"])

    @app.post("/")
    def alexa() -> Any:
        try:
            body = read_body()
            if checks is not None:
                checks.signature.verify_body(request.headers, body)
            admitted = admit(
                body,
                runtime.config.skill_id,
                skill.serializer,
                checks=(timestamp_check,),
                max_bytes=max_body_bytes,
            )
            if admitted.rebuilt:
                # An old envelope without context.System: the SDK would crash reading it,
                # so it dispatches the rebuilt one, as Lambda does (runtime.handle). The
                # signature was checked on the bytes received; setting Werkzeug's cached
                # ``data`` is what the adapter then reads.
                body = json.dumps(admitted.envelope).encode("utf-8")
                request.data = body
            hand_over = getattr(skill.serializer, "hand_over", None)
            if hand_over is not None:  # the adapter gets the envelope read above, not a second parse
                hand_over(body.decode("utf-8"), admitted.request_envelope)
        except UnhandledRequest as exc:
            log.info("request not handled", extra={"reason": exc.reason})
            return jsonify(empty_response())
        except (_Refused, RejectedRequest) as exc:
            return _refusal(exc.reason, exc.status)
        except VerificationException as exc:
            return _refusal(exc.reason, 400, exc.__cause__)
        from trust_renewal.alexa_api import request_budget

        with request_budget():  # this request's Alexa API calls, together (as runtime.handle)
            return adapter.dispatch_request()

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify({"status": "ok"})

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        reason = _HTTP_REASONS.get(status) or (exc.name or "error").lower()
        if isinstance(exc, MethodNotAllowed):
            reason = f"this address does not accept {request.method}"
        response, status = _refusal(reason, status)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response, status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        log.error(
            "request failed",
            extra={"error_type": type(exc).__name__, "status": 500},
            exc_info=exc,
        )
        return jsonify(rejection(_HTTP_REASONS[500], 500)), 500

    return app


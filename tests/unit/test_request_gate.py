"""What a request must be before the skill sees it, decided by itself (issue 27, point 3).

``admission.admit`` and ``envelope_checks``: size, JSON, nesting, shape, the door's own
checks, the skill ID, then the old envelope's context rebuilt. Each test fails when
one of these decisions flips; the doors themselves are tested in tests/journeys.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer

from trust_renewal.admission import (
    MAX_BODY_BYTES,
    MAX_DEPTH,
    admit,
    check_nesting,
    check_size,
    parse_body,
)
from trust_renewal.envelope_checks import (
    RejectedRequest,
    UnhandledRequest,
    application_id,
    check_shape,
    check_skill_id,
    with_context,
)
from trust_renewal.envelopes import EnvelopeBuilder

SKILL = "amzn1.ask.skill.gate"


def _launch(**kw: Any) -> dict[str, Any]:
    return EnvelopeBuilder(SKILL, **kw).launch()


def _intent(name: str = "AMAZON.YesIntent", slots: dict | None = None) -> dict[str, Any]:
    return EnvelopeBuilder(SKILL).intent(name, slots)


def _reason(call, *args, **kw) -> tuple[str, int]:
    with pytest.raises(RejectedRequest) as caught:
        call(*args, **kw)
    return caught.value.reason, caught.value.status


def _nested(depth: int) -> dict[str, Any]:
    """A map ``depth`` levels deep (the outer one counted)."""
    node: dict[str, Any] = {}
    top = node
    for _ in range(depth - 1):
        node["x"] = {}
        node = node["x"]
    return top


# -- size, JSON, nesting ---------------------------------------------------------------------------
def test_a_body_up_to_the_limit_is_read_and_one_byte_more_is_refused_as_too_large():
    check_size(MAX_BODY_BYTES)
    reason, status = _reason(check_size, MAX_BODY_BYTES + 1)
    assert status == 413 and str(MAX_BODY_BYTES) in reason


def test_a_body_must_be_utf8_json_without_nan():
    assert parse_body(b'{"a": 1}') == {"a": 1}
    assert _reason(parse_body, b"\xff\xfe") == ("the body is not UTF-8 text", 400)
    assert _reason(parse_body, b"{not json")[0] == "the body is not valid JSON"
    assert _reason(parse_body, b'{"a": NaN}')[0] == "the body is not valid JSON"
    assert _reason(parse_body, b'{"a": Infinity}')[0] == "the body is not valid JSON"
    assert _reason(parse_body, b"x" * 11, limit=10)[1] == 413


def test_nesting_up_to_the_limit_is_answered_and_one_level_more_is_refused():
    check_nesting(_nested(MAX_DEPTH))
    check_nesting([[[]]], limit=3)
    assert f"deeper than {MAX_DEPTH}" in _reason(check_nesting, _nested(MAX_DEPTH + 1))[0]
    assert _reason(check_nesting, [[[[]]]], limit=3)[1] == 400
    check_nesting("just text", limit=0)  # a scalar has no depth


# -- shape ---------------------------------------------------------------------------------------
SHAPES = {
    "not an object": ([], "the body must be a JSON object"),
    "no request": ({"version": "1.0"}, "'request' is missing or not an object"),
    "no type": ({"request": {"requestId": "r", "timestamp": "t"}}, "'request.type' is missing"),
    "empty request id": ({"request": {"type": "LaunchRequest", "requestId": "", "timestamp": "t"}},
                         "'request.requestId' is missing"),
    "timestamp a number": ({"request": {"type": "LaunchRequest", "requestId": "r", "timestamp": 5}},
                           "'request.timestamp' is missing"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_an_envelope_missing_what_every_request_has_is_refused(name):
    envelope, reason = SHAPES[name]
    assert _reason(check_shape, envelope)[0].startswith(reason)


def test_each_part_of_an_envelope_has_its_type():
    def broken(change) -> str:
        envelope = _intent(slots={"firstName": "Maya"})
        change(envelope)
        return _reason(check_shape, envelope)[0]

    assert broken(lambda e: e["request"].update(locale=5)) == "'request.locale' is not a string"
    assert broken(lambda e: e.update(session="x")) == "'session' is not an object"
    assert broken(lambda e: e.update(context=[])) == "'context' is not an object"
    assert broken(lambda e: e["session"].update(attributes=[])) == "'session.attributes' is not an object"
    assert broken(lambda e: e["request"].update(intent="x")).startswith("'request.intent.name'")
    assert broken(lambda e: e["request"]["intent"].update(name=3)).startswith("'request.intent.name'")
    intent = lambda e: e["request"]["intent"]  # noqa: E731
    assert broken(lambda e: intent(e).update(slots=[])) == "'request.intent.slots' is not an object"
    assert broken(lambda e: intent(e)["slots"].update(firstName="Maya")) == "a slot is not an object"
    assert broken(lambda e: e["context"]["System"]["user"].update(userId=5)) == "'userId' is not a string"
    check_shape(_intent(slots={"firstName": "Maya"}))  # and a good one passes
    check_shape(_launch())


def test_a_well_formed_request_of_a_type_the_skill_does_not_handle_is_answered_empty_not_refused():
    envelope = _launch()
    envelope["request"]["type"] = "Alexa.Something.New"
    with pytest.raises(UnhandledRequest) as caught:
        check_shape(envelope)
    assert caught.value.status == 200
    bad = {**envelope, "session": []}  # but a malformed one is refused first
    assert _reason(check_shape, bad)[1] == 400


# -- the skill ID --------------------------------------------------------------------------------
def test_a_request_for_another_skill_or_no_skill_is_refused_and_ours_passes():
    check_skill_id(_launch(), SKILL)
    check_skill_id(EnvelopeBuilder("amzn1.ask.skill.other").launch(), None)  # no ID configured
    assert _reason(check_skill_id, EnvelopeBuilder("amzn1.ask.skill.other").launch(), SKILL)[0] == (
        "the request is for another skill"
    )
    nameless = _launch()
    del nameless["context"]["System"]["application"]
    del nameless["session"]["application"]
    assert _reason(check_skill_id, nameless, SKILL)[0] == "the request names no skill"


def test_the_skill_is_read_from_the_context_first_then_the_session():
    envelope = _launch()
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.session"
    assert application_id(envelope) == SKILL
    del envelope["context"]["System"]["application"]
    assert application_id(envelope) == "amzn1.ask.skill.session"
    assert application_id({"context": "x"}) is None


# -- an old envelope's context ---------------------------------------------------------------------
def test_an_envelope_without_context_gets_it_rebuilt_from_the_session_and_others_pass_as_they_are():
    envelope = _launch()
    assert with_context(envelope) is envelope
    old = {k: v for k, v in envelope.items() if k != "context"}
    rebuilt = with_context(old)
    assert rebuilt["context"]["System"]["application"] == old["session"]["application"]
    assert rebuilt["context"]["System"]["user"] == old["session"]["user"]
    assert "context" not in old  # the envelope as it came is left alone
    partial = {**old, "context": {"Viewport": {"x": 1}}}
    # A context without System (the SDK reads it on every request) gets one, keeping the rest.
    assert with_context(partial)["context"]["Viewport"] == {"x": 1}
    assert with_context(partial)["context"]["System"]["user"] == old["session"]["user"]
    assert with_context({**old, "session": None})["context"] == {"System": {}}


# -- the order of admission ------------------------------------------------------------------------
def test_admission_reads_bytes_or_a_parsed_envelope_and_says_when_it_rebuilt_the_context():
    serializer = DefaultSerializer()
    envelope = _launch()
    admitted = admit(json.dumps(envelope).encode(), SKILL, serializer)
    assert admitted.envelope == envelope and not admitted.rebuilt
    assert admitted.request_envelope.request.object_type == "LaunchRequest"
    old = {k: v for k, v in envelope.items() if k != "context"}
    admitted = admit(old, SKILL, serializer)
    assert admitted.rebuilt and admitted.request_envelope.context.system.application.application_id == SKILL


def test_a_parsed_envelope_too_large_or_too_deep_is_refused_before_anything_else():
    serializer = DefaultSerializer()
    big = _launch()
    big["session"]["attributes"] = {"pad": "x" * MAX_BODY_BYTES}
    assert _reason(admit, big, SKILL, serializer)[1] == 413
    deep = _launch()
    deep["session"]["attributes"] = {"deep": _nested(MAX_DEPTH)}
    assert "deeper than" in _reason(admit, deep, SKILL, serializer)[0]


def test_the_doors_own_checks_run_after_the_shape_and_before_the_skill_id():
    serializer = DefaultSerializer()
    seen: list[str] = []

    def too_old(envelope: dict[str, Any]) -> None:
        seen.append(envelope["request"]["type"])
        raise RejectedRequest("the request timestamp is too far from now")

    assert _reason(admit, {"version": "1.0"}, SKILL, serializer, checks=(too_old,))[0].startswith("'request'")
    assert seen == []  # a malformed envelope never reaches the door's check
    other = EnvelopeBuilder("amzn1.ask.skill.other").launch()
    reason = _reason(admit, other, SKILL, serializer, checks=(too_old,))[0]
    assert reason == "the request timestamp is too far from now"
    assert seen == ["LaunchRequest"]


def test_an_unhandled_type_is_answered_empty_only_once_every_other_check_passes():
    serializer = DefaultSerializer()
    ours = _launch()
    ours["request"]["type"] = "Alexa.Something.New"
    with pytest.raises(UnhandledRequest):
        admit(ours, SKILL, serializer)
    theirs = EnvelopeBuilder("amzn1.ask.skill.other").launch()
    theirs["request"]["type"] = "Alexa.Something.New"
    reason, status = _reason(admit, theirs, SKILL, serializer)
    assert status == 400 and reason == "the request is for another skill"


def test_an_envelope_the_sdk_cannot_read_is_refused_with_the_error_type_only():
    envelope = _launch()
    envelope["request"]["timestamp"] = "not a time"
    reason, status = _reason(admit, envelope, SKILL, DefaultSerializer())
    assert status == 400 and reason.startswith("the envelope does not match Alexa's request format (")
    assert "not a time" not in reason

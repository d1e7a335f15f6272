"""The safety module on its own: pure state + event -> state + reply, plus its markup and chat."""

from __future__ import annotations

import pytest

from trust_renewal.conversation import Event, State, step
from trust_renewal.conversation.state import PERSISTED
from trust_renewal.render.markup import to_plain, to_ssml
from trust_renewal.render.reply import render_reply


def intent(name: str, country: str = "GB", new: bool = False) -> Event:
    return Event(kind="intent", today="2026-11-21", name=name, country=country, new_session=new)


def keys(reply) -> list[str]:
    return [line.key for line in reply.speech]


def test_a_phone_number_is_read_slowly_digit_by_digit_and_shown_as_written() -> None:
    ssml = to_ssml("Call [digits 0808 2000 247] now.")
    assert ssml == (
        'Call <prosody rate="slow"><say-as interpret-as="digits">0808</say-as><break time="400ms"/>'
        '<say-as interpret-as="digits">2000</say-as><break time="400ms"/>'
        '<say-as interpret-as="digits">247</say-as></prosody> now.'
    )
    assert to_plain("Call [digits 1-800-799-7233].") == "Call 1-800-799-7233."


def test_the_safety_route_lives_in_the_session_only() -> None:
    state, _ = step(State(welcomed=True), intent("self_harm"), _content())
    assert state.safety_route == "self_harm" and state.privacy_told
    assert not {"safety_route", "safety_offer", "misses", "privacy_told"} & PERSISTED
    assert State.from_dict(state.to_session()).safety_route == "self_harm"
    assert State.from_dict(state.to_persisted()).safety_route is None  # a new session starts clean


@pytest.mark.parametrize("value", ["therapy", 3, "card"])
def test_an_unknown_route_from_the_session_is_ignored(value) -> None:
    assert State.from_dict({"safety_route": value}).safety_route is None


def test_a_self_harm_answer_names_the_crisis_line_then_someone_nearby_then_emergency() -> None:
    _, reply = step(State(welcomed=True), intent("self_harm"), _content())
    order = keys(reply)
    assert order.index("safety_call:GB:crisis") < order.index("phrase:self_harm.tonight")
    assert order.index("phrase:self_harm.tonight") < order.index("safety_call:GB:emergency")
    assert not reply.end_session and reply.card is None


def test_a_country_without_lines_hears_the_default_countrys() -> None:
    _, reply = step(State(welcomed=True), intent("abuse", country="NZ"), _content())
    assert "safety_call:US:abuse" in keys(reply)


def test_misses_count_up_and_reset_on_anything_understood() -> None:
    content = _content()
    state = State(welcomed=True)
    state, first = step(state, intent("fallback"), content)
    state, second = step(state, intent("unknown"), content)
    assert state.misses == 2
    assert "phrase:fallback.offer_help" not in keys(first)
    assert "phrase:fallback.offer_help" in keys(second)
    state, _ = step(state, intent("progress"), content)
    assert state.misses == 0


def test_distress_during_a_confirmation_never_leaves_yes_meaning_delete() -> None:
    content = _content()
    state, _ = step(State(welcomed=True), intent("delete_data"), content)
    assert state.situation == "confirm_delete"
    state, _ = step(state, intent("distress"), content)
    state, reply = step(state, intent("yes"), content)
    assert reply.action is None and "phrase:distress.breath" in keys(reply)


def test_every_safety_reply_renders_within_alexas_limits() -> None:
    from trust_renewal.render.ssml import problems

    content = _content()
    for name in ("self_harm", "abuse", "safety", "distress", "send_card", "find_support", "fallback"):
        for country in ("US", "GB", "CA", "AU", "IN"):
            _, reply = step(State(welcomed=True), intent(name, country=country), content)
            rendered = render_reply(reply, content)
            assert problems(f"<speak>{rendered.ssml}</speak>") == [], (name, country)


def _content():
    from trust_renewal.content import load_content

    return load_content("en-GB")

"""The 20-turn guided conversation every part of the benchmark replays.

A couple opens the skill, begins, moves through the first prompts, asks for
help, a repeat, their progress, says something the skill does not understand,
goes on through the next exercise and stops. The envelopes come from the
project's own EnvelopeBuilder, so they have the Alexa service's shape.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from trust_renewal.envelopes import EnvelopeBuilder

SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-00000000bench"
# Envelopes carry an API access token, as Alexa always sends one, so the skill
# asks the Settings API for the device's time zone when it has none kept for the
# day. run.py answers on a loopback stub (the skill's ALEXA_API_URL setting);
# without it, the endpoint is a closed loopback port: the call fails at once and
# nothing leaves the machine.
API_ENDPOINT = "https://127.0.0.1:9"
API_TOKEN = "bench-api-access-token"
DEVICE = "amzn1.ask.device.BENCH-LIVING-ROOM"

LAUNCH = "LaunchRequest"
NEXT, YES, STOP = "AMAZON.NextIntent", "AMAZON.YesIntent", "AMAZON.StopIntent"
HELP, REPEAT, FALLBACK, PROGRESS = (
    "AMAZON.HelpIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.FallbackIntent",
    "ProgressIntent",
)

TURNS: tuple[str, ...] = (
    LAUNCH,
    YES,
    NEXT,
    HELP,
    REPEAT,
    PROGRESS,
    FALLBACK,
    *(NEXT,) * 6,
    YES,
    *(NEXT,) * 5,
    STOP,
)
assert len(TURNS) == 20

# Turns that never change a couple's progress: they must not write.
READ_ONLY_TURNS = frozenset({HELP, REPEAT, PROGRESS, FALLBACK})


def new_user() -> str:
    return f"amzn1.ask.account.BENCH-{uuid.uuid4().hex}"


def builder(user: str | None = None, skill_id: str = SKILL_ID, device: str = DEVICE) -> EnvelopeBuilder:
    envelopes = EnvelopeBuilder(
        skill_id,
        user_id=user or new_user(),
        device_id=device,
        api_endpoint=API_ENDPOINT,
        api_access_token=API_TOKEN,
    )
    # A fixed evening, so every run takes the same conversational path.
    envelopes.now = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)
    return envelopes


def envelope_for(envelopes: EnvelopeBuilder, turn: str) -> dict[str, Any]:
    return envelopes.launch() if turn == LAUNCH else envelopes.intent(turn)


def session(envelopes: EnvelopeBuilder) -> Iterator[tuple[str, dict[str, Any]]]:
    """(turn name, envelope) for each turn; the caller must ``absorb`` each answer first."""
    for turn in TURNS:
        yield turn, envelope_for(envelopes, turn)


def launch_envelope(user: str | None = None, skill_id: str = SKILL_ID) -> dict[str, Any]:
    """A launch by ``user`` (by default a new one: the skill reads nothing, greets and saves)."""
    return builder(user, skill_id=skill_id).launch()

"""What happened: a launch, an intent, a session ending, the result of an action."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The conversation's own names for what a person can ask; handlers map Alexa's intents to these.
INTENTS = frozenset(
    {
        "todays_exercise",
        "set_names",
        "turn_done",
        "skip",
        "restart_exercise",
        "go_to_step",
        # A number said on its own (issue 21): read by the question asked, else nothing moves.
        "number_alone",
        # A time said on its own: the reminder's time only where a time was asked.
        "time_alone",
        "quick",
        "progress",
        "safety",
        "abuse",
        "self_harm",
        "distress",
        # Safety (issue 22): a step already taken, worry about someone else, hopelessness.
        "harm_done",
        "someone_else",
        "hopeless",
        "find_support",
        "send_card",
        "delete_data",
        "set_reminder",
        "stop_reminders",
        "background_off",
        "background_on",
        "background_quieter",
        "yes",
        "no",
        "next",
        "previous",
        "repeat",
        "help",
        "stop",
        "cancel",
        "fallback",
        "home",
        "pause",
        "resume",
        "start_over",
        "unknown",
        # Turns and who is here (issue 10).
        "more_time",
        "take_break",
        "whose_turn",
        "first_speaker",
        "solo",
        # Roles (issue 16): who was hurt, both, change or clear.
        "roles_hurt",
        "roles_mutual",
        "roles_change",
        "roles_clear",
        # Linking two Amazon accounts (issue 26): make a code, join with one, the code, unlink.
        "link_partner",
        "join_partner",
        "link_code",
        "unlink_partner",
        # Evenings in their own words (issue 20): stopping for the night, courtesy,
        # feelings, a question too hard; the partner joining; the reminder's time.
        "enough_tonight",
        "thanks",
        "sorry",
        "okay_now",
        "feelings",
        "too_hard",
        "partner_joined",
        "reminder_time",
    }
)


@dataclass(frozen=True)
class LinkInfo:
    """What the conversation knows of a link to another account (storage.linking keeps it).

    ``linked``: another account shares this program; ``waiting``: a code was made
    and nobody has joined yet; ``delete_asked``: the other account asked to
    delete the shared program, and waits for this one to agree.
    """

    linked: bool = False
    waiting: bool = False
    delete_asked: bool = False


@dataclass(frozen=True)
class Event:
    """One thing the conversation reacts to.

    ``kind`` is ``launch``, ``intent``, ``session_ended`` or ``action_result``;
    ``name`` is the intent (see INTENTS) or the action result; ``today`` is the
    local calendar date where the device is (ISO ``YYYY-MM-DD``).
    """

    kind: str
    today: str
    name: str | None = None
    slots: Mapping[str, str] = field(default_factory=dict)
    # Resolved custom-slot IDs (e.g. a step topic's step id), by slot name.
    slot_ids: Mapping[str, str] = field(default_factory=dict)
    person_id: str | None = None
    country: str = "US"
    reason: str | None = None
    new_session: bool = False
    plays_sounds: bool = False  # the device plays APL for Audio (background sounds)
    link: LinkInfo = field(default_factory=LinkInfo)

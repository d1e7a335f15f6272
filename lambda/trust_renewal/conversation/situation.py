"""The situations a conversation can be in: what the couple just heard decides what each intent does."""

from __future__ import annotations

from enum import StrEnum


class Situation(StrEnum):
    HOME = "home"  # nothing going on: a menu, or a fresh session
    OFFER_BEGIN = "offer_begin"  # "shall we begin?" about an exercise
    OFFER_RESUME = "offer_resume"  # mid-exercise: "shall we go on to Jordan's turn?"
    CONFIRM_START_OVER = "confirm_start_over"
    CONFIRM_DELETE = "confirm_delete"
    ASK_WHICH_PARTNER = "ask_which_partner"  # "call me Sam" with two names set
    ASK_ROLES = "ask_roles"  # "Some exercises go better when I know who was hurt…"
    PROMPT = "prompt"  # a prompt both partners answer together
    REFLECTION = "reflection"  # a guided reflection: the couple only listens
    SPEAKER_TURN = "speaker_turn"  # one partner speaks, the microphone closed
    LISTENER_TURN = "listener_turn"  # the listener says back what they heard
    CHECKIN = "checkin"  # a check-in question after the program
    COMPLETE = "complete"  # the program is done: offer a check-in or a step
    PAUSED = "paused"  # the couple took a pause or a break: session closed, place kept
    SAFETY = "safety"  # safety lines were given: nothing pushes them back to an exercise
    # Linking two accounts (issue 26).
    CONFIRM_JOIN = "confirm_join"  # "joining replaces this account's own progress: go on?"
    ASK_CODE = "ask_code"  # "What's the code?"
    CONFIRM_UNLINK = "confirm_unlink"
    CHOOSE_DELETE = "choose_delete"  # linked: "delete just your own data?"
    CONFIRM_DELETE_SHARED = "confirm_delete_shared"  # "...the shared program too?" / "...agree?"


# Situations inside a running exercise (the position in State says which prompt).
IN_EXERCISE = frozenset(
    {Situation.PROMPT, Situation.REFLECTION, Situation.SPEAKER_TURN, Situation.LISTENER_TURN}
)
TURNS = frozenset({Situation.SPEAKER_TURN, Situation.LISTENER_TURN})
# Situations whose reply ends in a yes-or-no question.
QUESTIONS = frozenset(
    {
        Situation.OFFER_BEGIN,
        Situation.OFFER_RESUME,
        Situation.CONFIRM_START_OVER,
        Situation.CONFIRM_DELETE,
        Situation.ASK_WHICH_PARTNER,
        Situation.COMPLETE,
        Situation.CONFIRM_JOIN,
        Situation.CONFIRM_UNLINK,
        Situation.CHOOSE_DELETE,
        Situation.CONFIRM_DELETE_SHARED,
    }
)


def from_legacy(phase: object, offer: object) -> Situation:
    """The situation an older session's ``phase``/``offer`` strings meant."""
    if phase == "offer":
        return {
            "resume": Situation.OFFER_RESUME,
            "start_over": Situation.CONFIRM_START_OVER,
            "delete_data": Situation.CONFIRM_DELETE,
        }.get(str(offer), Situation.OFFER_BEGIN)
    return {
        "exercise": Situation.PROMPT,
        "checkin": Situation.CHECKIN,
        "complete": Situation.COMPLETE,
    }.get(str(phase), Situation.HOME)

"""The conversation's state machine, declared: (situation, intent) -> transition.

Every intent has a row in every situation (a test checks the product is
complete). ``DEFAULT`` says what an intent does wherever nothing more specific
is declared; ``SPECIFIC`` lists what differs per situation.
"""

from __future__ import annotations

from trust_renewal.conversation import safety
from trust_renewal.conversation import transitions as t
from trust_renewal.conversation.events import INTENTS
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.transitions import Transition

S = Situation

DEFAULT: dict[str, Transition] = {
    "todays_exercise": t.todays_exercise_offer,
    "yes": t.nothing_to_confirm,
    "no": t.no_nothing,
    "next": t.next_from_home,
    "turn_done": t.nothing_to_finish,
    "more_time": t.hold,
    "take_break": t.take_break,
    "whose_turn": t.whose_turn,
    "first_speaker": t.let_go_first,
    "set_names": t.set_names,
    "solo": t.just_me,
    "roles_hurt": t.set_roles,
    "roles_mutual": t.roles_mutual,
    "roles_change": t.roles_change,
    "roles_clear": t.roles_clear,
    "repeat": t.repeat,
    "previous": t.previous,
    "skip": t.skip,
    "restart_exercise": t.restart_exercise,
    "start_over": t.start_over,
    "go_to_step": t.go_to_step,
    "quick": t.quick,
    "progress": t.progress,
    "help": t.help_,
    "fallback": t.fallback,
    "unknown": t.fallback,
    "stop": t.stop,
    "cancel": t.stop,
    "pause": t.pause,
    "resume": t.resume_here,
    "home": t.go_home,
    # Safety routes (conversation/safety.py) answer alike from every situation; the engine
    # asks that module before this table, so these rows only keep the table complete.
    "safety": safety.transition_for("safety"),
    "abuse": safety.transition_for("abuse"),
    "self_harm": safety.transition_for("self_harm"),
    "harm_done": safety.transition_for("harm_done"),
    "someone_else": safety.transition_for("someone_else"),
    "hopeless": safety.transition_for("hopeless"),
    "distress": safety.transition_for("distress"),
    "find_support": safety.transition_for("find_support"),
    "send_card": safety.transition_for("send_card"),
    "delete_data": t.delete_data,
    "set_reminder": t.set_reminder,
    "stop_reminders": t.stop_reminders,
    "background_off": t.background_off,
    "background_on": t.background_on,
    "background_quieter": t.background_quieter,
}

_IN_EXERCISE: dict[str, Transition] = {
    "yes": t.advance,
    "next": t.advance,
    "turn_done": t.advance,
    "no": t.no_rush,
    "todays_exercise": t.todays_exercise_here,
}
_TURN: dict[str, Transition] = {
    **_IN_EXERCISE,
    "turn_done": t.turn_done,
    "more_time": t.more_turn_time,
    "no": t.more_turn_time,
}
_AFTER_PROGRAM: dict[str, Transition] = {"skip": t.nothing_to_skip}

SPECIFIC: dict[Situation, dict[str, Transition]] = {
    S.HOME: {},
    S.OFFER_BEGIN: {"yes": t.begin_offered, "next": t.begin_offered, "no": t.decline_begin},
    S.OFFER_RESUME: {
        "yes": t.resume_here,
        "next": t.resume_here,
        "turn_done": t.resume_here,
        "no": t.decline_resume,
        "todays_exercise": t.today_while_offering_resume,
    },
    S.CONFIRM_START_OVER: {
        "yes": t.start_over_confirmed,
        "no": t.start_over_declined,
    },
    S.CONFIRM_DELETE: {
        "yes": t.delete_confirmed,
        "no": t.delete_declined,
    },
    S.ASK_WHICH_PARTNER: {
        "set_names": t.place_name,
        "first_speaker": t.place_name,
        "no": t.keep_names,
    },
    # "Who was hurt? Or say skip": a name, both, skip; "no" and "next" move on without roles.
    S.ASK_ROLES: {
        "skip": t.roles_skip,
        "no": t.roles_skip,
        "next": t.roles_skip,
        "turn_done": t.roles_skip,
        "yes": t.roles_unclear,
    },
    S.PROMPT: {**_IN_EXERCISE},
    S.REFLECTION: {**_IN_EXERCISE},
    # "Have you finished?" "No": another stretch of quiet.
    S.SPEAKER_TURN: {**_TURN},
    S.LISTENER_TURN: {**_TURN},
    S.CHECKIN: {
        **_AFTER_PROGRAM,
        "yes": t.checkin_done,
        "next": t.checkin_done,
        "turn_done": t.checkin_done,
        "no": t.goodbye_after_checkin,
    },
    S.COMPLETE: {
        **_AFTER_PROGRAM,
        "yes": t.checkin,
        "next": t.checkin,
        "no": t.goodbye_after_checkin,
    },
    # Only a new session starts from here, so it behaves as home.
    S.PAUSED: {},
    # After the safety lines, "yes" or "next" never push back into an exercise.
    S.SAFETY: {"yes": t.safety_calm, "next": t.safety_calm},
}

TABLE: dict[tuple[Situation, str], Transition] = {
    (situation, intent): SPECIFIC[situation].get(intent, DEFAULT[intent])
    for situation in Situation
    for intent in sorted(INTENTS)
}


def transition(situation: Situation, intent: str) -> Transition:
    """The transition for an intent in a situation; unknown intents are treated as not understood."""
    return TABLE.get((situation, intent)) or TABLE[(situation, "fallback")]


def describe() -> str:
    """The table as Markdown (the README's copy is checked against this)."""
    rows = ["| situation | intent | transition |", "|---|---|---|"]
    for situation in Situation:
        for intent in sorted(SPECIFIC[situation]):
            rows.append(f"| {situation} | {intent} | `{SPECIFIC[situation][intent].__name__}` |")
    rows += ["", "| intent | in every other situation |", "|---|---|"]
    rows += [f"| {intent} | `{DEFAULT[intent].__name__}` |" for intent in sorted(DEFAULT)]
    return "\n".join(rows)

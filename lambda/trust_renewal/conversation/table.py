"""The conversation's state machine, declared: (situation, intent) -> transition.

Every intent has a row in every situation (a test checks the product is
complete). ``DEFAULT`` says what an intent does wherever nothing more specific
is declared; ``SPECIFIC`` lists what differs per situation.
"""

from __future__ import annotations

from trust_renewal.conversation import safety
from trust_renewal.conversation.events import INTENTS
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.transitions import evenings, linking, people, settings, turns
from trust_renewal.conversation.transitions import navigation as nav
from trust_renewal.conversation.transitions.common import Transition

S = Situation

DEFAULT: dict[str, Transition] = {
    "todays_exercise": nav.todays_exercise_offer,
    "yes": nav.nothing_to_confirm,
    "no": nav.no_nothing,
    "next": nav.next_from_home,
    "turn_done": turns.nothing_to_finish,
    "more_time": turns.hold,
    "take_break": evenings.take_break,
    "whose_turn": turns.whose_turn,
    "first_speaker": turns.let_go_first,
    "set_names": people.set_names,
    "solo": people.just_me,
    "roles_hurt": people.set_roles,
    "roles_mutual": people.roles_mutual,
    "roles_change": people.roles_change,
    "roles_clear": people.roles_clear,
    "repeat": nav.repeat,
    "previous": nav.previous,
    "skip": nav.skip,
    "restart_exercise": nav.restart_exercise,
    "start_over": nav.start_over,
    "go_to_step": nav.go_to_step,
    "number_alone": evenings.number_alone,  # read by the question asked first (answers.interpret)
    "time_alone": settings.time_alone,  # likewise: a reminder only where a time was asked
    "quick": nav.quick,
    "progress": settings.progress,
    "help": evenings.help_,
    "fallback": evenings.fallback,
    "unknown": evenings.fallback,
    "stop": evenings.stop,
    "cancel": evenings.stop,
    "pause": evenings.pause,
    "resume": nav.resume_here,
    "home": nav.go_home,
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
    "delete_data": linking.delete_data,  # as ever, unless the program is shared with another account
    "set_reminder": settings.set_reminder,
    "stop_reminders": settings.stop_reminders,
    "background_off": settings.background_off,
    "background_on": settings.background_on,
    "background_quieter": settings.background_quieter,
    # Linking two accounts (issue 26); a code is only heard while it is asked for.
    "link_partner": linking.link_partner,
    "join_partner": linking.join_partner,
    "link_code": linking.code_not_asked,
    "unlink_partner": linking.unlink_partner,
    # Evenings in their own words (issue 20).
    "enough_tonight": evenings.enough_tonight,
    "thanks": evenings.thanks,
    "sorry": evenings.sorry,
    "okay_now": evenings.okay_now,
    "feelings": evenings.feelings,
    "too_hard": evenings.too_hard,
    "partner_joined": people.partner_joined,
    "reminder_time": settings.reminder_time,
}

_IN_EXERCISE: dict[str, Transition] = {
    "yes": turns.advance,
    "next": turns.advance,
    "turn_done": turns.advance,
    "no": nav.no_rush,
    "todays_exercise": nav.todays_exercise_here,
}
_TURN: dict[str, Transition] = {
    **_IN_EXERCISE,
    "turn_done": turns.turn_done,
    "more_time": turns.more_turn_time,
    "no": turns.more_turn_time,
}
_AFTER_PROGRAM: dict[str, Transition] = {"skip": nav.nothing_to_skip}

SPECIFIC: dict[Situation, dict[str, Transition]] = {
    S.HOME: {},
    # "Done" at a yes-or-no offer means no (issue 20).
    S.OFFER_BEGIN: {
        "yes": nav.begin_offered,
        "next": nav.begin_offered,
        "no": nav.decline_begin,
        "turn_done": nav.decline_begin,
    },
    S.OFFER_RESUME: {
        "yes": nav.resume_here,
        "next": nav.resume_here,
        "turn_done": nav.resume_here,
        "no": nav.decline_resume,
        "todays_exercise": nav.today_while_offering_resume,
    },
    S.CONFIRM_START_OVER: {
        "yes": nav.start_over_confirmed,
        "no": nav.start_over_declined,
        "turn_done": nav.start_over_declined,
    },
    S.CONFIRM_DELETE: {
        "yes": settings.delete_confirmed,
        "no": settings.delete_declined,
        "turn_done": settings.delete_declined,
    },
    S.ASK_WHICH_PARTNER: {
        "set_names": people.place_name,
        "first_speaker": people.place_name,
        "no": people.keep_names,
    },
    # "Who was hurt? Or say skip": a name, both, skip; "no" and "next" move on without roles.
    S.ASK_ROLES: {
        "skip": people.roles_skip,
        "no": people.roles_skip,
        "next": people.roles_skip,
        "turn_done": people.roles_skip,
        "yes": people.roles_unclear,
    },
    S.PROMPT: {**_IN_EXERCISE},
    S.REFLECTION: {**_IN_EXERCISE},
    # "Have you finished?" "No": another stretch of quiet.
    S.SPEAKER_TURN: {**_TURN},
    S.LISTENER_TURN: {**_TURN},
    # A prompt spoken to in a closed-microphone quiet: "no" to "have you finished?" is more time.
    S.SPEAKING: {**_IN_EXERCISE, "more_time": turns.more_turn_time, "no": turns.more_turn_time},
    S.CHECKIN: {
        **_AFTER_PROGRAM,
        "yes": evenings.checkin_done,
        "next": evenings.checkin_done,
        "turn_done": evenings.checkin_done,
        "no": evenings.goodbye_after_checkin,
    },
    S.COMPLETE: {
        **_AFTER_PROGRAM,
        "yes": evenings.checkin,
        "next": evenings.checkin,
        "no": evenings.goodbye_after_checkin,
        "turn_done": evenings.goodbye_after_checkin,
    },
    # Only a new session starts from here, so it behaves as home.
    S.PAUSED: {},
    # After the safety lines, "yes" or "next" never push back into an exercise.
    S.SAFETY: {"yes": evenings.safety_calm, "next": evenings.safety_calm},
    S.CONFIRM_JOIN: {"yes": linking.ask_code, "no": linking.join_declined},
    S.ASK_CODE: {"link_code": linking.code_heard, "no": linking.join_declined},
    S.CONFIRM_UNLINK: {"yes": linking.unlink_confirmed, "no": linking.unlink_declined},
    S.CHOOSE_DELETE: {"yes": linking.delete_own, "no": linking.delete_not_own},
    S.CONFIRM_DELETE_SHARED: {"yes": linking.delete_shared, "no": linking.delete_kept},
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
    """The table as Markdown (docs/architecture.md's copy is checked against this)."""
    rows = ["| situation | intent | transition |", "|---|---|---|"]
    for situation in Situation:
        for intent in sorted(SPECIFIC[situation]):
            rows.append(f"| {situation} | {intent} | `{SPECIFIC[situation][intent].__name__}` |")
    rows += ["", "| intent | in every other situation |", "|---|---|"]
    rows += [f"| {intent} | `{DEFAULT[intent].__name__}` |" for intent in sorted(DEFAULT)]
    return "\n".join(rows)

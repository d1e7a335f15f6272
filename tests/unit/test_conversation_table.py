"""The declared state machine: every intent in every situation, with names, without, and alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trust_renewal.conversation import Event, State, step
from trust_renewal.conversation.events import INTENTS
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.situation import QUESTIONS, Situation
from trust_renewal.conversation.table import SPECIFIC, TABLE, describe
from trust_renewal.handlers.intents import INTENT_HANDLERS
from trust_renewal.render.reply import render_reply
from trust_renewal.render.ssml import problems, to_text

TODAY = "2026-11-21"
S = Situation
SLOTS = {
    "set_names": {"firstName": "Sam"},
    "first_speaker": {"firstName": "Jordan"},
    "solo": {"firstName": "Sam"},
    "go_to_step": {"stepNumber": "3"},
    "number_alone": {"number": "3"},
    "time_alone": {"time": "20:00"},
    "set_reminder": {"time": "20:00"},
    "roles_hurt": {"hurtName": "Maya"},
}
WHO = {
    # Couples who heard the safety screening (issue 25): exercises for two begin at once.
    "two names": State(welcomed=True, names=("Maya", "Jordan"), finished=(SCREENING,)),
    "no names": State(welcomed=True, finished=(SCREENING,)),
    "solo": State(welcomed=True, names=("Sam",), solo=True),
}


def intent(name: str, **kw) -> Event:
    return Event(kind="intent", name=name, today=TODAY, slots=SLOTS.get(name, {}), **kw)


def _run(content, state: State, *names: str) -> State:
    for name in names:
        state, _ = step(state, intent(name), content)
    return state


def _begin(content, state: State, exercise) -> State:
    state = replace(state, exercise_id=exercise.id, prompt=0, turn=0, started=False,
                    situation=S.OFFER_BEGIN, offer_target=exercise.id)  # fmt: skip
    return _run(content, state, "yes")


def situations(content, base: State) -> dict[Situation, State]:
    """One reachable state per situation (those someone alone cannot reach are left out)."""
    turn_ex = next(ex for ex in content.path if ex.prompts[0].turns)
    together = next(ex for ex in content.path if ex.kind == "agreement" and ex.prompts[0].speaks)
    alone = next(ex for ex in content.path if ex.audience == "one")
    launch = Event(kind="launch", today=TODAY, new_session=True)
    found: dict[Situation, State] = {S.HOME: base}
    found[S.OFFER_BEGIN] = step(base, launch, content)[0]
    found[S.REFLECTION if not base.solo else S.PROMPT] = _run(content, found[S.OFFER_BEGIN], "yes")
    mid = replace(_run(content, found[S.OFFER_BEGIN], "yes", "next"), situation=S.HOME)
    found[S.OFFER_RESUME] = step(mid, launch, content)[0]
    found[S.CONFIRM_START_OVER] = _run(content, base, "start_over")
    found[S.CONFIRM_DELETE] = _run(content, base, "delete_data")
    found[S.PAUSED] = _run(content, mid, "pause")
    found[S.SAFETY] = _run(content, mid, "safety")
    done = replace(base, finished=tuple(e.id for e in content.path), program_done=True)
    found[S.COMPLETE] = step(done, launch, content)[0]
    found[S.CHECKIN] = _run(content, found[S.COMPLETE], "yes")
    # Joining a partner's program (issue 26): asked first when this account has progress of its own.
    found[S.CONFIRM_JOIN] = _run(content, replace(base, finished=(content.path[0].id,)), "join_partner")
    found[S.ASK_CODE] = _run(content, found[S.CONFIRM_JOIN], "yes")
    if base.solo:
        found[S.PROMPT] = _begin(content, base, alone)
        return found
    # A reflection for one partner, heard by both: nobody answers aloud.
    found[S.PROMPT] = _begin(content, base, alone)
    # An agreement: they speak to each other, the microphone closed (issue 20).
    found[S.SPEAKING] = _begin(content, base, together)
    found[S.SPEAKER_TURN] = _begin(content, base, turn_ex)
    found[S.LISTENER_TURN] = _run(content, found[S.SPEAKER_TURN], "next")
    if len(base.names) == 2:
        found[S.ASK_WHICH_PARTNER] = _run(content, base, "set_names")
        found[S.ASK_ROLES] = _run(content, base, "roles_change")
    return found


# Phrases a reply may end with in each situation, besides its help, fallback and cue.
ENDINGS: dict[Situation, tuple[str, ...]] = {
    S.HOME: ("home.menu", "reprompt.home"),
    S.OFFER_BEGIN: ("offer.", "ready."),
    S.OFFER_RESUME: ("offer.",),
    S.CONFIRM_START_OVER: ("start_over.confirm",),
    S.CONFIRM_DELETE: ("delete.confirm",),
    S.ASK_WHICH_PARTNER: ("names.which",),
    S.ASK_ROLES: ("roles.ask", "roles.which_name", "alone.role_ask"),
    S.PROMPT: ("cue.next", "cue.next."),
    S.REFLECTION: ("cue.next", "cue.next."),
    S.SPEAKING: ("turn.finished.",),
    S.SPEAKER_TURN: ("turn.finished.",),
    S.LISTENER_TURN: ("turn.finished.",),
    S.CHECKIN: ("cue.checkin",),
    S.COMPLETE: ("offer.after_program",),
    S.PAUSED: (),
    S.SAFETY: (),
    S.CONFIRM_JOIN: ("link.join_replaces", "link.join_already_linked"),
    S.ASK_CODE: ("link.ask_code", "link.code_length"),
    S.CONFIRM_UNLINK: ("link.unlink_confirm",),
    S.CHOOSE_DELETE: ("link.delete_own_question",),
    S.CONFIRM_DELETE_SHARED: ("link.delete_shared_question", "link.delete_agree"),
}
FAMILY = {
    S.HOME: "home", S.PAUSED: "home", S.SAFETY: "home", S.OFFER_BEGIN: "offer", S.OFFER_RESUME: "offer",
    S.CONFIRM_START_OVER: "confirm", S.CONFIRM_DELETE: "confirm", S.ASK_WHICH_PARTNER: "confirm",
    S.ASK_ROLES: "roles",
    S.PROMPT: "exercise", S.REFLECTION: "exercise", S.SPEAKER_TURN: "turn", S.LISTENER_TURN: "turn",
    S.SPEAKING: "speaking",
    S.CHECKIN: "checkin", S.COMPLETE: "complete",
    S.CONFIRM_JOIN: "confirm", S.ASK_CODE: "code", S.CONFIRM_UNLINK: "confirm", S.CHOOSE_DELETE: "confirm",
    S.CONFIRM_DELETE_SHARED: "confirm",
}  # fmt: skip


# What safety answers may end with in any situation (conversation/safety.py): the
# numbers and how to hear them again, the breath offered after distress, the
# neutral fallback cues and the offer of help after two misses.
SAFETY_ENDINGS = ("safety.", "help.safety", "distress.", "fallback.reprompt.", "fallback.offer_help",
                  "fallback.safety", "fallback.breath", "hopeless.ask", "self_harm.ask",
                  "paused.",
                  "support.hint")  # after help, once a session, the counselling line (issue 20)  # fmt: skip


def _fits(last_key: str, situation: Situation) -> bool:
    key = last_key.removeprefix("phrase:").removeprefix("solo.")
    family = FAMILY[situation]
    allowed = (f"help.{family}", f"fallback.{family}", f"cue.{family}", "names.ask", *ENDINGS[situation],
               *SAFETY_ENDINGS)  # fmt: skip
    return any(key == a or (a.endswith(".") and key.startswith(a)) for a in allowed)


def test_the_table_covers_every_situation_and_intent():
    assert set(TABLE) == {(s, i) for s in Situation for i in INTENTS}
    assert all(callable(fn) for fn in TABLE.values())
    # Every intent of the interaction model reaches the table.
    assert {h.event_name for h in INTENT_HANDLERS} <= INTENTS
    assert set(SPECIFIC) == set(Situation)


@pytest.mark.parametrize("who", sorted(WHO))
def test_every_intent_in_every_situation_answers_well(content, who):
    checked = 0
    for situation, state in situations(content, WHO[who]).items():
        assert state.situation == situation, (who, situation, state.situation)
        for name in sorted(INTENTS):
            after, reply = step(state, intent(name), content)
            where = (who, str(situation), name, str(after.situation))
            if reply.action in ("create_reminder", "delete_reminder") or (
                (reply.action or "").startswith("link_") and not reply.speech
            ):
                continue  # the edges do the work, then answer through an action_result
            rendered = render_reply(reply, content)
            assert reply.speech and rendered.ssml, where
            ssml = f"<speak>{rendered.ssml}</speak>"
            assert problems(ssml) == [], (where, problems(ssml))
            text = to_text(ssml)
            assert text.count("?") <= 1, (where, text)
            if reply.reprompt:
                assert problems(f"<speak>{rendered.reprompt}</speak>") == [], where
            if not reply.end_session:
                assert reply.reprompt, where
                assert _fits(reply.speech[-1].key, after.situation), (where, reply.speech[-1].key)
                if after.situation in QUESTIONS and name not in ("help", "fallback", "unknown"):
                    assert "?" in text, where  # a question was asked, so it is heard as one
            if WHO[who].solo and after.solo:  # "my partner is here now" ends one-person mode
                lowered = text.lower()
                # Spoken to one person: never addressed as a pair (a check-in may still ask about a partner).
                pair = ("thank you both", "both of you", "you both", "each of you", "partner one",
                        "your partner, it", "two of you", "you're both")  # fmt: skip
                for word in pair:
                    assert word not in lowered, (where, word, text)
            checked += 1
    assert checked > 250  # every reachable situation times every intent


def test_the_architecture_doc_shows_the_table_as_the_code_declares_it():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert describe() in doc

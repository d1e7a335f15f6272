"""Evenings, progress, reminders and sounds, decided by the pure core (issue 27, point 3).

What a break, "that's enough for tonight", "sorry" and "this is too hard" say where the
couple is; what progress counts; when a reminder's time needs one more question; when
the word about background sounds is said. Each test fails when its decision flips.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from support.engine_steps import intent
from trust_renewal.conversation import State, sounds
from trust_renewal.conversation.answers import CONFIRMED
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.reply import Line, Reply, ref, say
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.transitions import common, evenings, settings

TODAY = "2026-11-21"
TRUST = "trust-and-intimacy.what-trust-means"
COUPLE = State(welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=(SCREENING,))
IN_TURN = replace(COUPLE, exercise_id=TRUST, started=True, situation=Situation.SPEAKER_TURN)
OFFERED = replace(COUPLE, exercise_id=TRUST, situation=Situation.OFFER_BEGIN, offer_target=TRUST)


def _keys(reply: Reply) -> list[str]:
    return [line.key for line in reply.speech]


# -- evenings ------------------------------------------------------------------------------------
def test_a_break_mid_exercise_says_the_place_is_kept(content):
    _, reply = evenings.take_break(IN_TURN, intent("take_break"), content)
    assert _keys(reply) == ["phrase:break.cooling", "phrase:break.kept"] and reply.end_session
    _, reply = evenings.take_break(COUPLE, intent("take_break"), content)
    assert _keys(reply) == ["phrase:break.cooling", "phrase:break.plain"]


def test_enough_for_tonight_at_an_offer_is_a_no_for_tonight_and_mid_exercise_keeps_the_place(content):
    _, reply = evenings.enough_tonight(OFFERED, intent("enough_tonight"), content)
    assert _keys(reply) == ["phrase:no.later"] and reply.end_session
    _, reply = evenings.enough_tonight(IN_TURN, intent("enough_tonight"), content)
    assert _keys(reply) == ["phrase:tonight.kept"]
    # An offer target kept from an offer to resume is not "shall we begin?".
    resuming = replace(IN_TURN, situation=Situation.OFFER_RESUME, offer_target=TRUST)
    enough = intent("enough_tonight")
    assert _keys(evenings.enough_tonight(resuming, enough, content)[1]) == ["phrase:tonight.kept"]
    assert _keys(evenings.enough_tonight(COUPLE, enough, content)[1]) == ["phrase:tonight.plain"]


def test_sorry_and_too_hard_inside_an_exercise_give_time_and_elsewhere_a_gentle_word(content):
    assert _keys(evenings.sorry(IN_TURN, intent("sorry"), content)[1])[0] == "phrase:courtesy.sorry_exercise"
    assert _keys(evenings.sorry(COUPLE, intent("sorry"), content)[1])[0] == "phrase:courtesy.sorry"
    assert _keys(evenings.too_hard(IN_TURN, intent("too_hard"), content)[1])[0] == "phrase:courtesy.too_hard"
    elsewhere = evenings.too_hard(COUPLE, intent("too_hard"), content)[1]
    assert _keys(elsewhere)[0] == "phrase:courtesy.too_hard_elsewhere"


def test_a_check_in_is_explained_in_full_twice_then_briefly(content):
    heard = []
    state = COUPLE
    for _ in range(4):
        state, reply = common.ask_checkin(state, intent("checkin"), content)
        heard.append(next(k for k in _keys(reply) if k.startswith("phrase:checkin.time")))
    assert heard == ["phrase:checkin.time.full"] * 2 + ["phrase:checkin.time.short"] * 2
    assert state.checkins_heard == 4 and state.situation == Situation.CHECKIN


# -- progress ------------------------------------------------------------------------------------
def test_progress_counts_each_exercise_on_the_path_once_and_a_streak_from_two_days(content):
    first = content.path[0].id
    state = replace(COUPLE, finished=(first, first, "not-on-the-path"), days_practiced=3, days_in_row=1,
                    last_practiced=TODAY)  # fmt: skip
    _, reply = settings.progress(state, intent("progress"), content)
    status = next(line for line in reply.speech if line.key == "phrase:progress.status")
    assert status.kwargs["done"] == "1"
    assert "phrase:progress.in_row" not in _keys(reply)  # one day is not yet a streak
    _, reply = settings.progress(replace(state, days_in_row=2), intent("progress"), content)
    assert "phrase:progress.in_row" in _keys(reply)


# -- reminders -----------------------------------------------------------------------------------
def test_a_reminder_at_eight_asks_morning_or_evening_once_and_then_sets_it(content):
    _, reply = settings.set_reminder(COUPLE, intent("set_reminder", slots={"time": "08:00"}), content)
    assert _keys(reply) == ["phrase:reminder.am_or_pm"] and reply.action is None
    assert reply.speech[0].kwargs["time"] == "8"
    _, reply = settings.set_reminder(COUPLE, intent("set_reminder", slots={"time": "08:30"}), content)
    assert reply.speech[0].kwargs["time"] == "8:30"
    confirmed = intent("set_reminder", slots={"time": "08:00", CONFIRMED: "yes"})
    _, reply = settings.set_reminder(COUPLE, confirmed, content)
    assert reply.action == "create_reminder" and reply.action_params == {"time": "08:00"}


def test_every_evening_asks_what_time_and_a_confirmed_part_of_the_day_is_set(content):
    _, reply = settings.set_reminder(COUPLE, intent("set_reminder", slots={"time": "EV"}), content)
    assert _keys(reply) == ["phrase:reminder.part_of_day"] and reply.action is None
    confirmed = intent("set_reminder", slots={"time": "EV", CONFIRMED: "yes"})
    _, reply = settings.set_reminder(COUPLE, confirmed, content)
    assert reply.action == "create_reminder"


@pytest.mark.parametrize(
    "token, time, key",
    [("t", "8 p.m.", "phrase:reminder.at"), ("t", None, "phrase:reminder.set_unknown_time"),
     (None, "8 p.m.", "phrase:reminder.none_set"), (None, None, "phrase:reminder.none_set")],
)  # fmt: skip
def test_what_time_is_our_reminder_is_answered_only_for_a_reminder_that_is_set(content, token, time, key):
    state = replace(COUPLE, reminder_token=token, reminder_time=time)
    assert _keys(settings.reminder_time(state, intent("reminder_time"), content)[1])[0] == key


# -- the word about background sounds ------------------------------------------------------------
def _beginning(content) -> Reply:
    exercise = content.exercise("acknowledge.reflection")
    return Reply(speech=(ref(f"intro:{exercise.id}"), Line("quiet", (("seconds", "60"), ("who", ""))),))


def test_the_word_about_background_sounds_comes_once_as_the_first_exercise_with_them_begins(content):
    state, reply = sounds.mention_once(COUPLE, _beginning(content), content, plays_sounds=True)
    assert _keys(reply)[0] == "phrase:sounds.hint" and state.sounds_told
    assert sounds.mention_once(state, _beginning(content), content, True)[1] == _beginning(content)


def test_no_word_about_sounds_when_they_are_off_not_played_or_in_a_help_or_safety_answer(content):
    beginning = _beginning(content)
    for state, plays in ((replace(COUPLE, background="off"), True), (COUPLE, False)):
        assert sounds.mention_once(state, beginning, content, plays) == (state, beginning)
    helped = replace(beginning, speech=(say("help.exercise"), *beginning.speech))
    assert sounds.mention_once(COUPLE, helped, content, True) == (COUPLE, helped)

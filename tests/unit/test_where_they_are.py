"""Telling a couple where they are and whose turn it is, decided by the pure core (issue 27, point 3).

The offer to resume (which place, in which words), "whose turn is it", today's offer
(a second apology, one already done, a reflection for one passed over), and a
recognised voice saying their names. Each test fails when its decision flips.
"""

from __future__ import annotations

from dataclasses import replace

from support.engine_steps import intent
from trust_renewal.conversation import State
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.transitions import common, navigation, people, turns

TODAY = "2026-11-21"
TRUST = "trust-and-intimacy.what-trust-means"  # three rounds of turns
STEADYING = "acknowledge.steadying"  # a prompt, something said together, ...
APOLOGY = "responsibility.the-apology"
COUPLE = State(welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=(SCREENING,))


def _keys(reply) -> list[str]:
    return [line.key for line in reply.speech]


def _mid(exercise_id: str, **kw) -> State:
    return replace(COUPLE, exercise_id=exercise_id, started=True, **kw)


def _kw(reply, key: str) -> dict[str, str]:
    return next(line.kwargs for line in reply.speech if line.key == key)


# -- the offer to resume -------------------------------------------------------------------------
def test_resuming_before_a_say_back_names_who_spoke_and_who_tells_them():
    state, reply = common.offer_resume(_mid(TRUST, turn_over=True), intent("launch"), _content())
    assert _keys(reply) == ["phrase:resume.where_sayback", "phrase:offer.go_on_sayback"]
    assert _kw(reply, "phrase:offer.go_on_sayback") == {"speaker": "Maya", "listener": "Jordan"}
    where = _kw(reply, "phrase:resume.where_sayback")
    assert (where["part"], where["parts"], where["speaker"]) == ("1", "3", "Maya")
    assert state.situation == Situation.OFFER_RESUME and state.offer_target == TRUST


def test_resuming_a_turn_names_the_speaker_and_the_part_of_how_many():
    _, reply = common.offer_resume(_mid(TRUST, prompt=1, turn=2), intent("launch"), _content())
    assert _keys(reply) == ["phrase:resume.where_turn", "phrase:offer.go_on_turn"]
    where = _kw(reply, "phrase:resume.where_turn")
    assert (where["part"], where["parts"], where["speaker"]) == ("2", "3", "Maya")  # round two: Jordan opened


def test_asked_for_todays_exercise_mid_turn_they_hear_the_question_now_and_no_advice_to_ask_for_it():
    _, reply = common.offer_resume(_mid(TRUST), intent("todays_exercise"), _content())
    assert _keys(reply) == [
        "phrase:resume.where_turn", "phrase:today.question_now", f"question:{TRUST}:0",
        "phrase:offer.go_on_turn_plain",
    ]  # fmt: skip


def test_resuming_a_prompt_without_turns_offers_to_resume_it_plainly_when_asked_for_today():
    at = _mid(STEADYING, prompt=1)
    _, reply = common.offer_resume(at, intent("launch"), _content())
    assert _keys(reply) == ["phrase:resume.where", "phrase:offer.resume"]
    _, reply = common.offer_resume(at, intent("todays_exercise"), _content())
    assert _keys(reply)[-1] == "phrase:offer.resume_plain" and f"question:{STEADYING}:1" in _keys(reply)


def test_resuming_at_the_very_end_offers_to_close_the_exercise():
    end = _mid(TRUST, prompt=2, turn=3, turn_over=True)
    _, reply = common.offer_resume(end, intent("launch"), _content())
    assert _keys(reply) == ["phrase:resume.where_end", "phrase:offer.finish"]


def test_asked_for_todays_exercise_at_an_offer_to_resume_hears_todays_if_it_is_another():
    content = _content()
    offer = _mid(TRUST, situation=Situation.OFFER_RESUME, offer_target=TRUST)
    _, reply = navigation.today_while_offering_resume(offer, intent("todays_exercise"), content)
    assert _keys(reply)[0] == "phrase:today.is_current"  # today's is the one under way
    other = content.path[0].id
    elsewhere = replace(offer, today_exercise=other, today_date=TODAY)
    state, reply = navigation.today_while_offering_resume(elsewhere, intent("todays_exercise"), content)
    assert state.situation == Situation.OFFER_BEGIN and state.offer_target == other


# -- whose turn is it ----------------------------------------------------------------------------
def test_whose_turn_in_a_turn_names_the_speaker_or_the_one_saying_back():
    speaking = _mid(TRUST, situation=Situation.SPEAKER_TURN)
    _, reply = turns.whose_turn(speaking, intent("whose_turn"), _content())
    assert _keys(reply)[0] == "phrase:whose.speaker"
    assert _kw(reply, "phrase:whose.speaker")["speaker"] == "Maya"
    saying_back = _mid(TRUST, turn=1, situation=Situation.LISTENER_TURN)
    _, reply = turns.whose_turn(saying_back, intent("whose_turn"), _content())
    assert _keys(reply)[0] == "phrase:whose.listener"
    assert _kw(reply, "phrase:whose.listener")["listener"] == "Jordan"
    together = _mid(STEADYING, prompt=1, situation=Situation.SPEAKING)
    _, reply = turns.whose_turn(together, intent("whose_turn"), _content())
    assert _keys(reply)[0] == "phrase:whose.together"


def test_whose_turn_at_an_offer_to_resume_names_who_talks_next():
    before_say_back = _mid(TRUST, turn_over=True, situation=Situation.OFFER_RESUME, offer_target=TRUST)
    _, reply = turns.whose_turn(before_say_back, intent("whose_turn"), _content())
    assert _keys(reply)[0] == "phrase:whose.next" and _kw(reply, "phrase:whose.next")["speaker"] == "Jordan"
    before_turn = replace(before_say_back, turn=1)  # Jordan's say-back done: Jordan speaks next
    _, reply = turns.whose_turn(before_turn, intent("whose_turn"), _content())
    assert _kw(reply, "phrase:whose.next")["speaker"] == "Jordan"
    before_maya = replace(before_say_back, turn=2)  # Jordan spoke: Maya says back
    assert _kw(turns.whose_turn(before_maya, intent("whose_turn"), _content())[1], "phrase:whose.next") == {
        "speaker": "Maya"
    }


def test_whose_turn_at_an_offer_names_who_will_open_it_counting_a_wish_to_go_first():
    offer = replace(COUPLE, exercise_id=TRUST, situation=Situation.OFFER_BEGIN, offer_target=TRUST)
    _, reply = turns.whose_turn(offer, intent("whose_turn"), _content())
    assert _kw(reply, "phrase:whose.first") == {"first": "Maya", "second": "Jordan"}
    _, reply = turns.whose_turn(replace(offer, next_first="1"), intent("whose_turn"), _content())
    assert _kw(reply, "phrase:whose.first") == {"first": "Jordan", "second": "Maya"}
    _, reply = turns.whose_turn(replace(offer, names=()), intent("whose_turn"), _content())
    assert _keys(reply)[0] == "phrase:whose.decide"
    _, reply = turns.whose_turn(replace(COUPLE, situation=Situation.HOME), intent("whose_turn"), _content())
    assert _keys(reply)[0] == "phrase:turn.none"


# -- today's offer -------------------------------------------------------------------------------
def test_todays_offer_is_the_second_apology_when_it_is_due():
    due = replace(COUPLE, exercise_id=APOLOGY, finished=(SCREENING, APOLOGY), second_due=APOLOGY, hurt="both")
    state, reply = common.offer_today(due, intent("launch"), _content())
    assert _keys(reply) == ["phrase:offer.second_time_today"] and state.offer_target == APOLOGY


def test_todays_offer_after_todays_exercise_is_done_is_the_next_one():
    first = _content().path[0]
    done = replace(COUPLE, exercise_id=first.id, finished=(first.id,))
    done = replace(done, today_exercise=first.id, today_date=TODAY)
    state, reply = common.offer_today(done, intent("launch"), _content())
    assert _keys(reply) == ["phrase:offer.today_done"] and state.offer_target != first.id


def test_todays_offer_mentions_a_reflection_for_one_passed_over_by_name_when_roles_are_known():
    content = _content()
    for_one = next(e for e in content.path if e.audience == "one" and e.for_ == "caused")
    before = replace(COUPLE, exercise_id=for_one.id, finished=tuple(
        e.id for e in content.path[: content.path_index(for_one.id)]
    ))  # fmt: skip
    _, reply = common.offer_today(replace(before, hurt="0"), intent("launch"), content)
    assert _keys(reply) == ["phrase:offer.today_extra_named"]
    assert _kw(reply, "phrase:offer.today_extra_named")["name"] == "Jordan"
    _, reply = common.offer_today(before, intent("launch"), content)
    assert _keys(reply) == ["phrase:offer.today_extra_each"]


# -- a recognised voice --------------------------------------------------------------------------
def test_a_recognised_voice_saying_both_names_stays_the_partner_it_was():
    jordan = "amzn1.ask.person.JORDAN"
    state = replace(COUPLE, people=((jordan, 1),))
    said = intent("set_names", slots={"firstName": "Maya", "secondName": "Jordan"}, person_id=jordan)
    state, _ = people.set_names(state, said, _content())
    assert dict(state.people) == {jordan: 1}
    new = "amzn1.ask.person.MAYA"
    state, _ = people.set_names(state, replace(said, person_id=new), _content())
    assert dict(state.people) == {jordan: 1, new: 0}  # a new voice is the first name it said


def _content():
    from trust_renewal.content import load_content

    return load_content("en-US")

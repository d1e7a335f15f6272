"""Issue 27's gaps, as a couple would notice them, through lambda_handler on moto.

A mutation check of the conversation core let these decisions change with no test
failing; each test here fails when its decision is turned back (the mutations are
listed in docs/mutation.md, "Gap tests (issue 27)").
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from support.lambda_support import USER, stored_item, talk_to
from trust_renewal.conversation import State
from trust_renewal.conversation.program import SCREENING
from trust_renewal.storage.dynamo_codec import decode_item

MAYA_VOICE = "amzn1.ask.person.MAYA"
JORDAN_VOICE = "amzn1.ask.person.JORDAN"
# The quiet names who talks in it: "(… 120 s, while Maya speaks; the microphone is closed)".
QUIET_WHO = re.compile(r"while (\w+) speaks; the microphone is closed")
COUNSELLOR = "A couples counselor can help"


def _seed(module, values: dict[str, Any]) -> None:
    """Store a couple's record through the store's own API, as an earlier session left it."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from trust_renewal.envelopes import EnvelopeBuilder

    envelope = EnvelopeBuilder("amzn1.ask.skill.test", user_id=USER).launch()
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    module._runtime.store.save_attributes(request, values)


def _kept(module) -> dict[str, Any]:
    return decode_item(stored_item(module))["attributes"]


def _named(talk, hurt: str | None = None) -> None:
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    if hurt:
        talk.say("RolesHurtIntent", hurtName=hurt)
    else:
        talk.say("SkipIntent")  # "which of you was hurt?": skipped


def _talker(text: str) -> str:
    """Who the timed quiet is for, as the reply names it."""
    found = QUIET_WHO.findall(text)
    assert len(found) == 1, text
    return found[0]


def _talkers(text: str) -> list[str]:
    """Who talks in the reply's quiet, if it has one for one partner (a prompt for both has none)."""
    return QUIET_WHO.findall(text)


def _turn_exercise(content, prompts: int = 3):
    """The first exercise on the path whose first ``prompts`` prompts are all turns."""
    return next(
        e for e in content.path if len(e.prompts) >= prompts and all(p.turns for p in e.prompts[:prompts])
    )


def _talkers_to_the_end(talk, first: str) -> list[str]:
    """Who talks in each quiet from here to the end of the exercise under way."""
    current = talk.state["exercise_id"]
    talkers = _talkers(first)
    for _ in range(40):
        text = talk.say("AMAZON.NextIntent")
        if current in talk.finished:
            return talkers
        talkers += _talkers(text)
    raise AssertionError("the exercise never finished")


def _fair(opener: str, other: str, rounds: int) -> list[str]:
    """Speak, say back, speak, say back; each round opened by the other partner in turn."""
    out: list[str] = []
    for r in range(rounds):
        a, b = (opener, other) if r % 2 == 0 else (other, opener)
        out += [a, b, b, a]
    return out


# -- 1. "no" to an offer, with roles set -----------------------------------------------------------
def test_no_to_an_offer_with_roles_set_keeps_the_exercise_for_later(lambda_module, content):
    talk = talk_to(lambda_module)
    _named(talk, hurt="Maya")
    offered = talk.state["offer_target"]
    exercise = content.exercise(offered)
    assert exercise.audience == "together"
    said = talk.say("AMAZON.NoIntent")
    # Not skipped and not moved on: it waits for them, and the evening closes kindly.
    assert f"{exercise.title} will be here whenever you're ready" in said and "leave" not in said
    assert talk.ended
    later = talk_to(lambda_module)
    text = later.launch()
    assert later.state["offer_target"] == offered and exercise.title in text
    assert offered not in later.finished


# -- 2. "I'm done" from a recognised voice, at every stage of a turn -----------------------------
def test_only_the_partner_who_holds_the_turn_ends_it_at_every_stage(lambda_module, content):
    exercise = _turn_exercise(content, prompts=1)
    _seed(
        lambda_module,
        State(
            welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=(SCREENING,),
            people=((JORDAN_VOICE, 1), (MAYA_VOICE, 0)),
        ).to_persisted(),
    )  # fmt: skip
    talk = talk_to(lambda_module)
    talk.launch()
    talk.go_to_offer(content, exercise.id)
    talk.begin()
    voice = {"Maya": MAYA_VOICE, "Jordan": JORDAN_VOICE}
    # Maya speaks, Jordan says back, Jordan speaks, Maya says back.
    for stage, holder in enumerate(("Maya", "Jordan", "Jordan", "Maya")):
        other = "Jordan" if holder == "Maya" else "Maya"
        assert talk.state["turn"] == stage and _talker(talk.text) == holder
        talk.builder.person_id = voice[other]
        said = talk.say("TurnDoneIntent")
        assert f"{holder}, it's still your turn" in said, (stage, said)
        assert talk.state["turn"] == stage and talk.state["prompt"] == 0
        talk.builder.person_id = voice[holder]
        said = talk.say("TurnDoneIntent")
        assert "still your turn" not in said, (stage, said)
        assert (talk.state["prompt"], talk.state["turn"]) == ((0, stage + 1) if stage < 3 else (1, 0))


# -- 3. "let Jordan go first" once the rounds have begun -----------------------------------------
@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_let_the_listener_go_first_mid_round_never_makes_anyone_speak_twice(lambda_module, content, stage):
    exercise = _turn_exercise(content)
    talk = talk_to(lambda_module)
    _named(talk)
    talk.go_to_offer(content, exercise.id)
    text = talk.begin()
    talkers = [_talker(text)]
    for _ in range(stage):
        talkers.append(_talker(talk.say("AMAZON.NextIntent")))
    opener = talkers[0]
    other = "Jordan" if opener == "Maya" else "Maya"
    said = talk.say("FirstSpeakerIntent", firstName=other.lower())
    assert f"{other} will go first in the next exercise with turns" in said and "carries on" in said
    # Where they are, said again: the same partner, then on to the end.
    heard = talkers[:-1] + _talkers_to_the_end(talk, talk.say("AMAZON.RepeatIntent"))
    rounds = sum(p.turns for p in exercise.prompts)
    assert heard == _fair(opener, other, rounds), heard
    # The wish is kept for the next exercise with turns.
    following = next(e for e in content.path[content.path_index(exercise.id) + 1 :] if e.prompts[0].turns)
    talk.go_to_offer(content, following.id)
    assert _talker(talk.begin()) == other


def test_let_the_listener_go_first_at_an_offer_to_resume_keeps_the_say_back_theirs(lambda_module, content):
    exercise = _turn_exercise(content)
    talk = talk_to(lambda_module)
    _named(talk)
    talk.go_to_offer(content, exercise.id)
    assert _talker(talk.begin()) == "Maya"
    talk.end("EXCEEDED_MAX_REPROMPTS")  # Maya finished; nobody answered the question after the chime
    again = talk_to(lambda_module)
    assert "with Jordan telling Maya what they heard?" in again.launch()
    said = again.say("FirstSpeakerIntent", firstName="jordan")
    assert "Jordan will go first in the next exercise with turns" in said
    # Jordan says back Maya's words, then speaks, then Maya says back: Maya never speaks twice.
    heard = _talkers_to_the_end(again, again.say("AMAZON.YesIntent"))
    rounds = sum(p.turns for p in exercise.prompts)
    assert ["Maya", *heard] == _fair("Maya", "Jordan", rounds), heard


# -- 4. resuming after the last turn of the last prompt ---------------------------------------
def test_resuming_after_the_last_turn_of_the_last_prompt_closes_the_exercise(lambda_module, content):
    exercise = next(e for e in content.path if e.prompts[-1].turns and all(p.turns for p in e.prompts))
    parts = len(exercise.prompts)
    talk = talk_to(lambda_module)
    _named(talk)
    talk.go_to_offer(content, exercise.id)
    talk.begin()
    while (talk.state["prompt"], talk.state["turn"]) != (parts - 1, 3):
        talk.say("AMAZON.NextIntent")
    talk.end("EXCEEDED_MAX_REPROMPTS")  # the last say-back finished, then silence
    again = talk_to(lambda_module)
    text = again.launch()
    assert f"You were at the very end of {exercise.title}" in text
    assert text.endswith("Shall we close it together?")
    assert f"part {parts + 1}" not in text
    text = again.say("AMAZON.YesIntent")
    # The closing, never the last prompt again.
    assert exercise.id in again.finished and "That's the end of this exercise" in text
    assert "microphone is closed" not in text


# -- 5. the quiet names who talks ----------------------------------------------------------------
@pytest.mark.parametrize("opener", ["Maya", "Jordan"])
def test_the_quiet_names_the_partner_who_is_talking_in_both_orders(lambda_module, content, opener):
    exercise = _turn_exercise(content)
    other = "Jordan" if opener == "Maya" else "Maya"
    talk = talk_to(lambda_module)
    _named(talk)
    talk.go_to_offer(content, exercise.id)
    talk.say("FirstSpeakerIntent", firstName=opener.lower())
    text = talk.begin()
    assert f"{opener}, it's your turn" in text and _talker(text) == opener
    # More time, at each stage of the first round, is for whoever is talking.
    for stage, who in enumerate((opener, other, other, opener)):
        assert _talker(talk.text) == who, (stage, talk.text)
        more = talk.say("MoreTimeIntent")
        assert f"more, {who}" in more and _talker(more) == who, (stage, more)
        talk.say("AMAZON.NextIntent")
    rounds = sum(p.turns for p in exercise.prompts)
    heard = [opener, other, other, opener, *_talkers_to_the_end(talk, talk.text)]
    assert heard == _fair(opener, other, rounds), heard


# -- 6. the counsellor sentence, once ------------------------------------------------------------
def test_the_counsellor_sentence_is_said_once_not_again_on_revisiting_the_only_exercise_done(
    lambda_module, content
):
    talk = talk_to(lambda_module)
    _named(talk)
    first = talk.state["offer_target"]
    talk.begin()
    talk.finish_exercise()
    assert talk.text.count(COUNSELLOR) == 1 and talk.finished == [first]
    talk.end()
    again = talk_to(lambda_module)
    again.launch()
    again.go_to_offer(content, first)  # the same exercise, from its step
    again.begin()
    for _ in range(len(content.exercise(first).prompts)):  # next, to its end
        if again.state["situation"] != "reflection":
            break
        again.say("AMAZON.NextIntent")
    assert again.finished == [first] and again.state["situation"] == "offer_begin"
    assert "That's the end of this exercise" in again.text and COUNSELLOR not in again.text


# -- 7. a record from before the first speaker was stored --------------------------------------
def test_an_old_record_without_a_stored_first_speaker_resumes_with_the_one_it_had(lambda_module, content):
    exercise = _turn_exercise(content)
    done = tuple(e.id for e in content.path[: content.path_index(exercise.id)] if e.audience == "together")
    assert len(done) % 2 == 1  # back then, the first speaker alternated with the count finished: Jordan
    old = State(
        welcomed=True, names=("Maya", "Jordan"), roles_asked=True, finished=done,
        exercise_id=exercise.id, started=True,
    ).to_persisted()  # fmt: skip
    del old["first_speaker"]
    _seed(lambda_module, old)
    talk = talk_to(lambda_module)
    assert "it's Jordan's turn to speak" in talk.launch()
    heard = _talkers_to_the_end(talk, talk.say("AMAZON.YesIntent"))
    assert heard == _fair("Jordan", "Maya", sum(p.turns for p in exercise.prompts)), heard


# -- 8. tampered session attributes: a partner index of 7, a turn stage of 4 ----------------------
TAMPERED = {
    "a turn stage of 4": ("turn", 4),
    "a first speaker of 7": ("first_speaker", 7),
    "a partner index of 7 for a recognised voice": ("people", [[MAYA_VOICE, 7]]),
    "a wish to let partner 7 go first": ("next_first", "7"),
}


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_a_bad_partner_index_or_turn_stage_in_the_session_is_refused_at_the_door(
    lambda_module, content, name
):
    exercise = _turn_exercise(content)
    talk = talk_to(lambda_module, person_id=MAYA_VOICE)
    _named(talk)
    talk.go_to_offer(content, exercise.id)
    talk.begin()
    talk.say("AMAZON.NextIntent")  # Jordan says back what Maya said
    before = dict(talk.state)
    assert before["turn"] == 1 and before["people"] == [[MAYA_VOICE, 0]]
    field, value = TAMPERED[name]
    talk.builder.attributes["state"][field] = value
    said = talk.say("AMAZON.NextIntent")
    # The whole session is dropped and the record read again: where they were, as it was.
    assert "with Jordan telling Maya what they heard?" in said, said
    for key in ("turn", "prompt", "first_speaker", "people", "next_first"):
        assert talk.state[key] == before[key], key
    said = talk.say("AMAZON.YesIntent")
    assert _talker(said) == "Jordan" and "tell Maya what you heard" in said
    talk.end()
    kept = _kept(lambda_module)
    assert kept[field] == before[field] and kept["turn"] == 1

"""Turns with the microphone closed, resuming, names and one person alone, through lambda_handler on moto."""

from __future__ import annotations

import re

import pytest

from support.apla_check import apla_of, check_directive
from support.lambda_support import stored_item, talk_to
from trust_renewal.conversation.program import needs_two
from trust_renewal.render.ssml import break_ms
from trust_renewal.storage.dynamo_codec import decode_item

TITLE_WORDS = ("thank you both", "both of you", "you both", "each of you", "partner one", "your partner, it")


def _ssml(talk) -> str:
    return talk.last["response"]["outputSpeech"]["ssml"]


def _quiet_seconds(talk) -> int:
    """The longest quiet the device plays: chained breaks in SSML, or the document's silence."""
    if talk.plays_document:
        longest = run = 0
        for node in check_directive(apla_of(talk.last)).walk():
            if node.type == "Silence":
                run += node.props["duration"]
                longest = max(longest, run)
            elif node.type == "Speech":
                run = 0
        return longest // 1000
    return _ssml_quiet_seconds(_ssml(talk))


def _chimes(talk) -> int:
    if talk.plays_document:
        nodes = check_directive(apla_of(talk.last)).walk()
        return sum(1 for n in nodes if n.type == "Audio" and "chime" in n.props["source"])
    return _ssml(talk).count("<audio")


def _ssml_quiet_seconds(ssml: str) -> int:
    """The longest run of chained breaks in the speech: the timed quiet."""
    longest = run = 0
    for piece in re.findall(r"<break time=\"([^\"]+)\"/>|([^<]+)|<[^>]+>", ssml):
        if piece[0]:
            run += break_ms(piece[0]) or 0
            longest = max(longest, run)
        elif piece[1].strip():
            run = 0
    return longest // 1000


def _to_turn_exercise(talk, content, names: tuple[str, str] | None = ("maya", "jordan")):
    talk.launch()
    if names:
        talk.say("SetNamesIntent", firstName=names[0], secondName=names[1])
    turn_ex = next(ex for ex in content.path if ex.prompts[0].turns)
    talk.say("GoToStepIntent", stepNumber=str(content.step_of(turn_ex.id).number))
    while talk.state["offer_target"] != turn_ex.id:
        talk.say("SkipIntent")
    return turn_ex


@pytest.mark.parametrize("sounds", ["on", "off"])
def test_a_speaker_turn_is_quiet_with_the_microphone_closed_and_next_interrupts_it(
    lambda_module, content, sounds
):
    talk = talk_to(lambda_module)
    _to_turn_exercise(talk, content)
    if sounds == "off":  # plain SSML: the quiet is chained breaks
        talk.say("BackgroundSoundsOffIntent")
    text = talk.say("AMAZON.YesIntent")
    # On a device with sounds on, the quiet plays over a soft bed (APL for Audio); off, it is SSML.
    assert talk.plays_document is (sounds == "on")
    # Who speaks and for about how long, then two minutes of quiet, the chime, one short question.
    assert "Maya, take about two minutes" in text and "Jordan, just listen" in text
    assert _quiet_seconds(talk) == 120 and _chimes(talk) >= 1
    if sounds == "off":
        assert all(break_ms(t) <= 10_000 for t in re.findall(r'<break time="([^"]+)"/>', _ssml(talk)))
    assert text.endswith("Have you finished?") and text.count("?") == 1
    assert talk.last["response"]["shouldEndSession"] is False
    session = talk.builder.session_id
    # "Alexa, more time" during the quiet: another stretch, nothing moves.
    again = talk.say("MoreTimeIntent")
    assert "two minutes more, Maya" in again and talk.state["turn"] == 0 and _quiet_seconds(talk) == 120
    # "Alexa, next" during the quiet moves on at once, in the same session.
    text = talk.say("AMAZON.NextIntent")
    assert talk.builder.session_id == session and talk.state["turn"] == 1
    assert "Jordan, tell Maya what you heard" in text and _quiet_seconds(talk) == 60
    assert talk.state["situation"] == "listener_turn"


def test_silence_after_the_chime_ends_the_session_and_the_next_launch_goes_on_to_jordans_turn(
    lambda_module, content
):
    talk = talk_to(lambda_module)
    turn_ex = _to_turn_exercise(talk, content)
    talk.say("AMAZON.YesIntent")  # Maya speaks; the quiet, the chime, the question
    talk.end("EXCEEDED_MAX_REPROMPTS")  # nobody answered it, nor the reprompt
    kept = decode_item(stored_item(lambda_module))["attributes"]
    assert kept["turn_over"] is True and kept["turn"] == 0
    again = talk_to(lambda_module)
    text = again.launch()
    assert "Shall we go on to Jordan's turn?" in text and turn_ex.title in text
    text = again.say("AMAZON.YesIntent")
    # Jordan's own prompt: never the listener's line from the last session, nor a handoff from it.
    assert again.state["turn"] == 2 and again.state["situation"] == "speaker_turn"
    assert "Jordan" in text and "what you heard" not in text and "switch" not in text
    assert _quiet_seconds(again) == 120


def test_a_one_shot_mid_exercise_says_where_they_are_and_offers_to_carry_on(lambda_module, content):
    talk = talk_to(lambda_module)
    turn_ex = _to_turn_exercise(talk, content)
    talk.say("AMAZON.YesIntent")
    talk.say("AMAZON.NextIntent")  # Jordan says back what Maya said
    # The microphone closed; later: "Alexa, ask trust renewal for today's exercise".
    talk.builder.end_session()
    text = talk.say("TodaysExerciseIntent")
    step = content.step_of(turn_ex.id)
    assert turn_ex.title in text and f"step {step.number}" in text and "Jordan's turn to speak" in text
    assert text.count("?") == 1 and text.endswith("?")
    text = talk.say("AMAZON.YesIntent")
    assert talk.state["turn"] == 2 and "Jordan" in text and "tell Maya what you heard" not in text
    # "Alexa, tell trust renewal I'm done" during Jordan's quiet: where they are, then Maya next.
    talk.builder.end_session()
    text = talk.say("TurnDoneIntent")
    assert "Shall we go on to Maya's turn?" in text


def test_an_unnamed_couple_is_told_once_who_partner_one_is(lambda_module, content):
    talk = talk_to(lambda_module)
    _to_turn_exercise(talk, content, names=None)
    text = talk.say("AMAZON.YesIntent")
    assert "Decide between you who will go first. I'll call that person partner one" in text
    assert "partner one, take about" in text.lower()
    for _ in range(6):
        assert "Decide between you" not in talk.say("AMAZON.NextIntent")
    talk.builder.end_session()
    talk.launch()
    assert "Decide between you" not in talk.say("AMAZON.YesIntent")


def test_call_me_with_two_names_asks_which_partner_and_keeps_both(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    text = talk.say("SetNamesIntent", firstName="sam")
    assert text == "Which of you is Sam: Maya or Jordan?"
    text = talk.say("SetNamesIntent", nameAlone="jordan")  # just the answer
    assert "Maya and Sam" in text
    assert decode_item(stored_item(lambda_module))["attributes"]["names"] == ["Maya", "Sam"]


def test_someone_alone_hears_every_line_for_one_person(lambda_module, content):
    talk = talk_to(lambda_module)
    heard = [talk.launch()]
    heard.append(talk.say("JustMeIntent", firstName="sam"))
    assert "I'll speak just to you" in heard[-1]
    offered = talk.state["offer_target"]
    assert content.exercise(offered).audience == "one"
    for _ in range(3):  # three exercises for one person, one after another
        heard.append(talk.say("AMAZON.YesIntent"))
        for _ in range(12):
            heard.append(talk.say("AMAZON.NextIntent"))
            if talk.state.get("offer_target") and talk.state["situation"] == "offer_begin":
                break
        assert not needs_two(content.exercise(talk.state["exercise_id"]))
    heard.append(talk.say("AMAZON.StopIntent"))
    for text in heard:
        lowered = text.lower()
        assert not any(word in lowered for word in TITLE_WORDS), text
    assert "Take good care of yourself" in heard[-1]


def test_eight_turn_taking_exercises_in_a_row_alternate_who_goes_first(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    openers = []
    while len(openers) < 8:
        target = content.exercise(talk.state["offer_target"])
        if not needs_two(target):
            talk.say("SkipIntent")
            continue
        text = talk.say("AMAZON.YesIntent")
        while talk.state["situation"] != "speaker_turn":  # some open with a prompt for both
            text = talk.say("AMAZON.NextIntent")
        # The first turn says in full who speaks and for how long.
        found = re.search(r"(Maya|Jordan), take about", text)
        assert found is not None, text
        openers.append(found.group(1))
        talk.finish_exercise(limit=60)
    assert openers == ["Maya", "Jordan"] * 4
    # "Let Maya go first" before the next one: she opens it although it would be Jordan's.
    while not needs_two(content.exercise(talk.state["offer_target"])):
        talk.say("SkipIntent")
    assert "Maya goes first" in talk.say("FirstSpeakerIntent", firstName="maya")
    assert "Maya, take about" in talk.say("AMAZON.YesIntent")

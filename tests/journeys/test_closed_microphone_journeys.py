"""Issue 20 through lambda_handler on moto: whoever speaks to each other does it with the microphone closed.

A check-in after the program, an agreement said together, and each part of the
full apology end in a timed quiet of chained breaks, the chime and one short
question; the session stays open (shouldEndSession false) so "Alexa, next" said
during the quiet interrupts and moves on in the same session. Also the small
slips of the issue: "call me Jess" in a turn, a title ending in "?", "a short one
today" after the program.
"""

from __future__ import annotations

import json
import re

from support.apla_check import apla_of, check_directive
from support.lambda_support import USER, talk_to
from trust_renewal.conversation import State
from trust_renewal.render.ssml import break_ms

APOLOGY = "responsibility.the-apology"
AGREEMENT = "acknowledge.we-will-try"


def _quiet_seconds(talk) -> int:
    """The longest quiet the device plays: the document's silences, or chained breaks in SSML."""
    longest = run = 0
    if talk.plays_document:
        for node in check_directive(apla_of(talk.last)).walk():
            if node.type == "Silence":
                run += node.props["duration"]
                longest = max(longest, run)
            elif node.type == "Speech":
                run = 0
        return longest // 1000
    ssml = talk.last["response"]["outputSpeech"]["ssml"]
    assert all(break_ms(t) <= 10_000 for t in re.findall(r'<break time="([^"]+)"/>', ssml))
    for piece in re.findall(r"<break time=\"([^\"]+)\"/>|([^<]+)|<[^>]+>", ssml):
        if piece[0]:
            run += break_ms(piece[0]) or 0
            longest = max(longest, run)
        elif piece[1].strip():
            run = 0
    return longest // 1000


def _closed_and_listening_after(talk, seconds: int) -> None:
    """A quiet of that length, the chime, one question; the session open for "Alexa, next"."""
    assert _quiet_seconds(talk) == seconds
    text = talk.text
    assert "(soft chime)" in text.split("the microphone is closed)")[-1]  # the chime after the quiet
    assert text.rsplit("(soft chime)", 1)[-1].count("?") <= 1
    assert talk.last["response"]["shouldEndSession"] is False and talk.reprompt


def _seed(module, state: State) -> None:
    """Store a couple's progress through the store's own API."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from trust_renewal.envelopes import EnvelopeBuilder

    envelope = EnvelopeBuilder("amzn1.ask.skill.test", user_id=USER).launch()
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    module._runtime.store.save_attributes(request, state.to_persisted())


def test_an_agreement_said_together_is_said_in_a_quiet_and_next_moves_on(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.go_to_offer(content, AGREEMENT)
    text = talk.begin()  # after the safety screening (issue 25)
    first = content.exercise(AGREEMENT).prompts[0]
    assert first.speaks == "each" and "Each of you in turn, say these words" in text
    # How to end the quiet early.
    assert "I won't be listening" in text and "wake me with Alexa, and say next" in text
    _closed_and_listening_after(talk, int(first.speak_minutes * 60))
    assert talk.state["situation"] == "speaking"
    session = talk.builder.session_id
    # "Alexa, next" during the quiet: the next part, in the same session, in its own quiet.
    text = talk.say("AMAZON.NextIntent")
    assert talk.builder.session_id == session and talk.state["prompt"] == 1
    assert "say what you want right now" in text
    _closed_and_listening_after(talk, int(content.exercise(AGREEMENT).prompts[1].speak_minutes * 60))
    # "No" to "have you finished?" is more quiet, and nothing moves.
    text = talk.say("AMAZON.NoIntent")
    assert talk.state["prompt"] == 1 and "more" in text
    _closed_and_listening_after(talk, int(content.exercise(AGREEMENT).prompts[1].speak_minutes * 60))


def test_each_part_of_the_apology_is_spoken_with_the_microphone_closed(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    talk.say("SetNamesIntent", nameAlone="maya")  # Maya was hurt: Jordan apologizes
    assert talk.state["hurt"] == "0"
    talk.go_to_offer(content, APOLOGY)
    apology = content.exercise(APOLOGY)
    text = talk.begin()
    for index, prompt in enumerate(apology.prompts):
        assert talk.state["prompt"] == index
        if prompt.turns:
            break
        who = {"caused": "Jordan", "hurt": "Maya"}[prompt.speaks]
        assert f"while {who} speaks; the microphone is closed" in text, (index, text)
        assert f"{who}, " in text or f", {who}" in text, (index, text)
        _closed_and_listening_after(talk, int(prompt.speak_minutes * 60))
        assert talk.state["situation"] == "speaking"
        text = talk.say("AMAZON.NextIntent")
    else:
        raise AssertionError("the apology ends with a turn")
    # Without roles, the same parts are closed too, for "the partner who is apologizing".
    other = talk_to(lambda_module, user="amzn1.ask.account.NO-ROLES")
    other.launch()
    other.go_to_offer(content, APOLOGY)
    text = other.begin()
    assert "To the partner who is apologizing" in text
    _closed_and_listening_after(other, int(apology.prompts[0].speak_minutes * 60))


def test_a_check_in_after_the_program_is_answered_in_a_quiet(lambda_module, content):
    _seed(lambda_module, State(welcomed=True, finished=tuple(e.id for e in content.path), program_done=True))
    talk = talk_to(lambda_module)
    talk.launch()
    text = talk.say("AMAZON.YesIntent")
    assert talk.state["situation"] == "checkin" and "check-in question" in text
    _closed_and_listening_after(talk, int(content.checkins[0].speak_minutes * 60))
    assert text.endswith("When you've both answered, say next.")
    assert talk.builder.in_session  # "Alexa, next" in the quiet reaches this same session
    text = talk.say("AMAZON.NextIntent")
    assert "Thank you both for sharing" in text and talk.ended


def test_a_short_one_after_the_program_is_a_check_in_not_a_dead_end(lambda_module, content):
    _seed(lambda_module, State(welcomed=True, finished=tuple(e.id for e in content.path), program_done=True))
    talk = talk_to(lambda_module)
    talk.launch()
    text = talk.say("QuickVersionIntent")
    assert "no exercise left" not in text and talk.state["situation"] == "checkin"
    _closed_and_listening_after(talk, int(content.checkins[0].speak_minutes * 60))


def test_call_me_jess_in_a_turn_renames_and_the_turn_goes_on(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="maya", secondName="jordan")
    turn_ex = next(ex for ex in content.path if ex.prompts[0].turns)
    talk.go_to_offer(content, turn_ex.id)
    talk.begin()  # Maya's turn, the quiet, the chime
    assert talk.say("SetNamesIntent", firstName="jess") == "Which of you is Jess: Maya or Jordan?"
    text = talk.say("SetNamesIntent", firstName="maya")
    # Renamed, and straight back to the turn's question: nothing ended.
    assert "Jess and Jordan" in text and text.endswith("?") and "Shall we" not in text
    assert talk.state["situation"] == "speaker_turn" and talk.state["turn"] == 0
    text = talk.say("AMAZON.NextIntent")
    assert talk.state["turn"] == 1 and "Jordan, tell Jess what you heard" in text


def test_a_title_ending_in_a_question_mark_is_not_asked_mid_sentence(lambda_module, content):
    asking = next(ex for ex in content.path if ex.title.endswith("?"))
    talk = talk_to(lambda_module)
    talk.launch()
    talk.go_to_offer(content, asking.id)
    assert asking.title[:-1] in talk.text and f"{asking.title}," not in talk.text
    assert talk.text.count("?") == 1

"""Every reflection in the program fits Alexa's APL for Audio limits."""

from __future__ import annotations

from support.apla_check import check_directive
from trust_renewal.conversation.reply import Reply, ref, say
from trust_renewal.render.apla import guide_directive


def test_every_reflection_in_the_program_fits_alexas_limits(content):
    """Every prompt that holds a pause, alone and after the longest lead the skill puts before one."""
    lead = (say("welcome.first_short"), ref(f"step_intro:{content.steps[0].id}"))
    checked = reflections = 0
    for exercise in content.exercises_by_id.values():
        for index, prompt in enumerate(exercise.prompts):
            if "[pause " not in prompt.say:
                continue
            reflections += 1
            line = ref(f"prompt:{exercise.id}:{index}", speaker="Maya", listener="Jordan")
            for speech in ((line,), (*lead, ref(f"intro:{exercise.id}"), line, say("cue.exercise"))):
                directive = guide_directive(Reply(speech=speech), content, "on", "en-US")
                assert directive is not None, (exercise.id, index)
                check_directive(directive)
                checked += 1
    assert reflections > 90 and checked == 2 * reflections




def test_every_pace_named_in_the_content_is_defined(content):
    from trust_renewal.render.pace import PLAIN, voice

    paces = set(voice()["paces"])
    assert set(voice()["by_kind"].values()) | {voice()["reflections"]} <= paces
    for exercise in content.exercises_by_id.values():
        assert exercise.pace in ("", PLAIN, *paces), exercise.id


def test_every_reflection_is_spoken_slower_than_ordinary_speech(content):
    from trust_renewal.cli.content_report import reflection_pacing

    pacing = reflection_pacing(content)
    assert pacing["reflections"] == pacing["paced"] > 90
    # 150 words a minute is the report's ordinary pace; reflections are slower, silences aside.
    assert pacing["speech_wpm"] == [135]
    assert pacing["overall_wpm"]["median"] < 100
    from trust_renewal.content import load_content

    assert reflection_pacing(load_content("en-GB"))["speech_wpm"] == [135]


def test_a_reflection_in_ssml_keeps_its_breaks_and_sounds_outside_the_speaking_style(content):
    from trust_renewal.render.reply import render_reply
    from trust_renewal.render.ssml import problems

    line = ref(f"prompt:{content.path[0].id}:0")
    us = render_reply(Reply(speech=(line,)), content, "en-US").ssml
    gb = render_reply(Reply(speech=(line,)), content, "en-GB").ssml
    assert problems(f"<speak>{us}</speak>") == [] and problems(f"<speak>{gb}</speak>") == []
    assert us.count('<amazon:domain name="long-form">') == 2 and "long-form" not in gb
    assert '</amazon:domain><break time="4s"/>' in us and '<prosody rate="90%" volume="-2dB">' in gb
    plain = render_reply(Reply(speech=(say("welcome.back"),)), content, "en-US").ssml
    assert "prosody" not in plain

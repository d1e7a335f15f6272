"""The APL for Audio renderer: reflections and quiet turns over a soft bed, limits, fallbacks."""

from __future__ import annotations

import json

from support.apla_check import SOUND_LIBRARY, bed_of, check_directive
from trust_renewal.conversation.reply import Line, Reply, ref, say
from trust_renewal.render.apla import MAX_AUDIO_SECONDS, guide_directive, guide_text, sounds


# -- the document and the sounds ------------------------------------------------------------
def test_every_sound_is_from_amazons_library_with_its_listed_length():
    config = sounds()
    used = [bed["source"] for bed in config["beds"].values()] + [config["chime"]["source"]]
    lengths = [bed["seconds"] for bed in config["beds"].values()] + [config["chime"]["seconds"]]
    for source, seconds in zip(used, lengths, strict=True):
        assert SOUND_LIBRARY[source] == seconds
    # The chime in SSML and in the documents is the same sound.
    from trust_renewal.render.markup import CHIME_URL

    assert config["chime"]["source"] == CHIME_URL


def test_a_reflection_plays_speech_silence_and_the_end_cue_over_a_fadedbed_of(content):
    reflection = content.path[0]
    reply = Reply(speech=(say("welcome.back"), ref(f"prompt:{reflection.id}:0"), say("cue.exercise")))
    directive = guide_directive(reply, content, "on", "en-US")
    root = check_directive(directive)
    sequence = [n.type for n in root.walk() if n.type in ("Speech", "Silence", "Audio")]
    # Said first (no bed), then the reflection with its 4 s and 15 s silences over the bed,
    # then the chime that ends a long pause, then what to say next.
    assert sequence == ["Speech", "Speech", "Silence", "Speech", "Silence", "Audio", "Audio", "Speech"]
    silences = [n.props["duration"] for n in root.walk() if n.type == "Silence"]
    assert silences == [4000, 15000]
    bed = bed_of(root)
    assert bed.props["source"] == sounds()["beds"]["rain"]["source"]
    assert [f["type"] for f in bed.filters] == ["Repeat", "Volume", "FadeIn"]
    assert bed.filters[0]["repeatCount"] == -1 and bed.filters[1]["amount"] == "20%"
    (mixer,) = [n for n in root.walk() if n.type == "Mixer"]
    assert [f["type"] for f in mixer.filters] == ["FadeOut"]
    texts = [n.props["content"] for n in root.walk() if n.type == "Speech"]
    assert "Welcome back" in texts[0] and "prosody" not in texts[0]
    assert 'rate="90%"' in texts[1] and 'amazon:domain name="long-form"' in texts[1]
    assert guide_text(directive).count("(soft rain underneath,") == 2


def test_a_quiet_partner_turn_is_silence_of_its_length_under_water_then_the_chime(content):
    # As the quiet-turn contract has it: the turn prompt, the quiet Line, the question after.
    turn = next(ex for ex in content.path if ex.kind == "turn_taking")
    quiet = Line("quiet", (("seconds", "120"), ("who", "Maya")))
    instruction = ref(f"prompt:{turn.id}:0", speaker="Maya", listener="Jordan")
    reply = Reply(speech=(instruction, quiet, say("cue.turn")))
    directive = guide_directive(reply, content, "on", "en-US")
    root = check_directive(directive)
    (mixer,) = [n for n in root.walk() if n.type == "Mixer"]
    timed = [n for n in mixer.children[0].walk() if n.type == "Silence"]
    assert [n.props["duration"] for n in timed] == [120_000]
    assert bed_of(root).props["source"] == sounds()["beds"]["water"]["source"]
    after = [n.type for n in root.children[-1].walk() if n.type in ("Audio", "Speech")]
    assert after == ["Audio", "Speech"]  # the chime, then the short question
    text = guide_text(directive)
    assert "(gently running water underneath, 120 s, while Maya speaks; the microphone is closed)" in text
    assert "Maya" in text.split("(gently running water")[0]  # the instruction comes first
    neutral = Reply(speech=(Line("quiet", (("seconds", "60"), ("who", "@partner_two"))), say("cue.turn")))
    assert "while partner two speaks" in guide_text(guide_directive(neutral, content, "on", "en-US"))


def test_quieter_lowers_the_bed_and_off_leaves_plain_ssml(content):
    reply = Reply(speech=(ref(f"prompt:{content.path[0].id}:1"),))
    quieter = check_directive(guide_directive(reply, content, "quieter", "en-US"))
    assert bed_of(quieter).filters[1]["amount"] == "10%"
    assert guide_directive(reply, content, "off", "en-US") is None


def test_replies_without_a_reflection_or_quiet_turn_stay_ssml(content):
    plain = Reply(speech=(say("welcome.back"), say("cue.home")))
    assert guide_directive(plain, content, "on", "en-US") is None


def test_long_form_only_where_the_locale_has_it(content):
    reply = Reply(speech=(ref(f"prompt:{content.path[0].id}:1"),))
    gb = json.dumps(guide_directive(reply, content, "on", "en-GB"))
    assert "long-form" not in gb and "prosody" in gb


def test_a_reply_over_alexas_audio_limit_falls_back_to_ssml(content):
    too_long = Line("quiet", (("seconds", str(int(MAX_AUDIO_SECONDS))), ("who", "")))
    assert guide_directive(Reply(speech=(too_long, say("cue.turn"))), content, "on", "en-US") is None
    fits = Line("quiet", (("seconds", "180"), ("who", "")))
    assert guide_directive(Reply(speech=(fits, say("cue.turn"))), content, "on", "en-US") is not None



"""A partner's neutral label that opens a sentence is said and shown capitalised."""

from trust_renewal.render.markup import to_plain, to_ssml


def test_a_label_opening_a_sentence_is_capitalised_in_speech_and_text() -> None:
    markup = "{speaker}, it's your turn. {listener}, just listen. Thank you, {speaker}."
    params = {"speaker": "partner one", "listener": "partner two"}
    expected = "Partner one, it's your turn. Partner two, just listen. Thank you, partner one."
    assert to_plain(markup, params) == expected
    assert to_ssml(markup, params) == expected


def test_a_label_inside_a_sentence_keeps_its_case() -> None:
    assert to_plain("Now, {who}, tell us.", {"who": "partner two"}) == "Now, partner two, tell us."


def test_an_echo_hears_the_label_capitalised_in_a_quiet_turn_too(content) -> None:
    from trust_renewal.conversation.reply import Line, Reply, ref
    from trust_renewal.render.apla import guide_directive, guide_text

    turn = ref("prompt:acknowledge.naming-it:0", speaker="@partner_one", listener="@partner_two")
    quiet = Line("quiet", (("seconds", "120"), ("who", "@partner_one")))
    directive = guide_directive(Reply(speech=(turn, quiet)), content, "on", "en-US")
    assert directive is not None
    text = guide_text(directive)
    assert text.startswith("Partner one, it's your turn.")
    assert "Partner two, just listen" in text

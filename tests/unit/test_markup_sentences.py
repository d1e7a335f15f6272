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

"""Finding one's way in an exercise with turns: "go back", and "whose turn is it?" at an offer.

Through the skill's real request handling on the in-memory store, with Maya and Jordan
at "Naming it together" (speak, say back, swap, say back, for each of four parts).
"""

from __future__ import annotations

from support.turn_couple import in_naming_it, offered_naming_it


def test_go_back_in_a_turn_exercise_goes_back_one_stage_at_a_time(content) -> None:
    talk = in_naming_it(content)
    talk.say("TurnDoneIntent")  # Maya spoke: Jordan says back
    talk.say("TurnDoneIntent")  # swap: Jordan speaks
    assert (talk.state["prompt"], talk.state["turn"]) == (0, 2)
    text = talk.say("AMAZON.PreviousIntent")
    assert text.startswith("Let's go back one.") and "Jordan, tell Maya what you heard" in text
    assert (talk.state["prompt"], talk.state["turn"], talk.state["situation"]) == (0, 1, "listener_turn")
    text = talk.say("AMAZON.PreviousIntent")
    assert text.startswith("Let's go back one.") and "Maya, it's your turn." in text
    assert (talk.state["prompt"], talk.state["turn"], talk.state["situation"]) == (0, 0, "speaker_turn")


def test_who_goes_first_at_the_offer_names_the_first_speaker_and_how_to_swap(content) -> None:
    talk = offered_naming_it(content)
    assert talk.state["situation"] == "offer_begin"
    text = talk.say("WhoseTurnIntent")
    assert text.startswith("Maya goes first this time. To swap, say: let Jordan go first.")
    assert talk.state["situation"] == "offer_begin"  # still the offer: nothing moved


def test_whose_turn_at_an_offer_to_resume_a_say_back_names_the_listener(content) -> None:
    talk = in_naming_it(content)
    talk.say("TurnDoneIntent")  # Maya spoke; Jordan's say-back is next
    talk.end()
    talk.launch()
    assert talk.state["situation"] == "offer_resume"
    assert talk.say("WhoseTurnIntent").startswith("Jordan speaks next.")

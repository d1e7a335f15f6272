"""Answers that cannot swallow meaning: typed into the chat where a name, a role or a number is asked."""

from __future__ import annotations

import pytest

from support.chat_lines import chat_answers
from trust_renewal.conversation.answers import SAFETY_WORDS

pytestmark = pytest.mark.usefixtures("chat_env")


# Each safety route's opening words in en-US (content/data), as the chat prints them.
CRISIS = ("988", "911")


@pytest.mark.parametrize("word", sorted(w for words in SAFETY_WORDS.values() for w in words if " " not in w))
def test_a_safety_word_answered_to_the_names_question_takes_its_safety_route(
    monkeypatch, capsys, tmp_path, word
) -> None:
    said = chat_answers(monkeypatch, capsys, tmp_path, "open trust renewal", "use our names", word)
    assert said["use our names"].endswith("What are your names?")
    assert f", {word.capitalize()}." not in said[word] and "I'll use your name" not in said[word]
    assert any(number in said[word] for number in CRISIS), said[word]


@pytest.mark.parametrize("filler", ["pass", "uh huh", "okay", "next"])
def test_a_filler_or_command_is_never_taken_as_a_name(monkeypatch, capsys, tmp_path, filler) -> None:
    said = chat_answers(
        monkeypatch, capsys, tmp_path, "open trust renewal", "use our names", filler, "Maya and Jordan"
    )
    assert (
        "I'll use your name" not in said[filler] and f"Thank you, {filler.capitalize()}" not in said[filler]
    )
    assert said["Maya and Jordan"].startswith("Thank you, Maya and Jordan.")


@pytest.mark.parametrize("answer", ["pass", "uh huh", "three", "3"])
def test_the_names_question_is_asked_again_after_an_answer_that_is_no_name(
    monkeypatch, capsys, tmp_path, answer
) -> None:
    # "pass" is also TooHardIntent's sample and "three" NumberAloneIntent's bare number: to "what are
    # your names?" neither is a hard question nor step three, so the question comes again.
    said = chat_answers(monkeypatch, capsys, tmp_path, "open trust renewal", "use our names", answer)
    assert said[answer].endswith("What are your names?"), said[answer]
    assert not said[answer].startswith("Step 3"), said[answer]


def test_they_hurt_me_never_reaches_roles_but_the_abuse_line(monkeypatch, capsys, tmp_path) -> None:
    said = chat_answers(monkeypatch, capsys, tmp_path, "open trust renewal", "they hurt me")
    assert any(number in said["they hurt me"] for number in CRISIS), said["they hurt me"]
    assert "first names" not in said["they hurt me"].lower()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("I need a minute", "DistressIntent"),
        ("I need another minute", "MoreTimeIntent"),
        ("we're done now", "AMAZON.StopIntent"),
        ("I'm done", "TurnDoneIntent"),
        ("start again", "AMAZON.StartOverIntent"),
        ("let's start again", "RestartExerciseIntent"),
        ("let's stop here for now", "AMAZON.PauseIntent"),
        ("let's stop now", "AMAZON.StopIntent"),
        ("we want couples counseling", "FindSupportIntent"),
        ("take us to the step on couples counseling", "GoToStepIntent"),
    ],
)
def test_near_collisions_land_where_a_person_means_them(typed, meant) -> None:
    from trust_renewal.cli.matcher import Matcher

    assert Matcher.for_locale("en-US").match(typed).intent == meant

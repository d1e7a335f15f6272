"""Spoken text stays at or below about grade 8, and the listed exceptions stay honest."""

from __future__ import annotations

from importlib import resources

from trust_renewal.cli.content_report import grade_of, read_exceptions, readability
from trust_renewal.content import load_content
from trust_renewal.content.rules import MAX_GRADE

CONTENT = load_content("en-US")
EXCEPTIONS = read_exceptions(resources.files("trust_renewal.content").joinpath("data", "en"))


def test_spoken_program_text_is_at_most_grade_eight_unless_listed() -> None:
    report = readability(CONTENT, EXCEPTIONS)
    assert report["measured"] > 400  # every intro, prompt, closing and check-in of length
    assert report["unlisted"] == [], report["above_max"]


def test_every_listed_exception_is_still_needed_and_explained() -> None:
    report = readability(CONTENT, EXCEPTIONS)
    assert report["stale_exceptions"] == []
    assert all(len(why.split()) >= 5 for why in EXCEPTIONS.values())


def test_the_measure_tells_plain_speech_from_dense_prose() -> None:
    plain = "Think of one moment this week when you felt close. Hold it gently for a while."
    dense = (
        "Contemplate the multidimensional psychological ramifications of interpersonal "
        "betrayal, considering simultaneously the attachment-related vulnerabilities "
        "characteristically activated within committed relationships."
    )
    assert grade_of(plain)[0] <= MAX_GRADE < grade_of(dense)[0]
    assert grade_of("{speaker}, tell {listener} one hope. [pause 5]")[1] == 5


def test_an_unlisted_breach_and_a_stale_exception_are_both_reported() -> None:
    report = readability(CONTENT, {"forgiveness:intro": "kept for testing only, not real"})
    assert "forgiveness:intro" in report["stale_exceptions"]

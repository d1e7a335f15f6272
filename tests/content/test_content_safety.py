"""Crisis lines for every country the skill serves, and a daily question for two months."""

from __future__ import annotations

import re

import pytest

from trust_renewal.content import load_content
from trust_renewal.content.model import CheckIn
from trust_renewal.render.markup import to_ssml

CONTENT = load_content("en-US")
# The numbers each card must show, as checked against the sources in safety.json.
NUMBERS = {
    "US": ["911", "988", "1-800-799-7233", "88788"],
    "GB": ["999", "116 123", "0808 2000 247"],
    "CA": ["911", "988", "sheltersafe.ca"],
    "AU": ["000", "13 11 14", "1800 737 732"],
    "IN": ["112", "14416", "181"],
}

EMERGENCY = {"US": "911", "GB": "999", "CA": "911", "AU": "000", "IN": "112"}


@pytest.mark.parametrize("country", NUMBERS)
def test_each_country_has_its_crisis_line_with_official_sources(country: str) -> None:
    line = CONTENT.crisis_lines[country]
    assert line.name and line.say and line.card
    assert line.source.startswith("https://")
    assert len(line.sources) >= 2
    assert all(url.startswith("https://") for _, url in line.sources)
    for number in NUMBERS[country]:
        assert number in line.card


@pytest.mark.parametrize("country", NUMBERS)
def test_spoken_numbers_are_read_digit_by_digit_slowly(country: str) -> None:
    # Alexa reads "988" as "nine hundred eighty-eight" unless told to read digits.
    line = CONTENT.crisis_lines[country]
    for text in (line.say, *(n.call for n in line.numbers.values())):
        bare = re.sub(r"\[(?:pause [\d.]+|digits [\d -]+)\]", "", text)
        assert not re.search(r"\d", bare), text
    ssml = to_ssml(line.numbers["emergency"].call)
    assert f'<say-as interpret-as="digits">{EMERGENCY[country]}</say-as>' in ssml
    assert '<prosody rate="slow">' in ssml


def test_there_is_a_different_check_in_question_for_every_day_of_two_months() -> None:
    assert len(CONTENT.checkins) >= 64
    assert len({c.id for c in CONTENT.checkins}) == len(CONTENT.checkins)
    assert len({c.say.strip().lower() for c in CONTENT.checkins}) == len(CONTENT.checkins)


@pytest.mark.parametrize("checkin", CONTENT.checkins, ids=lambda c: c.id)
def test_each_check_in_is_a_short_question_either_partner_can_answer(checkin: CheckIn) -> None:
    assert checkin.say.rstrip().endswith("?")
    assert len(checkin.say.split()) <= 25
    assert not re.search(r"[{}\[\]]", checkin.say)
    assert checkin.card.strip()

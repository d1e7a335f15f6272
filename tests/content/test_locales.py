"""Every English locale: spelling overlays that cannot drift, valid speech, the right crisis lines."""

from __future__ import annotations

import pytest

from support.conversation_driver import Talk
from trust_renewal.content import load_content
from trust_renewal.content.loader import _Checker, _data_root, _read_phrases
from trust_renewal.interaction_models import LOCALES
from trust_renewal.render.markup import to_plain, to_ssml
from trust_renewal.render.ssml import problems
from trust_renewal.spelling import locale_spelling, respell
from trust_renewal.storage.memory import MemoryStore

OVERLAID = tuple(loc for loc in LOCALES if loc != "en-US")
COUNTRY = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}


def base_phrases() -> dict[str, str]:
    return _read_phrases(_data_root("en"), _Checker())


@pytest.mark.parametrize("locale", OVERLAID)
def test_each_locale_has_a_spelling_map_of_real_swaps(locale):
    words = locale_spelling(locale)
    assert words, locale
    for american, local in words.items():
        assert american.isalpha() and local.isalpha() and american != local.lower()


@pytest.mark.parametrize("locale", OVERLAID)
def test_each_locale_says_every_phrase_in_its_own_spelling_and_nothing_else_changes(locale):
    expected = {key: respell(text, locale_spelling(locale)) for key, text in base_phrases().items()}
    assert load_content(locale).phrases == expected


@pytest.mark.parametrize("locale", OVERLAID)
def test_program_text_and_cards_are_respelled_but_ids_and_topics_are_not(locale):
    us, local = load_content("en-US"), load_content(locale)
    words = locale_spelling(locale)
    for ours, theirs in zip(us.path, local.path, strict=True):
        assert ours.id == theirs.id
        assert theirs.title == respell(ours.title, words)
        for a, b in zip(ours.prompts, theirs.prompts, strict=True):
            assert b.say == respell(a.say, words) and b.card == respell(a.card, words)
    assert [s.topics for s in us.steps] == [s.topics for s in local.steps]


class _AnyParams(dict):
    def __missing__(self, key: str) -> str:
        return "Sam"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_phrase_of_every_locale_is_valid_alexa_ssml(locale):
    content = load_content(locale)
    for key, text in content.phrases.items():
        ssml = "<speak>" + to_ssml(text, _AnyParams(time="8 p.m.")) + "</speak>"
        assert problems(ssml) == [], (locale, key)


def test_the_locales_really_load_their_spelling():
    assert "programme" in load_content("en-GB").phrase("help.complete")
    assert "program" in load_content("en-AU").phrase("help.complete")
    assert "practised" in load_content("en-IN").phrase("progress.days")
    assert "practiced" in load_content("en-US").phrase("progress.days")
    assert "apologise" in load_content("en-GB").steps[1].title.lower()
    assert "counsellor" in load_content("en-CA").steps[-1].intro + str(
        [p.say for ex in load_content("en-CA").steps[-1].path for p in ex.prompts]
    )


def test_a_british_couple_hears_and_reads_british_spelling():
    talk = Talk.on_store(MemoryStore(), locale="en-GB")
    talk.launch()
    text = talk.say("ProgressIntent")
    assert "practising" in text and "practicing" not in text


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_gives_its_own_countrys_crisis_lines(locale):
    content = load_content(locale)
    line = content.crisis_lines[COUNTRY[locale]]
    talk = Talk.on_store(MemoryStore(), locale=locale)
    talk.launch()
    text = talk.say("SafetyIntent")
    assert all(to_plain(number.call).replace("-", " ") in text for number in line.numbers.values())
    others = [c for country, c in content.crisis_lines.items() if country != COUNTRY[locale]]
    assert all(to_plain(o.numbers["crisis"].call) not in text for o in others)
    assert not talk.ended and not talk.card
    talk.say("SendCardIntent")
    talk.say("AMAZON.YesIntent")
    assert talk.card["content"] == line.card

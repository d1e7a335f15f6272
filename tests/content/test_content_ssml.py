"""Every piece of content renders to SSML that Alexa accepts, with names and without."""

from __future__ import annotations

import re

import pytest

from trust_renewal.cli.content_report import SAMPLE_PARAMS, spoken_pieces
from trust_renewal.content import load_content
from trust_renewal.render.markup import CHIME_URL, to_ssml
from trust_renewal.render.ssml import problems

CONTENT = load_content("en-US")
PIECES = {piece.where: piece.markup for piece in spoken_pieces(CONTENT)}


class _Params(dict):
    """Names for the program's placeholders; phrases may use others the lead defines."""

    def __missing__(self, key: str) -> str:
        return "example"


@pytest.mark.parametrize("params", SAMPLE_PARAMS, ids=["named", "unnamed"])
def test_every_piece_is_valid_alexa_ssml(params: dict[str, str]) -> None:
    broken = {}
    for where, markup in PIECES.items():
        found = problems(f"<speak>{to_ssml(markup, _Params(params))}</speak>")
        if found:
            broken[where] = found
    assert broken == {}


def test_names_that_need_escaping_stay_valid_ssml() -> None:
    params = {"speaker": "Sam & Jo <3", "listener": "A > B", "first": "&", "second": "<"}
    for ex in CONTENT.path:
        for prompt in ex.prompts:
            assert problems(f"<speak>{to_ssml(prompt.say, _Params(params))}</speak>") == []


def test_a_prompt_with_its_intros_fits_one_response() -> None:
    # The first prompt may be spoken together with the step and exercise intros.
    for step in CONTENT.steps:
        for ex in step.path:
            for prompt in ex.prompts:
                markup = " ".join((step.intro, ex.intro, prompt.say))
                ssml = f"<speak>{to_ssml(markup, _Params(SAMPLE_PARAMS[1]))}</speak>"
                assert problems(ssml) == [], ex.id
                assert len(ssml.encode()) < 8000


def test_long_silences_end_with_a_soft_sound_from_the_library() -> None:
    assert CHIME_URL.startswith("soundbank://")
    long_pauses = 0
    for ex in CONTENT.path:
        for prompt in ex.prompts:
            for match in re.finditer(r"\[pause (\d+(?:\.\d+)?)\]", prompt.say):
                if float(match.group(1)) <= 10:
                    continue
                long_pauses += 1
                ssml = to_ssml(match.group(0))
                assert ssml.endswith(f'<audio src="{CHIME_URL}"/>')
                assert all(int(t) <= 10 for t in re.findall(r'<break time="(\d+)s"/>', ssml))
    assert long_pauses >= 11  # at least one long silence in each step's reflection


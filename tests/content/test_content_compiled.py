"""The build's compiled content: checked at build time, equal to the JSON, never stale.

``lambda/Makefile`` runs ``python -m trust_renewal.content.build`` into the
bundle; at INIT the loader reads that pickle instead of parsing and checking
the JSON again. These tests build it the same way into a temporary folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from trust_renewal.content import ContentError, compiled, load_content, loader
from trust_renewal.content.build import build
from trust_renewal.content.compiled import DATA, load_compiled, locale_keys
from trust_renewal.content.loader import load_content_from


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the real content files to edit."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


@pytest.fixture
def clear_caches():
    loader._load.cache_clear()
    loader._compiled.cache_clear()
    yield
    loader._load.cache_clear()
    loader._compiled.cache_clear()


def test_every_locale_compiles_to_exactly_what_the_json_gives(tmp_path: Path):
    out = tmp_path / "compiled.pickle"
    build(out)
    fast = load_compiled(out)
    assert fast is not None
    keys = locale_keys()
    assert ("en", None) in keys and ("en", "en-GB") in keys
    for language, overlay in keys:
        from_json = load_content_from(DATA / language, DATA / overlay if overlay else None)
        assert fast[(language, overlay)] == from_json, (language, overlay)


def test_the_loader_answers_from_the_compiled_file_when_the_bundle_has_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clear_caches
):
    out = tmp_path / "compiled.pickle"
    build(out)
    monkeypatch.setattr(compiled, "COMPILED", out)
    fast = load_compiled(out)
    british = load_content("en-GB")
    assert british == fast[("en", "en-GB")]
    assert british is loader._compiled()[("en", "en-GB")], "taken from the pickle, not rebuilt"
    assert load_content("en-US") == load_content_from(DATA / "en")


def test_an_edited_content_file_makes_the_compiled_file_stale(data: Path, tmp_path: Path):
    out = tmp_path / "compiled.pickle"
    build(out, data)
    assert load_compiled(out, data) is not None
    phrases = data / "en" / "phrases.json"
    book = json.loads(phrases.read_text(encoding="utf-8"))
    key = next(iter(book["phrases"]))
    book["phrases"][key] = "A changed line."
    phrases.write_text(json.dumps(book), encoding="utf-8")
    assert load_compiled(out, data) is None, "the JSON is loaded and checked again"


def test_invalid_content_fails_the_build(data: Path, tmp_path: Path):
    step = sorted((data / "en" / "steps").iterdir())[0]
    raw = json.loads(step.read_text(encoding="utf-8"))
    raw["exercises"][0]["kind"] = "lecture"
    step.write_text(json.dumps(raw), encoding="utf-8")
    out = tmp_path / "compiled.pickle"
    with pytest.raises(ContentError):
        build(out, data)
    assert not out.exists()


def test_a_damaged_compiled_file_is_ignored(tmp_path: Path):
    out = tmp_path / "compiled.pickle"
    out.write_bytes(b"not a pickle")
    assert load_compiled(out) is None
    assert load_compiled(tmp_path / "absent.pickle") is None

"""Shared fixtures: the real content, a skill on a chosen store, a conversation driver, and a
clean environment for the terminal chat."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.conversation_driver import Talk
from trust_renewal.content import load_content
from trust_renewal.storage.memory import MemoryStore


@pytest.fixture(scope="session")
def content():
    return load_content("en-US")


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def lambda_module(monkeypatch):
    """``lambda_function`` imported fresh against a moto table built from template.yaml."""
    # moto loads only for the tests that use it.
    from support.lambda_support import lambda_on_moto

    yield from lambda_on_moto(monkeypatch)


@pytest.fixture
def talk(store: MemoryStore) -> Talk:
    return Talk.on_store(store)


@pytest.fixture
def chat_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A clean environment for the chat: no AWS table, no skill ID, nothing under the real home."""
    for name in ("TABLE_NAME", "STORE", "SKILL_ID", "SQLITE_PATH", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

"""Shared fixtures: the real content, a skill on a chosen store, and a conversation driver."""

from __future__ import annotations

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

"""Shared fixtures: the real content, a skill on a chosen store, and a conversation driver."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# lambda_function.py sits beside the package, as in the Lambda bundle.
sys.path.insert(0, str(ROOT / "lambda"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Tests never reach AWS: fake credentials and a region for boto3/moto.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.pop("AWS_PROFILE", None)

from conversation_driver import SKILL_ID, Talk  # noqa: E402
from trust_renewal.content import load_content  # noqa: E402
from trust_renewal.storage.memory import MemoryStore  # noqa: E402


@pytest.fixture(scope="session")
def content():
    return load_content("en-US")


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def lambda_module(monkeypatch):
    """``lambda_function`` imported fresh against a moto table built from template.yaml."""
    from lambda_support import lambda_on_moto

    yield from lambda_on_moto(monkeypatch)


@pytest.fixture
def talk(store: MemoryStore) -> Talk:
    return Talk.on_store(store)


__all__ = ["SKILL_ID"]

"""`pip install .` ships every package of the skill: a package left out of pyproject fails on import."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_under_lambda_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(module.parent.relative_to(ROOT / "lambda").parts)
        for module in (ROOT / "lambda" / "trust_renewal").rglob("*.py")
    }
    missing = sorted(on_disk - listed - set(config["package-dir"]))
    assert missing == [], f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"
    assert "trust_renewal.interaction_model" in listed  # the models ship as package data for the chat

"""Every test lives in the folder for its kind, so a reader finds it and a run can pick a kind."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
KINDS = {
    "unit": "pure conversation, render, matcher and codecs: no SDK handler, no store, no network",
    "journeys": "through the real entry points: lambda_handler, the Flask app, the terminal chat",
    "content": "the content files: program rules, SSML limits, readability, safety, locales",
    "contracts": "stores, interaction models, the skill package, template.yaml, the SDK we build on",
}
# Files allowed at the top: this check and the pytest setup.
TOP = {"conftest.py", "test_layout.py"}


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p.name.startswith("test_") and ".venv" not in p.parts)


def test_every_test_file_lives_in_a_kind_folder() -> None:
    misplaced = [
        str(p.relative_to(TESTS))
        for p in _test_files()
        if p.name not in TOP and (p.parent.parent != TESTS or p.parent.name not in KINDS)
    ]
    where = "\n".join(f"  tests/{kind}/  {what}" for kind, what in KINDS.items())
    assert misplaced == [], f"move these test files into the folder for their kind:\n{where}\n" + "\n".join(
        misplaced
    )


def test_helpers_live_in_support() -> None:
    stray = sorted(
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if not p.name.startswith("test_")
        and p.name != "conftest.py"
        and p.parent != TESTS / "support"
        and ".venv" not in p.parts
    )
    assert stray == [], "shared helpers belong in tests/support/ (a package the tests import):\n" + "\n".join(
        stray
    )


def test_helpers_live_in_support_and_no_test_module_imports_another() -> None:
    offenders = []
    for path in _test_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{path.relative_to(TESTS)} imports {name}"
                for name in names
                if name.split(".")[-1].startswith("test_") or name.split(".")[0] in KINDS
            ]
    assert offenders == [], "shared helpers belong in tests/support/:\n" + "\n".join(offenders)



def test_the_whole_suite_runs_on_a_fresh_clone() -> None:
    # No skips (a skipped test tells nobody anything) and nothing read from beside the repository:
    # fixture envelopes live in tests/events/, written for this project.
    found = []
    for path in _test_files() + sorted((TESTS / "support").glob("*.py")):
        if path.name == "test_layout.py":
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(TESTS)}: {word}" for word in SKIPS if word in text]
        if '"shared"' in text or "parents[3]" in text:
            found.append(f"{path.relative_to(TESTS)}: reads outside the repository")
    assert found == [], "every test must run (and be able to fail) on a fresh clone:\n" + "\n".join(found)


SKIPS = ("pytest.skip(", "mark.skip", "importorskip", "mark.xfail")

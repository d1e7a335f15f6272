"""`make mutate`: a mutation check of the conversation core and the request gate (not in CI).

mutmut 3 names a mutant by its module path relative to the folder it runs in, and
knows only ``./``, ``src/`` and ``source/`` as source folders; this project keeps
its package in ``lambda/`` (the Lambda bundle's own folder). So the check runs in a
staging copy of the working tree (``build/mutation``) where ``lambda/`` is ``src/``,
with ``lambda`` a link to it, so every test that reads ``lambda/...`` sees the
mutated code. Each mutant runs only the tests that reached the mutated function
(mutmut's recorded stats), stopping at the first failure.

    python scripts/mutate.py                 # every file in TARGETS
    python scripts/mutate.py --only conversation/engine.py
    python scripts/mutate.py --report        # the last run's score and survivors again
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / "build" / "mutation"

# The files whose lines decide what a couple hears and what is saved (issue 27).
TARGETS = (
    "trust_renewal/conversation/*",
    "trust_renewal/conversation/transitions/*",
    "trust_renewal/storage/base.py",
    "trust_renewal/admission.py",
    "trust_renewal/envelope_checks.py",
)
# Tests that run the bundle in a clean interpreter (the mutation trampolines cannot
# import there), or read the source's syntax tree (layout, import direction; under the
# trampolines CPython 3.11's ast.parse can fail with "recursion depth mismatch"):
# none of them decides anything about a mutant's behaviour.
SKIPPED_TESTS = (
    "tests/contracts/test_bundle.py",
    "tests/contracts/test_lean_init.py",
    "tests/contracts/test_imports.py",
    "tests/test_layout.py",
)
COPIED = ("tests", "interaction_model", "events", "bench", "scripts", "docs", "template.yaml",
          "samconfig.toml", "README.md", "Makefile")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache", ".hypothesis")


def stage(targets: tuple[str, ...]) -> None:
    """A fresh staging copy: lambda/ as src/, the rest as it is, and mutmut's config."""
    if STAGE.exists():
        shutil.rmtree(STAGE)
    STAGE.mkdir(parents=True)
    shutil.copytree(ROOT / "lambda", STAGE / "src", ignore=IGNORED)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, STAGE / name, ignore=IGNORED)
        elif source.exists():
            shutil.copy2(source, STAGE / name)
    (STAGE / "lambda").symlink_to("src")
    # mutmut copies src/ into mutants/ and keeps what is already there: the link
    # makes tests that put mutants/lambda on sys.path import the mutated copy.
    (STAGE / "mutants").mkdir()
    (STAGE / "mutants" / "lambda").symlink_to("src")
    only = ", ".join(json.dumps(f"src/{t}") for t in targets)
    also = ", ".join(json.dumps(name) for name in COPIED if (STAGE / name).exists())
    ignore = ", ".join(json.dumps(f"--ignore={t}") for t in SKIPPED_TESTS)
    # The project's own pyproject (tests read it), with mutmut's section added.
    (STAGE / "pyproject.toml").write_text(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        + "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f"only_mutate = [{only}]\n"
        f"also_copy = [{also}]\n"
        f'pytest_add_cli_args = [{ignore}, "-p", "no:cacheprovider", "-q"]\n'
        'pytest_add_cli_args_test_selection = ["tests/"]\n'
    )


def mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).with_name("mutmut")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([str(binary), *args], cwd=STAGE, env=env, text=True, capture_output=True)


def report() -> int:
    """Score over the sampled files, and every survivor with the line it changed."""
    done = mutmut("export-cicd-stats")
    stats_file = STAGE / "mutants" / "mutmut-cicd-stats.json"
    if done.returncode != 0 or not stats_file.exists():
        print(done.stdout, done.stderr, sep="\n")
        return 1
    stats = json.loads(stats_file.read_text())
    killed = stats.get("killed", 0)
    survived = stats.get("survived", 0)
    counted = killed + survived + stats.get("timeout", 0) + stats.get("suspicious", 0)
    score = (killed + stats.get("timeout", 0)) / counted if counted else 0.0
    print(json.dumps(stats, indent=1))
    print(f"score: {score:.1%} of {counted} mutants that ran (killed or timed out)")
    listing = mutmut("results")
    survivors = [line.split(":")[0].strip() for line in listing.stdout.splitlines() if "survived" in line]
    print(f"survivors: {len(survivors)}")
    for name in survivors:
        shown = mutmut("show", name).stdout
        changed = [line for line in shown.splitlines() if line.startswith(("+", "-")) and
                   not line.startswith(("+++", "---"))]
        print(f"- {name}: {' | '.join(line.strip() for line in changed)[:300]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[],
                        help="a file or glob under lambda/trust_renewal (repeatable)")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--report", action="store_true", help="report the last run only")
    args = parser.parse_args(argv)
    if not args.report:
        targets = tuple(f"trust_renewal/{o.removeprefix('trust_renewal/')}" for o in args.only) or TARGETS
        stage(targets)
        run = subprocess.run(
            [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(args.children)],
            cwd=STAGE, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        if run.returncode != 0:
            return run.returncode
    return report()


if __name__ == "__main__":
    raise SystemExit(main())

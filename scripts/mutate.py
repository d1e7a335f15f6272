"""`make mutate`: a mutation check of the conversation core and the request gate (not in CI).

mutmut 3 names a mutant by its module path relative to the folder it runs in, and
knows only ``./``, ``src/`` and ``source/`` as source folders; this project keeps
its package in ``lambda/`` (the Lambda bundle's own folder). So the check runs in a
staging copy of the working tree (``build/mutation``) where ``lambda/`` is ``src/``,
with ``lambda`` a link to it, so every test that reads ``lambda/...`` sees the
mutated code. Each mutant runs only the tests that reached the mutated function
(mutmut's recorded stats), stopping at the first failure.

    python scripts/mutate.py                 # a seeded random sample of 200: the score and survivors
    python scripts/mutate.py --sample 0      # every mutant of every file in TARGETS (many hours)
    python scripts/mutate.py --only conversation/engine.py --sample 0
    python scripts/mutate.py --report        # the last run's score and survivors again

Every mutant of the core is thousands (about 8,000), and a survivor in a function
that most journeys pass through runs most of the suite, so the whole run takes many
hours on two cores. ``--sample N`` draws N mutants at random (``--seed``; the same
seed draws the same mutants from the same code) and gives the score with its 95%
interval: an unbiased estimate of the whole, and its survivors to read one by one.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
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


# mutmut's own first steps of `mutmut run` (generate the mutants, record which tests reach
# each function), without running any mutant: the sample is drawn from what they produce.
PREPARE = """
import os, sys
from mutmut.__main__ import (collect_or_load_stats, copy_also_copy_files, copy_src_dir,
    create_mutants, get_mutant_runner, set_mutant_under_test, setup_source_paths,
    store_lines_covered_by_tests)
children = int(sys.argv[1])
set_mutant_under_test("mutant_generation")
os.makedirs("mutants", exist_ok=True)
copy_src_dir(); copy_also_copy_files(); setup_source_paths(); store_lines_covered_by_tests()
create_mutants(children)
collect_or_load_stats(get_mutant_runner(children))
"""
SAMPLE_FILE = STAGE / "mutants" / "sample.json"
# mutmut's exit codes (mutmut/stats.py): 1 and 3 kill, 0 survives, 5 and 33 mean no test
# reached the mutant (counted as not killed: nothing would notice it), 36 and the SIGXCPU
# codes are timeouts (counted as killed: the mutant hangs the skill), None not yet run.
KILLED = {1, 3, 36, 24, -24, 152, 255}
NOT_RUN = {None, 2, 34}


def verdicts() -> dict[str, int | None]:
    """Every mutant's exit code, from mutmut's per-file records."""
    found: dict[str, int | None] = {}
    for meta in (STAGE / "mutants").rglob("*.py.meta"):
        found.update(json.loads(meta.read_text()).get("exit_code_by_key", {}))
    return found


def draw(size: int, seed: int) -> list[str]:
    names = sorted(verdicts())
    chosen = sorted(random.Random(seed).sample(names, min(size, len(names))))
    SAMPLE_FILE.write_text(json.dumps({"seed": seed, "of": len(names), "mutants": chosen}, indent=1))
    return chosen


def wilson(killed: int, n: int) -> tuple[float, float]:
    """The 95% interval of a proportion measured on a random sample."""
    if not n:
        return 0.0, 0.0
    z, p = 1.96, killed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def report() -> int:
    """The score (over the sample, if one was drawn), and every survivor with the line it changed."""
    codes = verdicts()
    if not codes:
        print("no mutants: run the check first")
        return 1
    sample = json.loads(SAMPLE_FILE.read_text()) if SAMPLE_FILE.exists() else None
    names = sample["mutants"] if sample else sorted(codes)
    ran = [n for n in names if codes.get(n) not in NOT_RUN]
    killed = [n for n in ran if codes[n] in KILLED]
    survivors = [n for n in ran if n not in killed]
    what = f"a random sample of {len(names)} of {sample['of']} (seed {sample['seed']})" if sample else "all"
    print(f"mutants: {what}; {len(ran)} ran, {len(names) - len(ran)} not run")
    low, high = wilson(len(killed), len(ran))
    print(f"score: {len(killed)}/{len(ran)} killed = {len(killed) / max(len(ran), 1):.1%}"
          + (f" (95% interval {low:.1%} to {high:.1%})" if sample else ""))
    print(f"survivors: {len(survivors)}")
    for name in survivors:
        shown = mutmut("show", name).stdout
        changed = [line for line in shown.splitlines() if line.startswith(("+", "-")) and
                   not line.startswith(("+++", "---"))]
        why = "no test reaches it" if codes[name] in {5, 33} else "survived"
        print(f"- {name} ({why}): {' | '.join(line.strip() for line in changed)[:300]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[],
                        help="a file or glob under lambda/trust_renewal (repeatable)")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    # A sample of 200 takes about an hour on two cores; 0 runs every mutant (many hours).
    parser.add_argument("--sample", type=int, default=200,
                        help="run a random sample of this many mutants (0: every mutant)")
    parser.add_argument("--seed", type=int, default=27, help="the sample's seed")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the staging copy and what mutmut recorded, with today's code and tests")
    parser.add_argument("--survivors", action="store_true",
                        help="with --keep: run only the mutants not yet killed (survivors, and any not run)")
    parser.add_argument("--report", action="store_true", help="report the last run only")
    args = parser.parse_args(argv)
    if args.report:
        return report()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if not args.keep:
        targets = tuple(f"trust_renewal/{o.removeprefix('trust_renewal/')}" for o in args.only) or TARGETS
        stage(targets)
    else:
        # The code and tests as they are now: mutmut mutates again only the files that changed,
        # forgets the verdicts of functions whose code changed, and records what new tests reach.
        shutil.copytree(ROOT / "lambda", STAGE / "src", ignore=IGNORED, dirs_exist_ok=True)
        shutil.copytree(ROOT / "tests", STAGE / "tests", ignore=IGNORED, dirs_exist_ok=True)
    names: list[str] = []
    if args.sample:
        if not (args.keep and SAMPLE_FILE.exists()):
            prepared = subprocess.run([sys.executable, "-c", PREPARE, str(args.children)], cwd=STAGE, env=env)
            if prepared.returncode != 0:
                return prepared.returncode
            draw(args.sample, args.seed)
        names = json.loads(SAMPLE_FILE.read_text())["mutants"]
    if args.survivors:
        codes = verdicts()
        names = [n for n in (names or sorted(codes)) if codes.get(n) not in KILLED]
        if not names:
            return report()
    run = subprocess.run(
        [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(args.children), *names],
        cwd=STAGE, env=env,
    )
    if run.returncode != 0:
        return run.returncode
    return report()


if __name__ == "__main__":
    raise SystemExit(main())

"""The Lambda bundle's hashed lock: ``lambda/requirements.lock`` from ``lambda/requirements.txt``.

The bundle runs on CPython 3.13 on arm64 (template.yaml), so the lock is resolved
for that target whatever machine runs this: pip resolves with ``--platform
manylinux2014_aarch64 --python-version 3.13 --implementation cp --only-binary=:all:``
and reports the exact file it would install for each package, with its sha256.
``lambda/Makefile`` installs with ``--require-hashes`` from the lock, so a build
installs those files or fails.

    python scripts/lock_bundle.py           # write lambda/requirements.lock (needs the package index)
    python scripts/lock_bundle.py --check   # offline: is the lock current for requirements.txt?

``--check`` (run by the tests) never asks the index: the lock records the sha256 of the
requirements.txt it was made from, and every requirement there must be pinned in
the lock with a hash and a version the requirement allows. What the index releases
tomorrow cannot turn CI red; changing requirements.txt without relocking does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LAMBDA = Path(__file__).resolve().parent.parent / "lambda"
REQUIREMENTS = LAMBDA / "requirements.txt"
LOCK = LAMBDA / "requirements.lock"
# The runtime in template.yaml: python3.13 on arm64 (Amazon Linux 2023, glibc 2.34).
TARGET = ["--platform", "manylinux2014_aarch64", "--python-version", "3.13", "--implementation", "cp"]
TARGET_TEXT = "CPython 3.13 on manylinux2014_aarch64 (Lambda python3.13, arm64)"
RELOCK = "run python scripts/lock_bundle.py"
_SOURCE = re.compile(r"^# requirements\.txt sha256: ([0-9a-f]{64})$", re.M)
_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)\s*\\?$")
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def source_digest(requirements: Path = REQUIREMENTS) -> str:
    return hashlib.sha256(requirements.read_bytes()).hexdigest()


def resolve(requirements: Path = REQUIREMENTS) -> list[tuple[str, str, str]]:
    """(name, version, sha256) of every file pip would install for the target."""
    with tempfile.TemporaryDirectory() as temp:
        report = Path(temp) / "report.json"
        command = [
            sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
            "--only-binary=:all:", *TARGET, "--target", str(Path(temp) / "target"),
            "--report", str(report), "-r", str(requirements),
        ]  # fmt: skip
        subprocess.run(command, check=True)
        installs = json.loads(report.read_text())["install"]
    pins = []
    for item in installs:
        digest = item["download_info"].get("archive_info", {}).get("hashes", {}).get("sha256")
        if not digest:
            raise SystemExit(f"pip gave no sha256 for {item['metadata']['name']}")
        pins.append((item["metadata"]["name"].lower(), item["metadata"]["version"], digest))
    return sorted(pins)


def lock_text(pins: list[tuple[str, str, str]], digest: str) -> str:
    lines = [
        "# The Lambda bundle's dependencies, pinned with hashes. Generated: do not edit.",
        "# Regenerate with `python scripts/lock_bundle.py` after changing requirements.txt.",
        f"# Resolved for {TARGET_TEXT}.",
        f"# requirements.txt sha256: {digest}",
    ]
    for name, version, sha in pins:
        lines += [f"{name}=={version} \\", f"    --hash=sha256:{sha}"]
    return "\n".join(lines) + "\n"


def read_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) from a lock file's text."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in text.splitlines():
        if (pin := _PIN.match(line.strip())) is not None:
            current = pin.group(1).lower().replace("_", "-")
            pins[current] = (pin.group(2), [])
        elif current and (found := _HASH.search(line)):
            pins[current][1].append(found.group(1))
    return pins


def problems(requirements: Path = REQUIREMENTS, lock: Path = LOCK) -> list[str]:
    """Why the lock is not current for the requirements (empty: it is). Offline."""
    from packaging.requirements import Requirement

    if not lock.is_file():
        return [f"{lock.name} is missing: {RELOCK}"]
    text = lock.read_text(encoding="utf-8")
    found: list[str] = []
    recorded = _SOURCE.search(text)
    if not recorded or recorded.group(1) != source_digest(requirements):
        found.append(f"{lock.name} was not made from this requirements.txt: {RELOCK}")
    pins = read_lock(text)
    for name, (version, hashes) in pins.items():
        if not hashes:
            found.append(f"{name}=={version} has no hash in {lock.name}")
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        pinned = pins.get(requirement.name.lower().replace("_", "-"))
        if pinned is None:
            found.append(f"{requirement.name} is required but not in {lock.name}")
        elif not requirement.specifier.contains(pinned[0], prereleases=True):
            found.append(f"{lock.name} pins {requirement.name}=={pinned[0]}, which {line!r} does not allow")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check offline that the lock is current")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        for problem in found:
            print(problem, file=sys.stderr)
        if not found:
            print(f"{LOCK.name} is current for requirements.txt")
        return 1 if found else 0
    LOCK.write_text(lock_text(resolve(), source_digest()), encoding="utf-8")
    print(f"wrote {LOCK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

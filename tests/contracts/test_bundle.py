"""The Lambda bundle ``sam build`` makes: locked, built for python3.13 on arm64, and it answers Alexa.

The bundle is built here exactly as ``sam build`` builds it (``make build-SkillFunction``
in lambda/, into a temporary folder), then imported in a separate interpreter that sees
nothing but the bundle and the standard library, and given the sample events.
Its dependencies are arm64 wheels; all but charset-normalizer are pure Python, and
that one ships its pure-Python modules beside the arm64 extensions, so the same
bundle imports on this machine (the extensions are simply not loaded here).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trust_renewal.render.ssml import problems as ssml_problems

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import lock_bundle  # noqa: E402

SAMPLE_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


# -- the lock ---------------------------------------------------------------------------------
def test_the_lock_is_current_for_the_requirements():
    assert lock_bundle.problems() == []


def test_every_locked_file_has_a_hash_and_every_requirement_a_pin():
    pins = lock_bundle.read_lock(lock_bundle.LOCK.read_text())
    assert {"ask-sdk-core", "tzdata", "python-dateutil"} <= set(pins)
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for _, hashes in pins.values() for h in hashes)
    assert all(hashes for _, hashes in pins.values())


def test_changing_the_requirements_without_relocking_is_caught(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(lock_bundle.REQUIREMENTS.read_text() + "cryptography==45.0.0\n")
    found = lock_bundle.problems(requirements, lock_bundle.LOCK)
    stale = "requirements.lock was not made from this requirements.txt: run python scripts/lock_bundle.py"
    assert stale in found
    assert "cryptography is required but not in requirements.lock" in found


def test_a_pin_the_requirements_forbid_is_named(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("tzdata<2000\n")
    lock = tmp_path / "requirements.lock"
    text = lock_bundle.LOCK.read_text()
    digest = lock_bundle.source_digest(requirements)
    lock.write_text(re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", text))
    (found,) = lock_bundle.problems(requirements, lock)
    assert re.fullmatch(r"requirements\.lock pins tzdata==\S+, which 'tzdata<2000' does not allow", found)


# -- the bundle ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    # The Python running the tests builds, as a plain `sam build` on a developer's machine would.
    subprocess.run(
        ["make", "-s", "-C", str(ROOT / "lambda"), "build-SkillFunction", f"ARTIFACTS_DIR={out}",
         f"PYTHON={sys.executable}", f"RUNTIME_PYTHON={sys.executable}"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out


def test_the_bundle_holds_exactly_the_locked_packages(bundle):
    pins = lock_bundle.read_lock(lock_bundle.LOCK.read_text())
    installed = {}
    for meta in bundle.glob("*.dist-info/METADATA"):
        text = meta.read_text(encoding="utf-8")
        name = re.search(r"^Name: (.+)$", text, re.M).group(1).strip().lower().replace("_", "-")
        installed[name] = re.search(r"^Version: (.+)$", text, re.M).group(1).strip()
    assert installed == {name: version for name, (version, _) in pins.items()}


def test_binary_wheels_are_for_arm64_and_python_313(bundle):
    extensions = [p.name for p in bundle.rglob("*.so")]
    assert extensions, "no compiled wheel in the bundle: the platform flags were not tested"
    assert all(name.endswith(".cpython-313-aarch64-linux-gnu.so") for name in extensions), extensions


def test_bytecode_is_only_ever_for_python_313(bundle):
    tags = {p.name.split(".")[-2] for p in bundle.rglob("*.pyc")}
    if sys.version_info[:2] == (3, 13):
        assert tags == {"cpython-313"}
    else:
        # This machine's Python is not the runtime's: no bytecode rather than the wrong one.
        assert tags == set(), tags


def test_the_bundle_imports_alone_and_answers_the_sample_events(bundle):
    events = sorted(p for p in (ROOT / "events").glob("*.json") if p.name != "local_env.json")
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(bundle)!r})\n"
        "import lambda_function, ask_sdk_core, trust_renewal\n"
        "files = [lambda_function.__file__, ask_sdk_core.__file__, trust_renewal.__file__]\n"
        "out = {'files': files, 'answers': {}}\n"
        "for path in sys.argv[1:]:\n"
        "    with open(path) as f:\n"
        "        out['answers'][path] = lambda_function.lambda_handler(json.load(f), None)\n"
        "print(json.dumps(out))\n"
    )
    env = {
        "STORE": "memory",
        "SKILL_ID": SAMPLE_SKILL_ID,
        "LOG_LEVEL": "ERROR",
        "ALEXA_API_URL": "http://127.0.0.1:9",  # the sample events carry a token; no call leaves this machine
        "PATH": "/usr/bin:/bin",
    }
    # -I -S: no site-packages, no environment paths; only the bundle and the standard library.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-W", "ignore", "-c", script, *map(str, events)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(f.startswith(str(bundle)) for f in out["files"]), out["files"]
    answers = {Path(k).name: v for k, v in out["answers"].items()}
    assert set(answers) == {p.name for p in events}
    for name, answer in answers.items():
        assert answer.get("version") == "1.0" and "error" not in answer, (name, answer)
        speech = (answer["response"].get("outputSpeech") or {}).get("ssml")
        if speech:
            assert ssml_problems(speech) == [], name
    assert "Trust Renewal" in answers["launch.json"]["response"]["outputSpeech"]["ssml"]
    assert answers["stop.json"]["response"]["shouldEndSession"] is True
    assert "outputSpeech" not in answers["skill_disabled.json"]["response"]

"""The Lambda bundle ``sam build`` makes: locked, built for python3.13 on arm64, and it answers Alexa.

The bundle is built here exactly as ``sam build`` builds it (``make build-SkillFunction``
in lambda/, into a temporary folder), then imported in a separate interpreter that sees
nothing but the bundle and the standard library, and given the sample events.
Its dependencies are arm64 wheels; all but charset-normalizer are pure Python, and
that one ships its pure-Python modules beside the arm64 extensions, so the same
bundle imports on this machine (the extensions are simply not loaded here).
"""

from __future__ import annotations

import ast
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


def test_the_statistical_nlu_stays_out_of_the_lambda():
    # scikit-learn serves `trust-renewal nlu` and the chat only: the Lambda never installs or imports it.
    requirements = lock_bundle.REQUIREMENTS.read_text().lower()
    assert "scikit" not in requirements and "sklearn" not in requirements
    package = ROOT / "lambda" / "trust_renewal"
    for path in package.rglob("*.py"):
        if path.relative_to(package).parts[0] == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.startswith(("sklearn", "trust_renewal.cli"))], path


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
# CPython 3.13's bytecode magic number (importlib.util.MAGIC_NUMBER): 3571, then \r\n.
RUNTIME_MAGIC = (3571).to_bytes(2, "little") + b"\r\n"
# The unzipped bundle, with bytecode, is about 18 MB (52 MB before botocore's full data was
# left out); Lambda allows 250 MB, but every cold start fetches and unpacks it.
MAX_BUNDLE_BYTES = 25_000_000


@pytest.fixture(scope="module")
def runtime_python() -> str:
    """The Python 3.13 the Makefile compiles with (lambda/runtime_python.sh), as a build would find it."""
    found = subprocess.run(
        ["sh", str(ROOT / "lambda" / "runtime_python.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found, "no Python 3.13 on this machine (python3.13, pyenv or uv): the bundle would lack bytecode"
    return found


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, runtime_python) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    # The Python running the tests builds, as a plain `sam build` on a developer's machine would
    # (the Makefile finds a Python 3.13 for the bytecode by itself).
    subprocess.run(
        ["make", "-s", "-C", str(ROOT / "lambda"), "build-SkillFunction", f"ARTIFACTS_DIR={out}",
         f"PYTHON={sys.executable}"],
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


def test_every_module_has_bytecode_for_the_runtime(bundle, runtime_python):
    # Built by a Python 3.11 (the tests'), compiled by the 3.13 the Makefile found.
    magic = subprocess.run(
        [runtime_python, "-c", "import importlib.util as u, sys; sys.stdout.write(u.MAGIC_NUMBER.hex())"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert bytes.fromhex(magic) == RUNTIME_MAGIC
    pycs = list(bundle.rglob("*.pyc"))
    assert {p.name.split(".")[-2] for p in pycs} == {"cpython-313"}
    assert all(p.read_bytes()[:4] == RUNTIME_MAGIC for p in pycs)
    sources = [p for p in bundle.rglob("*.py") if "__pycache__" not in p.parts]
    missing = [p for p in sources if not (p.parent / "__pycache__" / f"{p.stem}.cpython-313.pyc").exists()]
    assert missing == [], missing[:5]


def test_the_bundle_is_lean(bundle):
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    assert size < MAX_BUNDLE_BYTES, size
    assert not (bundle / "botocore" / "data").exists()  # the client reads botocore_data/ only
    assert (bundle / "botocore_data" / "dynamodb").is_dir()


def test_importing_the_bundle_on_the_runtime_prints_nothing_and_dynamodb_works(bundle, runtime_python):
    # As on Lambda: the runtime's Python, a read-only code folder (-B), nothing but the bundle.
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(bundle)!r})\n"
        "import lambda_function\n"
        "from botocore.stub import Stubber\n"
        "from trust_renewal.storage.dynamodb import DynamoDbStore\n"
        "client = DynamoDbStore('progress', region='eu-west-1')._make_client()\n"
        "key = {'TableName': 'progress', 'Key': {'id': {'S': 'k'}}}\n"
        "with Stubber(client) as stub:\n"
        "    stub.add_response('get_item', {'Item': {'id': {'S': 'k'}}}, key)\n"
        "    assert client.get_item(**key)['Item'] == {'id': {'S': 'k'}}\n"
        "print(client.meta.endpoint_url)\n"
    )
    env = {"STORE": "memory", "SKILL_ID": SAMPLE_SKILL_ID, "PATH": "/usr/bin:/bin"}
    run = [runtime_python, "-B", "-I", "-S", "-c"]
    imported = subprocess.run(
        [*run, script.split("from botocore")[0]], capture_output=True, text=True, env=env, check=False
    )
    assert imported.returncode == 0 and imported.stderr == "", imported.stderr[-2000:]
    # botocore's own INFO line about where it found credentials is a log, not a warning.
    env |= {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "LOG_LEVEL": "WARNING"}
    result = subprocess.run([*run, script], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr[-2000:]
    assert result.stdout.strip() == "https://dynamodb.eu-west-1.amazonaws.com"


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
    # -B: Lambda's code folder is read-only; this Python is not the runtime's, so it compiles.
    result = subprocess.run(
        [sys.executable, "-B", "-I", "-S", "-c", script, *map(str, events)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""  # no SyntaxWarning from compiling the dependencies, nothing else
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

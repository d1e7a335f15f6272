"""The performance benchmark (issue 7): ``.venv/bin/python bench/run.py [--quick] [--markdown]``.

Everything runs on this machine, on loopback, and stops by itself:

1. Cold start: fresh ``python -S`` processes answer one LaunchRequest that reads
   and writes DynamoDB: the skill (``lambda_function``) for a returning couple
   whose device's time zone is kept for the day (most session starts) and for a
   new couple (the zone asked from the Settings API stub), a baseline on the
   SDK's own DynamoDB adapter (``baseline_skill``) and the floor any
   ask-sdk-core + botocore skill pays (``floor_skill``), interleaved, medians.
   They run from a bundle built the way ``sam build`` builds ``lambda/``
   (``lambda/Makefile``'s lean-init step included), without .pyc and then
   byte-compiled, as it ships.
2. Warm turns: the 20-turn guided session through ``lambda_handler``, both skills
   in one process, sessions alternating; session starts and mid-session turns apart.
3. Storage calls: DynamoDB operations per turn, from botocore's event hooks.
4. Memory: peak RSS of the cold-start processes.
5. Web service: ``trust-renewal serve`` (waitress) under a bounded load from a second process.
6. Time zones: Settings API calls over 20 sessions of one device on one day, then the next day.

Every envelope carries an API access token, as Alexa's do. Alexa's Settings API
is a stub on loopback (``tests/support/settings_stub.py``), which the skill
reaches through its ``ALEXA_API_URL`` setting, set here only. DynamoDB is moto
in server mode on 127.0.0.1, reached by every skill through boto3's standard
``AWS_ENDPOINT_URL_DYNAMODB``. Figures are printed, never asserted: this is not
part of the test run.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import py_compile
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT / "tests")]

from guided_session import DEVICE, READ_ONLY_TURNS, SKILL_ID, builder, launch_envelope, new_user  # noqa: E402
from report import Row, machine_lines, markdown_table, median, percentile, table  # noqa: E402

from support.settings_stub import settings_stub  # noqa: E402

SKILL_TABLE = "trust-renewal-progress-bench"
BASELINE_TABLE = "baseline-counter-bench"
REGION = "us-east-1"
LOOPBACK = "127.0.0.1"
CHILD_TIMEOUT_S = 120  # any one child process; a hung child fails the run, never blocks it


class BenchError(RuntimeError):
    """A part of the benchmark could not run; the message says which."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_until(ready: Any, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise BenchError(f"{what} did not come up within {timeout:.0f} s")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def background(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A server process for the length of the block; always stopped afterwards."""
    with open(log, "wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def base_env(endpoint: str, settings_api: str) -> dict[str, str]:
    """Fake credentials, a region, moto's endpoint and the Settings API stub: nothing leaves the machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_SESSION_TOKEN": "bench",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            # No ~/.aws files: a developer's own profile must not leak in.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "TABLE_NAME": SKILL_TABLE,
            "SKILL_ID": SKILL_ID,
            "LOG_LEVEL": "INFO",
            "BASELINE_TABLE": BASELINE_TABLE,
            "ALEXA_API_URL": settings_api,
        }
    )
    env.pop("STORE", None)
    return env


def dynamo_client(endpoint: str) -> Any:
    import botocore.session

    return botocore.session.get_session().create_client(
        "dynamodb",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )


def create_tables(client: Any) -> None:
    # The skill's table exactly as template.yaml declares it (shared with the tests).
    from support.dynamo_support import create_progress_table

    create_progress_table(client, SKILL_TABLE)
    client.create_table(
        TableName=BASELINE_TABLE,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def run_child(command: list[str], env: dict[str, str], stdin: str = "") -> dict[str, Any]:
    """Run a bench child; its last stdout line is its JSON report."""
    with tempfile.TemporaryFile() as errors:
        done = subprocess.run(
            command,
            input=stdin.encode(),
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise BenchError(f"{' '.join(command[1:3])} failed ({done.returncode}):\n{tail}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


# -- 1 and 4: cold start and memory ---------------------------------------------
def lambda_like_env(env: dict[str, str], code: Path) -> dict[str, str]:
    """Children run like Lambda runs a function: its code and the dependencies on the path.

    They start with ``python -S``, so the venv's .pth hooks (an editable-install
    finder Lambda never has) add nothing, and write no .pyc files.
    """
    paths = [str(code), sysconfig.get_paths()["purelib"]]
    return {**env, "PYTHONPATH": os.pathsep.join(paths), "PYTHONDONTWRITEBYTECODE": "1"}


def make_bundle(scratch: Path, compiled: bool) -> Path:
    """What ``sam build`` builds from lambda/ (the Makefile's lean-init step too), plus the baseline.

    The dependencies stay in the venv (on PYTHONPATH), so their bytecode is there
    for both skills alike. With ``compiled`` the bundle is byte-compiled as
    lambda/Makefile does; without, it is what a build without that step ships.
    """
    bundle = scratch / ("bundle-pyc" if compiled else "bundle")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "requirements.txt", "Makefile")
    shutil.copytree(ROOT / "lambda", bundle, ignore=skip)
    lean_init = ["make", "--no-print-directory", "-C", str(ROOT / "lambda"), "lean-init",
                 f"ARTIFACTS_DIR={bundle}", f"PYTHON={sys.executable}"]
    done = subprocess.run(lean_init, capture_output=True, timeout=CHILD_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise BenchError(f"lambda/Makefile lean-init failed:\n{done.stderr.decode()[-2000:]}")
    for runner in ("baseline_skill.py", "floor_skill.py", "cold_start.py"):
        shutil.copy2(BENCH / runner, bundle / runner)
    if compiled:
        unchecked = py_compile.PycInvalidationMode.UNCHECKED_HASH  # as lambda/Makefile compiles
        compileall.compile_dir(str(bundle), quiet=1, invalidation_mode=unchecked)
    return bundle


def seed_returning_couple(checker: Any, user: str) -> None:
    """A couple who used the skill earlier today on this device: welcomed, its time zone kept.

    Written through the skill's own store and state code, as a session would have left it.
    """
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from trust_renewal.conversation import State
    from trust_renewal.handlers.time_zones import device_key, with_zone
    from trust_renewal.storage.dynamodb import DynamoDbStore

    envelope = builder(user).launch()
    day = envelope["request"]["timestamp"][:10]
    state = with_zone(State(welcomed=True), device_key(DEVICE), "America/Chicago", day)
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    DynamoDbStore(SKILL_TABLE, client=checker).save_attributes(request, state.to_persisted())


# Cold-start runs: (what cold_start.py imports, whose launch).
COLD_TARGETS = {
    "skill": ("skill", "returning"),
    "skill-new": ("skill", "new"),
    "baseline": ("baseline", "new"),
    "floor": ("floor", "new"),
}


def one_cold_start(
    target: str, env: dict[str, str], bundle: Path, checker: Any, stub: Any
) -> dict[str, Any]:
    module, couple = COLD_TARGETS[target]
    user = new_user()
    if couple == "returning":
        seed_returning_couple(checker, user)
    envelope = launch_envelope(user)
    lookups = stub.zone_calls()
    command = [sys.executable, "-S", str(bundle / "cold_start.py"), module]
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors
        )
        assert process.stdin is not None and process.stdout is not None
        watchdog = threading.Timer(CHILD_TIMEOUT_S, process.kill)  # a hung child ends the run
        watchdog.start()
        try:
            process.stdin.write(json.dumps(envelope).encode())
            process.stdin.close()
            line = process.stdout.readline()
            answered = time.perf_counter()  # the answer is out; interpreter teardown is not counted
            process.wait()
        finally:
            watchdog.cancel()
            process.stdout.close()
        if process.returncode != 0 or not line:
            errors.seek(0)
            raise BenchError(f"{target} cold start failed:\n{errors.read().decode()[-2000:]}")
    report = json.loads(line)
    if report["error"] or not report["spoke"]:
        raise BenchError(f"{target} cold start did not answer properly: {report}")
    if not stored(checker, module, envelope):
        raise BenchError(f"{target} cold start did not write DynamoDB")
    report["wall_s"] = answered - started
    report["zone_lookups"] = stub.zone_calls() - lookups
    return report


def stored(checker: Any, target: str, envelope: dict[str, Any]) -> bool:
    from trust_renewal.storage.base import user_key

    user = envelope["context"]["System"]["user"]["userId"]
    if target == "skill":
        key, table_name = user_key(user), SKILL_TABLE
    else:  # the baseline and the floor key by the raw user ID, in the baseline's table
        key, table_name = user, BASELINE_TABLE
    return "Item" in checker.get_item(TableName=table_name, Key={"id": {"S": key}})


Results = dict[str, list[dict[str, Any]]]


def cold_starts(
    env: dict[str, str], bundles: dict[str, Path], checker: Any, runs: int, stub: Any
) -> dict[str, Results]:
    """Cold starts of every target from every bundle, all interleaved; results by bundle, then target."""
    envs = {name: lambda_like_env(env, bundle) for name, bundle in bundles.items()}
    plan = [(name, target) for name in bundles for target in COLD_TARGETS]
    results = {name: {target: [] for target in COLD_TARGETS} for name in bundles}
    for name, target in plan:  # untimed: warms the page cache
        one_cold_start(target, envs[name], bundles[name], checker, stub)
    for n in range(runs):
        # Interleaved, rotating who goes first, so a drifting load hits all alike.
        first = n % len(plan)
        for name, target in plan[first:] + plan[:first]:
            results[name][target].append(one_cold_start(target, envs[name], bundles[name], checker, stub))
    return results


def lambda_memory_mb() -> int:
    from support.dynamo_support import load_template

    return int(load_template()["Resources"]["SkillFunction"]["Properties"]["MemorySize"])


def cold_rows(plain: Results, compiled: Results | None) -> list[Row]:
    def med(runs: Results, target: str, key: str) -> float:
        return 1000 * median([r[key] for r in runs[target]])

    def modelled(runs: Results, target: str, memory_mb: int) -> float:
        # Lambda runs INIT (the import) on a full vCPU and the invoke on a share
        # proportional to memory, one vCPU at 1,769 MB (AWS documentation).
        share = min(1.0, memory_mb / 1769)
        return med(runs, target, "init_cpu_s") + med(runs, target, "invoke_cpu_s") / share

    memory = lambda_memory_mb()
    shipped = compiled or plain  # the targets apply to the bundle as lambda/Makefile builds it
    rows: list[Row] = []
    variants = [("as shipped (.pyc)", compiled), ("without .pyc", plain)] if compiled else [("", plain)]
    for label, runs in variants:
        if runs is None:
            continue
        limit = 0.8 if runs is shipped else None
        title = f"cold start {label}".rstrip()
        rows += [
            Row(f"{title}: CPU to answer", med(runs, "skill", "cpu_s"), med(runs, "baseline", "cpu_s"),
                limit=limit),
            Row("  process start -> answer (wall)", med(runs, "skill", "wall_s"),
                med(runs, "baseline", "wall_s")),
            Row("  of which import (Lambda INIT), CPU", med(runs, "skill", "init_cpu_s"),
                med(runs, "baseline", "init_cpu_s")),
            Row("  of which first answer (invoke), CPU", med(runs, "skill", "invoke_cpu_s"),
                med(runs, "baseline", "invoke_cpu_s")),
            Row(f"  modelled on Lambda at {memory} MB", modelled(runs, "skill", memory),
                modelled(runs, "baseline", memory)),
            Row("  a new couple (zone asked from the stub), CPU", med(runs, "skill-new", "cpu_s"),
                med(runs, "baseline", "cpu_s")),
            Row("  floor: ask-sdk-core + botocore, no skill, CPU", med(runs, "floor", "cpu_s"),
                med(runs, "baseline", "cpu_s")),
        ]
    every = [r for runs in (plain, compiled) if runs for r in runs["skill"] + runs["skill-new"]]
    baseline = [r for runs in (plain, compiled) if runs for r in runs["baseline"]]
    rows += [
        Row("Settings API calls per cold start, returning couple",
            max(r["zone_lookups"] for runs in (plain, compiled) if runs for r in runs["skill"]),
            unit="calls"),
        Row("Settings API calls per cold start, new couple",
            max(r["zone_lookups"] for runs in (plain, compiled) if runs for r in runs["skill-new"]),
            unit="calls"),
        Row("peak RSS of the cold-start process", max(r["peak_rss_mb"] for r in every),
            max(r["peak_rss_mb"] for r in baseline), unit="MB", limit=45, on_ratio=False),
    ]
    return rows


# -- 2: warm turns ----------------------------------------------------------------
Turns = dict[str, list[tuple[str, float, float]]]  # per skill: (turn name, wall s, CPU s)


def warm_turns(env: dict[str, str], bundle: Path, sessions: int) -> Turns:
    command = [sys.executable, "-S", str(BENCH / "warm_turns.py"), str(sessions)]
    return run_child(command, lambda_like_env(env, bundle))


def warm_detail(turns: Turns) -> str:
    """Median milliseconds per kind of turn, skill beside baseline, wall and CPU."""
    names = list(dict.fromkeys(name for name, *_ in turns["skill"]))
    lines = [f"{'turn':<24}{'skill wall':>11}{'base wall':>11}{'skill CPU':>11}{'base CPU':>11}"]
    for name in names:
        figures = [
            1000 * median([t[column] for t in turns[target] if t[0] == name])
            for column in (1, 2)
            for target in ("skill", "baseline")
        ]
        lines.append(f"{name:<24}" + "".join(f"{f:>11.2f}" for f in figures))
    return "\n".join(lines)


def warm_rows(turns: Turns) -> list[Row]:
    def ms(target: str, names: tuple[str, ...] | None, column: int = 1, but: bool = False) -> list[float]:
        return [t[column] * 1000 for t in turns[target] if names is None or ((t[0] in names) != but)]

    launch, saving = ("LaunchRequest",), ("AMAZON.NextIntent",)
    start, mid, mid_saving = median(ms("skill", launch)), median(ms("skill", launch, but=True)), median(
        ms("skill", saving)
    )
    start_cpu, mid_cpu = median(ms("skill", launch, 2)), median(ms("skill", launch, 2, but=True))
    return [
        Row("warm session start (LaunchRequest), wall", start, median(ms("baseline", launch))),
        Row("warm mid-session turn, wall", mid, median(ms("baseline", launch, but=True)), limit=0.55),
        # A launch reads the record once; "next" saves it once: the same storage work.
        Row("warm mid-session turn that saves (next), wall", mid_saving, median(ms("baseline", saving))),
        Row("warm session start / mid-session turn that saves", start / mid_saving, unit="x", limit=1.3,
            on_ratio=False),
        Row("warm session start, the skill's CPU", start_cpu, median(ms("baseline", launch, 2))),
        Row("warm mid-session turn, the skill's CPU", mid_cpu, median(ms("baseline", launch, 2, but=True))),
        Row("warm session start / mid-session turn, CPU", start_cpu / mid_cpu, unit="x", limit=1.3,
            on_ratio=False),
        Row("warm turn: 99th percentile, wall", percentile(ms("skill", None), 99),
            percentile(ms("baseline", None), 99)),
    ]


# -- 3: storage calls -----------------------------------------------------------------
def storage_calls(env: dict[str, str], bundle: Path) -> list[dict[str, Any]]:
    command = [sys.executable, "-S", str(BENCH / "storage_calls.py")]
    return run_child(command, lambda_like_env(env, bundle))["turns"]


# -- 6: time-zone lookups -----------------------------------------------------------------
def zone_lookups(env: dict[str, str], bundle: Path, stub: Any) -> tuple[int, int]:
    """Settings API calls over 20 sessions of one device on one day, and on the next day's first."""
    user = new_user()
    counts = []
    for day, sessions in (("2026-11-21", 20), ("2026-11-22", 1)):
        before = stub.zone_calls()
        command = [sys.executable, "-S", str(BENCH / "zone_lookups.py"), user, day, str(sessions)]
        run_child(command, lambda_like_env(env, bundle))
        counts.append(stub.zone_calls() - before)
    return counts[0], counts[1]


def zone_rows(counts: tuple[int, int]) -> list[Row]:
    return [
        Row("Settings API calls, 20 sessions of one device in a day", counts[0], 20, unit="calls",
            limit=1, on_ratio=False),
        Row("Settings API calls, its first session the next day", counts[1], 1, unit="calls"),
    ]


def storage_verdicts(turns: list[dict[str, Any]]) -> list[str]:
    """Every broken storage rule, in words (empty when all hold)."""
    broken = []
    for session in sorted({t["session"] for t in turns}):
        reads = sum(t["calls"].get("GetItem", 0) for t in turns if t["session"] == session)
        if reads > 1:
            broken.append(f"session {session} read {reads} times")
    for n, turn in enumerate(turns, start=1):
        writes = turn["calls"].get("PutItem", 0)
        if writes > 1:
            broken.append(f"turn {n} ({turn['turn']}) wrote {writes} times")
        if writes and turn["turn"] in READ_ONLY_TURNS:
            broken.append(f"turn {n} ({turn['turn']}) wrote, though it never changes progress")
        elif writes and not turn["progress_changed"]:
            broken.append(f"turn {n} ({turn['turn']}) wrote without changing progress")
    return broken


def storage_rows(turns: list[dict[str, Any]]) -> list[Row]:
    sessions = sorted({t["session"] for t in turns})

    def per_session(op: str) -> float:
        return max(sum(t["calls"].get(op, 0) for t in turns if t["session"] == s) for s in sessions)

    first = [t for t in turns if t["session"] == 1]
    read_only_writes = sum(t["calls"].get("PutItem", 0) for t in turns if t["turn"] in READ_ONLY_TURNS)
    idle_writes = sum(t["calls"].get("PutItem", 0) for t in turns if not t["progress_changed"])
    all_calls = sum(sum(t["calls"].values()) for t in first)
    # The baseline reads and writes on every turn by design: 20 of each per guided session.
    return [
        Row("DynamoDB reads per session (most)", per_session("GetItem"), len(first), unit="calls",
            limit=1, on_ratio=False),
        Row("DynamoDB writes per guided session", sum(t["calls"].get("PutItem", 0) for t in first),
            len(first), unit="calls"),
        Row("DynamoDB calls per guided session", all_calls, 2 * len(first), unit="calls"),
        Row("DynamoDB calls per turn (mean)", all_calls / len(first), 2, unit="calls"),
        Row("writes on help/repeat/progress/fallback", read_only_writes, unit="calls", limit=0,
            on_ratio=False),
        Row("writes on turns that changed no progress", idle_writes, unit="calls", limit=0,
            on_ratio=False),
    ]


def storage_detail(turns: list[dict[str, Any]]) -> str:
    lines = ["session  turn                    GetItem  PutItem  other  HTTP  progress changed"]
    for t in turns:
        calls = dict(t["calls"])
        gets, puts = calls.pop("GetItem", 0), calls.pop("PutItem", 0)
        lines.append(
            f"{t['session']:>7}  {t['turn']:<22}  {gets:>7}  {puts:>7}  {sum(calls.values()):>5}"
            f"  {t['http_requests']:>4}  {'yes' if t['progress_changed'] else 'no'}"
        )
    return "\n".join(lines)


# -- 5: the web service -------------------------------------------------------------------
def web_load(env: dict[str, str], requests: int, threads: int, logs: Path) -> dict[str, Any]:
    port = free_port()
    env = {**env, "STORE": "memory"}
    env.pop("TABLE_NAME", None)
    serve = [sys.executable, "-m", "trust_renewal.cli.main", "serve", "--no-verify", "--port", str(port)]
    with background(serve, env, logs / "serve.log") as server:
        wait_until(lambda: server.poll() is not None or healthy(port), "trust-renewal serve")
        if server.poll() is not None:
            raise BenchError(f"trust-renewal serve exited; see {logs / 'serve.log'}")
        load = [sys.executable, str(BENCH / "load.py"), "--port", str(port), "--requests", str(requests),
                "--threads", str(threads)]
        return run_child(load, env)


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/healthz", timeout=1) as answer:
            return answer.status == 200
    except OSError:
        return False


def web_rows(result: dict[str, Any]) -> list[Row]:
    return [
        Row(f"web: requests per second ({result['threads']} client threads)", result["rps"], unit="req/s"),
        Row("web: latency p50", result["p50_ms"]),
        Row("web: latency p90", result["p90_ms"]),
        Row("web: latency p99", result["p99_ms"]),
        Row("web: failed requests", result["failed"], unit="", limit=0, on_ratio=False),
    ]


# -- the whole run --------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Trust Renewal performance benchmark (issue 7).")
    parser.add_argument("--quick", action="store_true", help="fewer runs: a smoke test of the benchmark")
    parser.add_argument("--runs", type=int, help="cold starts per skill (default 9, quick 3)")
    parser.add_argument("--sessions", type=int, help="timed 20-turn sessions per skill (default 10, quick 2)")
    parser.add_argument("--requests", type=int, help="web requests in all (default 2000, quick 300)")
    parser.add_argument("--threads", type=int, default=4, help="web client threads (default 4)")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument(
        "--no-pyc-variant", action="store_true", help="skip the cold starts of byte-compiled bundles"
    )
    args = parser.parse_args(argv)
    args.runs = args.runs or (3 if args.quick else 9)
    args.sessions = args.sessions or (2 if args.quick else 10)
    args.requests = args.requests or (300 if args.quick else 2000)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print("\n".join(machine_lines()))
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="trust-renewal-bench-") as scratch:
        logs = Path(scratch)
        port = free_port()
        endpoint = f"http://{LOOPBACK}:{port}"
        moto = [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)]
        try:
            with settings_stub() as stub:
                stub.zone = "America/Chicago"
                env = base_env(endpoint, stub.url)
                with background(moto, env, logs / "moto.log") as server:
                    wait_until(lambda: server.poll() is not None or port_open(port), "moto server")
                    if server.poll() is not None:
                        raise BenchError("the moto server exited: is moto[server] installed?")
                    checker = dynamo_client(endpoint)
                    create_tables(checker)
                    bundles = {"plain": make_bundle(logs, compiled=False)}
                    if not args.no_pyc_variant:
                        bundles["pyc"] = make_bundle(logs, compiled=True)
                    step("cold starts", f"{args.runs} per target and bundle, interleaved, one untimed each")
                    cold = cold_starts(env, bundles, checker, args.runs, stub)
                    rows += cold_rows(cold["plain"], cold.get("pyc"))
                    shipped = bundles.get("pyc", bundles["plain"])
                    step("warm turns", f"{args.sessions} x 20-turn sessions per skill")
                    warm = warm_turns(env, shipped, args.sessions)
                    rows += warm_rows(warm)
                    step("storage calls", "one guided session and one return visit")
                    turns = storage_calls(env, shipped)
                    rows += storage_rows(turns)
                    step("time zones", "20 sessions of one device on one day, then one the next day")
                    rows += zone_rows(zone_lookups(env, shipped, stub))
                step("web service", f"{args.requests} requests, {args.threads} threads, waitress on loopback")
                rows += web_rows(web_load(env, args.requests, args.threads, logs))
        except (BenchError, subprocess.TimeoutExpired) as exc:
            print(f"\nbenchmark failed: {exc}", file=sys.stderr)
            return 1
    print("\nWarm turns, median ms by kind of turn:")
    print(warm_detail(warm))
    print("\nDynamoDB calls per turn (skill):")
    print(storage_detail(turns))
    broken = storage_verdicts(turns)
    print("storage rules: " + ("all hold" if not broken else "BROKEN: " + "; ".join(broken)))
    print()
    print(table(rows))
    if args.markdown:
        print()
        print(markdown_table(rows))
    return 0


def step(name: str, detail: str) -> None:
    print(f"... {name}: {detail}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())

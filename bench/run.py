"""The performance benchmark (issue 7): ``.venv/bin/python bench/run.py [--quick] [--markdown]``.

Everything runs on this machine, on loopback, and stops by itself:

1. Cold start: fresh ``python -S`` processes answer one LaunchRequest that reads
   and writes DynamoDB: the skill (``lambda_function``), a baseline on the SDK's
   own DynamoDB adapter (``baseline_skill``) and the floor any ask-sdk-core +
   botocore skill pays (``floor_skill``), interleaved, medians. They run from a
   bundle laid out the way ``sam build`` ships ``lambda/`` (no .pyc), then again
   from byte-compiled bundles.
2. Warm turns: the 20-turn guided session through ``lambda_handler``, both skills
   in one process, sessions alternating.
3. Storage calls: DynamoDB operations per turn, from botocore's event hooks.
4. Memory: peak RSS of the cold-start processes.
5. Web service: ``trust-renewal serve`` (waitress) under a bounded load from a second process.

DynamoDB is moto in server mode on 127.0.0.1, reached by every skill through
boto3's standard ``AWS_ENDPOINT_URL_DYNAMODB``. Figures are printed, never
asserted: this is not part of the test run.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
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

from guided_session import READ_ONLY_TURNS, SKILL_ID, launch_envelope  # noqa: E402
from report import Row, machine_lines, markdown_table, median, percentile, table  # noqa: E402

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


def base_env(endpoint: str) -> dict[str, str]:
    """Fake credentials, a region and moto's endpoint: no call can reach AWS."""
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
    """What ``sam build`` ships: lambda/ without any .pyc (it drops them), plus the baseline.

    With ``compiled`` the bundle is byte-compiled first, as a build step could do.
    """
    bundle = scratch / ("bundle-pyc" if compiled else "bundle")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "requirements.txt")
    shutil.copytree(ROOT / "lambda", bundle, ignore=skip)
    for runner in ("baseline_skill.py", "floor_skill.py", "cold_start.py"):
        shutil.copy2(BENCH / runner, bundle / runner)
    if compiled:
        compileall.compile_dir(str(bundle), quiet=1)
    return bundle


def one_cold_start(target: str, env: dict[str, str], bundle: Path, checker: Any) -> dict[str, Any]:
    envelope = launch_envelope()
    command = [sys.executable, "-S", str(bundle / "cold_start.py"), target]
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
    if not stored(checker, target, envelope):
        raise BenchError(f"{target} cold start did not write DynamoDB")
    report["wall_s"] = answered - started
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


def cold_starts(env: dict[str, str], bundle: Path, checker: Any, runs: int) -> Results:
    env = lambda_like_env(env, bundle)
    targets = ("skill", "baseline", "floor")
    results: Results = {target: [] for target in targets}
    for target in targets:  # untimed: warms the page cache
        one_cold_start(target, env, bundle, checker)
    for n in range(runs):
        # Interleaved, rotating who goes first, so a drifting load hits all alike.
        for target in targets[n % 3 :] + targets[: n % 3]:
            results[target].append(one_cold_start(target, env, bundle, checker))
    return results


def lambda_memory_mb() -> int:
    from support.dynamo_support import load_template

    return int(load_template()["Resources"]["SkillFunction"]["Properties"]["MemorySize"])


def cold_rows(results: Results, compiled: Results | None) -> list[Row]:
    def med(runs: Results, target: str, key: str) -> float:
        return 1000 * median([r[key] for r in runs[target]])

    def modelled(target: str, memory_mb: int) -> float:
        # Lambda runs INIT (the import) on a full vCPU and the invoke on a share
        # proportional to memory, one vCPU at 1,769 MB (AWS documentation).
        share = min(1.0, memory_mb / 1769)
        return med(results, target, "init_cpu_s") + med(results, target, "invoke_cpu_s") / share

    memory = lambda_memory_mb()
    rows = [
        Row("cold start: process start -> answer (wall)", med(results, "skill", "wall_s"),
            med(results, "baseline", "wall_s"), limit=0.8),
        Row("cold start: CPU time to answer", med(results, "skill", "cpu_s"),
            med(results, "baseline", "cpu_s"), limit=0.8),
        Row("  of which import (Lambda INIT), CPU", med(results, "skill", "init_cpu_s"),
            med(results, "baseline", "init_cpu_s")),
        Row("  of which first answer (invoke), CPU", med(results, "skill", "invoke_cpu_s"),
            med(results, "baseline", "invoke_cpu_s")),
        Row(f"cold start modelled on Lambda at {memory} MB", modelled("skill", memory),
            modelled("baseline", memory)),
    ]
    rows.append(
        Row("  floor: ask-sdk-core + botocore, no skill", med(results, "floor", "cpu_s"),
            med(results, "baseline", "cpu_s"))
    )
    if compiled:
        rows.append(
            Row("cold start CPU, bundle shipped with .pyc", med(compiled, "skill", "cpu_s"),
                med(compiled, "baseline", "cpu_s"), limit=0.8)
        )
    rows.append(
        Row("peak RSS of the cold-start process", max(r["peak_rss_mb"] for r in results["skill"]),
            max(r["peak_rss_mb"] for r in results["baseline"]), unit="MB", limit=100, on_ratio=False)
    )
    return rows


# -- 2: warm turns ----------------------------------------------------------------
def warm_turns(env: dict[str, str], sessions: int) -> dict[str, list[tuple[str, float]]]:
    command = [sys.executable, "-S", str(BENCH / "warm_turns.py"), str(sessions)]
    return run_child(command, lambda_like_env(env, ROOT / "lambda"))


def warm_detail(turns: dict[str, list[tuple[str, float]]]) -> str:
    """Median milliseconds per kind of turn, skill beside baseline."""
    names = list(dict.fromkeys(name for name, _ in turns["skill"]))
    lines = [f"{'turn':<24}{'skill':>8}{'baseline':>10}"]
    for name in names:
        figures = [
            1000 * median([seconds for turn, seconds in turns[target] if turn == name])
            for target in ("skill", "baseline")
        ]
        lines.append(f"{name:<24}{figures[0]:>8.2f}{figures[1]:>10.2f}")
    return "\n".join(lines)


def warm_rows(turns: dict[str, list[tuple[str, float]]]) -> list[Row]:
    skill = [seconds * 1000 for _, seconds in turns["skill"]]
    baseline = [seconds * 1000 for _, seconds in turns["baseline"]]
    return [
        Row("warm turn: median", median(skill), median(baseline), limit=0.75),
        Row("warm turn: 99th percentile", percentile(skill, 99), percentile(baseline, 99)),
    ]


# -- 3: storage calls -----------------------------------------------------------------
def storage_calls(env: dict[str, str]) -> list[dict[str, Any]]:
    command = [sys.executable, "-S", str(BENCH / "storage_calls.py")]
    return run_child(command, lambda_like_env(env, ROOT / "lambda"))["turns"]


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
        env = base_env(endpoint)
        moto = [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)]
        try:
            with background(moto, env, logs / "moto.log") as server:
                wait_until(lambda: server.poll() is not None or port_open(port), "moto server")
                if server.poll() is not None:
                    raise BenchError("the moto server exited: is moto[server] installed?")
                checker = dynamo_client(endpoint)
                create_tables(checker)
                step("cold starts", f"{args.runs} per skill, interleaved, after one untimed each")
                cold = cold_starts(env, make_bundle(logs, compiled=False), checker, args.runs)
                compiled = None
                if not args.no_pyc_variant:
                    step("cold starts", "again, the bundles byte-compiled")
                    compiled = cold_starts(env, make_bundle(logs, compiled=True), checker, args.runs)
                rows += cold_rows(cold, compiled)
                step("warm turns", f"{args.sessions} x 20-turn sessions per skill")
                warm = warm_turns(env, args.sessions)
                rows += warm_rows(warm)
                step("storage calls", "one guided session and one return visit")
                turns = storage_calls(env)
                rows += storage_rows(turns)
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

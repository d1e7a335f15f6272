"""One cold start: ``python -S cold_start.py skill|baseline|floor`` in a bundle bench/run.py builds.

run.py copies this file into a Lambda-like bundle (``lambda/`` plus the
baseline module) and runs it from there, so imports resolve the way they do on
Lambda. It reads one request envelope (JSON) on stdin, imports the Lambda
module (Lambda's INIT phase), answers the envelope once (the first invoke), and
prints one JSON line: times, CPU, peak RSS and a short look at the answer. Only
the standard library is imported before the module under test, so both skills
pay exactly the same fixed costs.
"""

import time

STARTED = time.perf_counter()

import json  # noqa: E402 - after the clock starts, on purpose
import resource  # noqa: E402
import sys  # noqa: E402


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    Linux's ``ru_maxrss`` carries the parent's peak across fork and exec (so a
    child of the benchmark's large orchestrator would report the orchestrator's
    size); ``VmHWM`` is this process's own high-water mark since exec.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main() -> int:
    target = sys.argv[1]
    envelope = json.loads(sys.stdin.read())
    before_import = time.perf_counter()
    if target == "skill":
        import lambda_function as module
    elif target == "baseline":
        import baseline_skill as module
    elif target == "floor":
        import floor_skill as module
    else:
        print(f"unknown target {target!r}", file=sys.stderr)
        return 2
    imported = time.perf_counter()
    cpu_imported = time.process_time()
    answer = module.lambda_handler(envelope, None)
    answered = time.perf_counter()
    cpu_answered = time.process_time()
    speech = ((answer.get("response") or {}).get("outputSpeech") or {}).get("ssml") or ""
    report = {
        "import_s": imported - before_import,
        "first_answer_s": answered - imported,
        "in_process_s": answered - STARTED,
        # CPU since the process began (interpreter start-up included): steadier
        # than wall time when other work shares the machine.
        "init_cpu_s": cpu_imported,
        "invoke_cpu_s": cpu_answered - cpu_imported,
        "cpu_s": cpu_answered,
        "peak_rss_mb": peak_rss_mb(),
        "spoke": bool(speech),
        "error": answer.get("error"),
    }
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

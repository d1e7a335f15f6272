"""Warm turns, run by bench/run.py: ``python bench/warm_turns.py SESSIONS``.

Both skills live in this one process. One untimed session each warms them up
(skill built, content loaded, DynamoDB clients made); then SESSIONS guided
sessions of 20 turns each, alternating skill and baseline session by session so
a change in the machine's load hits both alike. Each skill's sessions are one
returning couple on one device on one day, with token-bearing envelopes (the
Settings API is run.py's loopback stub), so a session start is what most are:
the record read, the device's time zone already kept. Each turn is timed
around ``lambda_handler`` alone, in wall time (moto's server included) and in
this process's CPU time (the skill's own work, moto's excluded). Prints one JSON line: every
turn's name and seconds, per skill. ``lambda/`` must be on PYTHONPATH (run.py sets it).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def run_session(handler: Any, user: str, timings: list[tuple[str, float, float]] | None) -> None:
    from guided_session import builder, session

    envelopes = builder(user)
    for turn, envelope in session(envelopes):
        started, cpu = time.perf_counter(), time.process_time()
        answer = handler(envelope, None)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if "error" in answer or "response" not in answer:
            raise SystemExit(f"{turn} was not answered: {answer}")
        envelopes.absorb(answer)
        if timings is not None:
            timings.append((turn, elapsed, cpu))


def main() -> int:
    sessions = int(sys.argv[1])
    import baseline_skill
    from guided_session import new_user

    import lambda_function

    handlers = {"skill": lambda_function.lambda_handler, "baseline": baseline_skill.lambda_handler}
    couples = {name: new_user() for name in handlers}
    timings: dict[str, list[tuple[str, float, float]]] = {name: [] for name in handlers}
    for name, handler in handlers.items():
        run_session(handler, couples[name], None)
    for n in range(sessions):
        order = ("skill", "baseline") if n % 2 == 0 else ("baseline", "skill")
        for name in order:
            run_session(handlers[name], couples[name], timings[name])
    print(json.dumps(timings), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Warm turns, run by bench/run.py: ``python bench/warm_turns.py SESSIONS``.

Both skills live in this one process. One untimed session each warms them up
(skill built, content loaded, DynamoDB clients made); then SESSIONS guided
sessions of 20 turns each, alternating skill and baseline session by session so
a change in the machine's load hits both alike. Every session is a new user;
each turn is timed around ``lambda_handler`` alone. Prints one JSON line: every
turn's name and seconds, per skill. ``lambda/`` must be on PYTHONPATH (run.py sets it).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def run_session(handler: Any, timings: list[tuple[str, float]] | None) -> None:
    from guided_session import builder, session

    envelopes = builder()
    for turn, envelope in session(envelopes):
        started = time.perf_counter()
        answer = handler(envelope, None)
        elapsed = time.perf_counter() - started
        if "error" in answer or "response" not in answer:
            raise SystemExit(f"{turn} was not answered: {answer}")
        envelopes.absorb(answer)
        if timings is not None:
            timings.append((turn, elapsed))


def main() -> int:
    sessions = int(sys.argv[1])
    import baseline_skill

    import lambda_function

    handlers = {"skill": lambda_function.lambda_handler, "baseline": baseline_skill.lambda_handler}
    timings: dict[str, list[tuple[str, float]]] = {name: [] for name in handlers}
    for handler in handlers.values():
        run_session(handler, None)
    for n in range(sessions):
        order = ("skill", "baseline") if n % 2 == 0 else ("baseline", "skill")
        for name in order:
            run_session(handlers[name], timings[name])
    print(json.dumps(timings), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

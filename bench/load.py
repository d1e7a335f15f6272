"""A bounded HTTP load on the web service, run by bench/run.py as its own process.

``python bench/load.py --port P --requests N --threads T``: T threads, each one
couple on its own keep-alive connection, replay guided sessions (POSTs of real
request envelopes) until N requests are sent in all. Every request has a
timeout; prints one JSON line with requests per second and latency figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from typing import Any


class Tally:
    """Shared between threads: how many requests may still start, and what came back."""

    def __init__(self, budget: int, deadline: float) -> None:
        self.lock = threading.Lock()
        self.budget = budget
        self.deadline = deadline  # perf_counter time after which no request starts
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def take(self) -> bool:
        with self.lock:
            if self.budget <= 0 or time.perf_counter() > self.deadline:
                return False
            self.budget -= 1
            return True

    def record(self, latency: float | None, failure: str | None = None) -> None:
        with self.lock:
            if failure is None and latency is not None:
                self.latencies.append(latency)
            else:
                self.failures.append(failure or "unknown")


def post(conn: http.client.HTTPConnection, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body = json.dumps(envelope).encode("utf-8")
    conn.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def couple(port: int, timeout: float, tally: Tally) -> None:
    from guided_session import builder, session

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        while True:
            envelopes = builder()
            for _turn, envelope in session(envelopes):
                if not tally.take():
                    return
                started = time.perf_counter()
                try:
                    status, answer = post(conn, envelope)
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    tally.record(None, type(exc).__name__)
                    conn.close()  # reconnect on the next request
                    envelopes.end_session()
                    break
                latency = time.perf_counter() - started
                if status != 200 or "response" not in answer:
                    tally.record(None, f"HTTP {status}")
                    envelopes.end_session()
                    break
                tally.record(latency)
                envelopes.absorb(answer)
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    from report import percentile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per request")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop starting requests after this")
    args = parser.parse_args(argv)
    tally = Tally(args.requests, time.perf_counter() + args.max_seconds)
    threads = [
        threading.Thread(target=couple, args=(args.port, args.timeout, tally), daemon=True)
        for _ in range(max(1, args.threads))
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        # Bounded: no request starts after the deadline and each has its own timeout.
        thread.join(timeout=args.max_seconds + 2 * args.timeout)
    elapsed = time.perf_counter() - started
    ok = tally.latencies
    print(
        json.dumps(
            {
                "requests": len(ok) + len(tally.failures),
                "ok": len(ok),
                "failures": sorted(set(tally.failures)),
                "failed": len(tally.failures),
                "seconds": elapsed,
                "rps": len(ok) / elapsed if elapsed else 0.0,
                "p50_ms": 1000 * percentile(ok, 50),
                "p90_ms": 1000 * percentile(ok, 90),
                "p99_ms": 1000 * percentile(ok, 99),
                "threads": len(threads),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

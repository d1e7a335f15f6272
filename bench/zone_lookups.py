"""Settings API lookups, run by bench/run.py: ``python bench/zone_lookups.py USER YYYY-MM-DD SESSIONS``.

SESSIONS short sessions (open, then stop) of one couple on one device, all on
the given UTC day, through ``lambda_handler``; run.py counts what its loopback
Settings API stub received. The couple's record stays in the benchmark's moto
table between runs, so a second run on the next day shows the daily refresh.
``lambda/`` must be on PYTHONPATH and ``ALEXA_API_URL`` name the stub (run.py sets both).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta


def main() -> int:
    user, day, sessions = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from guided_session import builder

    import lambda_function

    start = datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)
    for n in range(sessions):
        envelopes = builder(user)
        envelopes.now = start + timedelta(minutes=20 * n)  # spread over the day
        for envelope in (envelopes.launch(), envelopes.intent("AMAZON.StopIntent")):
            answer = lambda_function.lambda_handler(envelope, None)
            if "error" in answer or "response" not in answer:
                raise SystemExit(f"session {n + 1} was not answered: {answer}")
            envelopes.absorb(answer)
    print(json.dumps({"sessions": sessions}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

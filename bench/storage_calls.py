"""DynamoDB calls per turn, run by bench/run.py: ``python bench/storage_calls.py``.

Counts every operation the skill's own boto3 client starts (botocore's
``before-call`` hook) and every HTTP request it sends (``before-send``, so
retries show), over two guided sessions of one couple: a first visit, then a
return. A separate, unhooked client reads the stored item around each turn to
tell whether the couple's progress really changed. Prints one JSON line.
``lambda/`` must be on PYTHONPATH (run.py sets it).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import Any

# A return visit: resume, one prompt, stop.
RETURN_TURNS = ("LaunchRequest", "AMAZON.YesIntent", "AMAZON.NextIntent", "AMAZON.StopIntent")


def stored_progress(client: Any, table: str, user: str) -> Any:
    from trust_renewal.storage.base import user_key

    item = client.get_item(TableName=table, Key={"id": {"S": user_key(user)}}, ConsistentRead=True)
    return (item.get("Item") or {}).get("attributes")


def main() -> int:
    import botocore.session
    from guided_session import TURNS, builder, envelope_for, new_user

    import lambda_function

    table = os.environ["TABLE_NAME"]
    calls: Counter[str] = Counter()
    sends: list[int] = [0]
    client = lambda_function._runtime.store.client
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
    client.meta.events.register("before-send.dynamodb.*", lambda **_: sends.__setitem__(0, sends[0] + 1))
    checker = botocore.session.get_session().create_client("dynamodb")

    user = new_user()
    turns: list[dict[str, Any]] = []
    for session_number, names in ((1, TURNS), (2, RETURN_TURNS)):
        envelopes = builder(user)
        for name in names:
            before = stored_progress(checker, table, user)
            calls.clear()
            sends[0] = 0
            answer = lambda_function.lambda_handler(envelope_for(envelopes, name), None)
            if "error" in answer:
                raise SystemExit(f"{name} was refused: {answer}")
            envelopes.absorb(answer)
            turns.append(
                {
                    "session": session_number,
                    "turn": name,
                    "calls": dict(calls),
                    "http_requests": sends[0],
                    "progress_changed": stored_progress(checker, table, user) != before,
                }
            )
    print(json.dumps({"turns": turns}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Robustness figures: random conversations, fuzzed envelopes, injected storage faults.

Prints how many of each were tried and how many crashes, lost updates and
leaks were found (all must be zero). Runs offline: DynamoDB is moto with the
table from template.yaml; the web service is the Flask app in process.

    .venv/bin/python bench/robustness.py            # full run
    .venv/bin/python bench/robustness.py --quick    # a smaller run
"""

from __future__ import annotations

import argparse
import copy
import importlib
import io
import json
import logging
import os
import random
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "lambda"), str(ROOT / "tests")]

SKILL_ID = "amzn1.ask.skill.robustness-trust-renewal"
FAULT_CODES = {
    "throttling": "ProvisionedThroughputExceededException",
    "server_error": "InternalServerError",
    "missing_table": "ResourceNotFoundException",
    "access_denied": "AccessDeniedException",
    "timeout": None,
}
CRASHES: list[str] = []  # what went wrong, for the report
NAMES = ("Maya", "Jordan", "Priya", "Sam", "Alex", "Noor")
SLOT_WORDS = ("astrology", "FUZZ")  # other slot values and the fuzzing user's ID


def _fake_aws_env() -> None:
    from support.dynamo_support import FAKE_AWS_ENV, TEST_TABLE_NAME

    os.environ.update(FAKE_AWS_ENV)
    os.environ["TABLE_NAME"] = TEST_TABLE_NAME
    os.environ["SKILL_ID"] = SKILL_ID
    os.environ.pop("STORE", None)


class Faults:
    """Raises the chosen botocore error on the skill's own client while armed."""

    def __init__(self, client: Any) -> None:
        self.kind: str | None = None
        self.injected: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb.*", self._hook)

    def _hook(self, model: Any, **_: Any) -> None:
        if not self.kind:
            return
        from botocore.exceptions import ClientError, ReadTimeoutError

        self.injected[self.kind] += 1
        code = FAULT_CODES[self.kind]
        if code is None:
            raise ReadTimeoutError(endpoint_url="https://dynamodb.local")
        raise ClientError({"Error": {"Code": code, "Message": "injected"}}, model.name)


def _slots_for(rng: random.Random, intent: dict[str, Any]) -> dict[str, str]:
    values = {
        "AMAZON.FirstName": lambda: rng.choice(NAMES),
        "AMAZON.NUMBER": lambda: str(rng.choice([1, 2, 3, 5, 11, 12, 42, 0])),
        "AMAZON.TIME": lambda: rng.choice(["20:00", "EV", "MO"]),
        "STEP_TOPIC": lambda: rng.choice(["forgiveness", "boundaries", "astrology"]),
    }
    slots = {}
    for slot in intent.get("slots", []):
        if rng.random() < 0.8:
            slots[slot["name"]] = values.get(slot["type"], lambda: "something")()
    return slots


def conversations(count: int, rng: random.Random, log_stream: io.StringIO) -> dict[str, Any]:
    """Random walks through the real Lambda entry point, with storage faults injected."""
    from moto import mock_aws

    from support.dynamo_support import TEST_TABLE_NAME, create_progress_table, make_client
    from trust_renewal.content import load_content
    from trust_renewal.envelopes import EnvelopeBuilder
    from trust_renewal.interaction_models import language_model, load_model
    from trust_renewal.render.markup import to_ssml
    from trust_renewal.render.ssml import problems
    from trust_renewal.storage.base import user_key

    intents = language_model(load_model("en-US"))["intents"]
    # The skill's own words for "your data is gone" and "we're back at the beginning".
    delete_done = to_ssml(load_content().phrase("delete.done"))
    start_over_done = to_ssml(load_content().phrase("start_over.done"))
    # Weighted so walks move through exercises rather than only asking for help.
    weights = {"AMAZON.NextIntent": 8, "AMAZON.YesIntent": 6, "TurnDoneIntent": 4, "DeleteDataIntent": 0.2}
    figures: dict[str, Any] = {"conversations": 0, "turns": 0, "crashes": 0, "lost_updates": 0}
    with mock_aws():
        client = make_client()
        create_progress_table(client)
        import lambda_function

        module = importlib.reload(lambda_function)
        _capture_logs(log_stream)  # lambda_function set up its own logging at import
        faults = Faults(module._runtime.store.client)
        users = []
        for n in range(count):
            user = f"amzn1.ask.account.ROBUST-{n:05d}"
            users.append(user)
            builder = EnvelopeBuilder(SKILL_ID, user_id=user, locale=rng.choice(["en-US", "en-GB", "en-IN"]))
            builder.now = datetime(2026, 11, 21, 19, tzinfo=UTC) + timedelta(days=rng.randint(0, 3))
            believed_finished: set[str] = set()
            deleted = False
            for turn in range(rng.randint(3, 40)):
                faults.kind = rng.choice(list(FAULT_CODES)) if rng.random() < 0.15 else None
                if turn == 0 or not builder.in_session:
                    envelope = builder.launch()
                elif rng.random() < 0.05:
                    envelope = builder.session_ended(rng.choice(["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS"]))
                else:
                    intent = rng.choices(intents, [weights.get(i["name"], 1) for i in intents])[0]
                    envelope = builder.intent(intent["name"], _slots_for(rng, intent))
                figures["turns"] += 1
                try:
                    answer = module.lambda_handler(envelope, None)
                except Exception as exc:  # a crash is what this script counts
                    figures["crashes"] += 1
                    CRASHES.append(f"lambda_handler raised {type(exc).__name__}: {exc}"[:300])
                    builder.end_session()
                    continue
                body = answer.get("response")
                ssml = ((body or {}).get("outputSpeech") or {}).get("ssml")
                if body is None or (ssml and problems(ssml)):
                    figures["crashes"] += 1
                    CRASHES.append(f"bad answer to {envelope['request']['type']}: {answer}"[:300])
                builder.absorb(answer)
                state = (answer.get("sessionAttributes") or {}).get("state") or {}
                if delete_done in (ssml or ""):
                    deleted, believed_finished = True, set()
                elif start_over_done in (ssml or ""):
                    believed_finished = set()  # the couple chose to start the program again
                elif state:
                    if not faults.kind:
                        believed_finished |= set(state.get("finished") or [])
                    deleted = False
            faults.kind = None
            # Storage is back: one more launch lets any unsaved progress reach the table.
            builder.end_session()
            module.lambda_handler(builder.launch(), None)
            item = client.get_item(TableName=TEST_TABLE_NAME, Key={"id": {"S": user_key(user)}}).get("Item")
            stored = set()
            if item:
                stored = {v["S"] for v in item["attributes"]["M"].get("finished", {}).get("L", [])}
            if not deleted and not believed_finished <= stored:
                figures["lost_updates"] += 1
            figures["conversations"] += 1
        figures["faults"] = dict(faults.injected)
    figures["users"] = users
    return figures


def _mutations(rng: random.Random, envelope: dict[str, Any]) -> dict[str, Any] | Any:
    """A valid envelope with one random thing broken: a key dropped, a type swapped, junk inserted."""
    mutated = copy.deepcopy(envelope)
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append((node, key))
                walk(value)

    walk(mutated)
    node, key = rng.choice(paths)
    choice = rng.random()
    junk = rng.choice([None, 7, -1.5, True, "", "x" * 300, [], {}, ["a"], {"k": "v"}, "\x00\ud800<&>"])
    if choice < 0.4:
        del node[key]
    else:
        node[key] = junk
    return mutated


def _capture_logs(stream: io.StringIO) -> None:
    from trust_renewal.logging_setup import configure_logging

    configure_logging("INFO", stream=stream)
    logging.getLogger("botocore").setLevel(logging.WARNING)


def fuzz(count: int, rng: random.Random, log_stream: io.StringIO) -> dict[str, Any]:
    """Mutated and random envelopes at lambda_handler and at the Flask app (verification off)."""
    from trust_renewal.config import Config
    from trust_renewal.envelopes import EnvelopeBuilder
    from trust_renewal.render.ssml import problems
    from trust_renewal.runtime import SkillRuntime
    from trust_renewal.storage.memory import MemoryStore
    from trust_renewal.web.app import create_app

    runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=MemoryStore())
    client = create_app(runtime, verify=False).test_client()
    _capture_logs(log_stream)
    figures = {"envelopes": 0, "crashes": 0, "answers": Counter()}
    builder = EnvelopeBuilder(SKILL_ID, user_id="amzn1.ask.account.FUZZ")
    seeds = [
        builder.launch(),
        builder.intent("GoToStepIntent", {"stepNumber": "3"}),
        builder.intent("SetNamesIntent", {"firstName": "Maya", "secondName": "Jordan"}),
        builder.session_ended("ERROR"),
        builder.event("AlexaSkillEvent.SkillDisabled", body={}),
    ]
    for _ in range(count):
        envelope = (
            _mutations(rng, rng.choice(seeds))
            if rng.random() < 0.85
            else rng.choice([None, [], "launch", 42, {"request": {}}, {"version": "1.0"}])
        )
        figures["envelopes"] += 1
        try:
            answer = runtime.handle(envelope)
            if "error" in answer:
                figures["answers"]["refused"] += 1
            else:
                ssml = ((answer.get("response") or {}).get("outputSpeech") or {}).get("ssml")
                if ssml and problems(ssml):
                    figures["crashes"] += 1
                    CRASHES.append(f"invalid SSML {problems(ssml)} for {json.dumps(envelope)[:200]}")
                figures["answers"]["answered"] += 1
            http = client.post("/", data=json.dumps(envelope), content_type="application/json")
            if http.status_code >= 500 or b"Traceback" in http.data:
                figures["crashes"] += 1
                CRASHES.append(f"web app {http.status_code} for {json.dumps(envelope)[:200]}")
            figures["answers"][f"http {http.status_code // 100}xx"] += 1
        except Exception as exc:
            figures["crashes"] += 1
            CRASHES.append(f"{type(exc).__name__}: {exc} for {json.dumps(envelope, default=str)[:200]}")
    return figures


def leaks(log_text: str, users: list[str]) -> int:
    """Log lines holding a raw user ID or a name a couple gave."""
    import re

    words = re.compile(r"\b(?:" + "|".join(map(re.escape, (*NAMES, *SLOT_WORDS))) + r")\b")
    found = 0
    for line in log_text.splitlines():
        if any(u in line for u in users) or words.search(line):
            found += 1
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run")
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args(argv)
    _fake_aws_env()
    log_stream = io.StringIO()
    _capture_logs(log_stream)
    rng = random.Random(args.seed)
    talks = conversations(40 if args.quick else 400, rng, log_stream)
    fuzzed = fuzz(200 if args.quick else 3000, rng, log_stream)
    leaked = leaks(log_stream.getvalue(), talks["users"])
    rows = [
        ("random conversations", talks["conversations"]),
        ("  turns in them", talks["turns"]),
        ("envelopes fuzzed (each to lambda_handler and the web app)", fuzzed["envelopes"]),
        *((f"  {k}", v) for k, v in sorted(fuzzed["answers"].items())),
        *((f"storage faults injected: {k}", v) for k, v in sorted(talks["faults"].items())),
        ("log lines read for leaks", len(log_stream.getvalue().splitlines())),
        ("crashes", talks["crashes"] + fuzzed["crashes"]),
        ("lost updates", talks["lost_updates"]),
        ("leaks (user IDs or names in logs)", leaked),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"Robustness figures (seed {args.seed})")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    bad = talks["crashes"] + fuzzed["crashes"] + talks["lost_updates"] + leaked
    for crash in CRASHES[:10]:
        print("  crash:", crash)
    print("all zero" if bad == 0 else f"PROBLEMS FOUND: {bad}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

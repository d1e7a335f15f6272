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
        self.operations: Counter[str] = Counter()  # GetItem: load faults; PutItem: save faults
        client.meta.events.register("before-call.dynamodb.*", self._hook)

    def _hook(self, model: Any, **_: Any) -> None:
        if not self.kind:
            return
        from botocore.exceptions import ClientError, ReadTimeoutError

        self.injected[self.kind] += 1
        self.operations[model.name] += 1
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
    figures: dict[str, Any] = {
        "conversations": 0, "turns": 0, "crashes": 0, "lost_updates": 0, "names_lost": 0,
    }
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
            believed_names: list[str] | None = None
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
                    deleted, believed_finished, believed_names = True, set(), None
                elif start_over_done in (ssml or ""):
                    believed_finished = set()  # the couple chose to start the program again
                elif state:
                    if not faults.kind:
                        believed_finished |= set(state.get("finished") or [])
                        believed_names = state.get("names")
                    deleted = False
            faults.kind = None
            # Storage is back: one more launch lets any unsaved progress reach the table.
            builder.end_session()
            module.lambda_handler(builder.launch(), None)
            item = client.get_item(TableName=TEST_TABLE_NAME, Key={"id": {"S": user_key(user)}}).get("Item")
            link = ((item or {}).get("attributes") or {}).get("M", {}).get("link", {}).get("S")
            if link:  # "link my partner" moved the program to a couple's record (storage.linking)
                item = client.get_item(TableName=TEST_TABLE_NAME, Key={"id": {"S": link}}).get("Item")
            stored = set()
            if item:
                stored = {v["S"] for v in item["attributes"]["M"].get("finished", {}).get("L", [])}
            if not deleted and not believed_finished <= stored:
                figures["lost_updates"] += 1
            names = []
            if item and "attributes" in item:
                names = [v["S"] for v in item["attributes"]["M"].get("names", {}).get("L", [])]
            if not deleted and believed_names is not None and names != believed_names:
                figures["names_lost"] += 1
            figures["conversations"] += 1
        figures["faults"] = dict(faults.injected)
        figures["fault_operations"] = dict(faults.operations)
    figures["users"] = users
    return figures


# -- the couple's record, field by field ------------------------------------------
PLACE = ("exercise_id", "prompt", "turn", "started", "quick")
APOLOGY_KEYS = ("error.general", "error.storage", "storage.load_failed", "storage.save_failed",
                "storage.save_failed_bye", "storage.corrupt")


def _lambda_on_moto() -> tuple[Any, Any, Any]:
    """A fresh lambda_function on a fresh moto table (call inside mock_aws)."""
    from support.dynamo_support import create_progress_table, make_client

    client = make_client()
    create_progress_table(client)
    import lambda_function

    return importlib.reload(lambda_function), client, None


def _record(client: Any, user: str) -> dict[str, Any] | None:
    from support.dynamo_support import TEST_TABLE_NAME
    from trust_renewal.storage.base import user_key
    from trust_renewal.storage.dynamo_codec import decode_item

    item = client.get_item(TableName=TEST_TABLE_NAME, Key={"id": {"S": user_key(user)}}).get("Item")
    return decode_item(item) if item else None


def _seed(module: Any, user: str, **values: Any) -> None:
    """A couple who have been here before: names, a reminder token, one finished exercise."""
    from support.dynamo_support import request_envelope

    module._runtime.store.save_attributes(request_envelope(user), {"schema": 1, "welcomed": True, **values})


def _phrases(*keys: str) -> list[str]:
    from trust_renewal.content import load_content
    from trust_renewal.render.markup import to_ssml

    return [to_ssml(load_content().phrase(k)) for k in keys]


class Device:
    """One Echo of the couple: its own session, sent through the real lambda_handler."""

    def __init__(self, module: Any, user: str, name: str) -> None:
        from trust_renewal.envelopes import EnvelopeBuilder

        self.module = module
        self.builder = EnvelopeBuilder(SKILL_ID, user_id=user, device_id=f"amzn1.ask.device.{name}")
        self.builder.now = datetime(2026, 11, 21, 19, tzinfo=UTC)
        self.state: dict[str, Any] | None = None
        self.ssml = ""

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        answer = self.module.lambda_handler(envelope, None)
        self.builder.absorb(answer)
        body = answer.get("response") or {}
        self.ssml = ((body.get("outputSpeech") or {}).get("ssml")) or ""
        state = (answer.get("sessionAttributes") or {}).get("state")
        self.state = state if isinstance(state, dict) else None
        return answer


def _place(values: dict[str, Any] | None) -> tuple[Any, ...] | None:
    return None if values is None else tuple(values.get(k) for k in PLACE)


TWO_DEVICE_INTENTS = {
    "AMAZON.NextIntent": 8, "AMAZON.YesIntent": 6, "TurnDoneIntent": 4, "SetNamesIntent": 2,
    "SkipIntent": 1, "AMAZON.PreviousIntent": 1, "GoToStepIntent": 1, "AMAZON.HelpIntent": 1,
    "ProgressIntent": 1, "AMAZON.StopIntent": 0.5, "AMAZON.NoIntent": 1,
}


def two_devices(count: int, rng: random.Random) -> dict[str, Any]:
    """Two devices of one couple, interleaved at random; each field compared with what requests imply.

    The model, kept apart from the skill's code: names are the last ones anybody
    set; finished exercises are everything anybody finished; the reminder token
    set earlier is never lost; the place is where the last device that was
    standing on the kept place moved it (a device left on an older place moves
    only itself).
    """
    from moto import mock_aws

    figures: Counter[str] = Counter()
    with mock_aws():
        module, client, _ = _lambda_on_moto()
        for n in range(count):
            user = f"amzn1.ask.account.PAIR-{n:05d}"
            _seed(module, user, names=["Maya", "Jordan"], reminder_token=f"token-{n}")
            expected = _record(client, user)["attributes"]
            want_names, want_finished = expected["names"], set(expected.get("finished") or [])
            want_place = _place(expected)
            devices = [Device(module, user, "KITCHEN"), Device(module, user, "BEDROOM")]
            for _ in range(rng.randint(12, 60)):
                device = rng.choice(devices)
                if not device.builder.in_session or rng.random() < 0.04:
                    before = (_record(client, user) or {}).get("attributes") or {}
                    envelope = device.builder.launch()
                else:
                    before = device.state or {}
                    names = list(TWO_DEVICE_INTENTS)
                    intent = rng.choices(names, [TWO_DEVICE_INTENTS[i] for i in names])[0]
                    slots = {}
                    if intent == "SetNamesIntent":
                        slots = {"firstName": rng.choice(NAMES), "secondName": rng.choice(NAMES)}
                    elif intent == "GoToStepIntent":
                        slots = {"stepNumber": str(rng.randint(1, 11))}
                    envelope = device.builder.intent(intent, slots)
                device.send(envelope)
                figures["turns"] += 1
                after = device.state
                if after is None:
                    continue
                if after.get("names") != before.get("names"):
                    want_names = after.get("names")
                want_finished |= set(after.get("finished") or [])
                if _place(after) != _place(before) and _place(before) == want_place:
                    want_place = _place(after)
            for device in devices:
                if device.builder.in_session:
                    device.send(device.builder.session_ended())
            stored = _record(client, user)["attributes"]
            figures["pairs"] += 1
            figures["names lost or wrong"] += stored.get("names") != want_names
            figures["reminder tokens lost"] += stored.get("reminder_token") != f"token-{n}"
            figures["finished exercises lost"] += not want_finished <= set(stored.get("finished") or [])
            figures["places moved back or wrong"] += _place(stored) != want_place
    return dict(figures)


def deletion_races(count: int, rng: random.Random) -> dict[str, Any]:
    """One device deletes (by voice or by disabling the skill) while another has a session open."""
    from moto import mock_aws

    from trust_renewal.envelopes import EnvelopeBuilder

    told, done = _phrases("storage.deleted_elsewhere", "delete.done")
    figures: Counter[str] = Counter()
    with mock_aws():
        module, client, _ = _lambda_on_moto()
        for n in range(count):
            user = f"amzn1.ask.account.RACE-{n:05d}"
            _seed(module, user, names=["Maya", "Jordan"], reminder_token=f"token-{n}")
            kitchen, bedroom = Device(module, user, "KITCHEN"), Device(module, user, "BEDROOM")
            kitchen.send(kitchen.builder.launch())
            for _ in range(rng.randint(0, 4)):
                kitchen.send(kitchen.builder.intent(rng.choice(["AMAZON.YesIntent", "AMAZON.NextIntent"])))
            if not kitchen.builder.in_session:
                kitchen.send(kitchen.builder.launch())
            if rng.random() < 0.5:
                bedroom.send(bedroom.builder.launch())
                bedroom.send(bedroom.builder.intent("DeleteDataIntent"))
                bedroom.send(bedroom.builder.intent("AMAZON.YesIntent"))
                figures["deletions reported done"] += done in bedroom.ssml
            else:
                builder = EnvelopeBuilder(SKILL_ID, user_id=user)
                event = builder.event("AlexaSkillEvent.SkillDisabled", body={})
                module.lambda_handler(event, None)
                figures["deletions reported done"] += 1
            intent = rng.choice(["AMAZON.NextIntent", "SetNamesIntent", "AMAZON.YesIntent", "SkipIntent"])
            slots = {"firstName": "Noor", "secondName": "Alex"} if intent == "SetNamesIntent" else {}
            kitchen.send(kitchen.builder.intent(intent, slots))
            figures["races"] += 1
            figures["open sessions not told"] += told not in kitchen.ssml
            for _ in range(rng.randint(0, 3)):  # whatever the kitchen does next, nothing comes back
                if not kitchen.builder.in_session:
                    break
                kitchen.send(kitchen.builder.intent("AMAZON.NextIntent"))
            stored = _record(client, user) or {}
            figures["resurrected"] += "attributes" in stored or "deleted_at" not in stored
    return dict(figures)


def failing_deletions(count: int, rng: random.Random) -> dict[str, Any]:
    """DynamoDB fails the deletion once (retried within the request) or every time (never 'done')."""
    from moto import mock_aws

    from trust_renewal.envelopes import EnvelopeBuilder

    done, failed = _phrases("delete.done", "delete.failed")
    figures: Counter[str] = Counter()
    with mock_aws():
        module, client, _ = _lambda_on_moto()
        faults = _PutFaults(module._runtime.store.client)
        for n in range(count):
            user = f"amzn1.ask.account.DELFAIL-{n:05d}"
            _seed(module, user, names=["Maya", "Jordan"], reminder_token=f"token-{n}")
            always = rng.random() < 0.5
            by_voice = rng.random() < 0.5
            faults.left = 10**6 if always else 1
            reported_done = False
            if by_voice:
                device = Device(module, user, "KITCHEN")
                device.send(device.builder.launch())
                device.send(device.builder.intent("DeleteDataIntent"))
                device.send(device.builder.intent("AMAZON.YesIntent"))
                reported_done = done in device.ssml
                figures["spoken failures said"] += always and failed in device.ssml
            else:
                builder = EnvelopeBuilder(SKILL_ID, user_id=user)
                event = builder.event("AlexaSkillEvent.SkillDisabled", body={})
                try:
                    module.lambda_handler(event, None)
                    reported_done = True
                except Exception:
                    reported_done = False
            faults.left = 0
            stored = _record(client, user) or {}
            deleted = "deleted_at" in stored and "attributes" not in stored
            figures["deletions tried"] += 1
            figures["failed once, deleted by the retry"] += (not always) and deleted
            figures["reported done but not deleted"] += reported_done and not deleted
            figures["deleted but reported failed"] += deleted and not reported_done
    return dict(figures)


class _PutFaults:
    """Fails the skill's PutItem calls while ``left`` > 0."""

    def __init__(self, client: Any) -> None:
        self.left = 0
        client.meta.events.register("before-call.dynamodb.PutItem", self._hook)

    def _hook(self, model: Any, **_: Any) -> None:
        if self.left > 0:
            from botocore.exceptions import ClientError

            self.left -= 1
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, model.name)


def _deep(levels: int) -> dict[str, Any]:
    top: dict[str, Any] = {}
    node = top
    for _ in range(levels):
        node["x"] = {}
        node = node["x"]
    return top


TAMPERINGS: list[tuple[str, Any]] = [
    ("tz", "Mars/Olympus_Mons"), ("tz", 7), ("sync.rev", "7"), ("sync.rev", 10**30),
    ("sync.stamps", {"names": "x"}), ("sync.changed", {"everything": 1}), ("sync", []),
    ("state.prompt", 999), ("state.prompt", -1), ("state.turn", 9), ("state.exercise_id", "nope"),
    ("state.last", [["prompt:nope:99", {}]]), ("state.last", [["phrase:cue.next", {"x": "y" * 50_000}]]),
    ("state.names", [{"a": 1}]), ("state.finished", {"x": 1}), ("state.phase", "hacked"),
    ("state.offer", "hacked"), ("state", "x"), ("padding", "x" * 100_000), ("deep", _deep(25)),
    ("state.zones", [["a", "Mars/Base", "today"]]), ("state.people", [["p", 7]]),
    # Issue 23: clocks far ahead, and records that are wrong only as a whole.
    ("sync.clock", 2**62 - 1), ("sync.mine", {"names": 2**62 - 1}), ("sync.stamps", {"names": 2**62 - 1}),
    ("state.names", ["Ann", "Bea", "Cy"]), ("state.names", ["N" * 200] * 500), ("state.solo", True),
    ("state.names", ["Maya", "J" * 41]), ("state.first_speaker", 1),
]


def tampered_sessions(count: int, rng: random.Random) -> dict[str, Any]:
    """Random conversations whose session attributes are tampered with on one turn."""
    from moto import mock_aws

    apologies = _phrases(*APOLOGY_KEYS)
    figures: Counter[str] = Counter()
    with mock_aws():
        module, client, _ = _lambda_on_moto()
        for n in range(count):
            user = f"amzn1.ask.account.TAMPER-{n:05d}"
            _seed(module, user, names=["Maya", "Jordan"], reminder_token=f"token-{n}")
            device = Device(module, user, "KITCHEN")
            device.send(device.builder.launch())
            for _ in range(rng.randint(0, 5)):
                if device.builder.in_session:
                    device.send(device.builder.intent(rng.choice(["AMAZON.YesIntent", "AMAZON.NextIntent"])))
            if not device.builder.in_session:
                device.send(device.builder.launch())
            path, value = rng.choice(TAMPERINGS)
            *parents, last = path.split(".")
            node = device.builder.attributes
            for key in parents:
                node = node.setdefault(key, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict):
                node[last] = copy.deepcopy(value)
            figures["tampered sessions"] += 1
            for _ in range(3):
                if not device.builder.in_session:
                    break
                intent = rng.choice(
                    ["AMAZON.RepeatIntent", "AMAZON.NextIntent", "ProgressIntent", "AMAZON.YesIntent"]
                )
                envelope = device.builder.intent(intent)
                try:
                    answer = device.send(envelope)
                except Exception as exc:  # what this section counts
                    figures["escaped exceptions"] += 1
                    CRASHES.append(f"tampered {path}: {type(exc).__name__}")
                    break
                figures["turns after tampering"] += 1
                figures["responses over 24 KB"] += len(json.dumps(answer).encode()) > 24 * 1024
                figures["errors returned"] += "error" in answer
                figures["apologies"] += any(a in device.ssml for a in apologies)
            if device.builder.in_session:
                device.send(device.builder.session_ended())
            stored = (_record(client, user) or {}).get("attributes") or {}
            figures["records damaged"] += stored.get("names") != ["Maya", "Jordan"] or (
                stored.get("reminder_token") != f"token-{n}"
            )
            # Another couple, right after: none of their turns may be lost to it.
            other_user = f"amzn1.ask.account.BYSTANDER-{n:05d}"
            _seed(module, other_user, names=["Priya", "Sam"], roles_asked=True)
            other = Device(module, other_user, "KITCHEN")
            other.send(other.builder.launch())
            for intent in ("AMAZON.YesIntent", *["AMAZON.NextIntent"] * 6):
                if not other.builder.in_session:
                    break
                other.send(other.builder.intent(intent))
                figures["bystander turns"] += 1
                kept = (_record(client, other_user) or {}).get("attributes") or {}
                figures["bystander turns lost"] += _place(kept) != _place(other.state)
    return dict(figures)


class _LandedTimeouts:
    """PutItems that reach the table and are stored, then report a read timeout, at rate ``p``."""

    def __init__(self, client: Any, rng: random.Random) -> None:
        self.p = 0.0
        self.rng = rng
        self.injected = 0
        client.meta.events.register("after-call.dynamodb.PutItem", self._hook)

    def _hook(self, parsed: Any = None, **_: Any) -> None:
        if self.p and not (parsed or {}).get("Error") and self.rng.random() < self.p:
            from botocore.exceptions import ReadTimeoutError

            self.injected += 1
            raise ReadTimeoutError(endpoint_url="https://dynamodb.local")


def ambiguous_writes(count: int, rng: random.Random) -> dict[str, Any]:
    """Conversations whose saves land but are reported as timed out (issue 23, finding 2).

    At the end, the stored place must be the last place the couple heard, and
    no exercise they heard finished may be missing.
    """
    from moto import mock_aws

    figures: Counter[str] = Counter()
    with mock_aws():
        module, client, _ = _lambda_on_moto()
        faults = _LandedTimeouts(module._runtime.store.client, rng)
        for n in range(count):
            user = f"amzn1.ask.account.AMBIGUOUS-{n:05d}"
            _seed(module, user, names=["Maya", "Jordan"], roles_asked=True)
            device = Device(module, user, "KITCHEN")
            heard_place, heard_finished = None, set()
            for turn in range(rng.randint(5, 30)):
                faults.p = 0.3
                if turn == 0 or not device.builder.in_session:
                    envelope = device.builder.launch()
                else:
                    intent = rng.choices(
                        ["AMAZON.NextIntent", "AMAZON.YesIntent", "TurnDoneIntent", "FirstSpeakerIntent"],
                        [8, 4, 3, 1],
                    )[0]
                    slots = {}
                    if intent == "FirstSpeakerIntent":
                        slots = {"firstName": rng.choice(["Maya", "Jordan"])}
                    envelope = device.builder.intent(intent, slots)
                try:
                    device.send(envelope)
                except Exception as exc:  # what this section counts
                    figures["escaped exceptions"] += 1
                    CRASHES.append(f"ambiguous write: {type(exc).__name__}")
                    break
                figures["turns"] += 1
                if device.state:
                    heard_place = _place(device.state)
                    heard_finished |= set(device.state.get("finished") or [])
            faults.p = 0.0
            if device.builder.in_session:
                device.send(device.builder.session_ended())
            stored = (_record(client, user) or {}).get("attributes") or {}
            figures["conversations"] += 1
            behind = heard_place is not None and _place(stored) != heard_place
            figures["places behind what was heard"] += behind
            figures["finished exercises lost"] += not heard_finished <= set(stored.get("finished") or [])
        figures["writes that landed but timed out"] = faults.injected
    return dict(figures)


class _GetFaults:
    """Fails the skill's GetItem calls while ``left`` > 0."""

    def __init__(self, client: Any) -> None:
        self.left = 0
        client.meta.events.register("before-call.dynamodb.GetItem", self._hook)

    def _hook(self, model: Any, **_: Any) -> None:
        if self.left > 0:
            from botocore.exceptions import ClientError

            self.left -= 1
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, model.name)


def deletions_after_failed_reads(count: int, rng: random.Random) -> dict[str, Any]:
    """A device whose read failed acts, another deletes, the first reads again (issue 23, finding 1)."""
    from moto import mock_aws

    told = _phrases("storage.deleted_elsewhere")[0]
    figures: Counter[str] = Counter()
    with mock_aws():
        module, client, _ = _lambda_on_moto()
        faults = _GetFaults(module._runtime.store.client)
        for n in range(count):
            user = f"amzn1.ask.account.UNREAD-{n:05d}"
            _seed(module, user, names=["Maya", "Jordan"], reminder_token=f"token-{n}", roles_asked=True)
            bedroom, kitchen = Device(module, user, "BEDROOM"), Device(module, user, "KITCHEN")
            turns = rng.randint(0, 3)
            faults.left = 1 + turns  # the launch read and every retry until the deletion
            bedroom.send(bedroom.builder.launch())
            for _ in range(turns):
                intent = rng.choice(["SetNamesIntent", "AMAZON.YesIntent", "AMAZON.NextIntent"])
                slots = {"firstName": "Noor", "secondName": "Alex"} if intent == "SetNamesIntent" else {}
                bedroom.send(bedroom.builder.intent(intent, slots))
            faults.left = 0
            kitchen.send(kitchen.builder.launch())
            kitchen.send(kitchen.builder.intent("DeleteDataIntent"))
            kitchen.send(kitchen.builder.intent("AMAZON.YesIntent"))
            if bedroom.builder.in_session:
                bedroom.send(bedroom.builder.intent(rng.choice(["AMAZON.YesIntent", "AMAZON.NextIntent"])))
                figures["sessions told of the deletion"] += told in bedroom.ssml
                figures["sessions not told"] += told not in bedroom.ssml
            figures["races"] += 1
            stored = _record(client, user) or {}
            figures["resurrected"] += "attributes" in stored or "deleted_at" not in stored
    return dict(figures)


GENUINE_WEB_FIGURES = (
    "after a stalled fetch: genuine served",
    "forgeries: genuine served, chain not cached",
    "forgeries: genuine served, chain cached",
    "slow connections: genuine and /healthz served while open",
)


def _short(pair: tuple[int, int]) -> int:
    """How many of (done, of) were not done."""
    return pair[1] - pair[0]


def web_door_attacks() -> dict[str, Any]:
    """The web door on loopback under the attacks of issue 23 (findings 6-9); genuine requests meanwhile.

    A certificate authority of the bench's own signs, and a loopback server
    plays Amazon's certificate host, misbehaving (stalls, trickles, 404s).
    """
    import socket
    import threading
    import time

    from support.web_door import DEADLINE, Door, Upstream, forged, slow_client
    from support.web_pki import BASE, CERT_URL, NOW, Ca, launch_body, new_key, sign
    from support.web_pki import SKILL_ID as WEB_SKILL
    from trust_renewal.config import Config
    from trust_renewal.runtime import SkillRuntime
    from trust_renewal.storage.memory import MemoryStore
    from trust_renewal.web.app import Verifiers, create_app
    from trust_renewal.web.verification import RequestVerifier, TimestampVerifier

    ca, leaf_key = Ca("Bench"), new_key()
    chain = ca.chain_pem(ca.leaf(leaf_key))
    body = launch_body()
    figures: dict[str, Any] = {}

    def app_for(upstream: Upstream, **kw: Any) -> tuple[Any, RequestVerifier]:
        runtime = SkillRuntime(Config(store="memory", skill_id=WEB_SKILL), store=MemoryStore())
        verifier = RequestVerifier(
            trust_roots=[ca.root], fetch=upstream.fetch, clock=lambda: NOW, fetch_deadline=DEADLINE, **kw
        )
        checks = Verifiers(verifier, TimestampVerifier(clock=lambda: NOW))
        return create_app(runtime, verifiers=checks), verifier

    def genuine(url: str = CERT_URL) -> dict[str, str]:
        return {"SignatureCertChainUrl": url, "Signature-256": sign(body, leaf_key)}

    # 6: one stalled fetch, then 15 genuine requests.
    host = Upstream(chain, {"echo-api-cert.pem": "stall-once"})
    app, _ = app_for(host)
    web = Door(app)
    try:
        web.post(body, genuine())
        served = sum(web.post(body, genuine())[0] == 200 for _ in range(15))
        figures["after a stalled fetch: genuine served"] = (served, 15)
        figures["after a stalled fetch: upstream fetches"] = host.requests.count("echo-api-cert.pem")
    finally:
        web.close()
        host.close()

    # 7: forgeries with stalling URLs from two threads, and 40 query-string evictions.
    rotated = [f"echo-api-cert-{n}.pem" for n in range(8)]
    host = Upstream(chain, {"echo-api-cert.pem": "ok", **dict.fromkeys(rotated, "ok")})
    app, verifier = app_for(host)
    web = Door(app, threads=6)
    stop = threading.Event()
    forged_answers: list[int] = []

    def forge(worker: int) -> None:
        n = 0
        while not stop.is_set():
            name = f"forged-{worker}-{n}.pem"
            host.modes[name] = "stall"
            forged_answers.append(web.post(body, forged(BASE + name))[0])
            n += 1

    try:
        web.post(body, genuine())
        evictions = [web.post(body, forged(f"{CERT_URL}?evict={n}"))[0] for n in range(40)]
        threads = [threading.Thread(target=forge, args=(w,), daemon=True) for w in range(2)]
        for thread in threads:
            thread.start()
        waited = time.monotonic() + 30  # a bound on waiting for the attack to start
        while len(forged_answers) < 2 and not any(r.startswith("forged") for r in host.requests):
            if time.monotonic() > waited:
                break
            time.sleep(0.01)
        uncached = sum(web.post(body, genuine(BASE + name))[0] == 200 for name in rotated)
        cached = sum(web.post(body, genuine())[0] == 200 for _ in range(10))
        stop.set()
        for thread in threads:
            thread.join(10)
        figures["forgeries: genuine served, chain not cached"] = (uncached, len(rotated))
        figures["forgeries: genuine served, chain cached"] = (cached, 10)
        figures["forgeries refused"] = (forged_answers.count(400) + evictions.count(400),
                                        len(forged_answers) + len(evictions))
        figures["forgeries: fetches for query-string URLs"] = sum("?" in r for r in host.requests)
        figures["forgeries: genuine chain evicted"] = int(CERT_URL not in verifier.cached_urls)
    finally:
        stop.set()
        web.close()
        host.close()

    # 8: a body trickled after Connection: close (200 bytes, one every 50 ms: 10 s if let run).
    host = Upstream(chain, {"slow.pem": "trickle"})
    started = time.monotonic()
    try:
        host.fetch(BASE + "slow.pem")
        figures["trickled body: fetch held (s)"] = "not cut"
    except TimeoutError:
        figures["trickled body: fetch held (s)"] = round(time.monotonic() - started, 2)
    finally:
        host.close()

    # 9: 110 connections sending a header line every 0.2 s; genuine requests and /healthz meanwhile.
    runtime = SkillRuntime(Config(store="memory", skill_id=WEB_SKILL), store=MemoryStore())
    web = Door(create_app(runtime, verify=False), read_deadline=1.0, cleanup_interval=0)
    held: list[socket.socket] = []
    cut: list[int] = []
    stop = threading.Event()
    clients = [threading.Thread(target=slow_client, args=(web.port, held, cut, stop), daemon=True)
               for _ in range(110)]
    try:
        started = time.monotonic()
        for thread in clients:
            thread.start()
        waited = time.monotonic() + 30  # a bound on waiting for the slow clients to connect
        while len(held) < 110 and time.monotonic() < waited:
            time.sleep(0.01)
        answered = sum(web.post(body, {})[0] == 200 for _ in range(5))
        answered += sum(web.health() == 200 for _ in range(5))
        still_open = 110 - len(cut)
        for thread in clients:
            thread.join(15)
        figures["slow connections: genuine and /healthz served while open"] = (answered, 10)
        figures["slow connections: still open when served"] = still_open
        figures["slow connections cut by the read deadline"] = (len(cut), 110)
        figures["slow connections: all cut after (s)"] = round(time.monotonic() - started, 2)
        figures["connection limit (sized for this host)"] = web.server.adj.connection_limit
    finally:
        stop.set()
        web.close()
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
    pairs = two_devices(10 if args.quick else 100, rng)
    races = deletion_races(10 if args.quick else 100, rng)
    failing = failing_deletions(10 if args.quick else 60, rng)
    tampered = tampered_sessions(20 if args.quick else 200, rng)
    ambiguous = ambiguous_writes(20 if args.quick else 100, rng)
    unread = deletions_after_failed_reads(10 if args.quick else 60, rng)
    door = web_door_attacks()
    door_refused = sum(total - served for served, total in (door[k] for k in GENUINE_WEB_FIGURES))
    fuzzed = fuzz(200 if args.quick else 3000, rng, log_stream)
    leaked = leaks(log_stream.getvalue(), talks["users"])
    must_be_zero = {
        "crashes": talks["crashes"] + fuzzed["crashes"],
        "finished exercises lost (random conversations)": talks["lost_updates"],
        "names lost (random conversations)": talks["names_lost"],
        "names lost or wrong (two devices)": pairs.get("names lost or wrong", 0),
        "reminder tokens lost (two devices)": pairs.get("reminder tokens lost", 0),
        "finished exercises lost (two devices)": pairs.get("finished exercises lost", 0),
        "places moved back or wrong (two devices)": pairs.get("places moved back or wrong", 0),
        "resurrected after a deletion": races.get("resurrected", 0),
        "open sessions not told of a deletion": races.get("open sessions not told", 0),
        "deletions reported done but not done": failing.get("reported done but not deleted", 0),
        "escaped exceptions (tampered attributes)": tampered.get("escaped exceptions", 0),
        "apologies for tampered attributes": tampered.get("apologies", 0),
        "errors returned for tampered attributes": tampered.get("errors returned", 0),
        "responses over 24 KB": tampered.get("responses over 24 KB", 0),
        "records damaged by tampered attributes": tampered.get("records damaged", 0),
        "leaks (user IDs or names in logs)": leaked,
        "bystander turns lost after tampering": tampered.get("bystander turns lost", 0),
        "places behind what was heard (writes landed, reported timed out)": ambiguous.get(
            "places behind what was heard", 0
        ),
        "finished exercises lost (ambiguous writes)": ambiguous.get("finished exercises lost", 0),
        "escaped exceptions (ambiguous writes)": ambiguous.get("escaped exceptions", 0),
        "resurrected after a deletion (device whose read failed)": unread.get("resurrected", 0),
        "sessions not told of a deletion (device whose read failed)": unread.get("sessions not told", 0),
        "genuine web requests refused during attacks": door_refused,
        "forgeries let through": _short(door["forgeries refused"]),
        "fetches for query-string URLs": door["forgeries: fetches for query-string URLs"],
        "genuine chain evicted by forgeries": door["forgeries: genuine chain evicted"],
        "slow connections never cut": _short(door["slow connections cut by the read deadline"]),
    }
    rows = [
        ("random conversations", talks["conversations"]),
        ("  turns in them", talks["turns"]),
        *((f"  storage faults injected: {k}", v) for k, v in sorted(talks["faults"].items())),
        *((f"  faults by call: {k}", v) for k, v in sorted(talks["fault_operations"].items())),
        ("two-device interleavings", pairs.get("pairs", 0)),
        ("  turns in them", pairs.get("turns", 0)),
        ("deletion races (a session open on another device)", races.get("races", 0)),
        ("failing deletions", failing.get("deletions tried", 0)),
        ("  failed once, deleted by the retry", failing.get("failed once, deleted by the retry", 0)),
        ("sessions with tampered attributes", tampered.get("tampered sessions", 0)),
        ("  turns after tampering", tampered.get("turns after tampering", 0)),
        ("  bystander turns after tampering", tampered.get("bystander turns", 0)),
        ("conversations with writes that land but report a timeout", ambiguous.get("conversations", 0)),
        ("  turns in them", ambiguous.get("turns", 0)),
        ("  writes that landed but timed out", ambiguous.get("writes that landed but timed out", 0)),
        ("deletions while another device's read had failed", unread.get("races", 0)),
        *((f"web door: {k}", "/".join(map(str, v)) if isinstance(v, tuple) else v) for k, v in door.items()),
        ("envelopes fuzzed (each to lambda_handler and the web app)", fuzzed["envelopes"]),
        *((f"  {k}", v) for k, v in sorted(fuzzed["answers"].items())),
        ("log lines read for leaks", len(log_stream.getvalue().splitlines())),
        *must_be_zero.items(),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"Robustness figures (seed {args.seed})")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    bad = sum(must_be_zero.values())
    for crash in CRASHES[:10]:
        print("  crash:", crash)
    print("all zero" if bad == 0 else f"PROBLEMS FOUND: {bad}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

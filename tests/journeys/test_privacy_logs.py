"""Logs are JSON lines with no user ID, no names and no slot values: a hashed key at most."""

from __future__ import annotations

import io
import json
import logging

from support.lambda_support import USER, talk_to
from trust_renewal.logging_setup import JsonFormatter, configure_logging
from trust_renewal.storage.base import user_key


def test_a_whole_conversation_logs_nothing_personal(lambda_module, content):
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Zenobia", secondName="Quillon")
    talk.say("GoToStepIntent", topic="astrology")
    talk.say("GoToStepIntent", stepNumber="977")
    talk.say("PlayAudio")  # an intent the skill does not have
    talk.say("AMAZON.YesIntent")
    talk.end("ERROR")
    event = talk.builder.event("AlexaSkillEvent.SkillDisabled", body={})
    lambda_module.lambda_handler(event, None)
    text = stream.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines, "the conversation logged nothing at DEBUG"
    # The timestamp is the logger's own (its milliseconds could read "977"): every other field is checked.
    logged = "\n".join(json.dumps({k: v for k, v in line.items() if k != "time"}) for line in lines)
    for secret in (USER, "Zenobia", "Quillon", "astrology", "977"):
        assert secret not in logged
    # Where a user must be told apart, only a prefix of the hashed key appears.
    keys = {line["user_key"] for line in lines if "user_key" in line}
    assert keys <= {user_key(USER)[:12]}


def test_unlisted_extra_fields_and_exception_messages_are_dropped():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "turn failed", None, None)
    record.slot_value = "Zenobia"
    record.reason = "EXCEEDED_MAX_REPROMPTS"
    try:
        raise ValueError("the user said Zenobia")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["reason"] == "EXCEEDED_MAX_REPROMPTS" and entry["exception"] == "ValueError"
    assert "Zenobia" not in line


def test_the_robustness_figures_find_no_crash_lost_update_or_leak(monkeypatch, capsys):
    import sys
    from pathlib import Path

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "bench"))
    for name in ("TABLE_NAME", "SKILL_ID", "STORE"):
        monkeypatch.delenv(name, raising=False)
    import robustness

    assert robustness.main(["--quick", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "all zero" in out and "storage faults injected: timeout" in out
    sys.modules.pop("robustness", None)

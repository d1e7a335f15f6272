"""Structured logs: one JSON object per line, never a user ID, a name or a slot value."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

# Fields a log call may add with ``extra=``; anything else is dropped, so a
# careless extra cannot leak what a couple said.
SAFE_FIELDS = (
    "user_key",
    "request_type",
    "intent",
    "reason",
    "error_type",
    "phase",
    "status",
    "locale",
    "event",
)
# No field or message runs longer than this: a value that came from a request
# cannot make one log line huge.
MAX_VALUE_CHARS = 200


def _bounded(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        return value[:MAX_VALUE_CHARS] + "…"
    if isinstance(value, bool | int | float) or value is None:
        return value
    return _bounded(str(value)) if not isinstance(value, str) else value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _bounded(record.getMessage()),
        }
        for field in SAFE_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = _bounded(value)
        if record.exc_info and record.exc_info[0] is not None:
            # The type and where it happened, never the message: messages can quote request data.
            entry["exception"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])[-6:]
            entry["trace"] = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames]
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", stream=None) -> None:
    """Send JSON lines to stderr (CloudWatch on Lambda) at the given level."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)

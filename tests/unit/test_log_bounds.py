"""Log lines stay short whatever a request carried: every value is bounded."""

from __future__ import annotations

import io
import json
import logging

from trust_renewal.logging_setup import MAX_VALUE_CHARS, configure_logging


def test_a_huge_value_is_cut_in_the_log_line() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    logging.getLogger("test").warning("x" * 10_000, extra={"reason": "y" * 10_000, "intent": ["z"] * 5000})
    entry = json.loads(stream.getvalue().splitlines()[-1])
    assert all(len(str(v)) <= MAX_VALUE_CHARS + 1 for v in entry.values())
    assert entry["reason"].startswith("yyy")

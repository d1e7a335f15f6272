"""A session attribute the skill could not have written: the couple notice nothing, and
the operator's log says which field was refused.

Through the skill's real request handling on the in-memory store: the state coming back
with a turn stage out of range is dropped, the record read again, and one warning names
the field.
"""

from __future__ import annotations

import logging

from support.conversation_driver import Talk
from trust_renewal.storage.memory import MemoryStore

REFUSED = "session attributes invalid; reading the record again"


def test_a_tampered_turn_stage_is_refused_and_the_log_names_the_field(caplog) -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.begin()
    talk.say("AMAZON.NextIntent")
    talk.builder.attributes["state"]["turn"] = 9
    with caplog.at_level(logging.WARNING, logger="trust_renewal.handlers.interceptors"):
        text = talk.say("AMAZON.RepeatIntent")
    assert text  # the couple get an answer, not an error
    refused = [r for r in caplog.records if r.getMessage() == REFUSED]
    assert len(refused) == 1
    assert refused[0].reason == "field 'turn' is not valid"

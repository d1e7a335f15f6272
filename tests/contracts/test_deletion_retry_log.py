"""A deletion whose first write fails is tried again, and the operator's log says what failed.

Deleting a couple's data is tried twice within the request (storage.base.Store.delete);
the retry leaves one warning whose ``error_type`` names the failure, as every other
storage fault line does.
"""

from __future__ import annotations

import logging

from support.dynamo_support import request_envelope
from trust_renewal.storage.base import StorageUnavailable
from trust_renewal.storage.memory import MemoryStore

USER = "amzn1.ask.account.MAYA-AND-JORDAN"


class FailsOnce(MemoryStore):
    """A store whose next write fails once, as a throttled or briefly unreachable table would."""

    fail_next = False

    def _write(self, request_envelope, key, record, expected):
        if self.fail_next:
            self.fail_next = False
            raise StorageUnavailable("the table is throttled just now")
        return super()._write(request_envelope, key, record, expected)


def test_a_deletion_that_fails_once_is_tried_again_and_logged_with_its_cause(caplog) -> None:
    store = FailsOnce()
    envelope = request_envelope(USER)
    store.save_attributes(envelope, {"names": ["Maya", "Jordan"]})
    store.fail_next = True
    with caplog.at_level(logging.WARNING, logger="trust_renewal.storage.base"):
        tombstone = store.delete(envelope)
    assert tombstone.tombstone and store.load(envelope).tombstone
    retries = [r for r in caplog.records if r.getMessage() == "deletion not done yet; trying again"]
    assert len(retries) == 1
    assert retries[0].levelno == logging.WARNING
    assert retries[0].error_type == "StorageUnavailable"

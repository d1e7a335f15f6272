"""An in-memory store, for tests and throwaway runs."""

from __future__ import annotations

import copy
import threading
from typing import Any

from trust_renewal.storage.base import ANY_REVISION, Merge, Record, Store


class MemoryStore(Store):
    def __init__(self, merge: Merge | None = None) -> None:
        super().__init__(merge)
        self.records: dict[str, Record] = {}
        self.reads = 0
        self.writes = 0
        self._lock = threading.Lock()

    def _read(self, request_envelope: Any, key: str) -> Record | None:
        self.reads += 1
        return copy.deepcopy(self.records.get(key))

    def _write(
        self, request_envelope: Any, key: str, record: Record, expected: int | None
    ) -> bool | Record:
        with self._lock:
            stored = self.records.get(key)
            if expected != ANY_REVISION and (
                (stored is None) != (expected is None)
                or (stored is not None and stored.revision != expected)
            ):
                return False
            self.writes += 1
            self.records[key] = copy.deepcopy(record)
            return True

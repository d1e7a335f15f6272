"""An in-memory store, for tests and throwaway runs."""

from __future__ import annotations

import copy
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from trust_renewal.storage.base import key_for


class MemoryStore(AbstractPersistenceAdapter):
    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.reads = 0
        self.writes = 0

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        self.reads += 1
        return copy.deepcopy(self.records.get(key_for(request_envelope), {}))

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self.writes += 1
        self.records[key_for(request_envelope)] = copy.deepcopy(attributes)

    def delete_attributes(self, request_envelope: Any) -> None:
        self.records.pop(key_for(request_envelope), None)

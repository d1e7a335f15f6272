"""Where a couple's progress is kept, behind ask-sdk-core's AbstractPersistenceAdapter."""

from trust_renewal.storage.base import CorruptRecord, StorageUnavailable, user_key

__all__ = ["CorruptRecord", "StorageUnavailable", "user_key"]

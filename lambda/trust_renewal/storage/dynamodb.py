"""Progress in DynamoDB: the production store, one item per Alexa account.

A lean adapter on a botocore *client* rather than ask-sdk's DynamoDbAdapter:
that adapter builds a boto3 resource in a default argument at import time
(paying for boto3 on every cold start and needing a region before any request),
has no conditional writes, and hands back ``Decimal``s. Here the client (plain
botocore, the layer under boto3, without boto3's own import cost) is built on
the first call and reused, writes are conditional on a revision, and numbers
leave as ``int``/``float`` (``dynamo_codec``).

Item layout (the table itself is declared in template.yaml, never created here):
``id`` (S, hashed user key), ``attributes`` (M, the kept fields), ``stamps`` (M,
when each field last changed), ``rev`` (N), ``updated_at`` (S, ISO UTC),
``expires_at`` (N, epoch seconds; the table's TTL), ``writer`` (S, the token of
the save that wrote it, so a session recognises its own write after a
timeout). A tombstone has ``deleted_at`` (N) and no attributes or stamps.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trust_renewal.storage.base import (
    ANY_REVISION,
    CorruptRecord,
    Merge,
    Record,
    StorageUnavailable,
    Store,
)
from trust_renewal.storage.dynamo_codec import CodecError, decode_item, encode

log = logging.getLogger(__name__)

# Every DynamoDB action this module calls. template.yaml grants exactly these
# (tests/contracts/test_template.py checks), so a new call here needs the policy too.
# A deletion is a PutItem of a tombstone; the table's TTL removes it later.
DYNAMODB_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem")

# Alexa waits 8 s for a turn. Worst case for one call: 2 attempts x (0.5 s
# connect + 1.0 s read) + at most 1 s of standard-mode backoff = 4 s. A call
# that fails slowly makes later calls for the same request fail at once (see
# _call), so a turn that reads and saves still stays near 4 s.
CONNECT_TIMEOUT_S = 0.5
READ_TIMEOUT_S = 1.0
MAX_ATTEMPTS = 2  # the first try and one retry


# Failures that already cost time (timeouts, retried throttling or 5xx): the
# rest of the same request should not wait for them again.
_SLOW_ERROR_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


class _Conflict(Exception):
    """The conditional write lost: someone else saved since we read."""

    def __init__(self, item: dict[str, Any] | None) -> None:
        super().__init__("conditional write failed")
        self.item = item  # the stored item, when DynamoDB returned it


def _request_id(request_envelope: Any) -> str | None:
    request = getattr(request_envelope, "request", None)
    return getattr(request, "request_id", None)


def _stamps(value: Any) -> dict[str, int] | None:
    if not isinstance(value, dict):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()):
        return None
    return dict(value)


class DynamoDbStore(Store):
    """Reads and conditionally writes one item per user; every AWS failure is StorageUnavailable."""

    def __init__(
        self,
        table_name: str,
        region: str | None = None,
        client: Any = None,
        merge: Merge | None = None,
        data_folder: Path | bool | None = None,
    ) -> None:
        super().__init__(merge)
        self.table_name = table_name
        # botocore's data: None = the bundle's DynamoDB-only folder when it fits, False = full data.
        self.data_folder = data_folder
        self.region = region
        self._client = client
        self._client_lock = threading.Lock()
        # The request whose storage call failed slowly; its later calls fail fast.
        self._failed_request: str | None = None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    # -- the botocore client, built on first use -------------------------------------
    @property
    def client(self) -> Any:
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        # Imported here, not at module level: botocore costs ~100 ms of cold start.
        import botocore.session
        from botocore.config import Config

        from trust_renewal.storage.botocore_data import lean_loader

        config = Config(
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=READ_TIMEOUT_S,
            # total_max_attempts counts the first try; botocore's max_attempts counts retries.
            retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        )
        from botocore.exceptions import BotoCoreError

        try:
            session = botocore.session.get_session()
            loader = lean_loader(self.data_folder) if self.data_folder is not False else None
            if loader is not None:
                # Still botocore's own Loader, client, signer and credential chain:
                # only the files it reads are fewer (see botocore_data).
                session.register_component("data_loader", loader)
            return session.create_client("dynamodb", region_name=self.region, config=config)
        except BotoCoreError as exc:  # e.g. no region configured
            raise StorageUnavailable(f"cannot set up DynamoDB ({type(exc).__name__})") from exc

    # -- one wrapped call -----------------------------------------------------------
    def _call(
        self, operation: str, request_envelope: Any, *, urgent: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        """Run one client operation; translate every AWS failure into StorageUnavailable.

        ``urgent`` calls (a deletion) are tried even after a slow failure in the
        same request: a deletion must not be given up on because a read was slow.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        request_id = _request_id(request_envelope)
        if not urgent and request_id is not None and request_id == self._failed_request:
            raise StorageUnavailable("DynamoDB already failed during this request")
        client = self.client
        try:
            return getattr(client, operation)(TableName=self.table_name, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "Unknown")
            if code == "ConditionalCheckFailedException":
                raise _Conflict(exc.response.get("Item")) from exc
            if code in _SLOW_ERROR_CODES:
                self._failed_request = request_id
            raise StorageUnavailable(f"DynamoDB {operation} failed: {code}") from exc
        except BotoCoreError as exc:
            # Timeouts, refused connections, missing credentials...: none of them
            # recovers within the same request.
            self._failed_request = request_id
            raise StorageUnavailable(f"DynamoDB {operation} failed: {type(exc).__name__}") from exc

    # -- Store ------------------------------------------------------------------------
    def _read(self, request_envelope: Any, key: str) -> Record | None:
        response = self._call("get_item", request_envelope, Key={"id": {"S": key}}, ConsistentRead=True)
        item = response.get("Item")
        return self._decode(item, key) if item else None

    def _decode(self, item: dict[str, Any], key: str) -> Record:
        """The record in a stored item, or CorruptRecord."""
        raw_rev = item.get("rev")
        number = raw_rev.get("N", "") if isinstance(raw_rev, dict) else ""
        known_rev = int(number) if isinstance(number, str) and number.isdigit() else None
        try:
            decoded = decode_item(item)
        except CodecError as exc:
            log.warning("stored record unreadable", extra={"user_key": key})
            raise CorruptRecord("the stored record is not valid DynamoDB data", known_rev) from exc
        rev = decoded.get("rev", 0)  # a record without one counts as revision 0
        if not isinstance(rev, int) or isinstance(rev, bool) or rev < 0:
            log.warning("stored record has a bad revision", extra={"user_key": key})
            raise CorruptRecord("the stored record has a bad revision", None)
        deleted_at = decoded.get("deleted_at")
        if deleted_at is not None:
            if not isinstance(deleted_at, int) or isinstance(deleted_at, bool):
                raise CorruptRecord("the stored tombstone is damaged", rev)
            return Record(revision=rev, deleted_at=deleted_at)
        attributes = decoded.get("attributes")
        stamps = _stamps(decoded.get("stamps", {}))
        if not isinstance(attributes, dict) or stamps is None:
            log.warning("stored record has no attribute map", extra={"user_key": key})
            raise CorruptRecord("the stored record holds no attribute map", rev)
        writer = decoded.get("writer")
        return Record(
            values=attributes, stamps=stamps, revision=rev, writer=writer if isinstance(writer, str) else None
        )

    def _write(
        self, request_envelope: Any, key: str, record: Record, expected: int | None
    ) -> bool | Record:
        now = self.clock()
        try:
            item: dict[str, Any] = {
                "id": {"S": key},
                "rev": {"N": str(record.revision)},
                "updated_at": {"S": now.isoformat(timespec="seconds")},
                "expires_at": {"N": str(record.expires_at(now.timestamp()))},
            }
            if record.tombstone:
                item["deleted_at"] = {"N": str(record.deleted_at)}
            else:
                item["attributes"] = encode(dict(record.values))
                item["stamps"] = encode(dict(record.stamps))
                if record.writer:
                    item["writer"] = {"S": record.writer}
        except CodecError as exc:
            raise TypeError("progress attributes must be JSON-like data") from exc
        condition: dict[str, Any] = {}
        if expected is None:
            condition = {
                "ConditionExpression": "attribute_not_exists(#id)",
                "ExpressionAttributeNames": {"#id": "id"},
            }
        elif expected == 0:
            # A record without a revision counts as revision 0.
            condition = {
                "ConditionExpression": "attribute_not_exists(#rev) OR #rev = :rev",
                "ExpressionAttributeValues": {":rev": {"N": "0"}},
                "ExpressionAttributeNames": {"#rev": "rev"},
            }
        elif expected != ANY_REVISION:
            condition = {
                "ConditionExpression": "#rev = :rev",
                "ExpressionAttributeValues": {":rev": {"N": str(expected)}},
                "ExpressionAttributeNames": {"#rev": "rev"},
            }
        if condition:
            # Hands back the stored item on a conflict: saves a GetItem.
            condition["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        try:
            self._call("put_item", request_envelope, urgent=record.tombstone, Item=item, **condition)
        except _Conflict as conflict:
            if not conflict.item:
                return False
            try:
                return self._decode(conflict.item, key)
            except CorruptRecord:
                return False  # the loop reads it again and decides what a damaged record means
        return True

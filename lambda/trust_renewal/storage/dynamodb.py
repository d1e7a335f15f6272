"""Progress in DynamoDB: the production store, one item per Alexa account.

A lean adapter on a botocore *client* rather than ask-sdk's DynamoDbAdapter:
that adapter builds a boto3 resource in a default argument at import time
(paying for boto3 on every cold start and needing a region before any request),
has no conditional writes, and hands back ``Decimal``s. Here the client (plain
botocore, the layer under boto3, without boto3's own import cost) is built on
the first call and reused, writes are conditional on a revision, and numbers
leave as ``int``/``float`` (``dynamo_codec``).

Item layout (the table itself is declared in template.yaml, never created here):
``id`` (S, hashed user key), ``attributes`` (M, the payload), ``rev`` (N),
``updated_at`` (S, ISO UTC), ``expires_at`` (N, epoch seconds; the table's TTL).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from trust_renewal.storage.base import (
    MAX_CONFLICT_ROUNDS,
    CorruptRecord,
    StorageUnavailable,
    key_for,
    settle,
    split_revision,
)
from trust_renewal.storage.dynamo_codec import CodecError, decode_item, encode

log = logging.getLogger(__name__)

# Every DynamoDB action this module calls. template.yaml grants exactly these
# (tests/contracts/test_template.py checks), so a new call here needs the policy too.
DYNAMODB_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem")

# Alexa waits 8 s for a turn. Worst case for one call: 2 attempts x (0.5 s
# connect + 1.0 s read) + at most 1 s of standard-mode backoff = 4 s. A call
# that fails slowly makes later calls for the same request fail at once (see
# _call), so a turn that reads and saves still stays near 4 s.
CONNECT_TIMEOUT_S = 0.5
READ_TIMEOUT_S = 1.0
MAX_ATTEMPTS = 2  # the first try and one retry


# Revision "expected" when replacing a corrupt record whatever it holds.
OVERWRITE = -1

# Abandoned records expire (DynamoDB TTL on expires_at) a year after the last write.
RETENTION = timedelta(days=365)

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

Merge = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


class _Conflict(Exception):
    """The conditional write lost: someone else saved since we read."""

    def __init__(self, item: dict[str, Any] | None) -> None:
        super().__init__("conditional write failed")
        self.item = item  # the stored item, when DynamoDB returned it


def _request_id(request_envelope: Any) -> str | None:
    request = getattr(request_envelope, "request", None)
    return getattr(request, "request_id", None)


class DynamoDbStore(AbstractPersistenceAdapter):
    """Reads and conditionally writes one item per user; every AWS failure is StorageUnavailable."""

    def __init__(
        self,
        table_name: str,
        region: str | None = None,
        client: Any = None,
        merge: Merge | None = None,
        data_folder: Path | bool | None = None,
    ) -> None:
        self.table_name = table_name
        # botocore's data: None = the bundle's DynamoDB-only folder when it fits, False = full data.
        self.data_folder = data_folder
        self.region = region
        self.merge = merge
        self._client = client
        self._client_lock = threading.Lock()
        # The request whose storage call failed slowly; its later calls fail fast.
        self._failed_request: str | None = None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    # -- the boto3 client, built on first use -----------------------------------
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
        from botocore.exceptions import BotoCoreError

        from trust_renewal.storage.botocore_data import lean_loader

        config = Config(
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=READ_TIMEOUT_S,
            # total_max_attempts counts the first try; botocore's max_attempts counts retries.
            retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        )
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

    # -- one wrapped call -------------------------------------------------------
    def _call(self, operation: str, request_envelope: Any, **kwargs: Any) -> dict[str, Any]:
        """Run one client operation; translate every AWS failure into StorageUnavailable."""
        from botocore.exceptions import BotoCoreError, ClientError

        request_id = _request_id(request_envelope)
        if request_id is not None and request_id == self._failed_request:
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

    # -- items ------------------------------------------------------------------
    def _read_item(self, request_envelope: Any, key: str) -> dict[str, Any] | None:
        response = self._call("get_item", request_envelope, Key={"id": {"S": key}}, ConsistentRead=True)
        return response.get("Item")

    def _decode(self, item: dict[str, Any], key: str) -> tuple[dict[str, Any], int]:
        """The payload and revision of a stored item, or CorruptRecord."""
        try:
            decoded = decode_item(item)
        except CodecError as exc:
            log.warning("stored record unreadable", extra={"user_key": key})
            raise CorruptRecord("the stored record is not valid DynamoDB data") from exc
        attributes = decoded.get("attributes")
        rev = decoded.get("rev", 0)  # a record without one counts as revision 0
        if not isinstance(attributes, dict):
            log.warning("stored record has no attribute map", extra={"user_key": key})
            raise CorruptRecord("the stored record holds no attribute map")
        if not isinstance(rev, int) or isinstance(rev, bool) or rev < 0:
            log.warning("stored record has a bad revision", extra={"user_key": key})
            raise CorruptRecord("the stored record has a bad revision")
        attributes.pop("_rev", None)
        return attributes, int(rev)

    def _write(self, request_envelope: Any, key: str, payload: dict[str, Any], expected: int | None) -> int:
        """Write ``payload`` if the stored revision is still ``expected``.

        ``None`` expects no record; OVERWRITE replaces whatever is there.
        """
        now = self.clock()
        new_rev = max(expected or 0, 0) + 1
        try:
            attributes = encode(payload)
        except CodecError as exc:
            raise TypeError("progress attributes must be JSON-like data") from exc
        item = {
            "id": {"S": key},
            "attributes": attributes,
            "rev": {"N": str(new_rev)},
            "updated_at": {"S": now.isoformat(timespec="seconds")},
            "expires_at": {"N": str(int((now + RETENTION).timestamp()))},
        }
        condition: dict[str, Any] = {}
        names: dict[str, str] = {}
        if expected == OVERWRITE:
            pass
        elif expected is None:
            condition = {"ConditionExpression": "attribute_not_exists(#id)"}
            names = {"#id": "id"}
        elif expected == 0:
            # A record without a revision counts as revision 0.
            condition = {
                "ConditionExpression": "attribute_not_exists(#rev) OR #rev = :rev",
                "ExpressionAttributeValues": {":rev": {"N": "0"}},
            }
            names = {"#rev": "rev"}
        else:
            condition = {
                "ConditionExpression": "#rev = :rev",
                "ExpressionAttributeValues": {":rev": {"N": str(expected)}},
            }
            names = {"#rev": "rev"}
        if condition:
            # Hands back the stored item on a conflict: saves a GetItem.
            condition["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            condition["ExpressionAttributeNames"] = names
        self._call("put_item", request_envelope, Item=item, **condition)
        return new_rev

    # -- AbstractPersistenceAdapter ---------------------------------------------
    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        """The stored attributes plus ``"_rev"``; ``{}`` when the user has no record."""
        key = key_for(request_envelope)
        item = self._read_item(request_envelope, key)
        if not item:
            return {}
        attributes, rev = self._decode(item, key)
        attributes["_rev"] = rev
        return attributes

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        """Conditionally save; on a conflict merge with what is stored and try again.

        ``attributes`` is updated in place to what was saved, with its new ``"_rev"``.
        """
        key = key_for(request_envelope)
        payload, expected = split_revision(attributes)
        for conflicts in range(MAX_CONFLICT_ROUNDS + 1):
            try:
                new_rev = self._write(request_envelope, key, payload, expected)
                break
            except _Conflict as conflict:
                if conflicts == MAX_CONFLICT_ROUNDS:
                    raise StorageUnavailable("the record kept changing while saving") from None
                item = conflict.item or self._read_item(request_envelope, key)
                payload, expected = self._resolve(key, item, payload)
        settle(attributes, payload, new_rev)

    def _resolve(
        self, key: str, item: dict[str, Any] | None, payload: dict[str, Any]
    ) -> tuple[dict[str, Any], int | None]:
        """What to write after a conflict, and the revision to expect."""
        if not item:  # deleted in between: write ours as a new record
            return payload, None
        try:
            stored, rev = self._decode(item, key)
        except CorruptRecord:
            # Only reached when the caller saves over a record it could not read
            # (after telling the couple): replace it, still guarding on its revision
            # when that part is readable.
            raw = item.get("rev")
            if raw is None:
                return payload, 0
            number = raw.get("N", "") if isinstance(raw, dict) else ""
            return payload, int(number) if number.isdigit() else OVERWRITE
        if self.merge is None:
            return payload, rev
        return self.merge(stored, payload), rev

    def delete_attributes(self, request_envelope: Any) -> None:
        """Remove everything stored for this user (no error if nothing is)."""
        key = key_for(request_envelope)
        self._call("delete_item", request_envelope, Key={"id": {"S": key}})


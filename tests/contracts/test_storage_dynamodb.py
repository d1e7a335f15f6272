"""The DynamoDB store on moto: item layout, the lazy client, and every fault becoming StorageUnavailable.

Faults are injected at botocore's ``before-send`` event, the moment a request
would leave for the network, so the real client, its retry policy and its
error parsing all run as they would in Lambda.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from moto import mock_aws

from support.dynamo_support import (
    FAKE_AWS_ENV,
    TEST_TABLE_NAME,
    create_progress_table,
    make_client,
    request_envelope,
)
from trust_renewal.storage import base, dynamodb
from trust_renewal.storage.base import Changes, CorruptRecord, DeletionFailed, StorageUnavailable, user_key
from trust_renewal.storage.dynamodb import DynamoDbStore

MAYA = "amzn1.ask.account.MAYA-AND-JORDAN"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        moto_client = make_client()
        create_progress_table(moto_client)
        yield moto_client


@pytest.fixture
def store(client: Any) -> DynamoDbStore:
    return DynamoDbStore(TEST_TABLE_NAME)


@pytest.fixture
def offline_store(monkeypatch: pytest.MonkeyPatch) -> DynamoDbStore:
    """A store with fake credentials and no moto: only an injected fault may answer it."""
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    return DynamoDbStore(TEST_TABLE_NAME)


@pytest.fixture
def backoffs(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry delays botocore asks for, recorded instead of slept."""
    import botocore.endpoint

    delays: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", delays.append)
    return delays


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def aws_error(status: int, code: str) -> Callable[..., AWSResponse]:
    """A before-send handler that answers like DynamoDB does with this error."""
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": code})

    def respond(request: Any, **_: Any) -> AWSResponse:
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, status, headers, _Body(body.encode()))

    return respond


def raises(error: Exception) -> Callable[..., Any]:
    def fail(**_: Any) -> None:
        raise error

    return fail


def inject(store: DynamoDbStore, handler: Callable[..., Any]) -> list[str]:
    """Make every request the store sends fail with ``handler``; returns the sends it saw."""
    sent: list[str] = []

    def counting(**kwargs: Any) -> Any:
        sent.append(kwargs["event_name"])
        return handler(**kwargs)

    store.client.meta.events.register_first("before-send.dynamodb", counting, unique_id="fault")
    return sent


def heal(store: DynamoDbStore) -> None:
    store.client.meta.events.unregister("before-send.dynamodb", unique_id="fault")


ENDPOINT = "https://dynamodb.us-east-1.amazonaws.com"

# (name, before-send handler, retried by botocore?)
FAULTS = [
    ("throttled", aws_error(400, "ProvisionedThroughputExceededException"), True),
    ("throttled-request", aws_error(400, "ThrottlingException"), True),
    ("server error", aws_error(500, "InternalServerError"), True),
    ("access denied", aws_error(400, "AccessDeniedException"), False),
    ("read timeout", raises(ReadTimeoutError(endpoint_url=ENDPOINT)), True),
    ("connect timeout", raises(ConnectTimeoutError(endpoint_url=ENDPOINT)), True),
    ("no connection", raises(EndpointConnectionError(endpoint_url=ENDPOINT)), True),
]
OPERATIONS = {
    "get": lambda store, envelope: store.get_attributes(envelope),
    "save": lambda store, envelope: store.save_attributes(envelope, {"position": 1}),
    "delete": lambda store, envelope: store.delete_attributes(envelope),
}


# -- item layout --------------------------------------------------------------
def test_the_item_has_the_documented_layout(store: DynamoDbStore, client: Any) -> None:
    store.clock = lambda: datetime(2025, 3, 1, 20, 30, tzinfo=UTC)
    store.save_attributes(request_envelope(MAYA), {"position": 2, "pace": 0.5, "names": ["Maya"]})

    (item,) = client.scan(TableName=TEST_TABLE_NAME)["Items"]

    assert item == {
        "id": {"S": user_key(MAYA)},
        "attributes": {
            "M": {"position": {"N": "2"}, "pace": {"N": "0.5"}, "names": {"L": [{"S": "Maya"}]}}
        },
        "stamps": {"M": {k: item["stamps"]["M"][k] for k in ("position", "pace", "names")}},
        "rev": {"N": "1"},
        "updated_at": {"S": "2025-03-01T20:30:00+00:00"},
        # One year later, for the table's TTL.
        "expires_at": {"N": str(int(datetime(2026, 3, 1, 20, 30, tzinfo=UTC).timestamp()))},
    }


def test_every_save_pushes_expiry_a_year_past_the_last_write(store: DynamoDbStore, client) -> None:
    store.clock = lambda: datetime(2025, 1, 1, tzinfo=UTC)
    attributes: dict[str, Any] = {"position": 1}
    store.save_attributes(request_envelope(MAYA), attributes)
    store.clock = lambda: datetime(2025, 6, 1, tzinfo=UTC)
    store.save_attributes(request_envelope(MAYA), attributes)

    (item,) = client.scan(TableName=TEST_TABLE_NAME)["Items"]
    assert item["expires_at"] == {"N": str(int(datetime(2026, 6, 1, tzinfo=UTC).timestamp()))}


def test_number_sets_and_string_sets_come_back_as_plain_sets(store: DynamoDbStore) -> None:
    store.save_attributes(request_envelope(MAYA), {"days": {1, 2}, "tags": {"a", "b"}})
    loaded = store.get_attributes(request_envelope(MAYA))
    assert loaded == {"days": {1, 2}, "tags": {"a", "b"}}
    assert all(type(day) is int for day in loaded["days"])


def test_a_record_without_a_revision_loads_as_revision_zero(store: DynamoDbStore, client) -> None:
    client.put_item(
        TableName=TEST_TABLE_NAME,
        Item={"id": {"S": user_key(MAYA)}, "attributes": {"M": {"position": {"N": "3"}}}},
    )
    loaded = store.load(request_envelope(MAYA))
    assert (dict(loaded.values), loaded.revision) == ({"position": 3}, 0)

    store.save(request_envelope(MAYA), Changes({"position": 4}, {"position": 1}, {"position": 3}, 0))
    loaded = store.load(request_envelope(MAYA))
    assert (dict(loaded.values), loaded.revision) == ({"position": 4}, 1)


@pytest.mark.parametrize(
    "item",
    [
        {"attributes": {"S": "{}"}, "rev": {"N": "1"}},
        {"rev": {"N": "1"}},
        {"attributes": {"M": {}}, "rev": {"S": "one"}},
        {"attributes": {"M": {}}, "rev": {"N": "1.5"}},
    ],
    ids=["payload-not-a-map", "payload-missing", "revision-not-a-number", "revision-fractional"],
)
def test_records_that_cannot_be_progress_are_corrupt(
    store: DynamoDbStore, client: Any, item: dict[str, Any]
) -> None:
    client.put_item(TableName=TEST_TABLE_NAME, Item={"id": {"S": user_key(MAYA)}, **item})
    with pytest.raises(CorruptRecord):
        store.get_attributes(request_envelope(MAYA))

    # After the couple is told, a fresh start replaces it whatever it held.
    store.save_attributes(request_envelope(MAYA), {"position": 0})
    assert store.get_attributes(request_envelope(MAYA))["position"] == 0


def test_a_conflict_costs_one_extra_write_and_no_read(store: DynamoDbStore) -> None:
    # ReturnValuesOnConditionCheckFailure hands back the stored item: issue 7 counts requests.
    first = store.save(request_envelope(MAYA), Changes({"position": 1}, {}, {"position": None}, None))
    store.save(request_envelope(MAYA), Changes({"position": 2}, {}, {"position": 1}, first.revision))
    calls: list[str] = []
    store.client.meta.events.register(
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )
    store.save(request_envelope(MAYA), Changes({"position": 3}, {}, {"position": 1}, first.revision))  # stale
    assert calls == ["PutItem", "PutItem"]
    assert store.get_attributes(request_envelope(MAYA)) == {"position": 3}


# -- the client ---------------------------------------------------------------
def test_importing_the_store_does_not_import_boto3() -> None:
    code = (
        "import sys, trust_renewal.storage.dynamodb;"
        "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_client_is_built_on_first_use_and_reused(client: Any) -> None:
    store = DynamoDbStore(TEST_TABLE_NAME)
    assert store._client is None  # building the store costs nothing

    store.get_attributes(request_envelope(MAYA))
    first = store._client
    store.save_attributes(request_envelope(MAYA), {"position": 1})
    store.get_attributes(request_envelope(MAYA))

    assert first is not None and store._client is first


def test_a_given_client_is_used_as_is(client: Any) -> None:
    store = DynamoDbStore(TEST_TABLE_NAME, client=client)
    store.save_attributes(request_envelope(MAYA), {"position": 1})
    assert store.client is client
    assert client.get_item(TableName=TEST_TABLE_NAME, Key={"id": {"S": user_key(MAYA)}})["Item"]


def test_the_client_answers_well_inside_alexas_eight_seconds(store: DynamoDbStore) -> None:
    config = store.client.meta.config
    assert config.connect_timeout == dynamodb.CONNECT_TIMEOUT_S
    assert config.read_timeout == dynamodb.READ_TIMEOUT_S
    assert config.retries == {"total_max_attempts": dynamodb.MAX_ATTEMPTS, "mode": "standard"}
    # Every attempt may hang for connect + read; standard-mode backoff before the
    # second attempt is at most 1 s (throttling), so one call's worst case is:
    worst = dynamodb.MAX_ATTEMPTS * (config.connect_timeout + config.read_timeout) + 1.0
    assert worst <= 4.5


def test_a_missing_region_is_storage_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    store = DynamoDbStore(TEST_TABLE_NAME)
    with pytest.raises(StorageUnavailable):
        store.get_attributes(request_envelope(MAYA))


# -- faults -------------------------------------------------------------------
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(("fault", "handler", "retried"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_is_storage_unavailable_after_bounded_retries(
    offline_store: DynamoDbStore,
    backoffs: list[float],
    operation: str,
    fault: str,
    handler: Callable[..., Any],
    retried: bool,
) -> None:
    sent = inject(offline_store, handler)

    with pytest.raises(StorageUnavailable) as caught:
        OPERATIONS[operation](offline_store, request_envelope(MAYA))

    # A deletion is tried again once within the request, even after a slow failure.
    tries = base.DELETE_ATTEMPTS if operation == "delete" else 1
    assert len(sent) == tries * (dynamodb.MAX_ATTEMPTS if retried else 1)
    assert sum(backoffs) <= tries * 1.0
    cause = caught.value.__cause__
    if operation == "delete":
        assert isinstance(caught.value, DeletionFailed)
        cause = cause.__cause__
    assert isinstance(cause, ClientError | BotoCoreError)
    message = str(caught.value)
    assert MAYA not in message and user_key(MAYA) not in message


def test_a_missing_table_is_storage_unavailable(client: Any) -> None:
    store = DynamoDbStore("no-such-table")
    with pytest.raises(StorageUnavailable) as caught:
        store.get_attributes(request_envelope(MAYA))
    assert caught.value.__cause__.response["Error"]["Code"] == "ResourceNotFoundException"


def test_missing_credentials_are_storage_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in FAKE_AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    store = DynamoDbStore(TEST_TABLE_NAME)
    sent = inject(store, raises(AssertionError("no request may leave without credentials")))

    with pytest.raises(StorageUnavailable) as caught:
        store.get_attributes(request_envelope(MAYA))

    assert isinstance(caught.value.__cause__, NoCredentialsError)
    assert sent == []


def test_after_a_slow_failure_the_rest_of_that_request_fails_at_once(
    store: DynamoDbStore, backoffs: list[float]
) -> None:
    sent = inject(store, raises(ReadTimeoutError(endpoint_url=ENDPOINT)))
    turn = request_envelope(MAYA)
    with pytest.raises(StorageUnavailable):
        store.get_attributes(turn)
    attempts = len(sent)

    # The same turn's save would wait for the same outage again: it does not.
    with pytest.raises(StorageUnavailable):
        store.save_attributes(turn, {"position": 2})
    assert len(sent) == attempts


def test_the_next_turn_saves_what_the_failed_turn_kept(
    store: DynamoDbStore, backoffs: list[float]
) -> None:
    # A timeout that never reached the table (an injected 5xx would still let moto write).
    inject(store, raises(ReadTimeoutError(endpoint_url=ENDPOINT)))
    session = {"position": 2}
    with pytest.raises(StorageUnavailable):
        store.save_attributes(request_envelope(MAYA), session)
    heal(store)

    store.save_attributes(request_envelope(MAYA), session)

    assert store.get_attributes(request_envelope(MAYA)) == {"position": 2}

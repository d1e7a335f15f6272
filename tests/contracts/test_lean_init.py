"""What the Lambda build adds for a lean INIT: botocore's DynamoDB-only data folder and a frozen heap.

The folder is the one ``lambda/Makefile`` builds, read by botocore's own
``Loader``; the client on it talks to moto exactly as the full one does.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import botocore
import pytest
from botocore.loaders import Loader
from moto import mock_aws

from support.dynamo_support import (
    FAKE_AWS_ENV,
    TEST_REGION,
    TEST_TABLE_NAME,
    create_progress_table,
    make_client,
    request_envelope,
)
from support.lambda_support import lambda_on_moto, stored_item, talk_to
from trust_renewal.storage import botocore_data
from trust_renewal.storage.botocore_data import MANIFEST, build, lean_loader
from trust_renewal.storage.dynamodb import DynamoDbStore

MAYA = "amzn1.ask.account.MAYA-AND-JORDAN"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("bundle") / "botocore_data")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        create_progress_table(make_client())
        yield


def test_the_folder_holds_dynamodb_alone_stamped_with_this_botocore(folder: Path):
    loader = Loader(extra_search_paths=[str(folder)], include_default_search_paths=False)
    assert loader.list_available_services("service-2") == ["dynamodb"]
    assert json.loads((folder / MANIFEST).read_text())["botocore"] == botocore.__version__
    endpoints = json.loads((folder / "endpoints.json").read_text())
    assert all(set(p["services"]) == {"dynamodb"} for p in endpoints["partitions"])


def test_a_store_on_the_folder_reads_and_writes_dynamodb(folder: Path, aws):
    store = DynamoDbStore(TEST_TABLE_NAME, region=TEST_REGION, data_folder=folder)
    envelope = request_envelope(MAYA)
    store.save_attributes(envelope, {"finished": ["1.a"], "names": ["Maya", "Jordan"]})
    assert store.get_attributes(envelope) == {"finished": ["1.a"], "names": ["Maya", "Jordan"]}
    assert store.client._loader.search_paths == [str(folder)], "the client was built from the lean folder"


def test_a_store_without_the_folder_or_with_another_botocores_uses_the_full_data(
    folder: Path, tmp_path: Path, aws
):
    other = tmp_path / "other"
    other.mkdir()
    (other / MANIFEST).write_text(json.dumps({"botocore": "0.0.1"}))
    assert lean_loader(other) is None
    assert lean_loader(tmp_path / "absent") is None
    store = DynamoDbStore(TEST_TABLE_NAME, region=TEST_REGION, data_folder=other)
    envelope = request_envelope(MAYA)
    store.save_attributes(envelope, {"finished": ["1.a"]})
    assert store.get_attributes(envelope)["finished"] == ["1.a"]
    assert Loader.BUILTIN_DATA_PATH in store.client._loader.search_paths


def test_lambda_with_the_folder_answers_and_saves_and_freezes_its_init_heap(folder: Path, monkeypatch):
    monkeypatch.setattr(botocore_data, "DEFAULT_FOLDER", folder)
    for module in lambda_on_moto(monkeypatch):
        store = module._runtime.store
        talk = talk_to(module)
        assert "welcome" in talk.launch().lower()
        talk.say("AMAZON.YesIntent")
        assert stored_item(module) is not None
        assert store.client._loader.search_paths == [str(folder)]
        # INIT ended with the collector back on and its objects frozen out of later passes.
        assert gc.isenabled() and gc.get_freeze_count() > 0
    gc.unfreeze()

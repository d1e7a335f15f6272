"""template.yaml keeps its promises: what it deploys, what it allows, and that cfn-lint is happy.

Also checks the sample events in events/ are envelopes this skill accepts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from support.dynamo_support import (
    FAKE_AWS_ENV,
    TABLE_RESOURCE,
    TEMPLATE,
    create_progress_table,
    load_template,
    make_client,
    request_envelope,
)
from trust_renewal.config import config_from_env
from trust_renewal.envelope_checks import check_shape, check_skill_id
from trust_renewal.storage.base import Changes
from trust_renewal.storage.dynamodb import DYNAMODB_ACTIONS, DynamoDbStore

ROOT = TEMPLATE.parent
EVENTS = ROOT / "events"
SAMPLE_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def function(template: dict[str, Any]) -> dict[str, Any]:
    resource = template["Resources"]["SkillFunction"]
    assert resource["Type"] == "AWS::Serverless::Function"
    return resource["Properties"]


def test_it_is_a_sam_template(template: dict[str, Any]) -> None:
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    assert template["Transform"] == "AWS::Serverless-2016-10-31"


def test_the_function_runs_the_lambda_entry_point(function: dict[str, Any]) -> None:
    assert function["CodeUri"] == "lambda/"
    module, _, handler = function["Handler"].partition(".")
    source = (ROOT / function["CodeUri"] / f"{module}.py").read_text(encoding="utf-8")
    assert re.search(rf"^def {handler}\(event", source, re.MULTILINE)
    assert function["Runtime"] == "python3.13"
    assert function["Architectures"] == ["arm64"]
    assert function["MemorySize"] == 256
    assert function["Timeout"] <= 8  # Alexa gives up after 8 seconds


def test_only_the_configured_skill_can_invoke_it(template: dict[str, Any], function) -> None:
    assert list(function["Events"].values()) == [
        {"Type": "AlexaSkill", "Properties": {"SkillId": {"Ref": "SkillId"}}}
    ]
    parameter = template["Parameters"]["SkillId"]
    assert "Default" not in parameter  # a deploy must name the skill
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.fullmatch(SAMPLE_SKILL_ID)
    assert not pattern.fullmatch("amzn1.ask.skill.123")
    assert not pattern.fullmatch("*")


def test_the_function_environment_is_what_the_configuration_reads(function) -> None:
    variables = function["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": TABLE_RESOURCE}
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}
    assert variables["LOG_LEVEL"] == {"Ref": "LogLevel"}
    deployed = config_from_env(
        {
            "STORE": variables["STORE"],
            "TABLE_NAME": "stack-ProgressTable-ABC",
            "SKILL_ID": SAMPLE_SKILL_ID,
            "LOG_LEVEL": "INFO",
        }
    )
    assert (deployed.store, deployed.table_name) == ("dynamodb", "stack-ProgressTable-ABC")
    assert deployed.skill_id == SAMPLE_SKILL_ID


def test_the_table_is_on_demand_encrypted_recoverable_and_retained(template) -> None:
    table = template["Resources"][TABLE_RESOURCE]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert "TableName" not in props  # CloudFormation names it, so stacks never clash


def test_the_policy_allows_only_the_item_actions_the_store_uses(template, function) -> None:
    (policy,) = function["Policies"]
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == sorted(DYNAMODB_ACTIONS)
    assert statement["Resource"] == {"Fn::GetAtt": [TABLE_RESOURCE, "Arn"]}


def test_the_store_calls_nothing_the_policy_does_not_allow(monkeypatch) -> None:
    # Every code path of the store: read, write, conflict and merge, delete.
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        store = DynamoDbStore(create_progress_table(make_client()))
        called: set[str] = set()
        store.client.meta.events.register(
            "before-call.dynamodb", lambda model, **_: called.add(f"dynamodb:{model.name}")
        )
        envelope = request_envelope()
        store.save_attributes(envelope, {"position": 1})  # reads, writes
        stale = store.load(envelope)
        store.save_attributes(envelope, {"position": 2})
        # A stale revision: conflicts, reads nothing (ALL_OLD), merges, writes again.
        store.save(envelope, Changes({"position": 3}, {}, {"position": 1}, stale.revision))
        store.delete_attributes(envelope)
    assert called == set(DYNAMODB_ACTIONS)


def test_logs_are_kept_for_a_bounded_time(template: dict[str, Any]) -> None:
    group = template["Resources"]["SkillFunctionLogGroup"]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${SkillFunction}"}
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    retention = template["Parameters"]["LogRetentionDays"]
    assert retention["Default"] in retention["AllowedValues"]


def test_outputs_give_the_endpoint_and_the_table(template: dict[str, Any]) -> None:
    values = [output["Value"] for output in template["Outputs"].values()]
    assert {"Fn::GetAtt": ["SkillFunction", "Arn"]} in values
    assert {"Ref": TABLE_RESOURCE} in values


def test_cfn_lint_finds_nothing() -> None:
    # cfn-lint is a dev dependency (pyproject), imported here because it is slow to load.
    from cfnlint.api import ManualArgs, lint_file

    matches = lint_file(Path(TEMPLATE), config=ManualArgs())
    assert [str(match) for match in matches] == []


# -- sample events for sam local invoke ----------------------------------------
SAMPLE_EVENTS = sorted(p for p in EVENTS.glob("*.json") if p.name != "local_env.json")


def test_the_sample_events_cover_the_main_requests() -> None:
    kinds = set()
    for path in SAMPLE_EVENTS:
        request = json.loads(path.read_text(encoding="utf-8"))["request"]
        kinds.add(request.get("intent", {}).get("name", request["type"]))
    assert kinds == {
        "LaunchRequest",
        "TodaysExerciseIntent",
        "AMAZON.NextIntent",
        "AMAZON.StopIntent",
        "SessionEndedRequest",
        "AlexaSkillEvent.SkillDisabled",
    }


@pytest.mark.parametrize("path", SAMPLE_EVENTS, ids=[p.stem for p in SAMPLE_EVENTS])
def test_each_sample_event_is_accepted_for_the_sample_skill(path: Path) -> None:
    event = json.loads(path.read_text(encoding="utf-8"))
    check_shape(event)
    check_skill_id(event, SAMPLE_SKILL_ID)


def test_local_invoke_overrides_only_a_variable_the_template_declares(function) -> None:
    # sam local ignores overrides for variables the template does not declare.
    overrides = json.loads((EVENTS / "local_env.json").read_text(encoding="utf-8"))
    assert set(overrides) == {"SkillFunction"}
    assert set(overrides["SkillFunction"]) <= set(function["Environment"]["Variables"])


def test_sam_builds_a_compiled_bundle_that_answers(tmp_path):
    """lambda/Makefile (BuildMethod makefile): the content, bytecode for 3.13 only, and it answers."""
    import json
    import subprocess
    import sys

    assert load_template()["Resources"]["SkillFunction"]["Metadata"] == {"BuildMethod": "makefile"}
    root = Path(__file__).resolve().parents[2]
    bundle = tmp_path / "bundle"
    subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(root / "lambda"),
            "build-SkillFunction",
            f"ARTIFACTS_DIR={bundle}",
            "PIP=true",
            f"PYTHON={sys.executable}",
        ],
        check=True,
    )
    modules = [p for p in (bundle / "trust_renewal").rglob("*.py")]
    pycs = list((bundle / "trust_renewal").rglob("__pycache__/*.pyc"))
    # Whatever Python runs the build, the Makefile compiles with a Python 3.13 it finds
    # (lambda/runtime_python.sh; tests/contracts/test_bundle.py checks the magic number).
    assert modules and {p.stem for p in modules} <= {p.name.split(".")[0] for p in pycs}
    assert {p.name.split(".")[-2] for p in pycs} == {"cpython-313"}
    assert (bundle / "trust_renewal/content/data/en/steps/01-acknowledge.json").is_file()
    script = (
        "import json, lambda_function; from trust_renewal.envelopes import EnvelopeBuilder;"
        "e = EnvelopeBuilder('amzn1.ask.skill.bundle').launch();"
        "print(json.dumps(lambda_function.lambda_handler(e, None)))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "STORE": "memory",
        "SKILL_ID": "amzn1.ask.skill.bundle",
        "PYTHONPATH": str(bundle),
        "HOME": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "Welcome to Trust Renewal" in json.loads(out.splitlines()[-1])["response"]["outputSpeech"]["ssml"]

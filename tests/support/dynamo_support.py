"""DynamoDB for tests: the moto table built from template.yaml, so tests and deployment agree.

Use inside moto's ``mock_aws`` with fake credentials in the environment::

    with mock_aws():
        client = make_client()
        table = create_progress_table(client)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
TABLE_RESOURCE = "ProgressTable"
TEST_TABLE_NAME = "trust-renewal-progress-test"
TEST_REGION = "us-east-1"

# Fake AWS settings for monkeypatch.setenv: boto3 finds these instead of a real
# account, and moto answers every call, so no test reaches a network.
FAKE_AWS_ENV = {
    "AWS_DEFAULT_REGION": TEST_REGION,
    "AWS_REGION": TEST_REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class CloudFormationLoader(yaml.SafeLoader):
    """A YAML loader that accepts CloudFormation's short-form tags (!Ref, !Sub, !GetAtt...)."""


def _tag_constructor(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    # !Ref X -> {"Ref": X}; the other tags become their long form {"Fn::Name": value}.
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if tag_suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


CloudFormationLoader.add_multi_constructor("!", _tag_constructor)


def request_envelope(user_id: str = "amzn1.ask.account.TEST-USER") -> Any:
    """The SDK's RequestEnvelope object for one turn, as a store receives it."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from trust_renewal.envelopes import EnvelopeBuilder

    raw = EnvelopeBuilder("amzn1.ask.skill.00000000-0000-0000-0000-000000000000", user_id).launch()
    return DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """template.yaml as plain data, short-form tags turned into their long form."""
    with open(path, encoding="utf-8") as handle:
        # A SafeLoader subclass: no arbitrary objects, only the tags above.
        return yaml.load(handle, Loader=CloudFormationLoader)


def table_properties(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """The progress table's CloudFormation properties."""
    template = template or load_template()
    return template["Resources"][TABLE_RESOURCE]["Properties"]


def make_client(region: str = TEST_REGION) -> Any:
    """A DynamoDB client for moto (call inside ``mock_aws``)."""
    import boto3

    return boto3.session.Session().client("dynamodb", region_name=region)


def create_progress_table(client: Any, table_name: str = TEST_TABLE_NAME) -> str:
    """Create the table exactly as template.yaml declares it; returns its name."""
    props = table_properties()
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props["BillingMode"],
    }
    if "SSESpecification" in props:
        kwargs["SSESpecification"] = {"Enabled": props["SSESpecification"]["SSEEnabled"]}
    client.create_table(**kwargs)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)
    pitr = props.get("PointInTimeRecoverySpecification")
    if pitr:
        client.update_continuous_backups(
            TableName=table_name, PointInTimeRecoverySpecification=pitr
        )
    return table_name

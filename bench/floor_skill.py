"""The floor: what any skill on ask-sdk-core and botocore pays before doing anything of its own.

It imports the SDK's skill builder and request models, makes one botocore
DynamoDB client (lighter than boto3's), and answers by one GetItem and one
PutItem with a fixed, hand-written response. No handlers, no content, no
rendering. A real skill built on the same two libraries cannot start faster
than this, so its ratio to the baseline bounds every skill's ratio from below.

Environment: ``BASELINE_TABLE`` (partition key ``id``) and the usual boto3 settings.
"""

from __future__ import annotations

import os
from typing import Any

import ask_sdk_core.skill_builder  # noqa: F401 - the import cost is the point
import ask_sdk_model  # noqa: F401
import botocore.session

TABLE = os.environ["BASELINE_TABLE"]
client = botocore.session.get_session().create_client("dynamodb")


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    key = {"id": {"S": event["session"]["user"]["userId"]}}
    found = client.get_item(TableName=TABLE, Key=key).get("Item") or {}
    count = int(found.get("count", {}).get("N", "0")) + 1
    client.put_item(TableName=TABLE, Item={**key, "count": {"N": str(count)}})
    speech = {"type": "SSML", "ssml": f"<speak>Visit {count}.</speak>"}
    return {"version": "1.0", "response": {"outputSpeech": speech, "shouldEndSession": False}}

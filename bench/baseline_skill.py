"""The benchmark's yardstick: the smallest persistent skill on ask-sdk-core.

It is what the SDK's own samples teach: a ``CustomSkillBuilder`` with the
official ``DynamoDbAdapter``, and one handler that reads a counter, increments
it, saves it and speaks. Every turn (launch or intent) does that same read and
write, so its warm turn is one GetItem plus one PutItem. It is written plainly,
the sample way, with no tuning: imports at the top, adapter built at import.

Environment: ``BASELINE_TABLE`` (partition key ``id``, the adapter's default),
plus the usual boto3 settings (region, credentials, ``AWS_ENDPOINT_URL_DYNAMODB``).
Its words are a fixed test string: this module is a benchmark fixture, not the skill.
"""

from __future__ import annotations

import os
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_model import Response

adapter = DynamoDbAdapter(table_name=os.environ["BASELINE_TABLE"], create_table=False)


class CountVisitHandler(AbstractRequestHandler):
    """Any launch or intent: read the counter, add one, save it, say it."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return handler_input.request_envelope.request.object_type in ("LaunchRequest", "IntentRequest")

    def handle(self, handler_input: HandlerInput) -> Response:
        attributes = handler_input.attributes_manager.persistent_attributes
        attributes["count"] = int(attributes.get("count", 0)) + 1
        handler_input.attributes_manager.save_persistent_attributes()
        speech = f"Hello. This is visit number {attributes['count']}."
        return handler_input.response_builder.speak(speech).ask("Say anything.").response


class SessionEndedHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return handler_input.request_envelope.request.object_type == "SessionEndedRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


builder = CustomSkillBuilder(persistence_adapter=adapter)
builder.add_request_handler(CountVisitHandler())
builder.add_request_handler(SessionEndedHandler())
lambda_handler: Any = builder.lambda_handler()

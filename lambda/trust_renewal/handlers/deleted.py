"""A session that could not read the couple's record finds, on a later turn, that it was deleted.

Nothing that session did is saved (it may predate the deletion), and nothing
of the turn runs: the couple hear that their progress was deleted and the
session ends (handlers.interceptors sets the flag and clears the session).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_renewal.handlers.interceptors import DELETED_ELSEWHERE_KEY


class DeletedElsewhereHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        attributes = getattr(handler_input, "attributes_manager", None)
        return attributes is not None and bool(attributes.request_attributes.get(DELETED_ELSEWHERE_KEY))

    def handle(self, handler_input: HandlerInput) -> Response:
        # The response interceptor says the words and clears the session.
        return handler_input.response_builder.set_should_end_session(True).response

"""Name-free requests (``CanFulfillIntentRequest``): say honestly what this skill can do out of the blue.

Alexa asks skills that declare ``CAN_FULFILL_INTENT_REQUEST`` whether they can
handle a request spoken without the skill's name. The answer must be true for
any user, with no session and nothing stored, so only three things get YES:

- today's exercise and "how are we doing" (they work for anyone, from anywhere
  in the program);
- going to a step by a number of the program or a topic one of its steps is about
  ("help us with forgiveness"), and only when the number or topic is one we have.

Everything else is NO: navigation ("next", "done", "skip") only makes sense inside
an exercise, names, reminders and deleting data belong in a session the couple
started by name, and "I don't feel safe" must never be routed to a couples program
someone may not know; Alexa's own answer serves it better.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from trust_renewal.handlers.reading import content_for

ANYWHERE = frozenset({"TodaysExerciseIntent", "ProgressIntent"})
STEP_INTENT = "GoToStepIntent"


def _resolved_id(slot: Any) -> str | None:
    try:
        for authority in slot.resolutions.resolutions_per_authority:
            if authority.status.code.value == "ER_SUCCESS_MATCH" and authority.values:
                return authority.values[0].value.id
    except (AttributeError, TypeError):
        pass
    return None


def step_slot_understood(name: str, slot: Any, content: Any) -> bool:
    """A step number the program has, or a topic one of its steps is about."""
    value = (getattr(slot, "value", None) or "").strip().lower()
    if name == "stepNumber":
        return value.isdigit() and 1 <= int(value) <= len(content.steps)
    if name == "topic":
        if _resolved_id(slot) in content.steps_by_id:
            return True
        return any(value == topic.lower() for step in content.steps for topic in step.topics)
    return False


def verdict(intent_name: str, slots: dict[str, Any], content: Any) -> tuple[str, dict[str, bool]]:
    """("YES" | "NO", {slot name: understood}) for one name-free request."""
    if intent_name in ANYWHERE:
        return "YES", {}
    if intent_name != STEP_INTENT:
        return "NO", {}
    given = {name: slot for name, slot in slots.items() if slot is not None and getattr(slot, "value", None)}
    understood = {name: step_slot_understood(name, slot, content) for name, slot in given.items()}
    return ("YES" if understood and all(understood.values()) else "NO"), understood


class CanFulfillIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        from ask_sdk_model.canfulfill import (
            CanFulfillIntent,
            CanFulfillIntentValues,
            CanFulfillSlot,
            CanFulfillSlotValues,
            CanUnderstandSlotValues,
        )

        intent = getattr(handler_input.request_envelope.request, "intent", None)
        answer, understood = verdict(
            getattr(intent, "name", "") or "",
            getattr(intent, "slots", None) or {},
            content_for(handler_input),
        )
        handler_input.response_builder.set_can_fulfill_intent(
            CanFulfillIntent(
                can_fulfill=CanFulfillIntentValues[answer],
                slots={
                    name: CanFulfillSlot(
                        can_understand=CanUnderstandSlotValues.YES if ok else CanUnderstandSlotValues.NO,
                        can_fulfill=CanFulfillSlotValues.YES if ok else CanFulfillSlotValues.NO,
                    )
                    for name, ok in understood.items()
                },
            )
        )
        return handler_input.response_builder.response

"""Name-free requests (``CanFulfillIntentRequest``): say honestly what this skill can do out of the blue.

Alexa asks skills that declare ``CAN_FULFILL_INTENT_REQUEST`` whether they can
handle a request spoken without the skill's name. The answer must be true for
any user, with no session and nothing stored, and discreet: a betrayal-recovery
program must not open for anyone in the household who asks "what are we doing
today", "where are we" or "give us an update". So YES only when the request
names what this program is for, in its ``programName`` slot (type PROGRAM: "rebuilding
trust", "our exercise", "the apology exercise"): today's exercise ("what's today's
step in rebuilding trust") and progress ("how are we doing with our trust
exercise"). A step by number or topic ("go to step four", "help us with
communication") names no program: NO, as for any other skill's steps.

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
PROGRAM_SLOT = "programName"
PROGRAM_IDS = frozenset({"trust", "exercise"})


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


def names_the_program(slot: Any) -> bool:
    """The request said what this program is for ("rebuilding trust", "our exercise")."""
    if slot is None or not (getattr(slot, "value", None) or "").strip():
        return False
    return _resolved_id(slot) in PROGRAM_IDS


def verdict(intent_name: str, slots: dict[str, Any], content: Any) -> tuple[str, dict[str, bool]]:
    """("YES" | "NO", {slot name: understood}) for one name-free request."""
    given = {name: slot for name, slot in slots.items() if slot is not None and getattr(slot, "value", None)}
    if intent_name in ANYWHERE:
        named = names_the_program(slots.get(PROGRAM_SLOT))
        return ("YES" if named else "NO"), ({PROGRAM_SLOT: named} if PROGRAM_SLOT in given else {})
    if intent_name != STEP_INTENT:
        return "NO", {}
    understood = {name: step_slot_understood(name, slot, content) for name, slot in given.items()}
    return "NO", understood


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

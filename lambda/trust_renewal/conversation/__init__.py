"""The conversation as plain Python: step(State, Event) -> (State, Reply). No SDK, no I/O."""

from trust_renewal.conversation.engine import step
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.reply import Card, Line, Reply
from trust_renewal.conversation.state import State

__all__ = ["Card", "Event", "Line", "Reply", "State", "step"]

"""Pure helpers for driving the conversation: events in, state and reply out (no SDK)."""

from __future__ import annotations

from trust_renewal.conversation import Event, State, step
from trust_renewal.conversation.reply import Reply
from trust_renewal.render.reply import render_reply
from trust_renewal.render.ssml import to_text

TODAY = "2026-11-21"


def intent(name: str, today: str = TODAY, **kw) -> Event:
    return Event(kind="intent", name=name, today=today, **kw)


def launch(today: str = TODAY, **kw) -> Event:
    return Event(kind="launch", today=today, new_session=True, **kw)


def spoken(reply: Reply, content) -> str:
    return to_text("<speak>" + render_reply(reply, content).ssml + "</speak>")


def keys(reply: Reply) -> list[str]:
    return [line.key for line in reply.speech]


def run(content, state: State, *events: Event) -> tuple[State, Reply]:
    reply = Reply()
    for event in events:
        state, reply = step(state, event, content)
    return state, reply

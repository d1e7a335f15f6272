"""Drive the real skill turn by turn, the way the Alexa service would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from support.apla_check import apla_of, check_directive
from trust_renewal.config import Config
from trust_renewal.conversation.program import SCREENING
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.render.apla import guide_text
from trust_renewal.render.ssml import problems, to_text
from trust_renewal.runtime import SkillRuntime

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


class Talk:
    """Sends envelopes to a handler and keeps the session like a device does."""

    def __init__(self, handle, builder: EnvelopeBuilder) -> None:
        self.handle = handle
        self.builder = builder
        self.last: dict[str, Any] = {}

    @classmethod
    def on_store(cls, store, user: str = "amzn1.ask.account.couple", **builder_args: Any) -> Talk:
        runtime = SkillRuntime(Config(store="memory", skill_id=SKILL_ID), store=store)
        builder = EnvelopeBuilder(SKILL_ID, user_id=user, **builder_args)
        builder.now = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)
        return cls(runtime.handle, builder)

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        response = self.handle(envelope)
        self.last = response
        assert "error" not in response, response
        for kind in ("outputSpeech", "reprompt"):
            node = response["response"].get(kind) or {}
            ssml = node.get("ssml") or (node.get("outputSpeech") or {}).get("ssml")
            if ssml:
                assert problems(ssml) == [], (kind, problems(ssml), ssml)
        if "response" in response and apla_of(response) is not None:
            check_directive(apla_of(response))  # strictly inflated, as a device would play it
        self.builder.absorb(response)
        return response

    @property
    def text(self) -> str:
        """What the device plays: outputSpeech, then the APL for Audio document (as the chat shows it)."""
        speech = (self.last.get("response") or {}).get("outputSpeech") or {}
        parts = [to_text(speech["ssml"])] if speech.get("ssml") else []
        directive = apla_of(self.last) if "response" in self.last else None
        if directive is not None:
            parts.append(guide_text(directive))
        return " ".join(parts)

    @property
    def plays_document(self) -> bool:
        """The last reply was an APL for Audio document (a reflection or quiet turn over a bed)."""
        return "response" in self.last and apla_of(self.last) is not None

    @property
    def reprompt(self) -> str:
        node = ((self.last.get("response") or {}).get("reprompt") or {}).get("outputSpeech") or {}
        return to_text(node["ssml"]) if node.get("ssml") else ""

    @property
    def ended(self) -> bool:
        return (self.last.get("response") or {}).get("shouldEndSession") is True

    @property
    def card(self) -> dict[str, Any] | None:
        return (self.last.get("response") or {}).get("card")

    def launch(self) -> str:
        self.send(self.builder.launch())
        return self.text

    def say(self, intent: str, **slots: Any) -> str:
        self.send(self.builder.intent(intent, slots or None))
        return self.text

    @property
    def state(self) -> dict[str, Any]:
        """The conversation state the skill sent back in session attributes."""
        return self.builder.attributes.get("state") or {}

    @property
    def finished(self) -> list[str]:
        """The exercises finished so far, in order, as the skill's state records them."""
        return list(self.state.get("finished") or [])

    def finish_exercise(self, limit: int = 40) -> None:
        """Say "next" until the state records the current exercise as finished."""
        current = self.state["exercise_id"]
        for _ in range(limit):
            self.say("AMAZON.NextIntent")
            if current in self.finished:
                return
        raise AssertionError("the exercise never finished")

    def go_to_offer(self, content: Any, exercise_id: str) -> None:
        """Go to the exercise's step, then skip until the skill offers that exercise (not begun)."""
        self.say("GoToStepIntent", stepNumber=str(content.step_of(exercise_id).number))
        for _ in range(len(content.path)):
            if self.state["offer_target"] == exercise_id:
                return
            self.say("SkipIntent")
        raise AssertionError(f"{exercise_id} never offered")

    def begin(self) -> str:
        """Yes to an offered exercise. A couple's first exercise for two comes after the safety
        screening (issue 25): listened to (kept in ``screening``), then yes to the exercise again."""
        text = self.say("AMAZON.YesIntent")
        if self.state.get("exercise_id") == SCREENING and SCREENING not in self.finished:
            self.screening = text
            self.finish_exercise()
            text = self.say("AMAZON.YesIntent")
        return text

    def end(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        return self.send(self.builder.session_ended(reason))

""""A short one today": the quick version, as a couple or someone alone hears it.

Through the skill's real request handling on the in-memory store. The quick version
goes straight to the exercise (no step introduction), and someone alone who has done
every reflection meant for one is told plainly that there is no short one left.
"""

from __future__ import annotations

from dataclasses import replace

from support.conversation_driver import Talk
from support.dynamo_support import request_envelope
from support.engine_steps import spoken
from trust_renewal.conversation import State
from trust_renewal.conversation.program import fits
from trust_renewal.conversation.reply import Reply, ref
from trust_renewal.storage.memory import MemoryStore

USER = "amzn1.ask.account.couple"


def test_a_short_one_at_the_start_of_a_step_goes_straight_to_the_exercise(content) -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    first = content.path[0]
    step = content.step_of(first.id)
    assert step.path[0].id == first.id and step.intro  # the full version opens with the step's introduction
    step_intro = spoken(Reply(speech=(ref(f"step_intro:{step.id}"),)), content)
    text = talk.say("QuickVersionIntent")
    assert text.startswith(f"Here's the short version of {first.title}.")
    assert talk.state["quick"] is True and talk.state["exercise_id"] == first.id
    assert step_intro[:60] not in text
    assert spoken(Reply(speech=(ref(f"intro:{first.id}"),)), content)[:60] in text


def test_alone_with_every_reflection_for_one_done_a_short_one_is_not_there(content) -> None:
    store = MemoryStore()
    alone = State(welcomed=True, solo=True, names=("Sam",), roles_asked=True)
    done = tuple(e.id for e in content.path if fits(alone, e))
    store.save_attributes(request_envelope(USER), replace(alone, finished=done).to_persisted())
    talk = Talk.on_store(store, user=USER)
    talk.launch()
    text = talk.say("QuickVersionIntent")
    assert text.startswith("There's no exercise left for a short version.")
    assert talk.state["finished"] == list(done) and talk.state["quick"] is False


def test_starting_a_short_version_again_starts_the_short_version_again(content) -> None:
    talk = Talk.on_store(MemoryStore())
    talk.launch()
    talk.say("QuickVersionIntent")
    first = content.exercise(talk.state["exercise_id"])
    short = first.prompt_indexes(True)
    assert short != first.prompt_indexes(False)  # the short version leaves parts out
    talk.say("AMAZON.NextIntent")
    text = talk.say("RestartExerciseIntent")
    assert text.startswith(f"Let's start {first.title} again from the beginning.")
    assert talk.state["quick"] is True and talk.state["prompt"] == 0
    for _ in range(len(short) - 1):  # then the short version's parts, and no more
        talk.say("AMAZON.NextIntent")
    assert first.id not in talk.finished
    talk.say("AMAZON.NextIntent")
    assert first.id in talk.finished

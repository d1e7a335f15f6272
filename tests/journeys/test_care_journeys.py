"""Care (issue 25) through lambda_handler on moto DynamoDB: the first three steps with roles
both ways and without, the readiness question before forgiveness, a person alone who was hurt."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from support.lambda_support import USER, stored_item, talk_to
from trust_renewal.conversation import State
from trust_renewal.conversation.program import SCREENING
from trust_renewal.envelopes import EnvelopeBuilder
from trust_renewal.storage.dynamo_codec import decode_item


def _couple(module, hurt: str | None):
    """Maya and Jordan, with Maya or Jordan as the partner who was hurt, or the question skipped."""
    talk = talk_to(module)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    if hurt:
        talk.say("RolesHurtIntent", hurtName=hurt)
    else:
        talk.say("SkipIntent")
    return talk


def _walk_steps(talk, content, last_step: int) -> list[tuple[str, str]]:
    """Yes to every offer and next through every exercise, up to the end of ``last_step``.

    Returns (exercise id, what was said) for every reply, in order.
    """
    heard: list[tuple[str, str]] = []
    for _ in range(400):
        offered = talk.state.get("offer_target")
        if offered and content.step_of(offered).number > last_step:
            return heard
        text = (
            talk.say("AMAZON.YesIntent")
            if talk.state.get("situation") == "offer_begin"
            else talk.say("AMAZON.NextIntent")
        )
        heard.append((talk.state.get("exercise_id") or "", text))
    raise AssertionError("the walk never reached the end of the step")


def _said_in(heard: list[tuple[str, str]], exercise_id: str) -> str:
    return " ".join(text for where, text in heard if where == exercise_id)


SCREENING_WORDS = ("a few words about safety", "Nobody answers out loud", "I don't feel safe")


@pytest.mark.parametrize(("hurt", "caused"), [("Maya", "Jordan"), ("Jordan", "Maya")])
def test_steps_one_to_three_with_roles_keep_each_partner_to_their_own_part(
    lambda_module, content, hurt, caused
):
    talk = _couple(lambda_module, hurt)
    heard = _walk_steps(talk, content, last_step=3)
    order = [where for where, _ in heard]
    # The screening is heard, in full, before the first exercise where the two talk to each other.
    assert order.index(SCREENING) < order.index("acknowledge.naming-it")
    screening = _said_in(heard, SCREENING)
    assert all(word in screening for word in ("Nobody answers out loud", "I don't feel safe", "contact"))
    assert "hit, pushed, or choked" in screening and "money, phone, or friends" in screening
    # Nothing of it is stored: only its id among the finished exercises.
    kept = decode_item(stored_item(lambda_module))["attributes"]
    assert SCREENING in kept["finished"] and not any("safe" in key for key in kept)
    # Steadying: each role hears its own short talk.
    steadying = _said_in(heard, "acknowledge.steadying")
    assert f"{hurt}, you may have images that come back" in steadying
    assert f"{caused}, when {hurt} has a hard moment, it is not a setback" in steadying
    # Naming it: the partner who was hurt never says back the account of what was done.
    naming = _said_in(heard, "acknowledge.naming-it")
    account = next(
        i
        for i, (_, text) in enumerate(heard)
        if f"{caused}, it's your turn. In one or two sentences, name what you did" in text
    )
    assert f"{hurt}, tell {caused} what you heard" not in heard[account + 1][1]
    assert f"{hurt}, tell {caused} what you need right now, before you decide anything" in naming
    # What it did to me: the partner who was hurt first; the other says back and names remorse.
    impact = _said_in(heard, "responsibility.what-it-did")
    assert impact.index(f"{hurt}, tell {caused} what this has done to you") < impact.index(
        f"{caused}, tell {hurt} what you heard, in your own words"
    )
    assert f"{hurt}, finish this sentence out loud: What I need when it hurts is" in impact
    # Your questions, honest answers: asked and answered; never said back.
    questions = _said_in(heard, "responsibility.your-questions")
    assert f"{hurt}, ask your first question. {caused}, answer it fully and honestly" in questions
    assert f"{caused}, ask {hurt}: Is there anything else you need to know?" in questions
    assert f"{hurt}, you don't need to repeat the answers" in questions
    # At step 2 and 3, the one-line reminder of the screening after the step's introduction.
    assert (
        sum(
            "A short reminder: these talks are only for a home where you both feel safe" in t
            for _, t in heard
        )
        == 2
    )
    everything = " ".join(text for _, text in heard)
    assert "We want to work on this" not in everything
    assert f"{hurt}, name one quality in {caused}" not in everything


def test_steps_one_to_three_without_roles_use_the_shared_wordings(lambda_module, content):
    talk = _couple(lambda_module, None)
    heard = _walk_steps(talk, content, last_step=3)
    order = [where for where, _ in heard]
    assert order.index(SCREENING) < order.index("acknowledge.naming-it")
    impact = _said_in(heard, "responsibility.what-it-did")
    assert "Partner who was hurt, tell your partner what this has done to you" in impact
    questions = _said_in(heard, "responsibility.your-questions")
    assert "The one who answered, ask: Is there anything else you need to know?" in questions
    stands = _said_in(heard, "acknowledge.we-will-try")
    assert "It might be: I don't know yet. Both are honest answers." in stands


def test_jumping_ahead_hears_the_screening_first_then_the_exercise_asked_for(lambda_module, content):
    talk = _couple(lambda_module, "Maya")
    talk.say("GoToStepIntent", stepNumber="5")
    while not content.exercise(talk.state["offer_target"]).prompts[0].turns:
        talk.say("SkipIntent")
    wanted = talk.state["offer_target"]
    first = talk.say("AMAZON.YesIntent")
    assert first.startswith("Before your first exercise together, a few words about safety.")
    assert "Nobody needs to say anything out loud" in first and talk.state["exercise_id"] == SCREENING
    talk.finish_exercise()
    assert talk.state["offer_target"] == wanted and content.exercise(wanted).title in talk.text


def _seed(module, state: State) -> None:
    envelope = EnvelopeBuilder("amzn1.ask.skill.test", user_id=USER, locale="en-US").launch()
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    module._runtime.store.save_attributes(request, state.to_persisted())


def test_before_forgiveness_the_partner_who_was_hurt_is_asked_and_not_yet_is_respected(
    lambda_module, content
):
    talk = _couple(lambda_module, "Maya")
    asked = talk.say("GoToStepIntent", stepNumber="8")
    assert asked.startswith("Step 8, Forgiveness and letting go.")
    assert "Maya, only you can say when you are ready for this step" in asked
    assert asked.endswith("Are you ready to begin it?") and asked.count("?") == 1
    after = talk.say("AMAZON.NoIntent")  # "not yet"
    assert after.startswith("That's all right. We'll leave Forgiveness and letting go for now")
    assert content.step_of(talk.state["offer_target"]).id == "patience-and-self-care"
    assert not talk.ended
    talk.say("AMAZON.StopIntent")
    assert not any(e.startswith("forgiveness.") for e in talk.finished)
    # Later, once everything else is done, forgiveness comes back, asked again, never begun unasked.
    rest = tuple(e.id for e in content.path if e.step_id != "forgiveness")
    _seed(
        lambda_module,
        State(welcomed=True, names=("Maya", "Jordan"), hurt="0", roles_asked=True, finished=rest),
    )
    again = talk_to(lambda_module)
    text = again.launch()
    assert "Maya, only you can say when you are ready for this step" in text
    begun = again.say("AMAZON.YesIntent")
    # The cue to go on, in one of its shorter wordings by now (issue 20).
    assert again.state["exercise_id"] == "forgiveness.reflection"
    assert "say next" in begun.rsplit("(soft chime)", 1)[-1].lower()


def test_without_roles_both_are_asked_before_closeness(lambda_module, content):
    talk = _couple(lambda_module, None)
    asked = talk.say("GoToStepIntent", stepNumber="10")
    assert "most of all the partner who was hurt" in asked and asked.endswith("Are you ready to begin it?")
    assert talk.say("AMAZON.YesIntent").endswith("say next.")


FOR_THE_OTHER = ("Getting ready to apologize", "A day in your partner's shoes", "Looking at it honestly")


def test_a_person_alone_who_was_hurt_hears_only_their_own_reflections(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    asked = talk.say("JustMeIntent", firstName="Sam")
    assert asked.endswith("You can say yes, no, or skip. Were you the one who was hurt?")
    answer = talk.say("AMAZON.YesIntent")
    assert "the reflections for the partner who was hurt" in answer
    assert "A counselor of your own can help too, whether you stay together or not." in answer
    titles = []
    for _ in range(30):
        offered = talk.state.get("offer_target")
        if not offered:
            break
        titles.append(content.exercise(offered).title)
        talk.say("AMAZON.YesIntent")
        talk.finish_exercise()
    assert "Taking it in at my own pace" in titles and "What I want to be seen" in titles
    assert "What I want to understand" in titles
    assert not set(FOR_THE_OTHER) & set(titles)
    assert all(content.exercise(e).for_ in ("hurt", "either") for e in talk.finished)
    kept = decode_item(stored_item(lambda_module))["attributes"]
    assert kept["solo_role"] == "hurt"


def test_a_person_alone_who_caused_the_hurt_is_offered_their_side(lambda_module, content):
    talk = talk_to(lambda_module)
    talk.launch()
    talk.say("JustMeIntent", firstName="Sam")
    answer = talk.say("AMAZON.NoIntent")
    assert "the reflections for the partner who caused the hurt" in answer
    talk.say("GoToStepIntent", stepNumber="2")
    assert talk.state["offer_target"] == "responsibility.getting-ready"

"""The turn decisions of the pure core, each tested by itself (issue 27, point 3).

Who opens a round, who talks at each stage, who may end a turn, where a new session
picks up, and who the quiet is for: each test names what a couple would notice and
fails when the decision flips. No handler, no store: states in, state and lines out.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from support.engine_steps import intent
from trust_renewal.conversation import State
from trust_renewal.conversation import exercise as run
from trust_renewal.conversation.program import SCREENING
from trust_renewal.conversation.situation import Situation
from trust_renewal.conversation.transitions import turns

TODAY = "2026-11-21"
NAMING = "acknowledge.naming-it"  # three rounds, then a prompt for both; spares the hurt a say-back
TRUST = "trust-and-intimacy.what-trust-means"  # three rounds of turns
I_STATEMENTS = "talk-and-listen.i-statements"  # a prompt for both, a round, a prompt for both, a round
APOLOGY = "responsibility.the-apology"  # done once for each partner when both hurt each other
MAYA, JORDAN = "amzn1.ask.person.MAYA", "amzn1.ask.person.JORDAN"


def _at(exercise_id: str, **kw) -> State:
    base = State(
        welcomed=True, names=("Maya", "Jordan"), roles_asked=True, exercise_id=exercise_id, started=True,
        finished=(SCREENING,), situation=Situation.SPEAKER_TURN,
    )  # fmt: skip
    return replace(base, **kw)


def _quiet_who(reply) -> list[str]:
    return [line.kwargs["who"] for line in reply.speech if line.key == "quiet"]


def _param(reply, prefix: str, name: str) -> str:
    return next(line.kwargs[name] for line in reply.speech if line.key.startswith(prefix))


# -- who opens, who talks ---------------------------------------------------------------------
@pytest.mark.parametrize("first", [0, 1])
def test_each_round_is_opened_by_the_other_partner_counting_only_rounds_of_turns(content, first):
    exercise = content.exercise(I_STATEMENTS)  # prompt for both, round, prompt for both, round
    openers = [run.round_opener(_at(I_STATEMENTS, prompt=p, first_speaker=first), exercise) for p in range(4)]
    # The prompt for both between the rounds does not count: the second round is the other's.
    assert openers == [first, first, 1 - first, 1 - first]


def test_a_stored_first_speaker_that_is_not_a_partner_opens_with_partner_one(content):
    exercise = content.exercise(TRUST)
    assert run.first_speaker(_at(TRUST, first_speaker=1)) == 1
    assert run.first_speaker(replace(_at(TRUST), first_speaker=7)) == 0
    assert run.round_opener(replace(_at(TRUST, prompt=1), first_speaker=7), exercise) == 1


@pytest.mark.parametrize("first", [0, 1])
def test_the_opener_speaks_first_and_says_back_last(content, first):
    exercise = content.exercise(TRUST)
    state = _at(TRUST, first_speaker=first)
    talking = [run.speaking(state, exercise, stage) for stage in range(4)]
    assert talking == [first, 1 - first, 1 - first, first]
    names = ("Maya", "Jordan")
    talks = [run.turn_people(replace(state, turn=t), exercise) for t in range(4)]
    # (who speaks, who listens) for stages 0 and 2; at say-backs, (who spoke, who tells them).
    assert talks[0] == (names[first], names[1 - first]) and talks[2] == (names[1 - first], names[first])
    assert talks[1] == talks[0] and talks[3] == talks[2]


def test_partners_without_names_are_partner_one_and_two_and_one_name_is_kept(content):
    assert run.partner_labels(State(), 0) == ("@partner_one", "@partner_two")
    assert run.partner_labels(State(), 1) == ("@partner_two", "@partner_one")
    assert run.partner_labels(State(names=("Sam",)), 0) == ("Sam", "@your_partner")
    assert run.partner_labels(State(names=("Maya", "Jordan")), 1) == ("Jordan", "Maya")


def test_a_wish_to_let_someone_go_first_opens_only_an_exercise_with_turns(content):
    turns_ex, reflection = content.exercise(TRUST), content.exercise("acknowledge.reflection")
    wish = _at(TRUST, first_speaker=0, next_first="1")
    assert run.opener_of(wish, turns_ex) == 1
    assert run.opener_of(wish, reflection) == 0  # a reflection has no turns: the wish waits
    assert run.opener_of(replace(wish, next_first=None), turns_ex) == 0


def test_rounds_have_begun_once_anyone_has_finished_or_passed_a_turn(content):
    exercise = content.exercise(TRUST)
    assert not run.rounds_begun(_at(TRUST), exercise)
    assert run.rounds_begun(_at(TRUST, turn_over=True), exercise)  # the first speaker finished
    assert run.rounds_begun(_at(TRUST, turn=1), exercise)
    assert run.rounds_begun(_at(TRUST, prompt=1), exercise)  # a round before this one
    both_first = content.exercise(I_STATEMENTS)  # its first prompt is for both: no turn yet
    assert not run.rounds_begun(_at(I_STATEMENTS, prompt=0, turn_over=True), both_first)


# -- who may end a turn --------------------------------------------------------------------------
@pytest.mark.parametrize("stage, holder", [(0, "Maya"), (1, "Jordan"), (2, "Jordan"), (3, "Maya")])
def test_done_from_the_voice_holding_the_turn_moves_on_and_from_the_other_is_refused(content, stage, holder):
    state = _at(TRUST, turn=stage, people=((JORDAN, 1), (MAYA, 0)))
    situation = Situation.SPEAKER_TURN if stage % 2 == 0 else Situation.LISTENER_TURN
    state = replace(state, situation=situation)
    voice = {"Maya": MAYA, "Jordan": JORDAN}
    other = "Jordan" if holder == "Maya" else "Maya"
    kept, reply = turns.turn_done(state, intent("turn_done", person_id=voice[other]), content)
    assert kept.turn == stage and reply.speech[0].key == "phrase:turn.still_yours"
    assert reply.speech[0].kwargs["name"] == holder
    moved, _ = turns.turn_done(state, intent("turn_done", person_id=voice[holder]), content)
    assert (moved.prompt, moved.turn) == ((0, stage + 1) if stage < 3 else (1, 0))


def test_done_from_an_unknown_voice_or_without_two_names_is_taken_at_its_word(content):
    state = _at(TRUST, people=((MAYA, 0),))
    moved, _ = turns.turn_done(state, intent("turn_done", person_id="amzn1.ask.person.GUEST"), content)
    assert moved.turn == 1
    moved, _ = turns.turn_done(state, intent("turn_done"), content)
    assert moved.turn == 1
    one_name = replace(state, names=("Maya",), people=((JORDAN, 0),))
    moved, _ = turns.turn_done(replace(one_name, turn=1), intent("turn_done", person_id=JORDAN), content)
    assert moved.turn == 2


# -- stage progression ---------------------------------------------------------------------------
def test_next_walks_speak_say_back_speak_say_back_then_the_next_prompt_then_the_close(content):
    exercise = content.exercise(TRUST)
    state, seen = _at(TRUST), []
    for _ in range(12):
        seen.append((state.prompt, state.turn, str(state.situation)))
        state, reply = run.advance(state, content, TODAY)
    assert seen[:5] == [
        (0, 0, "speaker_turn"), (0, 1, "listener_turn"), (0, 2, "speaker_turn"), (0, 3, "listener_turn"),
        (1, 0, "speaker_turn"),
    ]  # fmt: skip
    assert TRUST in state.finished and reply.speech[0].key == f"closing:{exercise.id}"


def test_the_partner_who_was_hurt_is_not_asked_to_say_back_where_the_prompt_spares_them(content):
    exercise = content.exercise(NAMING)  # its first prompt spares the hurt partner the say-back
    assert not exercise.prompts[0].hurt_says_back and exercise.prompts[1].hurt_says_back
    maya_hurt = _at(NAMING, hurt="0", turn=2, situation=Situation.SPEAKER_TURN)
    assert run.hurt_would_say_back(maya_hurt, exercise, exercise.prompts[0], 3)
    state, _ = run.advance(maya_hurt, content, TODAY)
    assert (state.prompt, state.turn) == (1, 0)  # Maya's say-back of Jordan's words: skipped
    # Where Maya speaks first and Jordan was hurt, Jordan's say-back is the one skipped.
    jordan_hurt = _at(NAMING, hurt="1", turn=0)
    state, _ = run.advance(jordan_hurt, content, TODAY)
    assert state.turn == 2
    # Without roles, or where the prompt asks for it, everyone says back.
    assert run.advance(_at(NAMING, turn=2), content, TODAY)[0].turn == 3
    assert run.advance(_at(NAMING, hurt="0", prompt=1, turn=2), content, TODAY)[0].turn == 3
    # Speaking is never skipped, only saying back.
    assert not run.hurt_would_say_back(maya_hurt, exercise, exercise.prompts[0], 2)


def test_roles_count_only_with_two_names_and_a_partner_named_as_hurt():
    assert run.roles_known(State(names=("Maya", "Jordan"), hurt="1"))
    assert not run.roles_known(State(names=("Maya", "Jordan"), hurt="both"))
    assert not run.roles_known(State(names=("Maya",), hurt="0"))
    assert not run.roles_known(State(names=("Maya", "Jordan"), hurt="0", solo=True))
    assert run.role_of(State(names=("Maya", "Jordan"), hurt="1"), 1) == "hurt"
    assert run.role_of(State(names=("Maya", "Jordan"), hurt="1"), 0) == "caused"
    assert run.role_names(State(names=("Maya", "Jordan"), hurt="1")) == {"hurt": "Jordan", "caused": "Maya"}
    assert run.role_names(State(names=("Maya", "Jordan"))) == {}


# -- where a new session picks up --------------------------------------------------------------
@pytest.mark.parametrize("turn", range(4))
@pytest.mark.parametrize("over", [False, True])
def test_a_new_session_repeats_an_unfinished_stage_and_goes_on_from_a_finished_one(content, turn, over):
    point = run.resume_point(_at(TRUST, prompt=1, turn=turn, turn_over=over), content)
    expected = (1, turn + 1) if over and turn < 3 else (2, 0) if over else (1, turn)
    assert point is not None and (point.prompt, point.turn) == expected and not point.turn_over


def test_after_the_last_say_back_of_the_last_prompt_nothing_is_left_but_the_close(content):
    last = len(content.exercise(TRUST).prompts) - 1
    assert run.resume_point(_at(TRUST, prompt=last, turn=3, turn_over=True), content) is None
    assert run.resume_point(_at(TRUST, prompt=last, turn=3), content).turn == 3
    # Where the last say-back is the hurt partner's and skipped, the speaker's finished turn closes it.
    quick = content.exercise(NAMING).prompt_indexes(True)
    assert quick == (0,)
    skipped = _at(NAMING, quick=True, hurt="0", turn=2, turn_over=True)
    assert run.resume_point(skipped, content) is None
    assert run.resume_point(replace(skipped, turn_over=False), content).turn == 2


def test_a_prompt_without_turns_is_heard_again_unless_finished(content):
    naming = content.exercise(NAMING)
    last = len(naming.prompts) - 1  # a prompt for both, the last
    assert run.resume_point(_at(NAMING, prompt=last, turn=0), content).prompt == last
    assert run.resume_point(_at(NAMING, prompt=last, turn_over=True), content) is None
    between = run.resume_point(_at(I_STATEMENTS, prompt=0, turn_over=True), content)
    assert (between.prompt, between.turn) == (1, 0)


def test_resuming_at_the_end_closes_the_exercise_instead_of_a_part_after_the_last(content):
    last = len(content.exercise(TRUST).prompts) - 1
    state, reply = run.resume(_at(TRUST, prompt=last, turn=3, turn_over=True), content, TODAY)
    assert TRUST in state.finished and reply.speech[0].key == f"closing:{TRUST}"
    assert not any(line.key == "quiet" for line in reply.speech)


def test_resuming_a_say_back_drops_the_switch_line_from_before(content):
    state, reply = run.resume(_at(TRUST, turn=1, turn_over=True), content, TODAY)
    assert state.turn == 2 and not any(line.key.startswith("phrase:handoff.switch") for line in reply.speech)
    assert _quiet_who(reply) == ["Jordan"]


# -- the quiet is for whoever talks ----------------------------------------------------------------
@pytest.mark.parametrize("first", [0, 1])
def test_the_quiet_and_more_time_are_for_whoever_talks_at_each_stage(content, first):
    names = ("Maya", "Jordan")
    opener, other = names[first], names[1 - first]
    for stage, who in enumerate((opener, other, other, opener)):
        state = _at(TRUST, first_speaker=first, turn=stage)
        _, reply = run.speak_position(state, content)
        assert _quiet_who(reply) == [who], stage
        _, more = run.more_time(state, content)
        assert _quiet_who(more) == [who] and _param(more, "phrase:turn.more_time", "speaker") == who
        seconds = int(next(line.kwargs["seconds"] for line in reply.speech if line.key == "quiet"))
        assert seconds == (120 if stage % 2 == 0 else 60)  # two minutes to speak, one to say back


def test_the_quiet_of_a_prompt_for_one_role_is_that_partners(content):
    apology = content.exercise(APOLOGY)
    state = _at(APOLOGY, hurt="1", situation=Situation.SPEAKING)
    _, reply = run.speak_position(state, content)
    assert apology.prompts[0].speaks == "caused" and _quiet_who(reply) == ["Maya"]
    assert _quiet_who(run.speak_position(replace(state, hurt=None), content)[1]) == ["@you"]
    both = _at("acknowledge.steadying", prompt=1, situation=Situation.SPEAKING)
    assert _quiet_who(run.speak_position(both, content)[1]) == ["@you_both"]


def test_a_quiet_is_half_a_minute_to_three_minutes_as_said():
    assert run.speak_duration(0.5) == "@minutes_half"
    assert run.speak_duration(1) == "@minutes_1"
    assert run.speak_duration(2) == "@minutes_2"
    assert run.speak_duration(3) == "@minutes_3" and run.speak_duration(5) == "@minutes_3"
    assert run.quiet_line(120, "Maya").kwargs == {"seconds": "120", "who": "Maya"}


# -- "let Jordan go first" ------------------------------------------------------------------------
def test_let_jordan_go_first_before_anyone_spoke_opens_with_jordan_now(content):
    ask = intent("first_speaker", slots={"firstName": "jordan"})
    state, reply = turns.let_go_first(_at(TRUST), ask, content)
    assert state.first_speaker == 1 and state.next_first is None
    assert reply.speech[0].key == "phrase:first.set" and _quiet_who(reply) == ["Jordan"]


@pytest.mark.parametrize("where", [{"turn": 1}, {"turn": 2}, {"prompt": 1}, {"turn_over": True}])
def test_let_jordan_go_first_once_rounds_began_waits_for_the_next_exercise(content, where):
    state = _at(TRUST, **where)
    kept, reply = turns.let_go_first(state, intent("first_speaker", slots={"firstName": "Jordan"}), content)
    assert kept.first_speaker == 0 and kept.next_first == "1"
    assert reply.speech[0].key == "phrase:first.next_time"
    # The next exercise with turns opens with Jordan, and the wish is used up.
    after = replace(kept, exercise_id=NAMING, started=False, situation=Situation.OFFER_BEGIN)
    begun, _ = run.begin(after, content, TODAY)
    assert begun.first_speaker == 1 and begun.next_first is None


def test_let_someone_go_first_needs_two_names_and_one_of_theirs(content):
    ask = intent("first_speaker", slots={"firstName": "Sam"})
    _, reply = turns.let_go_first(_at(TRUST), ask, content)
    assert reply.speech[0].key == "phrase:first.unknown"
    _, reply = turns.let_go_first(_at(TRUST, names=("Maya",)), ask, content)
    assert reply.speech[0].key == "phrase:first.need_names"
    _, reply = turns.let_go_first(_at(TRUST, solo=True), ask, content)
    assert reply.speech[0].key == "phrase:first.need_names"


def test_let_jordan_go_first_at_an_offer_is_for_that_exercise_and_elsewhere_for_the_next(content):
    ask = intent("first_speaker", slots={"firstName": "jordan"})
    offer = State(
        names=("Maya", "Jordan"), exercise_id=TRUST, situation=Situation.OFFER_BEGIN, offer_target=TRUST
    )
    kept, reply = turns.let_go_first(offer, ask, content)
    assert kept.next_first == "1" and reply.speech[0].key == "phrase:first.set"
    home = replace(offer, situation=Situation.HOME, offer_target=None)
    kept, reply = turns.let_go_first(home, ask, content)
    assert kept.next_first == "1" and reply.speech[0].key == "phrase:first.next_exercise"


# -- beginning and finishing ---------------------------------------------------------------------
def test_finishing_an_exercise_with_turns_hands_the_first_turn_to_the_other_partner(content):
    last = len(content.exercise(TRUST).prompts) - 1
    for first in (0, 1):
        done, _ = run.finish(_at(TRUST, prompt=last, turn=3, first_speaker=first), content, TODAY)
        assert done.first_speaker == 1 - first and TRUST in done.finished
    reflection, _ = run.finish(_at("acknowledge.reflection", first_speaker=1), content, TODAY)
    assert reflection.first_speaker == 1  # no turns in it: nobody's turn was used


def test_beginning_takes_the_stored_opener_and_keeps_quick_only_for_the_same_exercise(content):
    state = State(
        names=("Maya", "Jordan"), finished=(SCREENING,), exercise_id=TRUST, first_speaker=1, quick=True
    )
    begun, reply = run.begin(state, content, TODAY)
    assert begun.first_speaker == 1 and begun.quick and begun.started and begun.prompt == 0
    assert _quiet_who(reply) == ["Jordan"]
    elsewhere = replace(state, exercise_id=None)  # quick asked elsewhere: the next exercise runs in full
    begun, _ = run.begin(elsewhere, content, TODAY)
    assert not begun.quick


def test_a_couples_first_exercise_for_two_comes_after_the_safety_screening(content):
    fresh = State(names=("Maya", "Jordan"), exercise_id=TRUST)
    begun, reply = run.begin(fresh, content, TODAY)
    assert begun.exercise_id == SCREENING and begun.screening_for == TRUST
    assert reply.speech[0].key == "phrase:care.screening_first"
    alone = State(names=("Sam",), solo=True, exercise_id="acknowledge.what-i-carry")
    assert run.begin(alone, content, TODAY)[0].exercise_id == "acknowledge.what-i-carry"


def test_the_apology_is_offered_a_second_time_when_both_hurt_each_other(content):
    last = len(content.exercise(APOLOGY).prompts) - 1
    state = _at(APOLOGY, hurt="both", prompt=last, turn=3)
    first, reply = run.finish(state, content, TODAY)
    assert first.second_due == APOLOGY and first.situation == Situation.OFFER_BEGIN
    assert first.offer_target == APOLOGY and say_key(reply) == "phrase:offer.second_time"
    second, reply = run.finish(replace(first, started=True, prompt=last, turn=3), content, TODAY)
    assert second.second_due is None and second.offer_target != APOLOGY
    one_role, _ = run.finish(replace(state, hurt="0"), content, TODAY)
    assert one_role.second_due is None


def say_key(reply) -> str:
    return reply.speech[-1].key


def test_situation_follows_the_position_in_the_exercise(content):
    assert run.situation_at(_at(TRUST, turn=0), content) == Situation.SPEAKER_TURN
    assert run.situation_at(_at(TRUST, turn=3), content) == Situation.LISTENER_TURN
    assert run.situation_at(_at(APOLOGY), content) == Situation.SPEAKING
    assert run.situation_at(_at("acknowledge.reflection"), content) == Situation.REFLECTION
    assert run.situation_at(_at(NAMING, prompt=3), content) == Situation.PROMPT

"""The conversation, situation by situation: what each thing a couple says does there.

Pure: ``step(State, Event)`` only, no SDK, thousands of turns a second. Each
declared situation (``conversation/situation.py``) is reached the way a couple
reaches it (by what they say, from a fresh state), and each row of a table states
what one intent does there, in terms a couple notices: whether the session ends,
whether their place moves, what kind of line they hear. Journeys
(``tests/journeys/``) check the same wiring end to end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from support.engine_steps import TODAY, intent, keys, launch
from trust_renewal.content import load_content
from trust_renewal.conversation import Event, Reply, State, step
from trust_renewal.conversation.events import LinkInfo
from trust_renewal.conversation.situation import Situation

CONTENT = load_content("en-US")
FIRST = CONTENT.path[0]
TURN_EXERCISE = next(ex for ex in CONTENT.path if ex.prompts[0].turns)
PLAIN_EXERCISE = next(
    ex
    for ex in CONTENT.path
    if ex.kind == "agreement" and len(ex.prompts) > 1 and not any(p.turns for p in ex.prompts)
)


def _say(state: State, *events: Event) -> tuple[State, Reply]:
    reply = Reply()
    for event in events:
        state, reply = step(state, event, CONTENT)
    return state, reply


def _offered(state: State, exercise) -> State:
    """Ask for the exercise's step, then skip until it is the one offered."""
    step_number = CONTENT.step_of(exercise.id).number
    state, reply = _say(state, intent("go_to_step", slots={"stepNumber": str(step_number)}))
    for _ in range(len(CONTENT.path)):
        if any(dict(line.params).get("title") == exercise.title for line in reply.speech):
            return state
        state, reply = _say(state, intent("skip"))
    raise AssertionError(f"{exercise.id} was never offered")


def _home() -> State:
    return _say(State(), launch(), intent("home"))[0]


def _offer_begin() -> State:
    return _say(State(), launch())[0]


def _in_plain_exercise() -> State:
    return _say(_offered(_home(), PLAIN_EXERCISE), intent("yes"))[0]


def _speaker_turn() -> State:
    return _say(_offered(_home(), TURN_EXERCISE), intent("yes"))[0]


def _listener_turn() -> State:
    return _say(_speaker_turn(), intent("next"))[0]


def _offer_resume() -> State:
    state = _say(_in_plain_exercise(), intent("next"), Event(kind="session_ended", today=TODAY))[0]
    return _say(state, launch())[0]


def _confirm_start_over() -> State:
    return _say(_in_plain_exercise(), intent("start_over"))[0]


def _first_finished() -> State:
    state = _say(State(), launch(), intent("yes"))[0]
    while FIRST.id not in state.finished:
        state = _say(state, intent("next"))[0]
    return state


def _confirm_delete() -> State:
    return _say(_first_finished(), intent("delete_data"))[0]


def _complete() -> State:
    done = State(welcomed=True, finished=tuple(ex.id for ex in CONTENT.path), program_done=True)
    return _say(done, launch())[0]


def _checkin() -> State:
    return _say(_complete(), intent("yes"))[0]


def _reflection() -> State:
    return _say(State(), launch(), intent("yes"))[0]  # the program opens with a guided reflection


def _ask_which_partner() -> State:
    named = State(welcomed=True, names=("Maya", "Jordan"))
    return _say(named, launch(), intent("home"), intent("set_names", slots={"firstName": "Sam"}))[0]


def _ask_roles() -> State:
    # Names given: the one gentle question about who was hurt (issue 16).
    names = {"firstName": "Maya", "secondName": "Jordan"}
    return _say(State(), launch(), intent("set_names", slots=names))[0]


def _paused() -> State:
    return _say(_in_plain_exercise(), intent("next"), intent("pause"))[0]


def _after_safety() -> State:
    return _say(_in_plain_exercise(), intent("safety", country="US"))[0]


LINKED = LinkInfo(linked=True)


def _confirm_join() -> State:
    # Joining a partner would replace this account's own progress: asked first (issue 26).
    return _say(_first_finished(), intent("join_partner"))[0]


def _ask_code() -> State:
    return _say(State(), launch(), intent("join_partner"))[0]


def _confirm_unlink() -> State:
    return _say(_home(), intent("unlink_partner", link=LINKED))[0]


def _choose_delete() -> State:
    return _say(_first_finished(), intent("delete_data", link=LINKED))[0]


def _confirm_delete_shared() -> State:
    return _say(_choose_delete(), intent("no", link=LINKED))[0]


SITUATIONS: dict[str, Callable[[], State]] = {
    "home": _home,
    "offer to begin": _offer_begin,
    "offer to resume": _offer_resume,
    "in a prompt": _in_plain_exercise,
    "in a guided reflection": _reflection,
    "a partner's turn to speak": _speaker_turn,
    "a partner's turn to reflect": _listener_turn,
    "confirm start over": _confirm_start_over,
    "confirm delete": _confirm_delete,
    "which partner is renamed": _ask_which_partner,
    "who was hurt": _ask_roles,
    "program complete": _complete,
    "check-in question": _checkin,
    "paused": _paused,
    "after the safety lines": _after_safety,
    "joining would replace own progress": _confirm_join,
    "asked for the linking code": _ask_code,
    "confirm unlink": _confirm_unlink,
    "linked: delete own data?": _choose_delete,
    "linked: delete the shared program?": _confirm_delete_shared,
}
# The declared situation each builder must land in (conversation/situation.py).
LANDS_IN = {
    "home": Situation.HOME,
    "offer to begin": Situation.OFFER_BEGIN,
    "offer to resume": Situation.OFFER_RESUME,
    "in a prompt": Situation.PROMPT,
    "in a guided reflection": Situation.REFLECTION,
    "a partner's turn to speak": Situation.SPEAKER_TURN,
    "a partner's turn to reflect": Situation.LISTENER_TURN,
    "confirm start over": Situation.CONFIRM_START_OVER,
    "confirm delete": Situation.CONFIRM_DELETE,
    "which partner is renamed": Situation.ASK_WHICH_PARTNER,
    "who was hurt": Situation.ASK_ROLES,
    "program complete": Situation.COMPLETE,
    "check-in question": Situation.CHECKIN,
    "paused": Situation.PAUSED,
    "after the safety lines": Situation.SAFETY,
    "joining would replace own progress": Situation.CONFIRM_JOIN,
    "asked for the linking code": Situation.ASK_CODE,
    "confirm unlink": Situation.CONFIRM_UNLINK,
    "linked: delete own data?": Situation.CHOOSE_DELETE,
    "linked: delete the shared program?": Situation.CONFIRM_DELETE_SHARED,
}


def place(state: State) -> tuple[Any, ...]:
    """Where the couple is in the program: what a stop, a pause or a question must not move."""
    return (state.exercise_id, state.prompt, state.turn, state.finished, state.names, state.program_done)


def phrase_keys(reply: Reply) -> list[str]:
    return [k.removeprefix("phrase:") for k in keys(reply)]


@pytest.fixture(params=sorted(SITUATIONS), ids=str)
def situation(request: pytest.FixtureRequest) -> tuple[str, State]:
    return request.param, SITUATIONS[request.param]()


# -- what holds in every situation ---------------------------------------------------
def test_every_declared_situation_is_reached_by_what_a_couple_says() -> None:
    reached = {name: build().situation for name, build in SITUATIONS.items()}
    assert reached == LANDS_IN
    assert set(LANDS_IN.values()) == set(Situation), "a new situation needs a builder and its rows here"


def _stays_in_place(where: str) -> Callable[[State, Reply], None]:
    def check(state: State, reply: Reply) -> None:
        assert not reply.end_session and reply.speech
        assert place(state) == place(SITUATIONS[where]())

    return check


def test_help_explains_without_moving_them(situation) -> None:
    _, state = situation
    after, reply = _say(state, intent("help"))
    assert place(after) == place(state) and after.situation == state.situation
    assert any(k.startswith("help.") for k in phrase_keys(reply)) and reply.reprompt
    assert not reply.end_session


def test_a_word_not_understood_gets_a_hint_and_loses_nothing(situation) -> None:
    _, state = situation
    after, reply = _say(state, intent("fallback"))
    assert place(after) == place(state) and after.situation == state.situation
    # A hint for where they are, or the open question asked again (one question per reply).
    asked_again = keys(reply)[-1:] == keys(Reply(speech=state.last))[-1:]
    assert any(k.startswith("fallback.") for k in phrase_keys(reply)) or asked_again
    assert reply.reprompt and not reply.end_session


@pytest.mark.parametrize("word", ["stop", "cancel", "pause"])
def test_stopping_ends_the_session_and_keeps_their_place(situation, word) -> None:
    _, state = situation
    after, reply = _say(state, intent(word))
    assert reply.end_session and reply.speech and not reply.action
    assert place(after) == place(state)


@pytest.mark.parametrize("country", ["US", "GB", "AU"])
def test_not_feeling_safe_stops_everything_for_their_countrys_line(situation, country) -> None:
    _, state = situation
    after, reply = _say(state, intent("safety", country=country))
    for role in ("emergency", "crisis", "abuse"):
        assert f"safety_call:{country}:{role}" in keys(reply)
    # The session stays open so "repeat" can give the numbers again (conversation/safety.py).
    assert not reply.end_session and reply.reprompt and reply.card is None
    assert after.safety_route == "danger"
    assert place(after) == place(state)


def test_the_session_ending_says_nothing_and_keeps_their_place(situation) -> None:
    _, state = situation
    after, reply = _say(state, Event(kind="session_ended", today=TODAY))
    assert reply.silent and reply.end_session
    assert place(after) == place(state)


def test_repeat_says_again_what_they_last_heard(situation) -> None:
    _, state = situation
    before = keys(Reply(speech=state.last))
    after, reply = _say(state, intent("repeat"))
    assert place(after) == place(state)
    prompts = [k for k in before if k.startswith("prompt:")]
    # In an exercise the prompt itself comes back; elsewhere, the last reply.
    assert [k for k in keys(reply) if k.startswith("prompt:")] == prompts or keys(reply) == before


# -- what yes, no and next do where they mean something --------------------------------
def _moved_into(exercise) -> Callable[[State, Reply], None]:
    def check(state: State, reply: Reply) -> None:
        assert state.exercise_id == exercise.id and not reply.end_session
        assert f"prompt:{exercise.id}:0" in keys(reply)

    return check


def _ends_with(key: str) -> Callable[[State, Reply], None]:
    def check(state: State, reply: Reply) -> None:
        assert reply.end_session and key in phrase_keys(reply)

    return check


def _stays_with(key: str) -> Callable[[State, Reply], None]:
    def check(state: State, reply: Reply) -> None:
        assert not reply.end_session and key in phrase_keys(reply)

    return check


def _next_prompt(state: State, reply: Reply) -> None:
    assert state.exercise_id == PLAIN_EXERCISE.id and state.prompt == 1
    assert f"prompt:{PLAIN_EXERCISE.id}:1" in keys(reply)


def _picked_up(state: State, reply: Reply) -> None:
    assert "resume.picking_up" in phrase_keys(reply)
    assert f"prompt:{PLAIN_EXERCISE.id}:1" in keys(reply)


def _other_partner_reflects(state: State, reply: Reply) -> None:
    assert state.exercise_id == TURN_EXERCISE.id and state.prompt == 0 and state.turn == 1
    assert "handoff.reflect.full" in phrase_keys(reply) and not reply.end_session
    assert state.situation == Situation.LISTENER_TURN and "quiet" in phrase_keys(reply)


def _started_again(state: State, reply: Reply) -> None:
    assert state.finished == () and "start_over.done" in phrase_keys(reply)


def _deleted(state: State, reply: Reply) -> None:
    assert reply.action == "delete_data" and reply.end_session and place(state) == place(State())


def _asks_the_edges(action: str, ends: bool = False) -> Callable[[State, Reply], None]:
    def check(state: State, reply: Reply) -> None:
        assert reply.action == action and reply.end_session == ends

    return check


def _code_tried(state: State, reply: Reply) -> None:
    assert reply.action == "link_join" and reply.action_params == {"code": "481529"}


def _asked_a_checkin(state: State, reply: Reply) -> None:
    assert any(k.startswith("checkin.") or k.startswith("checkin:") for k in keys(reply))
    assert not reply.end_session


TABLE: list[tuple[str, str, Callable[[State, Reply], None]]] = [
    ("offer to begin", "yes", _moved_into(FIRST)),
    ("offer to begin", "next", _moved_into(FIRST)),
    ("offer to begin", "no", _ends_with("no.later")),
    ("offer to resume", "yes", _picked_up),
    ("offer to resume", "resume", _picked_up),
    ("offer to resume", "no", _stays_with("no.resume")),
    ("in a prompt", "next", _next_prompt),
    ("in a prompt", "no", _stays_in_place("in a prompt")),
    ("a partner's turn to speak", "turn_done", _other_partner_reflects),
    ("a partner's turn to speak", "next", _other_partner_reflects),
    ("confirm start over", "yes", _started_again),
    ("confirm start over", "no", _stays_with("start_over.kept")),
    ("confirm delete", "yes", _deleted),
    ("confirm delete", "no", _stays_with("delete.kept")),
    ("program complete", "yes", _asked_a_checkin),
    ("check-in question", "next", _ends_with("checkin.after")),
    ("home", "yes", _stays_with("yes.nothing")),
    ("home", "previous", _stays_with("nav.nothing_before")),
    ("home", "link_partner", _asks_the_edges("link_create")),
    ("joining would replace own progress", "yes", _stays_with("link.ask_code")),
    ("joining would replace own progress", "no", _stays_with("link.join_declined")),
    ("asked for the linking code", "no", _stays_with("link.join_declined")),
    ("confirm unlink", "yes", _asks_the_edges("link_unlink")),
    ("confirm unlink", "no", _stays_with("link.unlink_kept")),
    ("linked: delete own data?", "yes", _asks_the_edges("link_delete_own", ends=True)),
    ("linked: delete own data?", "no", _stays_with("link.delete_shared_question")),
    ("linked: delete the shared program?", "yes", _asks_the_edges("link_ask_delete_shared")),
    ("linked: delete the shared program?", "no", _stays_with("delete.kept")),
]


@pytest.mark.parametrize(
    "said",
    [
        intent("link_code", slots={"code": "481529"}),
        intent("go_to_step", slots={"stepNumber": "481529"}),  # six digits said alone
        intent("set_reminder", slots={"time": "481529"}),
    ],
    ids=["with words", "alone as a number", "heard as a time"],
)
def test_six_digits_are_a_code_only_while_the_code_is_asked_for(said) -> None:
    state, reply = _say(_ask_code(), said)
    _code_tried(state, reply)
    elsewhere, reply = _say(_home(), intent("link_code", slots={"code": "481529"}))
    assert reply.action is None and "link.code_not_asked" in phrase_keys(reply)
    assert place(elsewhere) == place(_home())


def test_a_misheard_code_is_asked_again_without_trying_it() -> None:
    state, reply = _say(_ask_code(), intent("go_to_step", slots={"stepNumber": "4815"}))
    assert reply.action is None and phrase_keys(reply) == ["link.code_length"]
    assert state.situation == Situation.ASK_CODE


@pytest.mark.parametrize(("where", "word", "check"), TABLE, ids=[f"{w}: {i}" for w, i, _ in TABLE])
def test_what_each_word_does_where_it_means_something(where, word, check) -> None:
    state, reply = _say(SITUATIONS[where](), intent(word))
    check(state, reply)


def test_kept_progress_is_not_lost_when_they_decline_to_delete_it() -> None:
    state = _confirm_delete()
    kept, _ = _say(state, intent("no"))
    assert place(kept) == place(state) and kept.finished == (FIRST.id,)

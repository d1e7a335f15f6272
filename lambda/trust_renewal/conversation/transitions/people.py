"""Names and roles: who is here, what to call them, who was hurt."""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.program import (
    fits,
)
from trust_renewal.conversation.reply import Line, Reply, say
from trust_renewal.conversation.situation import IN_EXERCISE
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions.common import (
    S,
    clean_name,
    exercise_of,
    mid_exercise,
    offer_resume,
    offer_today,
    reprompt,
    stay,
    which_partner,
)


def _after_names(state: State, event: Event, content: Content, line: Line) -> tuple[State, Reply]:
    """Back to where they were once a name is settled."""
    if state.situation == S.ASK_WHICH_PARTNER:
        state = replace(state, pending_name=None)
        if mid_exercise(state, content):
            return offer_resume(state, event, content, (line,))
        state = replace(state, situation=S.HOME)
    return stay(state, line, content=content)


def set_names(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    given = [clean_name(event.slots.get(k)) for k in ("firstName", "secondName")]
    given = [n for n in given if n]
    if not given:
        return state, Reply(speech=(say("names.ask"),), reprompt=(say("names.ask"),))
    people = dict(state.people)
    names = list(state.names)
    if len(given) >= 2:
        names = given[:2]
        state = replace(state, solo=False)
    elif len(names) == 2 and not state.solo:
        name = given[0]
        if name in names:
            return stay(state, say("names.known", name=name), content=content)
        if event.person_id in people:
            names[people[event.person_id]] = name  # the recognised voice says whose name it is
        else:
            # "Call me Sam" with two names set: ask which partner, never drop a name.
            state = replace(state, situation=S.ASK_WHICH_PARTNER, offer_target=None, pending_name=name)
            return state, Reply(speech=(which_partner(state),), reprompt=reprompt(state))
    else:
        names = [given[0], *names[1:2]] if not state.solo else [given[0]]
    if event.person_id and event.person_id not in people and given[0] in names:
        people[event.person_id] = names.index(given[0])
    state = replace(state, names=tuple(names), people=tuple(sorted(people.items())))
    line = (
        say("names.two", first=names[0], second=names[1])
        if len(names) == 2
        else say("names.one", first=names[0])
    )
    if roles_question_due(state):
        return ask_roles(state, event, content, line)
    return _after_names(state, event, content, line)


def place_name(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """The answer to "which of you is Sam?": the partner's current name."""
    heard = [clean_name(event.slots.get(k)) for k in ("firstName", "secondName")]
    pending = state.pending_name or ""
    match = next((n for n in heard if n in state.names), None)
    if match is None or not pending:
        return state, Reply(speech=(which_partner(state),), reprompt=reprompt(state))
    names = list(state.names)
    index = names.index(match)
    names[index] = pending
    people = dict(state.people)
    if event.person_id:
        people[event.person_id] = index
    state = replace(state, names=tuple(names), people=tuple(sorted(people.items())))
    return _after_names(state, event, content, say("names.two", first=names[0], second=names[1]))


def keep_names(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return _after_names(state, event, content, say("names.kept"))


def just_me(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "It's just me, I'm Sam": every line for one person from now on."""
    name = clean_name(event.slots.get("firstName"))
    names = (name,) if name else state.names[:1]
    state = replace(state, solo=True, names=names)
    line = say("solo.on_named", name=names[0]) if names else say("solo.on")
    if state.situation in IN_EXERCISE and not fits(state, exercise_of(state, content)):
        return offer_today(replace(state, situation=S.HOME), event, content, (line,))
    if state.situation == S.OFFER_BEGIN:
        offered = content.exercises_by_id.get(state.offer_target or "")
        if offered is not None and not fits(state, offered):
            return offer_today(state, event, content, (line,))
    return stay(state, line, content=content)


def roles_question_due(state: State) -> bool:
    return (
        len(state.names) == 2
        and not state.solo
        and not state.roles_asked
        and state.situation not in IN_EXERCISE
        and state.situation != S.ASK_WHICH_PARTNER
    )


def ask_roles(state: State, event: Event, content: Content, lead: Line | None = None) -> tuple[State, Reply]:
    """ "Some exercises go better when I know who was hurt…": once, gently, skippable."""
    if len(state.names) < 2 or state.solo:
        return stay(state, say("roles.need_names"), content=content)
    state = replace(state, situation=S.ASK_ROLES, roles_asked=True)
    first, second = state.names[:2]
    ask = say("roles.ask", first=first, second=second)
    return state, Reply(speech=(*((lead,) if lead else ()), ask), reprompt=(say("reprompt.roles"),))


def _after_roles(state: State, event: Event, content: Content, line: Line) -> tuple[State, Reply]:
    """Back to the program once the roles question is settled; elsewhere, just the answer."""
    if state.situation == S.ASK_ROLES:
        state = replace(state, situation=S.HOME, offer_target=None)
        if mid_exercise(state, content):
            return offer_resume(state, event, content, (line,))
        return offer_today(state, event, content, (line,))
    return stay(state, line, content=content)


def set_roles(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Maya was hurt", "Jordan caused the hurt": kept as the hurt partner's index."""
    if len(state.names) < 2 or state.solo:
        return stay(state, say("roles.need_names"), content=content)
    names = list(state.names[:2])
    hurt = clean_name(event.slots.get("hurtName"))
    caused = clean_name(event.slots.get("causedName"))
    index = None
    if hurt in names:
        index = names.index(hurt)
    elif caused in names:
        index = 1 - names.index(caused)
    if index is None:
        # A name that is not one of theirs: ask again with their names, never guess.
        state = replace(state, situation=S.ASK_ROLES, roles_asked=True)
        line = say("roles.which_name", first=names[0], second=names[1])
        return state, Reply(speech=(line,), reprompt=(say("reprompt.roles"),))
    state = replace(state, hurt=str(index), roles_asked=True)
    return _after_roles(state, event, content, say("roles.set", hurt=names[index], caused=names[1 - index]))


def roles_mutual(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "We both hurt each other": every exercise keeps its shared wording."""
    if len(state.names) < 2 or state.solo:
        return stay(state, say("roles.need_names"), content=content)
    state = replace(state, hurt="both", roles_asked=True)
    return _after_roles(state, event, content, say("roles.mutual"))


def roles_skip(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Skip": no roles, no comment, on with the program."""
    return _after_roles(replace(state, roles_asked=True), event, content, say("roles.skipped"))


def roles_change(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Change who was hurt": the question again (inside an exercise, the answer takes effect at once)."""
    if state.situation in IN_EXERCISE or len(state.names) < 2 or state.solo:
        if len(state.names) < 2 or state.solo:
            return stay(state, say("roles.need_names"), content=content)
        return stay(state, say("roles.change_here", first=state.names[0]), content=content)
    return ask_roles(state, event, content)


def roles_clear(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Forget who was hurt": back to the shared wording everywhere; never asked again."""
    if state.solo:
        return stay(state, say("roles.need_names"), content=content)
    state = replace(state, hurt=None, roles_asked=True)
    return _after_roles(state, event, content, say("roles.cleared"))


def roles_unclear(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """A yes, or something else, while the roles question is open: the question again, plainly."""
    first, second = (*state.names, "", "")[:2]
    return state, Reply(speech=(say("roles.which_name", first=first, second=second),),
                        reprompt=(say("reprompt.roles"),))

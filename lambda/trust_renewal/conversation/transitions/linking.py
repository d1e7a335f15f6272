"""Two accounts, one program (issue 26): make a code, join with it, unlink, delete when linked.

The conversation only decides and speaks; the edges do the storage work
(``Reply.action``: link_create, link_join, link_unlink, link_ask_delete_shared,
link_delete_own, link_delete_shared) and come back with an ``action_result``
event named ``link_*``, answered by ``action_result`` here.
"""

from __future__ import annotations

from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.reply import Card, Reply, say
from trust_renewal.conversation.state import State
from trust_renewal.conversation.transitions import settings
from trust_renewal.conversation.transitions.common import S, home, stay

CODE_LENGTH = 6


def own_progress(state: State) -> bool:
    """This account has something of its own that joining would replace."""
    return bool(state.finished or state.started or state.names or state.days_practiced)


def link_partner(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Link my partner": a code for the other account, or (the edges find) why not."""
    return home(state), Reply(action="link_create")


def join_partner(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Join my partner": ask before anything of this account's is replaced, then ask for the code."""
    if event.link.linked:
        question = say("link.join_already_linked")
    elif own_progress(state):
        question = say("link.join_replaces")
    else:
        return ask_code(state, event, content)
    state = replace(state, situation=S.CONFIRM_JOIN, offer_target=None)
    return state, Reply(speech=(question,), reprompt=(say("reprompt.confirm"),))


def ask_code(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    state = replace(state, situation=S.ASK_CODE, offer_target=None)
    return state, Reply(speech=(say("link.ask_code"),), reprompt=(say("link.ask_code"),))


def join_declined(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(home(state), say("link.join_declined"), content=content)


def code_heard(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """Six digits while the code is asked for: the edges try it."""
    code = "".join(c for c in event.slots.get("code", "") if c.isdigit())
    if len(code) != CODE_LENGTH:  # misheard, most likely: not tried, so not counted as wrong
        state = replace(state, situation=S.ASK_CODE)
        return state, Reply(speech=(say("link.code_length"),), reprompt=(say("link.ask_code"),))
    return state, Reply(action="link_join", action_params={"code": code})


def code_not_asked(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """A code said out of the blue: never tried; say how to use one."""
    return stay(state, say("link.code_not_asked"), content=content)


def unlink_partner(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if not event.link.linked:
        return stay(home(state), say("link.not_linked"), content=content)
    state = replace(state, situation=S.CONFIRM_UNLINK, offer_target=None)
    return state, Reply(speech=(say("link.unlink_confirm"),), reprompt=(say("reprompt.confirm"),))


def unlink_confirmed(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return home(state), Reply(action="link_unlink")


def unlink_declined(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(home(state), say("link.unlink_kept"), content=content)


def delete_data(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """ "Delete our data": on a linked account, whose data first; otherwise as ever."""
    if event.link.delete_asked:
        state = replace(state, situation=S.CONFIRM_DELETE_SHARED, offer_target=None)
        return state, Reply(speech=(say("link.delete_agree"),), reprompt=(say("reprompt.confirm"),))
    if event.link.linked:
        state = replace(state, situation=S.CHOOSE_DELETE, offer_target=None)
        return state, Reply(speech=(say("link.delete_own_question"),), reprompt=(say("reprompt.confirm"),))
    return settings.delete_data(state, event, content)


def delete_own(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return State(), Reply(speech=(say("link.deleted_own"),), end_session=True, action="link_delete_own")


def delete_not_own(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    """Not just their own: the shared program, then, with the other account's agreement."""
    state = replace(state, situation=S.CONFIRM_DELETE_SHARED, offer_target=None)
    return state, Reply(speech=(say("link.delete_shared_question"),), reprompt=(say("reprompt.confirm"),))


def delete_shared(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    if event.link.delete_asked:  # the other account asked first: this is the agreement
        return State(), Reply(
            speech=(say("link.deleted_shared"),), end_session=True, action="link_delete_shared"
        )
    return home(state), Reply(action="link_ask_delete_shared")


def delete_kept(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    return stay(home(state), say("delete.kept"), content=content)


# What the edges report back, and what is said then.


def action_result(state: State, event: Event, content: Content) -> tuple[State, Reply]:
    name = event.name or "link_failed"
    params = dict(event.slots)
    if name == "link_code_made":
        lines = (say("link.code", digits=params.get("digits", "")), say("link.code_how"))
        card = Card(title=say("link.card_title"), body=(say("link.card_code", code=params.get("code", "")),))
        return home(state), Reply(speech=lines, end_session=True, card=card)
    if name == "link_wrong":
        key = "link.wrong_one_left" if params.get("left") == "1" else "link.wrong"
        state = replace(state, situation=S.ASK_CODE)
        return state, Reply(speech=(say(key), say("link.ask_code_again")), reprompt=(say("link.ask_code"),))
    if name == "link_joined":
        names = params.get("names", "")
        line = say("link.joined", names=names) if names else say("link.joined_unnamed")
        return stay(home(state), line, content=content)
    if name == "link_delete_asked":
        return stay(home(state), say("link.delete_asked"), content=content)
    known = {
        "link_already_linked": "link.already_linked",
        "link_limited": "link.limited",
        "link_expired": "link.expired",
        "link_used": "link.used",
        "link_own": "link.own_code",
        "link_unlinked": "link.unlinked",
        "link_not_linked": "link.not_linked",
    }
    return stay(home(state), say(known.get(name, "link.failed")), content=content)

"""Bare answers, read by the situation: "forgiveness", "three", "eight p m", "Jordan".

Every question the skill asks can be answered with just the answer, so the model
has bare slot samples ({topic}, {number}, {time}, {nameAlone}). Alexa then picks
an intent by the words alone, and words can fit several: "three" is a number said
alone (NumberAloneIntent), a time said alone (TimeAloneIntent) and, to
AMAZON.FirstName, a name; "talk and
listen" is a step topic and, to the names intent, two names. Alexa cannot know
which question is open; the conversation can. ``interpret`` rewrites such an event
into what the answer means here, before the intent's handler runs. Rules, in order:

- a step topic never lands on the names intent, whatever was asked;
- a number never lands on the names intent: filed as a name, it is a number said alone;
- a number said alone is read by the question asked: the step ("which step?"; go_to_step
  says which steps there are), the reminder's hour (a time question, 1 to 23), the code,
  the names question again, or the roles question's "I didn't catch that"; asked nothing,
  it moves nobody: a step's number is told how to ask for that step (table.py's
  ``number_alone``), any other number is not understood;
- a time said alone is read by the question asked: the reminder's time (a time question,
  then settled by the rules below), the step (an o'clock hour from one to the last step),
  the code (no digits: "tell me the six digits"), the names or roles question again; asked
  nothing, it sets no reminder and moves nobody: it is told how to ask for a reminder at
  that time (table.py's ``time_alone``), and a part of the day alone is not understood;
- while the reminder's time is asked, a bare number is that hour;
- while a step is asked, an o'clock time from one to the last step is that step;
- a name said alone counts only as the answer to "what are your names?", and then
  it is a name even if Alexa filed it as an unknown step topic;
- while "in the morning or in the evening?" is asked, the answer settles a.m./p.m.;
- while "which of you was hurt?" is asked, one name said alone is that partner;
- a "name" that is a safety word ("suicide", "abuse", "danger") takes that safety
  route, wherever it was said; a command, a filler ("pass", "uh huh") or a word
  no one is called is never taken as a name: the names question is asked again;
- a bare number is a step only while a step is asked (or a reminder's hour while a
  time is): "three" to "on a scale of one to ten" never jumps to step three (a step
  number with a carrier, "go to step three", is GoToStepIntent and goes anywhere);
- roles never take pronouns for names: "they hurt me" is the abuse route.

The open question is the last line the skill said (``State.last``), so nothing new
is stored: a question is open until the skill says something else.
"""

from __future__ import annotations

import re
from dataclasses import replace

from trust_renewal.content.model import Content
from trust_renewal.conversation.events import Event
from trust_renewal.conversation.state import State

# The phrase that asks each question, and what the question is about.
ASKING = {
    "phrase:nav.which_step": "step",
    "phrase:names.ask": "names",
    "phrase:names.which": "names",  # "which of you is Sam?" is answered with a name
    "phrase:reminder.which_time": "time",
    "phrase:reminder.am_or_pm": "am_or_pm",
    "phrase:reminder.am_or_pm_again": "am_or_pm_again",  # asked once more after a bare "at eight"
    "phrase:reminder.part_of_day": "part_time",  # "every evening": what time in the evening?
    "phrase:roles.ask": "roles",  # "which of you was hurt?": a name, both, or skip
    "phrase:roles.which_name": "roles",
    "phrase:help.roles": "roles",
    "phrase:fallback.roles": "roles",
    "phrase:cue.roles": "roles",
    "phrase:link.ask_code": "code",  # "What's the code?": six digits said alone
    "phrase:help.code": "code",
    "phrase:fallback.code": "code",
    "phrase:link.code_length": "code",
    "phrase:link.ask_code_again": "code",
}
ALONE = "nameAlone"  # SetNamesIntent's slot for a name said on its own
CONFIRMED = "time_confirmed"  # slot the conversation adds once a.m./p.m. is settled
AGAIN = "time_again"  # slot the conversation adds when "morning or evening?" was answered with the hour again
PARTS_OF_DAY = ("MO", "AF", "EV", "NI")
TIME_QUESTIONS = ("time", "am_or_pm", "am_or_pm_again", "part_time")
_MORNING = ("MO",)
_LATER = ("AF", "EV", "NI")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
# Words said where a name was expected that are a cry for help: the route they take.
SAFETY_WORDS = {
    "self_harm": frozenset({"suicide", "suicidal", "die", "dying", "overdose", "kill myself", "end it"}),
    "abuse": frozenset(
        {"abuse", "abused", "abuser", "violence", "violent", "rape", "raped", "hit", "beaten"}
    ),
    "safety": frozenset({"danger", "unsafe", "not safe", "emergency", "police", "help me"}),
}
# Words that are a command, a filler or part of a sentence, never someone's first name.
NOT_NAMES = frozenset(
    {"pass", "skip", "next", "stop", "cancel", "help", "repeat", "again", "back", "pause", "resume",
     "continue", "yes", "yeah", "yep", "no", "nope", "nah", "ok", "okay", "sure", "done", "finished",
     "quit", "exit", "wait", "more", "uh", "um", "uh huh", "mm", "hmm", "er", "erm", "huh", "what",
     "whatever", "nothing", "nobody", "none", "someone", "somebody", "anyone", "i", "me", "my", "we",
     "us", "you", "he", "she", "they", "them", "him", "her", "it", "this", "that", "the", "a", "and",
     "hello", "hi", "thanks", "thank you", "please", "sorry", "both", "neither", "husband", "wife",
     "partner", "boyfriend", "girlfriend", "hurt", "hurting"}
)  # fmt: skip
# Who someone is when a roles sample took a pronoun for a name ("they hurt me").
PRONOUNS = frozenset({"i", "me", "he", "she", "they", "them", "him", "her", "we", "us", "you", "someone"})
_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",
)  # fmt: skip


def open_question(state: State) -> tuple[str | None, dict[str, str]]:
    """What the skill just asked ("step", "names", "time", "am_or_pm") and that line's params."""
    if not state.last:
        return None, {}
    line = state.last[-1]
    return ASKING.get(line.key), line.kwargs


def number_of(words: str) -> int | None:
    """ "3", "three", "step three", "number 3" → 3; anything else → None."""
    text = re.sub(r"^(?:step|number|step number)\s+", "", words.strip().lower())
    if text.isdigit():
        return int(text)
    return _UNITS.index(text) if text in _UNITS else None


def clock_of(value: str) -> tuple[int, int] | None:
    """An AMAZON.TIME clock value ("20:00") → (20, 0); parts of the day and others → None."""
    found = _CLOCK.match(value.strip())
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    return (hour, minute) if hour < 24 and minute < 60 else None


def clock_words(hour: int, minute: int) -> tuple[str, str]:
    """A clock as people say it: its 12-hour digits ("8", "8:30") and the phrase that adds a.m. or p.m."""
    digits = str(hour % 12 or 12) + (f":{minute:02d}" if minute else "")
    return digits, "time.am" if hour < 12 else "time.pm"


def unclear_hour(value: str) -> bool:
    """A clock time that could be morning or evening ("8:00" from a bare "eight")."""
    clock = clock_of(value)
    return clock is not None and 1 <= clock[0] <= 11


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]+", " ", text.lower().replace("&", " and ")).split())


def topic_step(words: str, content: Content) -> str | None:
    """The step id a topic (or a step's title) names, else None."""
    wanted = _plain(words)
    if not wanted:
        return None
    for step in content.steps:
        if wanted in {_plain(t) for t in (*step.topics, step.title)}:
            return step.id
    return None


def interpret(state: State, event: Event, content: Content) -> Event:
    """The event as this situation means it (see the module's rules); most pass unchanged."""
    if event.kind != "intent":
        return event
    asked, params = open_question(state)
    slots = dict(event.slots)
    if asked == "code":
        heard = _digits_heard(event)
        if heard is not None:
            return _as(event, "link_code", code=heard)
    if event.name == "set_names":
        event = _names(event, slots, asked, content)
        if event.name != "number_alone":
            return event
    if event.name == "number_alone":
        event = _number_alone(event, asked, content)
        if event.name != "set_reminder":
            return event
        slots = dict(event.slots)  # an hour to the reminder's question: read on as a time
    if event.name == "time_alone":
        event = _time_alone(event, asked, content)
        if event.name != "set_reminder":
            return event
        slots = dict(event.slots)  # the answer to a time question: read on by the rules below
    if event.name == "go_to_step" and asked == "names" and not heard_topic_of(slots):
        # A bare "three" reaches Alexa as a step number too; to "what are your names?" it is
        # neither a name nor a jump to step three: ask for the names again.
        return _as(event, "set_names")
    if event.name == "too_hard" and asked == "names":
        # "pass" to "what are your names?" is no name and no hard question: ask for the names again.
        return _as(event, "set_names")
    if event.name == "roles_hurt":
        named = [slots.get(k, "").strip().lower() for k in ("hurtName", "causedName")]
        if any(n in PRONOUNS for n in named if n):
            return _as(event, "abuse")  # "they hurt me" is not who was hurt in the program
    heard_topic = slots.get("topic", "").strip()
    if event.name == "go_to_step" and asked == "names" and heard_topic and not event.slot_ids.get("topic"):
        # A custom slot takes any words: names heard as an unknown topic are the names asked for.
        names = [n for n in re.split(r"\s+and\s+", heard_topic) if re.fullmatch(r"[A-Za-z'\-]+", n)]
        if 1 <= len(names) <= 2 and len(names) == len(heard_topic.split(" and ")):
            return _as(event, "set_names", **dict(zip(("firstName", "secondName"), names, strict=False)))
    if event.name == "go_to_step" and asked in TIME_QUESTIONS and not event.slot_ids.get("topic"):
        hour = number_of(slots.get("stepNumber", ""))
        if hour is not None and 1 <= hour <= 23:
            event = _as(event, "set_reminder", time=f"{hour:02d}:00")
            slots = dict(event.slots)
    if event.name == "set_reminder":
        time = slots.get("time", "").strip()
        clock = clock_of(time)
        if asked == "step" and clock and clock[1] == 0 and 1 <= clock[0] <= len(content.steps):
            return _as(event, "go_to_step", stepNumber=str(clock[0]))
        if asked in ("am_or_pm", "am_or_pm_again"):
            return _settle(event, time, params.get("clock", ""), again=asked == "am_or_pm_again")
        if asked == "part_time":
            return _in_part(event, time, params.get("part", "").removeprefix("@part_"))
    if asked in ("am_or_pm", "am_or_pm_again") and event.name in ("yes", "no") and params.get("clock"):
        # "Morning or evening?" is not a yes-or-no question: ask it again.
        return _as(event, "set_reminder", time=params["clock"])
    return event


def heard_topic_of(slots: dict[str, str]) -> str:
    """The words a step's topic slot holds, if any."""
    return slots.get("topic", "").strip()


def safety_route_of(words: str) -> str | None:
    """The safety intent a word or two said alone stands for ("suicide" → self_harm)."""
    said = " ".join(re.sub(r"[^a-z' ]+", " ", words.lower()).split())
    return next((route for route, known in SAFETY_WORDS.items() if said in known), None)


def plausible_name(words: str) -> bool:
    """A first name as someone says it: one or two words of letters, not a command or filler."""
    said = " ".join(words.lower().split())
    parts = said.split()
    return (
        bool(parts)
        and len(parts) <= 2
        and said not in NOT_NAMES
        and not any(p in NOT_NAMES for p in parts)
        and all(re.fullmatch(r"[a-z][a-z'\-]+", p) for p in parts)
        and safety_route_of(said) is None
    )


# Slots where a bare number can land, whichever intent Alexa picked for it.
_NUMBER_SLOTS = ("code", "number", "stepNumber", "time", "nameAlone", "firstName")


def _digits_heard(event: Event) -> str | None:
    """The digits of a code said alone ("4 8 1 5 2 9", "481529"), or None if no number was said."""
    if event.name == "link_code":
        return "".join(c for c in event.slots.get("code", "") if c.isdigit())
    if event.name not in ("go_to_step", "set_reminder", "set_names", "number_alone"):
        return None
    for name in _NUMBER_SLOTS:
        value = event.slots.get(name, "").replace(" ", "")
        if value.isdigit():
            return value
    return None


def _names(event: Event, slots: dict[str, str], asked: str | None, content: Content) -> Event:
    given = [slots.get(k, "").strip() for k in ("firstName", "secondName", ALONE)]
    given = [g for g in given if g]
    if not given:
        return event
    for words in given:
        route = safety_route_of(words)
        if route is not None:
            return _as(event, route)  # "suicide" to "what are your names?" is a cry for help
    topic = topic_step(" and ".join(given), content)
    if topic is not None:
        return _as(event, "go_to_step", topic=" and ".join(given).lower(), _topic_id=topic)
    number = number_of(given[0]) if len(given) == 1 else None
    if number is not None:
        # A number filed as a name ("three" to AMAZON.FirstName) is a number said alone.
        return _as(event, "number_alone", number=str(number))
    if not all(plausible_name(g) for g in given):
        # "pass", "uh huh": not names. Asked for names, ask again; otherwise nothing was meant.
        return _as(event, "set_names") if asked == "names" or not slots.get(ALONE) else _as(event, "fallback")
    if asked == "roles" and slots.get(ALONE):
        return _as(event, "roles_hurt", hurtName=slots[ALONE])  # "Maya": the partner who was hurt
    if slots.get(ALONE):
        if asked != "names":
            return _as(event, "fallback")  # a lone word, not an answer to anything asked
        return replace(event, slots={"firstName": slots[ALONE]})
    return event


def _number_alone(event: Event, asked: str | None, content: Content) -> Event:
    """A number said on its own, read by the question asked (nothing asked: it stays a number alone)."""
    said = event.slots.get("number", "").strip()
    number = number_of(said)
    if asked == "step":
        return _as(event, "go_to_step", stepNumber=said)  # go_to_step says which steps there are
    if asked in TIME_QUESTIONS and number is not None and 1 <= number <= 23:
        return _as(event, "set_reminder", time=f"{number:02d}:00")
    if asked == "code":  # the code, even misheard: "tell me the six digits" rather than a shrug
        return _as(event, "link_code", code="".join(c for c in said if c.isdigit()))
    if asked == "names":
        return _as(event, "set_names")  # not a name: the names question again
    if asked == "roles" or number is None or not 1 <= number <= len(content.steps):
        # Not who was hurt, nor a step: the situation's own "I didn't catch that".
        return _as(event, "fallback")
    # Said to each other ("from one to ten...") or meant as a step: nothing moves (table.py).
    return _as(event, "number_alone", number=str(number))


def _time_alone(event: Event, asked: str | None, content: Content) -> Event:
    """A time said on its own, read by the question asked (nothing asked: it stays a time alone)."""
    time = event.slots.get("time", "").strip()
    if asked in TIME_QUESTIONS:
        return _as(event, "set_reminder", time=time)  # then settled by the question (interpret)
    clock = clock_of(time)
    if asked == "step" and clock and clock[1] == 0 and 1 <= clock[0] <= len(content.steps):
        return _as(event, "go_to_step", stepNumber=str(clock[0]))  # "three" heard as 3 o'clock
    if asked == "code":
        return _as(event, "link_code", code="")  # no digits heard: "tell me the six digits"
    if asked == "names":
        return _as(event, "set_names")  # not a name: the names question again
    if asked == "roles" or clock is None:
        # Not who was hurt, nor a clock ("in the evening" alone): the counted "I didn't catch that",
        # as for a number that is no step.
        return _as(event, "fallback")
    # Said to each other ("seven thirty?"): no reminder, nothing moves (settings.time_alone).
    return event


def _settle(event: Event, time: str, asked_clock: str, again: bool = False) -> Event:
    """The answer to "in the morning, or in the evening?" for the time first heard.

    The same hour again ("at eight") does not say which: it is asked once more. Asked
    again, the same hour is taken as the morning, since "eight a.m." reaches the skill
    as that same hour.
    """
    first = clock_of(asked_clock)
    clock = clock_of(time)
    if first is None:
        return event
    hour, minute = first
    if clock is not None and clock == first and not again:
        return _as(event, "set_reminder", time=f"{hour:02d}:{minute:02d}", **{AGAIN: "yes"})
    if time in _MORNING or (clock is not None and clock == first):
        return _as(event, "set_reminder", time=f"{hour:02d}:{minute:02d}", **{CONFIRMED: "yes"})
    if time in _LATER or (clock is not None and clock == (hour + 12, minute)):
        return _as(event, "set_reminder", time=f"{hour + 12:02d}:{minute:02d}", **{CONFIRMED: "yes"})
    return event  # another time altogether: heard as a new request


def _in_part(event: Event, time: str, part: str) -> Event:
    """The answer to "what time in the evening?": an hour said alone is in that part of the day."""
    clock = clock_of(time)
    if clock is None or part not in PARTS_OF_DAY:
        return event  # another part of the day, or something else: heard as a new request
    hour, minute = clock
    if part != "MO" and 1 <= hour <= 11:
        hour += 12
    return _as(event, "set_reminder", time=f"{hour:02d}:{minute:02d}", **{CONFIRMED: "yes"})


def _as(event: Event, name: str, _topic_id: str | None = None, **slots: str) -> Event:
    ids = {"topic": _topic_id} if _topic_id else {}
    return replace(event, name=name, slots=slots, slot_ids=ids)

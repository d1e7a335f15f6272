"""Typed, immutable view of the content files (built and checked by ``loader``)."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = (
    "guided_reflection",
    "turn_taking",
    "check_in",
    "appreciation",
    "agreement",
    "ritual_planning",
    "solo_reflection",
)
AUDIENCES = ("together", "one")
# Roles a prompt variant (or a reflection for one partner) is written for (issue 16).
ROLES = ("caused", "hurt")
REFLECTION_FOR = ("hurt", "caused", "either")


@dataclass(frozen=True)
class Variant:
    """A prompt's wording for one role, used only when the couple told who was hurt.

    On a prompt both hear, the variants present replace the shared wording, the
    partner who caused the hurt's first; on a turn prompt, the speaker's role picks.
    ``{hurt}`` and ``{caused}`` are the partners' names.
    """

    role: str
    say: str
    card: str


@dataclass(frozen=True)
class Prompt:
    """One thing the skill says inside an exercise, then waits for "next"."""

    say: str  # speech markup (see render.markup)
    card: str  # plain text for cards and screens
    quick: bool = False  # part of the quick (about 3 minutes) version
    turns: bool = False  # a speaker/listener turn: both partners speak to it in turn
    # Turn prompts: about how long each speaker talks (whole minutes, 1 to 3) while
    # the skill stays quiet with the microphone closed.
    speak_minutes: int = 2
    variants: tuple[Variant, ...] = ()  # role-specific wordings; the shared one is the fallback
    # With roles known, may the partner who was hurt be asked to say back the other's turn?
    # Not where the apology is made: they are never asked to validate the apologizer there.
    hurt_says_back: bool = True

    def variant(self, role: str) -> Variant | None:
        return next((v for v in self.variants if v.role == role), None)


@dataclass(frozen=True)
class Exercise:
    id: str
    step_id: str
    title: str
    kind: str
    audience: str
    minutes: float
    quick_minutes: float
    intro: str
    prompts: tuple[Prompt, ...]
    closing: str
    pace: str = ""  # how Alexa paces its prompts (render.pace); empty: the kind's pace
    # A reflection for one partner: whom it is for ("hurt", "caused", "either"), and
    # the other partner's own reflection, offered alongside when roles are known.
    for_: str = ""
    counterpart: str = ""

    def prompt_indexes(self, quick: bool) -> tuple[int, ...]:
        """Which prompts to speak, in order, for the full or the quick version."""
        if not quick:
            return tuple(range(len(self.prompts)))
        picked = tuple(i for i, p in enumerate(self.prompts) if p.quick)
        return picked or (0,)


@dataclass(frozen=True)
class Step:
    id: str
    number: int
    title: str
    purpose: str
    intro: str
    topics: tuple[str, ...]
    reflection: Exercise | None
    exercises: tuple[Exercise, ...]

    @property
    def path(self) -> tuple[Exercise, ...]:
        """The step's exercises in the order a couple meets them: reflection first."""
        return ((self.reflection,) if self.reflection else ()) + self.exercises


@dataclass(frozen=True)
class CheckIn:
    id: str
    say: str
    card: str


@dataclass(frozen=True)
class SafetyNumber:
    """One number a person in danger or crisis can call, with how to say it."""

    role: str  # "emergency", "crisis" (suicide and crisis line) or "abuse" (domestic abuse)
    number: str  # as written locally, digit groups apart
    label: str  # a short spoken name, for repeating the number alone
    call: str  # speech markup: who it is for, when, and the number as [digits ...]
    source: str  # the official page
    checked: str  # the date it was last checked, YYYY-MM-DD
    who: str = "anyone"  # "anyone", "women" or "men"
    regions: tuple[str, ...] = ()  # the only regions it serves; () for the whole country
    except_regions: tuple[str, ...] = ()  # regions where it is not run
    hours: str = ""  # when it answers, in words
    always: bool = False  # open day and night, every day
    confirmed: str = ""  # "first-hand" (its own or a government page) or "second-hand"
    evidence: str = ""  # what was found where
    now: str = ""  # emergency only: the first sentence for danger now

    def serves(self, who: str, region: str | None) -> bool:
        """Whether a person (``who``: "woman", "man" or "anyone") in ``region`` may call it."""
        if self.who != "anyone" and {"women": "woman", "men": "man"}.get(self.who) != who:
            return False
        if self.regions and region not in self.regions:
            return False
        return region not in self.except_regions


SAFETY_ROLES = ("emergency", "crisis", "abuse")
# The replies that give numbers (conversation/safety.py); every country lists each one.
SAFETY_ROUTES = ("self_harm", "harm_done", "someone_else", "abuse", "danger")
SERVES_WHO = ("anyone", "women", "men")


@dataclass(frozen=True)
class CrisisLine:
    country: str
    name: str
    say: str
    card: str
    source: str  # the official page for the crisis line
    # (number's name, official page) for every number the line gives.
    sources: tuple[tuple[str, str], ...] = ()
    # Every number by its id ("emergency", "crisis", "abuse", "abuse_men", ...).
    numbers: dict[str, SafetyNumber] = field(default_factory=dict)
    # Per reply (route), the ids of the numbers it gives, in the order they are said.
    routes: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    steps: tuple[Step, ...]
    checkins: tuple[CheckIn, ...]
    phrases: dict[str, str]
    crisis_lines: dict[str, CrisisLine]
    # Derived indexes, filled by the loader.
    path: tuple[Exercise, ...] = field(default=())
    exercises_by_id: dict[str, Exercise] = field(default_factory=dict)
    steps_by_id: dict[str, Step] = field(default_factory=dict)

    def exercise(self, exercise_id: str) -> Exercise:
        return self.exercises_by_id[exercise_id]

    def step_of(self, exercise_id: str) -> Step:
        return self.steps_by_id[self.exercises_by_id[exercise_id].step_id]

    def path_index(self, exercise_id: str) -> int:
        for i, ex in enumerate(self.path):
            if ex.id == exercise_id:
                return i
        raise KeyError(exercise_id)

    def phrase(self, key: str) -> str:
        return self.phrases[key]

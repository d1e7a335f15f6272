"""The program's rules: what a complete program holds and how long its parts may run.

One home for each rule. The loader refuses content that breaks the hard limits
(prompts per exercise, a stated time shorter than the speech); ``program_warnings``
lists every rule a draft does not meet yet (``trust-renewal content`` prints them);
the tests in ``tests/content/`` check the shipped program against the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from trust_renewal.content.markup import params_used, spoken_seconds
from trust_renewal.content.model import Content, Exercise

# The fixed step ids, in order (other code and the interaction model rely on them).
STEP_IDS = (
    "acknowledge",
    "responsibility",
    "trust-and-intimacy",
    "boundaries",
    "talk-and-listen",
    "empathy",
    "how-it-happened",
    "forgiveness",
    "patience-and-self-care",
    "closeness",
    "present-and-future",
    "support",
)
CRISIS_COUNTRIES = ("US", "GB", "CA", "AU", "IN")
MIN_EXERCISES_PER_STEP = 4
MIN_KINDS_PER_STEP = 3
MIN_EXERCISES = 44
PROMPTS_PER_EXERCISE = (3, 7)
TOPICS_PER_STEP = (3, 8)
MIN_CHECKINS = 60
INTRO_MAX_SECONDS = 20.0
REFLECTION_SECONDS = (60.0, 120.0)
QUICK_MAX_MINUTES = 4.0
# Both partners speak to a turn prompt and each reflects back: at least this long.
TURN_SECONDS = 90.0
MAX_GRADE = 8.0
MIN_WORDS_FOR_GRADE = 12
NEAR_DUPLICATE = 0.9
# Placeholders program text may use; the renderer fills them. Turn prompts name both.
PROGRAM_PARAMS = frozenset({"speaker", "listener", "first", "second"})
TURN_PARAMS = frozenset({"speaker", "listener"})
# Role-specific wordings may also name the partner who was hurt and the one who caused it.
ROLE_PARAMS = PROGRAM_PARAMS | {"hurt", "caused"}


def exercise_seconds(exercise: Exercise, quick: bool, with_turns: bool = False) -> float:
    """What the skill speaks in one run of an exercise; turn prompts are said twice.

    With ``with_turns``, adds the least time the couple talks to turn prompts, and the
    quiet of every prompt someone speaks to (``speaks``).
    """
    seconds = spoken_seconds(exercise.intro) + spoken_seconds(exercise.closing)
    for i in exercise.prompt_indexes(quick):
        prompt = exercise.prompts[i]
        times = 2 if prompt.turns else 1
        seconds += times * spoken_seconds(prompt.say)
        if with_turns and prompt.turns:
            seconds += TURN_SECONDS
        elif with_turns and prompt.speaks:
            seconds += prompt.speak_minutes * 60
    return seconds


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


def normal(text: str) -> str:
    """Text as compared for repeats: lowercase words, markup and punctuation dropped."""
    text = re.sub(r"\[[^\]]*\]|\{[^}]*\}", " ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text).split())


def _step_warnings(content: Content) -> Iterator[str]:
    ids = tuple(step.id for step in content.steps)
    if ids != STEP_IDS:
        yield f"steps are {', '.join(ids) or 'missing'}; expected {', '.join(STEP_IDS)}"
    for step in content.steps:
        where = f"step {step.number} {step.id}"
        if _sentences(step.purpose) != 1:
            yield f"{where}: the purpose should be one sentence"
        if spoken_seconds(step.intro) >= INTRO_MAX_SECONDS:
            yield f"{where}: the intro takes {spoken_seconds(step.intro):.0f} s (under 20 s)"
        if step.reflection is None:
            yield f"{where}: has no guided reflection"
        else:
            seconds = exercise_seconds(step.reflection, quick=False)
            low, high = REFLECTION_SECONDS
            if not low <= seconds <= high:
                yield f"{where}: the reflection takes {seconds:.0f} s ({low:g} to {high:g} s)"
        if len(step.exercises) < MIN_EXERCISES_PER_STEP:
            yield f"{where}: {len(step.exercises)} exercises (at least {MIN_EXERCISES_PER_STEP})"
        kinds = {ex.kind for ex in step.exercises}
        if len(kinds) < MIN_KINDS_PER_STEP:
            yield f"{where}: exercises of {len(kinds)} kinds (at least {MIN_KINDS_PER_STEP})"
        low, high = TOPICS_PER_STEP
        if not low <= len(step.topics) <= high:
            yield f"{where}: {len(step.topics)} topics ({low} to {high})"


def _exercise_warnings(exercise: Exercise, is_reflection: bool) -> Iterator[str]:
    where = f"exercise {exercise.id}"
    low, high = PROMPTS_PER_EXERCISE
    if not is_reflection and not low <= len(exercise.prompts) <= high:
        yield f"{where}: {len(exercise.prompts)} prompts ({low} to {high})"
    if spoken_seconds(exercise.intro) > INTRO_MAX_SECONDS:
        yield f"{where}: the intro takes {spoken_seconds(exercise.intro):.0f} s (at most 20 s)"
    if not any(p.quick for p in exercise.prompts):
        yield f"{where}: no prompt is marked quick"
    if exercise.quick_minutes > QUICK_MAX_MINUTES:
        yield f"{where}: the quick version takes {exercise.quick_minutes:g} minutes (at most 4)"
    for quick, stated in ((False, exercise.minutes), (True, exercise.quick_minutes)):
        needed = exercise_seconds(exercise, quick, with_turns=True)
        if needed > stated * 60:
            version = "quick" if quick else "full"
            yield (
                f"{where}: the {version} version needs about {needed / 60:.1f} minutes"
                f" with the couple's turns, more than its stated {stated:g}"
            )
    turn_names = TURN_PARAMS
    for i, prompt in enumerate(exercise.prompts, start=1):
        used = params_used(prompt.say)
        if prompt.turns and not turn_names <= used:
            yield f"{where} prompt {i}: a turn prompt must name {{speaker}} and {{listener}}"
        if not prompt.turns and used & turn_names:
            yield f"{where} prompt {i}: only turn prompts may use {{speaker}} or {{listener}}"
        if prompt.turns and exercise.audience != "together":
            yield f"{where} prompt {i}: a turn prompt in an exercise for one partner"
        if not prompt.card.strip():
            yield f"{where} prompt {i}: no card text"
    for part, text in (("intro", exercise.intro), ("closing", exercise.closing)):
        if params_used(text) & turn_names:
            yield f"{where}: the {part} may not use {{speaker}} or {{listener}}"


def _repeat_warnings(content: Content) -> Iterator[str]:
    texts: list[tuple[str, str]] = []
    for step in content.steps:
        for exercise in step.path:
            texts += [(f"{exercise.id} prompt {i}", p.say) for i, p in enumerate(exercise.prompts, 1)]
    texts += [(c.id, c.say) for c in content.checkins]
    seen: dict[str, str] = {}
    normalized = [(where, normal(text)) for where, text in texts]
    for where, text in normalized:
        if text in seen:
            yield f"{where} repeats {seen[text]}"
        seen.setdefault(text, where)
    for i, (where_a, a) in enumerate(normalized):
        for where_b, b in normalized[i + 1 :]:
            if a == b:
                continue
            m = SequenceMatcher(None, a, b, autojunk=False)
            if all(r() >= NEAR_DUPLICATE for r in (m.real_quick_ratio, m.quick_ratio, m.ratio)):
                yield f"{where_b} nearly repeats {where_a}"


# -- roles (issue 16): the partner who was hurt and the partner who caused the hurt ----------
# The exercises where the apology is made: there, with roles known, every prompt
# gives each partner their own task, and the partner who was hurt is never asked
# to mirror, validate or praise the one who apologizes.
APOLOGY_EXERCISES = ("responsibility.the-apology",)
# Words that would ask the hurt partner to take care of the apologizer's side.
NOT_FOR_THE_HURT = ("mirror", "validate", "praise", "thank", "reflect", "say back", "repeat back",
                    "how they feel", "how {caused} feels", "how {listener} feels", "reassure",
                    "forgive")  # fmt: skip
# How a reflection for one partner names whom it is for, by its ``for``.
AUDIENCE_WORDS = {
    "hurt": ("partner who was hurt",),
    "caused": ("partner who will apologize", "partner who caused"),
    "either": ("either partner",),
}
ROLE_NAMES = frozenset({"hurt", "caused"})


def _role_warnings(content: Content) -> Iterator[str]:
    for exercise in content.path:
        where = f"exercise {exercise.id}"
        if exercise.audience == "one":
            words = AUDIENCE_WORDS.get(exercise.for_, ())
            if not any(w in exercise.intro.lower() for w in words):
                whom = exercise.for_ or "no for"
                yield f"{where}: a reflection for one partner must say whom it is for ({whom})"
            if exercise.for_ in ROLE_NAMES:
                other = content.exercises_by_id.get(exercise.counterpart)
                if other is None or other.for_ != ({"hurt", "caused"} - {exercise.for_}).pop():
                    yield f"{where}: a reflection for one role needs a counterpart for the other partner"
        for i, prompt in enumerate(exercise.prompts, start=1):
            pw = f"{where} prompt {i}"
            if prompt.variants and not prompt.say.strip():
                yield f"{pw}: role wordings need the shared wording as their fallback"
            if params_used(prompt.say) & ROLE_NAMES:
                yield f"{pw}: the shared wording may not name roles (it is what couples without roles hear)"
            for variant in prompt.variants:
                used = params_used(variant.say)
                if prompt.turns and not used >= TURN_PARAMS:
                    yield f"{pw} ({variant.role}): a turn wording must name {{speaker}} and {{listener}}"
                if not prompt.turns and used & TURN_PARAMS:
                    yield f"{pw} ({variant.role}): only turn wordings may use {{speaker}} or {{listener}}"
                if not prompt.turns and variant.role not in used:
                    yield f"{pw} ({variant.role}): say whose part this is by naming {{{variant.role}}}"
                if variant.role == "hurt":
                    lowered = variant.say.lower()
                    for word in NOT_FOR_THE_HURT:
                        if word in lowered:
                            yield f"{pw}: the partner who was hurt is asked to {word!r}"
        if exercise.id in APOLOGY_EXERCISES:
            for i, prompt in enumerate(exercise.prompts, start=1):
                if not prompt.variants:
                    yield f"{where} prompt {i}: in the apology, each partner needs their own wording"
                if prompt.turns and (prompt.hurt_says_back or prompt.variant("hurt") is None):
                    yield (
                        f"{where} prompt {i}: in the apology, the partner who was hurt"
                        " is not asked to say back the apologizer's turn"
                    )


# -- care (issue 25): who each prompt asks what, and what is never asked of the hurt partner ---
# Before how it happened and forgiveness (steps 1 to 6), the partner who was hurt is never
# asked to do these; each such prompt needs their own wording or goes to the other partner.
CARE_STEPS = 6
CARE_LIMITS: dict[str, tuple[str, ...]] = {
    "paraphrase": ("tell what you heard", "say what you heard", "say back", "repeat back"),
    "commit": ("want to work on this", "we want to", "i promise", "commit to", "i will try", "we will try"),
    "imagine": ("imagine", "their shoes", "their side", "from where they stand", "hardest part has been for",
                "what might they", "what might your partner", "they are carrying", "partner is carrying"),
    "praise": ("effort", "shown", "seen your partner try", "quality", "still value", "praise", "admire"),
    "blame": ("of your own that", "your part in", "your share", "habit of your own", "to blame",
              "your fault"),
}  # fmt: skip
# A caused partner's turn that gives the account of what was done: never said back by the hurt partner.
ACCOUNT_WORDS = ("what you did", "broke the trust", "how it happened", "what led you")
_LISTEN_ONLY = re.compile(r"\b(only listen|just listen|only listens|you only need to listen)\b")
_SPEAK_WORDS = re.compile(
    r"\b(say|tell|name|ask|answer|share|describe|talk|finish|agree|pick|choose|decide)\b"
)


@dataclass(frozen=True)
class CareRow:
    """One wording of one prompt: whom it asks (both, hurt, caused, either), what, and by which rule."""

    where: str
    step: int
    who: str
    what: str  # "speak", "listen" or "think"
    rule: str
    text: str


def _what(text: str, speaking: bool) -> str:
    lowered = normal(text)
    if speaking:
        return "speak"
    if _LISTEN_ONLY.search(lowered) and not re.search(r"\byou can say\b", lowered):
        return "listen"
    return "speak" if _SPEAK_WORDS.search(lowered) and "[pause" not in text else "think"


def care_rows(content: Content) -> list[CareRow]:
    """Every prompt wording in the program, by whom it asks what (the content report's care table)."""
    rows: list[CareRow] = []
    for step in content.steps:
        for ex in step.path:
            for i, p in enumerate(ex.prompts, start=1):
                where = f"{ex.id}:prompt-{i}"

                def row(who: str, what: str, rule: str, text: str, suffix: str = "") -> None:
                    rows.append(CareRow(where + suffix, step.number, who, what, rule, text))  # noqa: B023

                if ex.audience == "one":
                    whom = {"hurt": "the partner who was hurt", "caused": "the partner who caused it"}
                    alone = f"alone, for {whom.get(ex.for_, 'either partner')}"
                    row(ex.for_ or "either", "think", alone, p.say)
                    continue
                hurt, caused = p.variant("hurt"), p.variant("caused")
                if p.turns:
                    for role, v in (("caused", caused), ("hurt", hurt)):
                        rule = "own wording for this role" if v else "each speaks for themselves, in turn"
                        row(role, "speak", rule, v.say if v else p.say, f":{role}")
                    account = any(w in normal(caused.say if caused else p.say) for w in ACCOUNT_WORDS)
                    if p.hurt_says_back:
                        rule = "says back what the other said"
                        if account:
                            rule += " (an account of what was done)"
                        row("hurt", "speak", rule, "say back" if account else "", ":say-back")
                    else:
                        row("caused", "speak", "only the partner who caused it says back", "", ":say-back")
                    continue
                speaking = bool(p.speaks)
                if p.variants:
                    for v in p.variants:
                        # With "speaks" naming the other role, this role only listens.
                        mine = p.speaks in ("both", "each", "one", v.role)
                        what = _what(v.say, mine) if mine or not p.speaks else "listen"
                        row(v.role, what, "own wording for this role", v.say, f":{v.role}")
                    if hurt is None:
                        rows[-1:] = []  # re-add with the rule that keeps the hurt partner out
                        row("caused", _what(caused.say, speaking) if caused else "speak",
                            "offered to the partner who caused it only", caused.say if caused else "",
                            ":caused")  # fmt: skip
                    continue
                if ex.kind == "guided_reflection" and not speaking:
                    row("both", _what(p.say, False), "heard by both; nothing asked aloud", p.say)
                    continue
                who = {"hurt": "hurt", "caused": "caused", "one": "either"}.get(p.speaks, "both")
                what = _what(p.say, speaking)
                rule = "each speaks for themselves" if who == "both" else f"spoken by {who} only"
                if what != "speak":
                    rule = "heard by both; nothing asked aloud"
                if step.number > CARE_STEPS:
                    rule += "; a later step"
                row(who, what, rule, p.say)
    return rows


def _care_warnings(content: Content) -> Iterator[str]:
    for r in care_rows(content):
        if r.step > CARE_STEPS or r.who not in ("hurt", "both", "either"):
            continue
        lowered = normal(r.text)
        for limit, words in CARE_LIMITS.items():
            hit = next((w for w in words if normal(w) in lowered), None)
            if hit:
                yield f"care: {r.where} asks the partner who was hurt to {limit} ({hit!r}) in step {r.step}"


def role_prompts(content: Content) -> dict[int, int]:
    """Role-aware prompts per step number (the content report's column)."""
    return {
        step.number: sum(1 for ex in step.path for p in ex.prompts if p.variants) for step in content.steps
    }


def program_warnings(content: Content) -> list[str]:
    """Every completeness rule of the program that the content does not meet yet."""
    warnings = list(_step_warnings(content))
    for step in content.steps:
        for exercise in step.path:
            warnings += _exercise_warnings(exercise, exercise is step.reflection)
    total = sum(len(step.exercises) for step in content.steps)
    if total < MIN_EXERCISES:
        warnings.append(f"{total} exercises in all (at least {MIN_EXERCISES})")
    if len(content.checkins) < MIN_CHECKINS:
        warnings.append(f"{len(content.checkins)} check-in questions (at least {MIN_CHECKINS})")
    for country in CRISIS_COUNTRIES:
        line = content.crisis_lines.get(country)
        if line is None:
            warnings.append(f"no crisis line for {country}")
        elif not line.source.startswith("https://"):
            warnings.append(f"crisis line {country}: source is not an https page")
    warnings += _repeat_warnings(content)
    warnings += _role_warnings(content)
    warnings += _care_warnings(content)
    warnings += [f"{where}: {OPEN_MICROPHONE}" for where in open_microphone_prompts(content)]
    return warnings


# -- closed microphone (issue 20): whoever speaks to anyone but Alexa has a timed quiet -------
# Words that ask someone to speak aloud to a partner (or to themselves, aloud).
_ASKS_ALOUD = re.compile(
    r"\b(?:say|says|tell|name|share|ask|answer|describe|thank|repeat|talk|agree|decide|choose|pick"
    r"|plan|finish (?:this|the) sentence|start with|begin with|out loud|aloud)\b"
)
# In a reflection the couple thinks; only words plainly for speaking aloud count there.
_ASKS_ALOUD_IN_REFLECTION = re.compile(
    r"\b(?:out loud|aloud|finish (?:this|the) sentence"
    r"|(?:say|tell|thank)\w* (?:it |this )?to (?:your partner|each other))\b"
)
# What does not ask for speech: words to Alexa, words kept in the head, a "don't need to".
_NOT_ALOUD = re.compile(
    r"\bsay:? (?:next|more time|repeat|pause|help|alexa|i don't feel safe)\b"
    r"|\b(?:say|tell) (?:it )?(?:to )?yourself\b|\bin your head\b|\bfeel like to say\b"
    r"|\b(?:don't|doesn't) (?:need|have) to (?:answer|reply|say|repeat)\w*\b"
    r"|\bnot have to (?:accept|answer)\b"
    r"|\bwould need to hear\b|\bwhen, or if, to tell\b|\bask yourself\b|\b(?:name|say)\b[^.]*\bsilently\b"
    r"|\bdon't have to say it\b|\bhard\w*\b[^.?]*\bto say out loud\b"
    # Said of a later moment, or of thoughts: "nobody answers out loud", "choose ... silently",
    # "get ready to answer", "doesn't need to repeat", "a calm answer", "hard to say, and hard to hear".
    r"|\bnobody (?:answers|says)\b[^.]*\bout loud\b|\bchoose\b[^.]*\bsilently\b|\bget ready to answer\b"
    r"|\b(?:a|an|the) (?:\w+,? ){0,2}answer\b|\bhard to say\b"
    r"|\bcan ask more questions another day\b|\bpick the ones you\b"
)
REFLECTION_KINDS = ("guided_reflection", "solo_reflection")
OPEN_MICROPHONE = (
    "asks someone to speak aloud with the microphone open; give it 'speaks' (and 'speak_minutes'),"
    " or make it a turn, or ask for a thought instead"
)


def asks_aloud(text: str, kind: str = "") -> bool:
    """Does this prompt ask someone to speak aloud (a speaking word, or a question to answer)?

    In a reflection, or before a pause, a question is for thinking; elsewhere it is answered aloud.
    """
    lowered = _NOT_ALOUD.sub(" ", re.sub(r"\[[^\]]*\]", " ", text.lower()))
    if kind in REFLECTION_KINDS:
        return bool(_ASKS_ALOUD_IN_REFLECTION.search(lowered))
    # A question followed by a pause is for thinking; one without is answered aloud.
    return bool(_ASKS_ALOUD.search(lowered)) or ("?" in lowered and "[pause " not in text)


def open_microphone_prompts(content: Content) -> list[str]:
    """Every prompt (and check-in) that asks for speech but leaves the microphone open."""
    found = []
    for exercise in content.path:
        found += open_microphone_in(exercise)
    found += [c.id for c in content.checkins if not c.speaks and asks_aloud(c.say)]
    return found


def open_microphone_in(exercise: Exercise) -> list[str]:
    """The prompts of one exercise that ask for speech without ``turns`` or ``speaks``."""
    return [
        f"exercise {exercise.id} prompt {i}"
        for i, prompt in enumerate(exercise.prompts, start=1)
        if not prompt.closes_microphone
        and any(asks_aloud(text, exercise.kind) for text in (prompt.say, *(v.say for v in prompt.variants)))
    ]

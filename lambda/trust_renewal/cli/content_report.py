"""``trust-renewal content``: counts, spoken time, readability and warnings for the program.

The completeness rules of the program (issue 3) live here as ``program_warnings``
so writers can run them on a draft (``--from FOLDER``) while they write; the
tests in ``tests/content/`` state the same rules one by one.
Heavy imports (textstat, the loader) happen inside the functions.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trust_renewal.content.model import Content, Exercise

# The fixed step ids, in order (other code and the interaction model rely on them).
STEP_IDS = (
    "acknowledge",
    "responsibility",
    "trust-and-intimacy",
    "boundaries",
    "talk-and-listen",
    "empathy",
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
# Names the renderer may put in a turn prompt: real names, or none given.
SAMPLE_PARAMS = (
    {"speaker": "Maya", "listener": "Jordan", "first": "Maya", "second": "Jordan"},
    {
        "speaker": "partner one",
        "listener": "partner two",
        "first": "partner one",
        "second": "partner two",
    },
)
EXCEPTIONS_FILE = "readability_exceptions.json"


@dataclass(frozen=True)
class Piece:
    """One piece of speech markup and where it lives (``<exercise id>:prompt-2``)."""

    where: str
    markup: str
    program: bool  # program text and check-ins (readability applies); not phrases


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--locale", default="en-US", help="locale to report on (default en-US)")
    parser.add_argument(
        "--from",
        dest="folder",
        metavar="FOLDER",
        help="check a content folder laid out like data/en/ instead of the installed content",
    )


def run(args: argparse.Namespace) -> int:
    from trust_renewal.content.loader import ContentError, load_content, load_content_from

    try:
        if args.folder:
            content = load_content_from(args.folder)
            exceptions = read_exceptions(Path(args.folder))
        else:
            content = load_content(args.locale)
            exceptions = read_exceptions(_installed_folder(args.locale))
    except ContentError as exc:
        print("The content does not load:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    report = build_report(content, exceptions)
    report["locale"] = args.folder or args.locale
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def _installed_folder(locale: str) -> Any:
    language = (locale or "en").split("-")[0].lower() or "en"
    root = resources.files("trust_renewal.content").joinpath("data")
    folder = root.joinpath(language)
    return folder if folder.joinpath("steps").is_dir() else root.joinpath("en")


def read_exceptions(folder: Any) -> dict[str, str]:
    """Readability exceptions for a content folder: ``{location: why}``."""
    node = folder.joinpath(EXCEPTIONS_FILE)
    if not node.is_file():
        return {}
    data = json.loads(node.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items() if not str(k).startswith("_")}


# --- what the skill says ---------------------------------------------------


def exercise_pieces(exercise: Exercise) -> Iterator[Piece]:
    yield Piece(f"{exercise.id}:intro", exercise.intro, True)
    for i, prompt in enumerate(exercise.prompts, start=1):
        yield Piece(f"{exercise.id}:prompt-{i}", prompt.say, True)
    yield Piece(f"{exercise.id}:closing", exercise.closing, True)


def spoken_pieces(content: Content) -> Iterator[Piece]:
    """Every piece of speech markup in the content."""
    for step in content.steps:
        yield Piece(f"{step.id}:intro", step.intro, True)
        for exercise in step.path:
            yield from exercise_pieces(exercise)
    for checkin in content.checkins:
        yield Piece(checkin.id, checkin.say, True)
    for country, line in sorted(content.crisis_lines.items()):
        yield Piece(f"crisis:{country}", line.say, False)
    for key, text in sorted(content.phrases.items()):
        yield Piece(f"phrase:{key}", text, False)


class _AnyParams(dict):
    """Parameters for rendering phrases whose placeholders this report does not know."""

    def __missing__(self, key: str) -> str:
        return "example"


def ssml_problems(content: Content) -> list[str]:
    """Alexa's SSML rules broken by any piece, rendered with names and without."""
    from trust_renewal.render.markup import MarkupError, to_ssml
    from trust_renewal.render.ssml import problems

    found = []
    for piece in spoken_pieces(content):
        for params in SAMPLE_PARAMS:
            try:
                ssml = f"<speak>{to_ssml(piece.markup, _AnyParams(params))}</speak>"
            except MarkupError as exc:
                found.append(f"{piece.where}: {exc}")
                break
            issues = problems(ssml)
            if issues:
                found.append(f"{piece.where}: {'; '.join(issues)}")
                break
    return found


# --- readability -------------------------------------------------------------


@lru_cache(maxsize=1)
def _measure() -> Any:
    from textstat.textstat import textstatistics

    measure = textstatistics()
    # "en-US" (not "en_US") keeps textstat on its pyphen syllable counts: for
    # "en_US" it wants NLTK's cmudict and tries to download it at first use,
    # which fails offline and would make grades differ from machine to machine.
    measure.set_lang("en-US")
    return measure


def grade_of(markup: str) -> tuple[float, int]:
    """Flesch-Kincaid grade and word count of a piece's plain spoken text."""
    from trust_renewal.render.markup import to_plain

    text = to_plain(markup, _AnyParams(SAMPLE_PARAMS[0]))
    return float(_measure().flesch_kincaid_grade(text)), len(text.split())


def readability(content: Content, exceptions: Mapping[str, str]) -> dict[str, Any]:
    """Grades of program text long enough to measure; breaches and stale exceptions."""
    grades: dict[str, float] = {}
    for piece in spoken_pieces(content):
        if not piece.program:
            continue
        grade, words = grade_of(piece.markup)
        if words >= MIN_WORDS_FOR_GRADE:
            grades[piece.where] = grade
    above = {where: g for where, g in grades.items() if g > MAX_GRADE}
    return {
        "max_grade": MAX_GRADE,
        "measured": len(grades),
        "median_grade": round(statistics.median(grades.values()), 1) if grades else None,
        "highest": sorted(((round(g, 1), w) for w, g in grades.items()), reverse=True)[:5],
        "above_max": {w: round(g, 1) for w, g in sorted(above.items())},
        "unlisted": sorted(set(above) - set(exceptions)),
        "stale_exceptions": sorted(set(exceptions) - set(above)),
    }


# --- completeness rules ------------------------------------------------------


def exercise_seconds(exercise: Exercise, quick: bool, with_turns: bool = False) -> float:
    """What the skill speaks in one run of an exercise; turn prompts are said twice.

    With ``with_turns``, adds the least time the couple talks to turn prompts.
    """
    from trust_renewal.render.markup import spoken_seconds

    seconds = spoken_seconds(exercise.intro) + spoken_seconds(exercise.closing)
    for i in exercise.prompt_indexes(quick):
        prompt = exercise.prompts[i]
        times = 2 if prompt.turns else 1
        seconds += times * spoken_seconds(prompt.say)
        if with_turns and prompt.turns:
            seconds += TURN_SECONDS
    return seconds


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


def _normal(text: str) -> str:
    text = re.sub(r"\[[^\]]*\]|\{[^}]*\}", " ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text).split())


def _step_warnings(content: Content) -> Iterator[str]:
    from trust_renewal.render.markup import spoken_seconds

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
    from trust_renewal.render.markup import params_used, spoken_seconds

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
    turn_names = {"speaker", "listener"}
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
    normal = [(where, _normal(text)) for where, text in texts]
    for where, text in normal:
        if text in seen:
            yield f"{where} repeats {seen[text]}"
        seen.setdefault(text, where)
    for i, (where_a, a) in enumerate(normal):
        for where_b, b in normal[i + 1 :]:
            if a == b:
                continue
            m = SequenceMatcher(None, a, b, autojunk=False)
            if all(r() >= NEAR_DUPLICATE for r in (m.real_quick_ratio, m.quick_ratio, m.ratio)):
                yield f"{where_b} nearly repeats {where_a}"


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
    return warnings


# --- the report --------------------------------------------------------------


def build_report(content: Content, exceptions: Mapping[str, str]) -> dict[str, Any]:
    from trust_renewal.render.markup import spoken_seconds

    steps = []
    for step in content.steps:
        spoken = spoken_seconds(step.intro) + sum(exercise_seconds(ex, quick=False) for ex in step.path)
        steps.append(
            {
                "number": step.number,
                "id": step.id,
                "title": step.title,
                "exercises": len(step.exercises),
                "kinds": dict(sorted(Counter(ex.kind for ex in step.exercises).items())),
                "reflection_seconds": round(exercise_seconds(step.reflection, quick=False))
                if step.reflection
                else None,
                "spoken_minutes": round(spoken / 60, 1),
                "couple_minutes": round(sum(ex.minutes for ex in step.path), 1),
            }
        )
    all_exercises = [ex for step in content.steps for ex in step.path]
    intros = sum(spoken_seconds(step.intro) for step in content.steps)
    spoken_full = intros + sum(exercise_seconds(ex, quick=False) for ex in all_exercises)
    spoken_quick = intros + sum(exercise_seconds(ex, quick=True) for ex in all_exercises)
    read = readability(content, exceptions)
    warnings = program_warnings(content) + [f"SSML: {p}" for p in ssml_problems(content)]
    warnings += [
        f"readability: {where} is grade {read['above_max'][where]} (above {MAX_GRADE:g})"
        f" and not listed in {EXCEPTIONS_FILE}"
        for where in read["unlisted"]
    ]
    warnings += [
        f"readability: {where} is listed in {EXCEPTIONS_FILE} but no longer needs to be"
        for where in read["stale_exceptions"]
    ]
    return {
        "steps": steps,
        "exercises": sum(len(step.exercises) for step in content.steps),
        "reflections": sum(1 for step in content.steps if step.reflection),
        "kinds": dict(sorted(Counter(ex.kind for ex in all_exercises).items())),
        "prompts": sum(len(ex.prompts) for ex in all_exercises),
        "checkins": len(content.checkins),
        "crisis_lines": sorted(content.crisis_lines),
        "spoken_minutes": round(spoken_full / 60, 1),
        "spoken_minutes_quick": round(spoken_quick / 60, 1),
        "couple_minutes": round(sum(ex.minutes for ex in all_exercises)),
        "couple_minutes_quick": round(sum(ex.quick_minutes for ex in all_exercises)),
        "readability": read,
        "warnings": warnings,
    }


def format_report(report: Mapping[str, Any]) -> str:
    lines = [f"Trust Renewal content ({report.get('locale', '')})", ""]
    lines.append(f"{'step':>4}  {'title':<38} {'ex':>3}  {'spoken':>6}  {'couple':>6}  kinds")
    for step in report["steps"]:
        kinds = ", ".join(f"{k} {n}" for k, n in step["kinds"].items())
        lines.append(
            f"{step['number']:>4}  {step['title'][:38]:<38} {step['exercises']:>3}"
            f"  {step['spoken_minutes']:>6}  {step['couple_minutes']:>6}  {kinds}"
        )
    kinds = ", ".join(f"{k} {n}" for k, n in report["kinds"].items())
    read = report["readability"]
    lines += [
        "",
        f"Exercises: {report['exercises']} plus {report['reflections']} guided reflections,"
        f" {report['prompts']} prompts",
        f"By kind (reflections included): {kinds}",
        f"Check-in questions: {report['checkins']}",
        f"Crisis lines: {', '.join(report['crisis_lines']) or 'none'}",
        f"Spoken by the skill: {report['spoken_minutes']} minutes for the full program,"
        f" {report['spoken_minutes_quick']} for the quick versions",
        f"Estimated couple time: {report['couple_minutes']} minutes full,"
        f" {report['couple_minutes_quick']} quick",
        f"Readability: {read['measured']} pieces measured, median grade {read['median_grade']},"
        f" {len(read['above_max'])} above grade {read['max_grade']:g}"
        f" ({len(read['above_max']) - len(read['unlisted'])} listed as exceptions)",
        "",
    ]
    warnings = report["warnings"]
    lines.append(f"Warnings: {len(warnings)}" if warnings else "Warnings: none")
    lines += [f"  - {w}" for w in warnings]
    return "\n".join(lines)

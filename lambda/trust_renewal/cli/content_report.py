"""``trust-renewal content``: counts, spoken time, readability and warnings for the program.

The program's rules live in ``content/rules.py``; this report runs them on the
shipped content or on a draft (``--from FOLDER``) while writers write.
Heavy imports (textstat, the loader) happen inside the functions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trust_renewal.content.markup import spoken_seconds
from trust_renewal.content.rules import (
    MAX_GRADE,
    MIN_WORDS_FOR_GRADE,
    care_rows,
    exercise_seconds,
    open_microphone_prompts,
    program_warnings,
    role_prompts,
)

if TYPE_CHECKING:
    from trust_renewal.content.model import Content, Exercise

# Names the renderer may put in a turn prompt: real names, or none given.
SAMPLE_PARAMS = (
    {"speaker": "Maya", "listener": "Jordan", "first": "Maya", "second": "Jordan", "hurt": "Maya",
     "caused": "Jordan"},
    {
        "speaker": "partner one",
        "listener": "partner two",
        "first": "partner one",
        "second": "partner two",
        "hurt": "partner one",
        "caused": "partner two",
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
        for variant in prompt.variants:  # a role's own wording (issue 16)
            yield Piece(f"{exercise.id}:prompt-{i}:{variant.role}", variant.say, True)
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


# --- the report --------------------------------------------------------------


def reflection_pacing(content: Content, locale: str = "en-US") -> dict[str, Any]:
    """The spoken rate of every reflection (a prompt that holds a pause), as Alexa paces it.

    The same estimate as ``spoken_seconds`` (150 words a minute, a chime 1.5 s),
    with the words slowed by the prompt's pace (``render.pace``): the rate of
    speech, and the rate over the whole reflection, its silences included.
    """
    from trust_renewal.conversation.reply import ref
    from trust_renewal.render.markup import Param, Pause, Text, parse
    from trust_renewal.render.pace import pace_of

    rows = []
    for exercise in content.exercises_by_id.values():
        for index, prompt in enumerate(exercise.prompts):
            tokens = parse(prompt.say)
            if not any(isinstance(t, Pause) for t in tokens):
                continue
            pace = pace_of(ref(f"prompt:{exercise.id}:{index}"), content, locale)
            rate = pace.rate if pace else 1.0
            spoken = [t for t in tokens if isinstance(t, Text | Param)]
            words = sum(len(t.value.split()) if isinstance(t, Text) else 1 for t in spoken)
            silence = sum(t.seconds if isinstance(t, Pause) else 0.0 for t in tokens)
            silence += 1.5 * sum(1 for t in tokens if not isinstance(t, Text | Param | Pause))
            speech = words * 60.0 / (150.0 * rate)
            rows.append(
                {
                    "where": f"{exercise.id}:prompt-{index + 1}",
                    "pace": pace.name if pace else "plain",
                    "words": words,
                    "speech_seconds": round(speech, 1),
                    "silence_seconds": round(silence, 1),
                    "speech_wpm": round(words * 60 / speech) if speech else 0,
                    "overall_wpm": round(words * 60 / (speech + silence)),
                }
            )
    overall = [r["overall_wpm"] for r in rows]
    return {
        "reflections": len(rows),
        "paced": sum(1 for r in rows if r["pace"] != "plain"),
        "speech_wpm": sorted({r["speech_wpm"] for r in rows}),
        "overall_wpm": {
            "min": min(overall, default=0),
            "median": round(statistics.median(overall)) if overall else 0,
            "max": max(overall, default=0),
        },
        "rows": rows,
    }


def care_table(content: Content) -> dict[str, Any]:
    """Every prompt wording by whom it asks (both, hurt, caused, either), what, and the rule allowing it."""
    rows = care_rows(content)
    summary = Counter(f"{r.who} {r.what}" for r in rows)
    return {
        "summary": dict(sorted(summary.items())),
        "rules": dict(sorted(Counter(r.rule for r in rows).items())),
        "rows": [
            {"where": r.where, "step": r.step, "who": r.who, "what": r.what, "rule": r.rule} for r in rows
        ],
    }


def build_report(content: Content, exceptions: Mapping[str, str]) -> dict[str, Any]:
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
                # Prompts with a wording of their own for the partner who was hurt or who caused it.
                "role_prompts": role_prompts(content)[step.number],
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
        # Issue 20: who speaks to each other does so with the microphone closed.
        "speaking_prompts": speaking_prompts(content),
        "crisis_lines": sorted(content.crisis_lines),
        "spoken_minutes": round(spoken_full / 60, 1),
        "spoken_minutes_quick": round(spoken_quick / 60, 1),
        "couple_minutes": round(sum(ex.minutes for ex in all_exercises)),
        "couple_minutes_quick": round(sum(ex.quick_minutes for ex in all_exercises)),
        "readability": read,
        "pacing": reflection_pacing(content),
        "care": care_table(content),
        "warnings": warnings,
    }


def _speaking_line(speaking: Mapping[str, Any] | None) -> str:
    if not speaking:
        return "Speaking prompts: not counted"
    by_who = ", ".join(f"{who} {n}" for who, n in speaking["speaks"].items())
    return (
        f"Speaking prompts with a closed microphone: {speaking['turns']} turns, {by_who},"
        f" {speaking['checkins']} check-ins; left with the microphone open: {speaking['open_microphone']}"
        " (target 0)"
    )


def speaking_prompts(content: Content) -> dict[str, Any]:
    """Prompts (and check-ins) that ask for speech: with their own quiet, and left open (target 0)."""
    prompts = [p for ex in content.path for p in ex.prompts]
    open_mic = open_microphone_prompts(content)
    return {
        "turns": sum(1 for p in prompts if p.turns),
        "speaks": dict(sorted(Counter(p.speaks for p in prompts if p.speaks).items())),
        "checkins": sum(1 for c in content.checkins if c.speaks),
        "open_microphone": len(open_mic),
        "open_microphone_prompts": open_mic,
    }


def format_report(report: Mapping[str, Any]) -> str:
    lines = [f"Trust Renewal content ({report.get('locale', '')})", ""]
    lines.append(
        f"{'step':>4}  {'title':<38} {'ex':>3}  {'spoken':>6}  {'couple':>6}  {'roles':>5}  kinds"
    )
    for step in report["steps"]:
        kinds = ", ".join(f"{k} {n}" for k, n in step["kinds"].items())
        lines.append(
            f"{step['number']:>4}  {step['title'][:38]:<38} {step['exercises']:>3}"
            f"  {step['spoken_minutes']:>6}  {step['couple_minutes']:>6}"
            f"  {step.get('role_prompts', 0):>5}  {kinds}"
        )
    kinds = ", ".join(f"{k} {n}" for k, n in report["kinds"].items())
    read = report["readability"]
    lines += [
        "",
        f"Exercises: {report['exercises']} plus {report['reflections']} guided reflections,"
        f" {report['prompts']} prompts",
        f"By kind (reflections included): {kinds}",
        f"Check-in questions: {report['checkins']}",
        _speaking_line(report.get("speaking_prompts")),
        f"Crisis lines: {', '.join(report['crisis_lines']) or 'none'}",
        f"Spoken by the skill: {report['spoken_minutes']} minutes for the full program,"
        f" {report['spoken_minutes_quick']} for the quick versions",
        f"Estimated couple time: {report['couple_minutes']} minutes full,"
        f" {report['couple_minutes_quick']} quick",
        f"Readability: {read['measured']} pieces measured, median grade {read['median_grade']},"
        f" {len(read['above_max'])} above grade {read['max_grade']:g}"
        f" ({len(read['above_max']) - len(read['unlisted'])} listed as exceptions)",
    ]
    pacing = report.get("pacing")
    if pacing:
        rates = ", ".join(str(r) for r in pacing["speech_wpm"])
        over = pacing["overall_wpm"]
        lines.append(
            f"Reflections: {pacing['reflections']} prompts with pauses,"
            f" {pacing['paced']} paced for listening; speech at {rates} words/min,"
            f" {over['median']} with their silences (median; {over['min']} to {over['max']})"
        )
    care = report.get("care")
    if care:
        lines += ["", f"Care: {len(care['rows'])} prompt wordings by who is asked what"]
        lines.append("  " + ", ".join(f"{k} {n}" for k, n in care["summary"].items()))
        lines.append(f"  {'where':<52} {'step':>4}  {'who':<6} {'what':<6} rule")
        lines += [
            f"  {r['where']:<52} {r['step']:>4}  {r['who']:<6} {r['what']:<6} {r['rule']}"
            for r in care["rows"]
        ]
    lines += [
        "",
    ]
    warnings = report["warnings"]
    lines.append(f"Warnings: {len(warnings)}" if warnings else "Warnings: none")
    lines += [f"  - {w}" for w in warnings]
    return "\n".join(lines)

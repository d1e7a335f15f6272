"""Load the content files and enforce their schema as they load.

Files live in ``data/<language>/``: ``steps/NN-<step id>.json`` (one step each,
read in file-name order), ``checkins.json``, ``phrases.json`` and ``safety.json``.
A folder named for a full locale (``data/en-GB/``) may override single phrases
or crisis lines.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import Any

from trust_renewal.content.compiled import Compiled, load_compiled
from trust_renewal.content.markup import MarkupError, parse
from trust_renewal.content.model import (
    AUDIENCES,
    KINDS,
    REFLECTION_FOR,
    ROLES,
    SAFETY_ROLES,
    SAFETY_ROUTES,
    SERVES_WHO,
    CheckIn,
    Content,
    CrisisLine,
    Exercise,
    Prompt,
    SafetyNumber,
    Step,
    Variant,
)
from trust_renewal.content.rules import PROGRAM_PARAMS, PROMPTS_PER_EXERCISE, ROLE_PARAMS, exercise_seconds
from trust_renewal.spelling import respell

DEFAULT_LOCALE = "en-US"
MAX_PROMPTS = PROMPTS_PER_EXERCISE[1]
# Fields each object may carry; keys starting with "_" are comments for writers.
STEP_FIELDS = frozenset(
    {"id", "number", "title", "purpose", "topics", "intro", "reflection", "exercises"}
)
EXERCISE_FIELDS = frozenset(
    {
        "id", "title", "kind", "audience", "minutes", "quick_minutes", "intro", "prompts", "closing",
        "pace", "for", "counterpart",
    }
)  # fmt: skip
PROMPT_FIELDS = frozenset({"say", "card", "quick", "turns", "speak_minutes", "variants", "hurt_says_back"})
VARIANT_FIELDS = frozenset({"for", "say", "card"})
DEFAULT_SPEAK_MINUTES = 2
CHECKIN_FIELDS = frozenset({"id", "say", "card"})
CRISIS_FIELDS = frozenset({"name", "say", "card", "source", "sources", "numbers", "routes"})
NUMBER_FIELDS = frozenset(
    {"number", "label", "call", "role", "serves", "hours", "always", "source", "checked",
     "confirmed", "evidence", "now"}
)
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_DIGITS_TOKEN = re.compile(r"\[digits ([0-9 -]+)\]")
_STEP_FILE = re.compile(r"^(\d\d)-([a-z0-9-]+)\.json$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Topics become slot synonyms: lowercase words and spaces only.
_TOPIC = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)*$")


class ContentError(ValueError):
    """Content files that break the schema; ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid content:\n  " + "\n  ".join(problems))
        self.problems = problems


def _data_root(folder: str) -> Traversable:
    return resources.files("trust_renewal.content").joinpath("data", folder)


def _load_json(node: Traversable) -> Any:
    try:
        return json.loads(node.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ContentError([f"{node.name}: not valid JSON: {exc}"]) from None


def _read(root: Traversable, name: str) -> Any | None:
    node = root.joinpath(name)
    if not node.is_file():
        return None
    return _load_json(node)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def need(self, obj: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:
        value = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            kind_name = getattr(kind, "__name__", kind)
            self.problems.append(f"{where}: '{key}' missing or not {kind_name}")
            return None
        if isinstance(value, str) and not value.strip():
            self.problems.append(f"{where}: '{key}' is empty")
        return value

    def markup(self, text: str | None, where: str, allowed: frozenset[str] | None = None) -> str:
        if text is None:
            return ""
        try:
            tokens = parse(text)
        except MarkupError as exc:
            self.problems.append(f"{where}: {exc}")
            return text
        if allowed is not None:
            for name in {getattr(t, "name", None) for t in tokens} - {None} - allowed:
                self.problems.append(f"{where}: unknown placeholder {{{name}}}")
        return text

    def known_fields(self, obj: Any, allowed: frozenset[str], where: str) -> None:
        if not isinstance(obj, dict):
            self.problems.append(f"{where}: expected an object")
            return
        for key in sorted(set(obj) - allowed):
            if not key.startswith("_"):
                self.problems.append(f"{where}: unknown field {key!r}")

    def plain(self, text: str | None, where: str) -> str:
        if text and any(c in text for c in "[]{}<>"):
            self.problems.append(f"{where}: card text must be plain (no markup or SSML)")
        return text or ""


def _exercise(raw: dict, step_id: str, check: _Checker, where: str) -> Exercise:
    found_before = len(check.problems)
    ex_id = check.need(raw, "id", str, where) or where
    where = f"exercise {ex_id}"
    check.known_fields(raw, EXERCISE_FIELDS, where)
    prefix, _, slug = ex_id.partition(".")
    if prefix != step_id or not _SLUG.match(slug):
        check.problems.append(f"{where}: id should be '{step_id}.<slug>' (lowercase, hyphens)")
    kind = check.need(raw, "kind", str, where)
    if kind is not None and kind not in KINDS:
        check.problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    audience = check.need(raw, "audience", str, where)
    if audience is not None and audience not in AUDIENCES:
        check.problems.append(
            f"{where}: audience {audience!r} is not one of {', '.join(AUDIENCES)}"
        )
    pace = raw.get("pace", "")  # optional: a pace named in voice.json, or "plain" (render.pace)
    if not isinstance(pace, str):
        check.problems.append(f"{where}: 'pace' is not a str")
        pace = ""
    minutes = check.need(raw, "minutes", (int, float), where) or 0
    quick = check.need(raw, "quick_minutes", (int, float), where) or 0
    if minutes and not 1 <= minutes <= 30:
        check.problems.append(f"{where}: {minutes} minutes is not plausible (1 to 30)")
    if quick and not 0.5 <= quick <= min(minutes or 30, 5):
        check.problems.append(
            f"{where}: quick version of {quick} minutes should be 0.5 to 5"
            " and no longer than the full"
        )
    prompts = []
    for i, p in enumerate(check.need(raw, "prompts", list, where) or []):
        pw = f"{where} prompt {i + 1}"
        check.known_fields(p, PROMPT_FIELDS, pw)
        if not isinstance(p, dict):
            continue
        say = check.markup(check.need(p, "say", str, pw), pw, PROGRAM_PARAMS)
        card = check.plain(check.need(p, "card", str, pw), pw)
        quick_flag, turns = bool(p.get("quick")), bool(p.get("turns"))
        speak = p.get("speak_minutes", DEFAULT_SPEAK_MINUTES)
        if not isinstance(speak, int) or isinstance(speak, bool) or not 1 <= speak <= 3:
            check.problems.append(f"{pw}: speak_minutes should be a whole number from 1 to 3")
            speak = DEFAULT_SPEAK_MINUTES
        elif "speak_minutes" in p and not turns:
            check.problems.append(f"{pw}: speak_minutes only means something on a turn prompt")
        variants = _variants(p.get("variants", []), check, pw)
        prompts.append(
            Prompt(
                say=say,
                card=card,
                quick=quick_flag,
                turns=turns,
                speak_minutes=speak,
                variants=variants,
                hurt_says_back=p.get("hurt_says_back", True) is not False,
            )
        )
    for_ = raw.get("for", "")
    if audience == "one" and for_ not in REFLECTION_FOR:
        check.problems.append(f"{where}: 'for' should say whom it is for: {', '.join(REFLECTION_FOR)}")
    elif audience != "one" and for_:
        check.problems.append(f"{where}: 'for' only belongs on an exercise for one partner")
    counterpart = raw.get("counterpart", "")
    if not isinstance(counterpart, str):
        check.problems.append(f"{where}: 'counterpart' is an exercise id")
        counterpart = ""
    if not 1 <= len(prompts) <= MAX_PROMPTS:
        check.problems.append(f"{where}: has {len(prompts)} prompts, expected 1 to {MAX_PROMPTS}")
    exercise = Exercise(
        id=ex_id,
        step_id=step_id,
        title=check.need(raw, "title", str, where) or "",
        kind=kind or "",
        audience=audience or "",
        minutes=float(minutes),
        quick_minutes=float(quick),
        intro=check.markup(
            check.need(raw, "intro", str, where), f"{where} intro", PROGRAM_PARAMS
        ),
        prompts=tuple(prompts),
        closing=check.markup(
            check.need(raw, "closing", str, where), f"{where} closing", PROGRAM_PARAMS
        ),
        pace=pace,
        for_=for_ if isinstance(for_, str) else "",
        counterpart=counterpart,
    )
    if len(check.problems) == found_before:  # timings only mean something on sound data
        _check_durations(exercise, check, where)
    return exercise


def _variants(raw: Any, check: _Checker, where: str) -> tuple[Variant, ...]:
    """A prompt's role-specific wordings (``for: hurt`` / ``for: caused``), at most one per role."""
    if not isinstance(raw, list):
        check.problems.append(f"{where}: 'variants' is a list")
        return ()
    found: list[Variant] = []
    for v in raw:
        vw = f"{where} variant"
        check.known_fields(v, VARIANT_FIELDS, vw)
        if not isinstance(v, dict):
            continue
        role = v.get("for")
        if role not in ROLES or any(x.role == role for x in found):
            check.problems.append(f"{vw}: 'for' should be one of {', '.join(ROLES)}, once each")
            continue
        say = check.markup(check.need(v, "say", str, vw), vw, ROLE_PARAMS)
        card = check.plain(check.need(v, "card", str, vw), vw)
        found.append(Variant(role=role, say=say, card=card))
    return tuple(sorted(found, key=lambda x: ROLES.index(x.role)))


def _check_durations(exercise: Exercise, check: _Checker, where: str) -> None:
    """A stated duration must at least cover what the skill itself says (``rules.exercise_seconds``)."""
    for quick, stated in ((False, exercise.minutes), (True, exercise.quick_minutes)):
        if not stated:
            continue
        spoken = exercise_seconds(exercise, quick)
        if spoken > stated * 60:
            version = "quick" if quick else "full"
            check.problems.append(
                f"{where}: the {version} version speaks for {spoken / 60:.1f} minutes,"
                f" longer than its stated {stated:g}"
            )


def _read_steps(root: Traversable) -> list[tuple[str, Any]]:
    """(file name, parsed JSON) for every step file, in file-name order."""
    node = root.joinpath("steps")
    if not node.is_dir():
        return []
    files = sorted((f for f in node.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    return [(f.name, _load_json(f)) for f in files]


def _steps(raw_steps: list[tuple[str, Any]], check: _Checker) -> tuple[Step, ...]:
    steps = []
    topic_owner: dict[str, str] = {}
    for n, (file_name, s) in enumerate(raw_steps, start=1):
        sid = check.need(s, "id", str, f"step file {file_name}") or f"step-{n}"
        where = f"step {sid}"
        check.known_fields(s, STEP_FIELDS, where)
        if not isinstance(s, dict):
            continue
        if s.get("number") != n:
            check.problems.append(
                f"{where}: number {s.get('number')!r} should be {n} (steps are in order)"
            )
        match = _STEP_FILE.match(file_name)
        if not match or int(match.group(1)) != s.get("number") or match.group(2) != sid:
            check.problems.append(f"{where}: file {file_name} should be named {n:02d}-{sid}.json")
        reflection = None
        if s.get("reflection") is not None:
            reflection = _exercise(s["reflection"], sid, check, f"{where} reflection")
            if reflection.kind != "guided_reflection":
                check.problems.append(f"{where}: the reflection must be of kind guided_reflection")
            if reflection.id != f"{sid}.reflection":
                check.problems.append(f"{where}: the reflection's id should be {sid}.reflection")
        exercises = tuple(
            _exercise(e, sid, check, f"{where} exercise {i + 1}")
            for i, e in enumerate(check.need(s, "exercises", list, where) or [])
        )
        topics = check.need(s, "topics", list, where) or []
        for topic in topics:
            if not isinstance(topic, str) or not _TOPIC.match(topic):
                check.problems.append(
                    f"{where}: topic {topic!r} must be lowercase words, no punctuation"
                )
            elif topic in topic_owner:
                check.problems.append(
                    f"{where}: topic {topic!r} is also a topic of {topic_owner[topic]}"
                )
            else:
                topic_owner[topic] = sid
        steps.append(
            Step(
                id=sid,
                number=n,
                title=check.need(s, "title", str, where) or "",
                purpose=check.need(s, "purpose", str, where) or "",
                intro=check.markup(check.need(s, "intro", str, where), f"{where} intro"),
                topics=tuple(topics),
                reflection=reflection,
                exercises=exercises,
            )
        )
    return tuple(steps)


def _read_phrases(folder: Traversable, check: _Checker) -> dict[str, str]:
    """The phrase book: ``phrases.json`` plus any ``phrases_<feature>.json`` beside it."""
    merged: dict[str, str] = {}
    if not folder.is_dir():
        return merged
    names = sorted(
        f.name for f in folder.iterdir() if f.name.startswith("phrases") and f.name.endswith(".json")
    )
    for name in names:
        for key, text in ((_read(folder, name) or {}).get("phrases") or {}).items():
            if key in merged:
                check.problems.append(f"phrase {key!r} is defined twice ({name})")
            merged[key] = text
    return merged


# Keys whose values are identifiers or slot synonyms, never respelled.
_NOT_PROSE = frozenset(
    {"id", "kind", "audience", "topics", "source", "sources", "pace", "for", "counterpart"}
)


def _overlay_spelling(overlay: Traversable | None) -> dict[str, str]:
    words = ((_read(overlay, "spelling.json") or {}).get("words") or {}) if overlay else {}
    return {str(k).lower(): str(v) for k, v in words.items()}


def _respell(node: Any, spelling: dict[str, str], key: str | None = None) -> Any:
    """Apply a locale's spelling to every piece of prose in ``node`` (ids and topics kept)."""
    if not spelling or key in _NOT_PROSE:
        return node
    if isinstance(node, dict):
        return {k: _respell(v, spelling, k) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return type(node)(_respell(v, spelling, key) for v in node)
    return respell(node, spelling) if isinstance(node, str) else node


def _safety_numbers(raw: Any, where: str, check: _Checker) -> dict[str, SafetyNumber]:
    """A country's numbers by id; each says its own number and carries who it serves,
    its hours, its official page and the date it was checked."""
    if not isinstance(raw, dict):
        check.problems.append(f"{where}: 'numbers' must give the {', '.join(SAFETY_ROLES)} numbers")
        return {}
    for role in SAFETY_ROLES:
        if not isinstance(raw.get(role), dict):
            check.problems.append(f"{where} {role}: missing")
    numbers: dict[str, SafetyNumber] = {}
    for key, entry in raw.items():
        here = f"{where} {key}"
        if not isinstance(entry, dict):
            check.problems.append(f"{here}: must be an object")
            continue
        check.known_fields(entry, NUMBER_FIELDS, here)
        number = check.need(entry, "number", str, here) or ""
        call = check.markup(check.need(entry, "call", str, here), here)
        source = check.need(entry, "source", str, here) or ""
        if not source.startswith("https://"):
            check.problems.append(f"{here}: source {source!r} is not an https address")
        if number not in _DIGITS_TOKEN.findall(call or ""):
            check.problems.append(f"{here}: 'call' never says its number {number!r} as [digits ...]")
        role = entry.get("role", key if key in SAFETY_ROLES else None)
        if role not in SAFETY_ROLES or (key in SAFETY_ROLES and role != key):
            check.problems.append(f"{here}: role {role!r} is not one of {', '.join(SAFETY_ROLES)}")
        serves = entry.get("serves")
        if not isinstance(serves, dict) or serves.get("who") not in SERVES_WHO:
            check.problems.append(f"{here}: 'serves' must say who it serves ({', '.join(SERVES_WHO)})")
            serves = {}
        regions = serves.get("regions") or []
        excepted = serves.get("except_regions") or []
        if not all(isinstance(r, str) for r in [*regions, *excepted]):
            check.problems.append(f"{here}: regions must be codes")
        hours = check.need(entry, "hours", str, here) or ""
        always = entry.get("always")
        if not isinstance(always, bool):
            check.problems.append(f"{here}: 'always' must be true or false")
        checked = check.need(entry, "checked", str, here) or ""
        if not _DATE.match(checked):
            check.problems.append(f"{here}: 'checked' must be the date checked, YYYY-MM-DD")
        confirmed = entry.get("confirmed")
        if confirmed not in ("first-hand", "second-hand"):
            check.problems.append(f"{here}: 'confirmed' must be first-hand or second-hand")
        now = entry.get("now") or ""
        if now and number not in _DIGITS_TOKEN.findall(check.markup(now, here) or ""):
            check.problems.append(f"{here}: 'now' never says its number {number!r} as [digits ...]")
        numbers[key] = SafetyNumber(
            role=str(role),
            number=number,
            label=check.plain(check.need(entry, "label", str, here), here),
            call=call,
            source=source,
            checked=checked,
            who=str(serves.get("who", "")),
            regions=tuple(str(r) for r in regions),
            except_regions=tuple(str(r) for r in excepted),
            hours=hours,
            always=bool(always),
            confirmed=str(confirmed or ""),
            evidence=check.need(entry, "evidence", str, here) or "",
            now=now,
        )
    return numbers


def _safety_routes(
    raw: Any, numbers: dict[str, SafetyNumber], where: str, check: _Checker
) -> dict[str, tuple[str, ...]]:
    """Per reply, the numbers it gives: every route listed, each id known, none twice."""
    if not isinstance(raw, dict):
        check.problems.append(f"{where}: 'routes' must list the numbers of {', '.join(SAFETY_ROUTES)}")
        return {}
    routes: dict[str, tuple[str, ...]] = {}
    for route in SAFETY_ROUTES:
        ids = raw.get(route)
        if not isinstance(ids, list) or not ids:
            check.problems.append(f"{where} route {route}: missing")
            continue
        unknown = [i for i in ids if i not in numbers]
        if unknown:
            check.problems.append(f"{where} route {route}: unknown numbers {unknown}")
        if len(set(ids)) != len(ids):
            check.problems.append(f"{where} route {route}: a number is listed twice")
        routes[route] = tuple(str(i) for i in ids)
    for route in raw:
        if route not in SAFETY_ROUTES:
            check.problems.append(f"{where}: unknown route {route!r}")
    return routes


def _build(folder: Traversable, overlay: Traversable | None) -> Content:
    check = _Checker()
    spelling = _overlay_spelling(overlay)
    steps = _steps(_respell(_read_steps(folder), spelling), check)
    phrases = _respell(_read_phrases(folder, check), spelling)
    safety: dict = dict((_read(folder, "safety.json") or {}).get("crisis_lines", {}))
    checkins_raw = _respell((_read(folder, "checkins.json") or {}).get("checkins", []), spelling)
    if overlay:
        phrases.update(_read_phrases(overlay, check))
        safety.update((_read(overlay, "safety.json") or {}).get("crisis_lines", {}))
    for key, text in phrases.items():
        check.markup(text, f"phrase {key}")
    checkins = []
    for i, c in enumerate(checkins_raw):
        where = f"check-in {i + 1}"
        check.known_fields(c, CHECKIN_FIELDS, where)
        cid = check.need(c, "id", str, where) or where
        checkins.append(
            CheckIn(
                id=cid,
                say=check.markup(check.need(c, "say", str, where), where, PROGRAM_PARAMS),
                card=check.plain(check.need(c, "card", str, where), where),
            )
        )
    lines = {}
    for country, c in safety.items():
        where = f"crisis line {country}"
        check.known_fields(c, CRISIS_FIELDS, where)
        source = check.need(c, "source", str, where) or ""
        sources = c.get("sources", {}) if isinstance(c, dict) else {}
        if not isinstance(sources, dict):
            check.problems.append(f"{where}: 'sources' must map each number's name to its page")
            sources = {}
        for url in [source, *sources.values()]:
            if not (isinstance(url, str) and url.startswith("https://")):
                check.problems.append(f"{where}: source {url!r} is not an https address")
        numbers = _safety_numbers(c.get("numbers") if isinstance(c, dict) else None, where, check)
        routes = _safety_routes(c.get("routes") if isinstance(c, dict) else None, numbers, where, check)
        lines[country] = CrisisLine(
            country=country,
            name=check.need(c, "name", str, where) or "",
            say=check.markup(check.need(c, "say", str, where), where),
            card=check.plain(check.need(c, "card", str, where), where),
            source=source,
            sources=tuple((str(k), str(v)) for k, v in sources.items()),
            numbers=numbers,
            routes=routes,
        )
    path = tuple(ex for step in steps for ex in step.path)
    by_id: dict[str, Exercise] = {}
    for ex in path:
        if ex.id in by_id:
            check.problems.append(f"exercise id {ex.id!r} is used twice")
        by_id[ex.id] = ex
    seen_steps: set[str] = set()
    for step in steps:
        if step.id in seen_steps:
            check.problems.append(f"step id {step.id!r} is used twice")
        seen_steps.add(step.id)
    seen_checkins: set[str] = set()
    for c in checkins:
        if c.id in seen_checkins:
            check.problems.append(f"check-in id {c.id!r} is used twice")
        seen_checkins.add(c.id)
    if not path:
        check.problems.append("the program has no exercises")
    if check.problems:
        raise ContentError(check.problems)
    return Content(
        steps=steps,
        checkins=tuple(checkins),
        phrases=phrases,
        crisis_lines=lines,
        path=path,
        exercises_by_id=by_id,
        steps_by_id={s.id: s for s in steps},
    )


_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Z]{2})?$")


def load_content(locale: str | None = DEFAULT_LOCALE) -> Content:
    """The validated content for a locale (``en-GB`` → ``en`` plus ``en-GB`` overrides).

    The locale comes from a request, so anything that is not a plain locale
    code (or has no content) gets the default: it never names a path.
    """
    if not isinstance(locale, str) or not _LOCALE.match(locale):
        locale = DEFAULT_LOCALE
    language = locale.split("-")[0]
    if not _has_steps(language):
        language, locale = "en", locale if locale.startswith("en-") else DEFAULT_LOCALE
    overlay = locale if locale != language and _has_overlay(locale) else None
    return _load(language, overlay)


@lru_cache(maxsize=16)
def _has_steps(language: str) -> bool:
    node = _data_root(language).joinpath("steps")
    return node.is_dir() and any(f.name.endswith(".json") for f in node.iterdir())


@lru_cache(maxsize=16)
def _has_overlay(locale: str) -> bool:
    return _data_root(locale).is_dir()


@lru_cache(maxsize=8)
def _load(language: str, overlay: str | None) -> Content:
    compiled = _compiled()
    if compiled is not None and (language, overlay) in compiled:
        return compiled[(language, overlay)]
    return _build(_data_root(language), _data_root(overlay) if overlay else None)


@lru_cache(maxsize=1)
def _compiled() -> Compiled | None:
    """The build's checked, pickled content, if this bundle has it (see content.compiled)."""
    return load_compiled()



def load_content_from(
    folder: str | PathLike[str], overlay: str | PathLike[str] | None = None
) -> Content:
    """Content from a folder laid out like ``data/en/`` (for checks and drafts); not cached."""
    return _build(Path(folder), Path(overlay) if overlay is not None else None)

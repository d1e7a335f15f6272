"""Load the content files and enforce their schema as they load.

Files live in ``data/<language>/`` (``program.json``, ``checkins.json``,
``phrases.json``, ``safety.json``); a folder named for a full locale
(``data/en-GB/``) may override single phrases or add locale-specific data.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from trust_renewal.content.model import (
    AUDIENCES,
    KINDS,
    CheckIn,
    Content,
    CrisisLine,
    Exercise,
    Prompt,
    Step,
)
from trust_renewal.render.markup import MarkupError, parse

DEFAULT_LOCALE = "en-US"
# Placeholders program text may use; the renderer fills them.
PROGRAM_PARAMS = frozenset({"speaker", "listener", "first", "second"})
MAX_PROMPTS = 7


class ContentError(ValueError):
    """Content files that break the schema; ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid content:\n  " + "\n  ".join(problems))
        self.problems = problems


def _read(folder: str, name: str) -> Any | None:
    node = resources.files("trust_renewal.content").joinpath("data", folder, name)
    if not node.is_file():
        return None
    return json.loads(node.read_text(encoding="utf-8"))


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def need(self, obj: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:
        value = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            self.problems.append(f"{where}: '{key}' missing or not {getattr(kind, '__name__', kind)}")
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

    def plain(self, text: str | None, where: str) -> str:
        if text and any(c in text for c in "[]{}<>"):
            self.problems.append(f"{where}: card text must be plain (no markup or SSML)")
        return text or ""


def _exercise(raw: dict, step_id: str, check: _Checker, where: str) -> Exercise:
    ex_id = check.need(raw, "id", str, where) or where
    where = f"exercise {ex_id}"
    kind = check.need(raw, "kind", str, where)
    if kind is not None and kind not in KINDS:
        check.problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    audience = check.need(raw, "audience", str, where)
    if audience is not None and audience not in AUDIENCES:
        check.problems.append(f"{where}: audience {audience!r} is not one of {', '.join(AUDIENCES)}")
    minutes = check.need(raw, "minutes", (int, float), where) or 0
    quick = check.need(raw, "quick_minutes", (int, float), where) or 0
    if minutes and not 1 <= minutes <= 30:
        check.problems.append(f"{where}: {minutes} minutes is not plausible (1 to 30)")
    if quick and not 0.5 <= quick <= min(minutes or 30, 5):
        check.problems.append(f"{where}: quick version of {quick} minutes should be 0.5 to 5 and no longer than the full")
    prompts = []
    for i, p in enumerate(check.need(raw, "prompts", list, where) or []):
        pw = f"{where} prompt {i + 1}"
        say = check.markup(check.need(p, "say", str, pw), pw, PROGRAM_PARAMS)
        card = check.plain(check.need(p, "card", str, pw), pw)
        prompts.append(Prompt(say=say, card=card, quick=bool(p.get("quick")), turns=bool(p.get("turns"))))
    if not 1 <= len(prompts) <= MAX_PROMPTS:
        check.problems.append(f"{where}: has {len(prompts)} prompts, expected 1 to {MAX_PROMPTS}")
    return Exercise(
        id=ex_id,
        step_id=step_id,
        title=check.need(raw, "title", str, where) or "",
        kind=kind or "",
        audience=audience or "",
        minutes=float(minutes),
        quick_minutes=float(quick),
        intro=check.markup(check.need(raw, "intro", str, where), f"{where} intro", PROGRAM_PARAMS),
        prompts=tuple(prompts),
        closing=check.markup(check.need(raw, "closing", str, where), f"{where} closing", PROGRAM_PARAMS),
    )


def _steps(raw: dict, check: _Checker) -> tuple[Step, ...]:
    steps = []
    for n, s in enumerate(check.need(raw, "steps", list, "program.json") or [], start=1):
        sid = check.need(s, "id", str, f"step {n}") or f"step-{n}"
        where = f"step {sid}"
        if s.get("number") != n:
            check.problems.append(f"{where}: number {s.get('number')!r} should be {n} (steps are in order)")
        reflection = None
        if s.get("reflection") is not None:
            reflection = _exercise(s["reflection"], sid, check, f"{where} reflection")
            if reflection.kind != "guided_reflection":
                check.problems.append(f"{where}: the reflection must be of kind guided_reflection")
        exercises = tuple(
            _exercise(e, sid, check, f"{where} exercise {i + 1}")
            for i, e in enumerate(s.get("exercises") or [])
        )
        topics = s.get("topics") or []
        if not all(isinstance(t, str) and t.strip() for t in topics):
            check.problems.append(f"{where}: topics must be non-empty strings")
        steps.append(
            Step(
                id=sid,
                number=n,
                title=check.need(s, "title", str, where) or "",
                purpose=check.need(s, "purpose", str, where) or "",
                intro=check.markup(s.get("intro") or "", f"{where} intro"),
                topics=tuple(topics),
                reflection=reflection,
                exercises=exercises,
            )
        )
    return tuple(steps)


def _build(folder: str, overlay: str | None) -> Content:
    check = _Checker()
    program = _read(folder, "program.json") or {}
    steps = _steps(program, check)
    phrases: dict[str, str] = dict((_read(folder, "phrases.json") or {}).get("phrases", {}))
    safety: dict = dict((_read(folder, "safety.json") or {}).get("crisis_lines", {}))
    checkins_raw = (_read(folder, "checkins.json") or {}).get("checkins", [])
    if overlay:
        phrases.update((_read(overlay, "phrases.json") or {}).get("phrases", {}))
        safety.update((_read(overlay, "safety.json") or {}).get("crisis_lines", {}))
    for key, text in phrases.items():
        check.markup(text, f"phrase {key}")
    checkins = []
    for i, c in enumerate(checkins_raw):
        where = f"check-in {i + 1}"
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
        lines[country] = CrisisLine(
            country=country,
            name=check.need(c, "name", str, where) or "",
            say=check.markup(check.need(c, "say", str, where), where),
            card=check.plain(check.need(c, "card", str, where), where),
            source=check.need(c, "source", str, where) or "",
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


@lru_cache(maxsize=8)
def load_content(locale: str = DEFAULT_LOCALE) -> Content:
    """The validated content for a locale (``en-GB`` → ``en`` plus ``en-GB`` overrides)."""
    language = (locale or DEFAULT_LOCALE).split("-")[0].lower() or "en"
    if _read(language, "program.json") is None:
        language = "en"
    overlay = locale if locale and locale != language and _read(locale, "phrases.json") is not None else None
    return _build(language, overlay)

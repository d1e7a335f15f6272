"""What Amazon's certification checks that can be checked offline, run on a written skill package.

``trust-renewal package --check`` calls :func:`check_package`. Each failure is one
plain sentence naming what to fix. The checks:

- the manifest against Amazon's model of it (``manifest_schema.py``);
- icons: present for every locale, PNG, 108 x 108 and 512 x 512;
- example phrases: one to three, each starting with the wake word "Alexa,", using
  the invocation name, the first opening the skill, the others matching a sample;
- privacy: the compliance answers given, https policy and terms links for every
  locale, and no placeholder links unless it is a draft; the privacy policy page
  (docs/privacy.md) naming its controller, a contact and how long each thing is
  kept, with no ``[[TO FILL: …]]`` left unless it is a draft;
- endpoints: a default one in an AWS region Alexa calls, and any regional one in
  the AWS region Alexa uses for that region;
- permissions: exactly the ones for the Alexa APIs the code calls;
- required built-in intents in every model;
- every answer a prompt suggests ("you can say yes or no", "a topic like
  forgiveness") reaches an intent of the model, never the fallback or a wrong one;
- Alexa's limits on every reply the skill gives on a walk through the whole
  program (SSML, 8,000 characters, 24 KB with the screen).
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from trust_renewal.cli.endpoints import (
    AWS_REGION,
    ICONS,
    PLACEHOLDER_ACCOUNT,
    REGION_OF_LOCALE,
    arn_region,
    is_placeholder_url,
)

REQUIRED_INTENTS = (
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
)
# The Alexa APIs the code calls, how to spot the call in the source, and the permission each needs.
REMINDERS = "alexa::alerts:reminders:skill:readwrite"
PERSON = "alexa::person_id:read"
API_PERMISSIONS = (
    ("the Reminders API", re.compile(r"get_reminder_management_service\("), REMINDERS),
    ("voice profiles (context.System.person)", re.compile(r"\.person\b|<alexa:name"), PERSON),
)
NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def text(self) -> str:
        lines = [f"Certification self-check: {'passed' if self.passed else 'FAILED'}"]
        lines += [f"  checked: {item}" for item in self.checked]
        lines += [f"  note: {note}" for note in self.notes]
        lines += [f"  FAIL: {failure}" for failure in self.failures]
        return "\n".join(lines)


# -- icons ----------------------------------------------------------------------------------
def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, or None if the bytes are not one."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _icons(root: Path, locales: dict[str, Any], report: Report) -> None:
    for locale, info in locales.items():
        for field_name, (_, size) in ICONS.items():
            uri = info.get(field_name)
            if not uri:
                report.failures.append(f"{locale}: no {field_name} (a {size}x{size} PNG icon)")
                continue
            if uri.startswith("https://"):
                report.notes.append(
                    f"{locale}: {field_name} is a web address; its size is not checked offline"
                )
                continue
            if not uri.startswith("file://"):
                report.failures.append(
                    f"{locale}: {field_name} must be file://assets/... or https://, not {uri!r}"
                )
                continue
            path = root / "skill-package" / uri[len("file://") :]
            if not path.is_file():
                report.failures.append(f"{locale}: the {field_name} file {uri[len('file://') :]} is missing")
                continue
            found = png_size(path.read_bytes())
            if found is None:
                report.failures.append(f"{locale}: {path.name} is not a PNG image")
            elif found != (size, size):
                report.failures.append(
                    f"{locale}: {path.name} is {found[0]}x{found[1]}; {field_name} must be {size}x{size}"
                )
    report.checked.append("icons")


# -- example phrases --------------------------------------------------------------------------
def _example_phrases(locales: dict[str, Any], models: dict[str, Any], report: Report) -> None:
    from trust_renewal.cli.chat import CONNECTORS, LAUNCH_VERBS, ONE_SHOT_VERBS
    from trust_renewal.cli.matcher import Matcher

    for locale, info in locales.items():
        phrases = info.get("examplePhrases") or []
        if not 1 <= len(phrases) <= 3:
            report.failures.append(f"{locale}: {len(phrases)} example phrases; Alexa shows one to three")
        model = models.get(locale)
        if model is None:
            continue
        invocation = model["interactionModel"]["languageModel"]["invocationName"]
        name = re.escape(invocation)
        launch = re.compile(rf"alexa, (?:{LAUNCH_VERBS}) {name}")
        one_shot = re.compile(rf"alexa, (?:{ONE_SHOT_VERBS}) {name}(?: (?:{CONNECTORS}))? (.+)")
        matcher = Matcher(model)
        for i, phrase in enumerate(phrases):
            spoken = re.sub(r"[.!?]+$", "", phrase.strip()).lower()
            if not phrase.startswith("Alexa, "):
                report.failures.append(
                    f'{locale}: example phrase "{phrase}" must start with the wake word "Alexa,"'
                )
                continue
            if invocation not in spoken:
                report.failures.append(
                    f'{locale}: example phrase "{phrase}" does not use the invocation name'
                )
                continue
            if i == 0:
                if not launch.fullmatch(spoken):
                    report.failures.append(
                        f'{locale}: the first example phrase "{phrase}" should open the skill'
                    )
                continue
            asked = one_shot.fullmatch(spoken)
            match = matcher.match(asked.group(1)) if asked else None
            if match is None or match.is_fallback:
                report.failures.append(f'{locale}: example phrase "{phrase}" matches no sample of the model')
    report.checked.append("example phrases")


# -- store listing ------------------------------------------------------------------------------
# The developer console's limits for the listing (skill manifest documentation).
LISTING_LIMITS = {"name": (2, 50), "summary": (1, 160), "description": (1, 4000)}


def _listing(body: dict[str, Any], report: Report) -> None:
    publishing = body.get("publishingInformation") or {}
    for locale, info in (publishing.get("locales") or {}).items():
        for field_name, (low, high) in LISTING_LIMITS.items():
            size = len(info.get(field_name) or "")
            if not low <= size <= high:
                limit = f"it must be {low} to {high}"
                report.failures.append(f"{locale}: the {field_name} is {size} characters; {limit}")
        if len(info.get("keywords") or []) > 30:
            report.failures.append(f"{locale}: {len(info['keywords'])} keywords; at most 30")
    if len(publishing.get("testingInstructions") or "") > 4000:
        report.failures.append("the testing instructions are over 4,000 characters")
    report.checked.append("store listing lengths")


# -- privacy and endpoints ------------------------------------------------------------------------
# What a deployer must fill in before publishing the privacy policy (docs/privacy.md).
POLICY_PLACEHOLDER = re.compile(r"\[\[TO FILL:(.*?)\]\]", re.DOTALL)
# UK GDPR Art. 13(1)(a) and 13(2)(a): who the controller is, how to contact them, how long data is kept.
POLICY_SECTIONS = {
    "who is responsible": "who is responsible (the controller) and how to reach them",
    "how long": "how long each thing is kept",
}


def policy_problems(text: str) -> list[str]:
    """What the privacy policy still lacks: a section it must have, or a placeholder left to fill."""
    problems = []
    headings = [line.lstrip("#").strip().lower() for line in text.splitlines() if line.startswith("#")]
    for start, what in POLICY_SECTIONS.items():
        if not any(h.startswith(start) for h in headings):
            problems.append(f"the privacy policy does not say {what}")
    for match in POLICY_PLACEHOLDER.finditer(text):
        wanted = " ".join(match.group(1).split())
        problems.append(f"the privacy policy still has a placeholder to fill: {wanted}")
    return problems


def _policy(path: Path, draft: bool, report: Report) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        message = f"the privacy policy {path} cannot be read; pass --privacy-policy PATH"
        (report.notes if draft else report.failures).append(message)
        return
    for problem in policy_problems(text):
        (report.notes if draft else report.failures).append(f"{path}: {problem}")
    report.checked.append("the privacy policy names its controller, a contact and how long things are kept")


def _privacy(body: dict[str, Any], draft: bool, report: Report) -> None:
    privacy = body.get("privacyAndCompliance") or {}
    for answer in (
        "allowsPurchases",
        "usesPersonalInfo",
        "isChildDirected",
        "isExportCompliant",
        "containsAds",
    ):
        if not isinstance(privacy.get(answer), bool):
            report.failures.append(f"privacy: {answer} must be answered true or false")
    links = privacy.get("locales") or {}
    placeholders: dict[str, list[str]] = {}
    for locale in (body.get("publishingInformation") or {}).get("locales", {}):
        for field_name, label in (("privacyPolicyUrl", "privacy policy"), ("termsOfUseUrl", "terms of use")):
            url = (links.get(locale) or {}).get(field_name, "")
            if not url:
                if field_name == "privacyPolicyUrl" and privacy.get("usesPersonalInfo"):
                    report.failures.append(f"{locale}: no {label} link, yet the skill keeps personal data")
                continue
            if not url.startswith("https://"):
                report.failures.append(f"{locale}: the {label} link must be https, not {url!r}")
            elif is_placeholder_url(url):
                placeholders.setdefault(f"the {label} link {url}", []).append(locale)
    for what, locales in placeholders.items():
        message = f"{', '.join(locales)}: {what} is a placeholder; host docs/ and pass its address"
        (report.notes if draft else report.failures).append(message)
    report.checked.append("privacy answers and links")


def _endpoints(body: dict[str, Any], draft: bool, report: Report) -> None:
    custom = (body.get("apis") or {}).get("custom") or {}
    default = (custom.get("endpoint") or {}).get("uri", "")
    if not default and draft:
        report.notes.append("no endpoint yet: deploy the stack, then package with --endpoint")
        report.checked.append("regional endpoints")
        return
    groups = sorted(
        {
            REGION_OF_LOCALE.get(loc, "NA")
            for loc in (body.get("publishingInformation") or {}).get("locales", {})
        }
    )
    uris = {
        region: ((custom.get("regions") or {}).get(region) or {}).get("endpoint", {}).get("uri")
        for region in groups
    }
    if default.startswith("https://"):
        report.checked.append("endpoint (one web service for every region)")
        return
    # The default endpoint serves every region without its own (Amazon's skill manifest
    # reference: "the global default endpoint, which can be overridden on a region-by-region
    # basis"); a regional one must be a function in that region's AWS region.
    if not default:
        report.failures.append("no default endpoint: Alexa would have nowhere to send requests")
    elif arn_region(default) not in AWS_REGION.values():
        report.failures.append(
            f"the default endpoint must be a function in {', '.join(AWS_REGION.values())}, not {default}"
        )
    elif PLACEHOLDER_ACCOUNT in default:
        message = "the default endpoint is a placeholder; deploy and pass --endpoint or --account"
        (report.notes if draft else report.failures).append(message)
    for region in groups:
        uri = uris[region]
        if not uri:
            if default and arn_region(default) != AWS_REGION[region]:
                report.notes.append(
                    f"{region} requests go to the default endpoint in {arn_region(default)}; a function "
                    f"in {AWS_REGION[region]} (--endpoint-{region.lower()}) would answer them sooner"
                )
            continue
        if arn_region(uri) != AWS_REGION[region]:
            report.failures.append(
                f"the {region} endpoint must be a function in {AWS_REGION[region]}, not {uri}"
            )
        elif PLACEHOLDER_ACCOUNT in uri:
            message = f"the {region} endpoint is a placeholder; deploy there and pass --account or --endpoint"
            (report.notes if draft else report.failures).append(message)
    events = body.get("events")
    if events and events.get("endpoint") != custom.get("endpoint"):
        report.failures.append("skill events go to a different endpoint from the skill")
    report.checked.append("regional endpoints")


# -- permissions ------------------------------------------------------------------------------
def code_permissions() -> dict[str, str]:
    """The permission each Alexa API the code calls needs -> what uses it."""
    needed: dict[str, str] = {}
    package = resources.files("trust_renewal")
    sources = [package.joinpath("render", "reply.py")]
    for folder in ("handlers", "conversation", "render"):
        sources += [n for n in package.joinpath(folder).iterdir() if n.name.endswith(".py")]
    text = "\n".join(node.read_text(encoding="utf-8") for node in sources)
    for what, pattern, scope in API_PERMISSIONS:
        if pattern.search(text):
            needed[scope] = what
    return needed


def _permissions(body: dict[str, Any], report: Report) -> None:
    declared = {p.get("name") for p in body.get("permissions") or []}
    needed = code_permissions()
    for scope, what in needed.items():
        if scope not in declared:
            report.failures.append(f"the code uses {what} but the manifest does not request {scope}")
    for scope in sorted(declared - set(needed)):
        report.failures.append(f"the manifest requests {scope}, which no code uses: remove it")
    report.checked.append("permissions")


# -- the interaction models ---------------------------------------------------------------------------
def _intents(models: dict[str, Any], report: Report) -> None:
    for locale, model in models.items():
        names = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]}
        for intent in REQUIRED_INTENTS:
            if intent not in names:
                report.failures.append(f"{locale}: the model lacks the required built-in {intent}")
    report.checked.append("required built-in intents")


_SAY = re.compile(r"\bsay\b[:,]?\s+(?P<what>.+?)(?=[.?!](?:\s|$)|$)", re.IGNORECASE)
# Descriptions of an answer rather than the answer: what a person would say for each.
NAMES, STEP = "SetNamesIntent", "GoToStepIntent"
# A number said alone has an intent of its own; the conversation reads it as a step only
# after a phrase that asks for one (conversation.answers.ASKING).
NUMBER = "NumberAloneIntent"
# Likewise a time said alone: the reminder's time only after a phrase that asks for one.
TIME = "TimeAloneIntent"
_TEMPLATES = (
    (re.compile(r"our names are,? and then your names", re.I), ["our names are Maya and Jordan"], NAMES),
    (re.compile(r"your first names", re.I), ["Maya and Jordan"], NAMES),
    (re.compile(r"one name if you're on your own", re.I), ["Jordan"], NAMES),
    (re.compile(r"call me,? and your name", re.I), ["call me Sam"], NAMES),
    (re.compile(r"one of your names", re.I), ["Jordan"], NAMES),  # which of you was hurt
    (re.compile(r"take us to step,? and (?:a|its) number", re.I), ["take us to step three"], STEP),
    (re.compile(r"a time,? like ([a-z0-9 .:]+?)(?=,|$)", re.I), [], TIME),
)
_NUMBER = re.compile(r"a number,? from 1 to (\d+)", re.I)
_TOPIC = re.compile(r"a topic,? like ([a-z' ]+?)(?: or ([a-z' ]+))?$", re.I)
# Words after an answer that say what it does ("yes to start", "next when you're ready").
_PURPOSE = re.compile(r"\s+(?:to|when|for|if|and|at any time)\b.*$", re.I)
# Not answers to Alexa: a screen touch, an invitation to talk freely.
_NOT_ANSWERS = re.compile(r"^(?:touch|to|when|if|what you'd like|it|so)\b", re.I)


@dataclass(frozen=True)
class Suggestion:
    where: str  # phrase key
    answer: str  # what a person would say
    expect: str | None = None  # the intent it must reach, when the prompt says


def suggestions(
    phrases: dict[str, str], topics: list[str], step_count: int, invocation: str = "trust renewal"
) -> list[Suggestion]:
    """Every answer the phrase book suggests, with the intent it must reach when that is clear.

    "Alexa, tell trust renewal next" suggests "next"; "Alexa, open trust renewal" opens
    the skill and suggests no answer.
    """
    name = re.escape(invocation)
    wake = re.compile(rf"^(?:for example:\s*)?alexa, (?:ask|tell) {name} (?:to |for )?", re.I)
    opening = re.compile(rf"^(?:for example:\s*)?alexa, (?:open|launch|start) {name}$", re.I)
    found: list[Suggestion] = []
    for key, raw in phrases.items():
        text = re.sub(r"\[(?:pause|chime)[^\]]*\]", " ", raw)
        text = text.replace("{count}", str(step_count))
        text = re.sub(r"\{\w+\}", "Sam", text)
        # "You can say yes. Or say no." / "Or, call me...": such a sentence goes on suggesting
        # ("Or we can do a check-in" does not).
        text = re.sub(r"[.?!]\s+Or(?:,\s+say|,|\s+say)\s+", ", or ", text)
        for match in _SAY.finditer(text):
            clause = re.sub(r"^for example:\s*", "", match.group("what").strip(), flags=re.I)
            if opening.match(clause):
                continue
            clause = wake.sub("", clause)
            for pattern, answers, intent in _TEMPLATES:
                if (described := pattern.search(clause)) is not None:
                    examples = answers or [described.group(1).strip()]  # "a time, like eight p.m."
                    found += [Suggestion(key, a, intent) for a in examples]
                    clause = pattern.sub("", clause)
            if (number := _NUMBER.search(clause)) is not None:
                top = int(number.group(1))
                found += [Suggestion(key, NUMBER_WORDS[n - 1], NUMBER) for n in range(1, top + 1)]
                clause = _NUMBER.sub("", clause)
            for part in re.split(r",\s*(?:or\s+)?|\s+or\s+", clause):
                part = part.strip(" ,:;")
                if _TOPIC.match(part) or part.lower().startswith("a topic"):
                    found += [Suggestion(key, t, "GoToStepIntent") for t in topics]
                    continue
                part = wake.sub("", part)
                if not part or _NOT_ANSWERS.match(part):
                    continue
                found.append(Suggestion(key, part))
    return found


def _phrases(locale: str) -> dict[str, str]:
    from trust_renewal.content import load_content

    return load_content(locale).phrases


def _step_count(locale: str) -> int:
    from trust_renewal.content import load_content

    return len(load_content(locale).steps)


def _answers(models: dict[str, Any], report: Report, phrases_for: Callable[[str], dict[str, str]]) -> None:
    from trust_renewal.cli.matcher import Matcher
    from trust_renewal.conversation.answers import ASKING, TIME_QUESTIONS

    for locale, model in models.items():
        matcher = Matcher(model)
        topics = sorted(
            {
                v["name"]["value"]
                for t in model["interactionModel"]["languageModel"].get("types", [])
                if t["name"] == "STEP_TOPIC"
                for v in t["values"]
            }
        )
        failed: set[str] = set()
        invocation = model["interactionModel"]["languageModel"]["invocationName"]
        for suggestion in suggestions(phrases_for(locale), topics, _step_count(locale), invocation):
            match = matcher.match(suggestion.answer)
            if match.is_fallback:
                # An answer followed by what it does: "yes to start", "next when you're ready".
                head = _PURPOSE.sub("", suggestion.answer)
                if head != suggestion.answer and not matcher.match(head).is_fallback:
                    match = matcher.match(head)
            problem = None
            if match.is_fallback:
                problem = f'"{suggestion.answer}" reaches no intent (AMAZON.FallbackIntent)'
            elif suggestion.expect and match.intent != suggestion.expect:
                problem = f'"{suggestion.answer}" reaches {match.intent}, not {suggestion.expect}'
            elif suggestion.expect == NUMBER and ASKING.get(f"phrase:{suggestion.where}") != "step":
                problem = f'"{suggestion.answer}" alone, a number read as a step only where one is asked'
            elif suggestion.expect == TIME and ASKING.get(f"phrase:{suggestion.where}") not in TIME_QUESTIONS:
                problem = f'"{suggestion.answer}" alone, a reminder time only where a time is asked'
            if problem and suggestion.answer not in failed:
                failed.add(suggestion.answer)
                report.failures.append(f"{locale}: prompt {suggestion.where} suggests saying {problem}")
    report.checked.append("every answer a prompt suggests")


# -- Alexa's limits on what the skill says -----------------------------------------------------
def walk_replies(locale: str) -> list[tuple[str, dict[str, Any]]]:
    """(what was said, response) for a walk through the whole program, with a screen, plus every
    intent tried once in each situation (home, offer, exercise, turn, check-in)."""
    from datetime import UTC, datetime

    from trust_renewal.config import Config
    from trust_renewal.content import load_content
    from trust_renewal.envelopes import EnvelopeBuilder
    from trust_renewal.interaction_models import load_model
    from trust_renewal.runtime import SkillRuntime
    from trust_renewal.storage.memory import MemoryStore

    skill_id = "amzn1.ask.skill.00000000-0000-0000-0000-00000000c0de"
    runtime = SkillRuntime(Config(store="memory", skill_id=skill_id), store=MemoryStore())
    screen = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}}}
    builder = EnvelopeBuilder(skill_id, locale=locale, supported_interfaces=screen)
    builder.now = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)
    intents = [i["name"] for i in load_model(locale)["interactionModel"]["languageModel"]["intents"]]
    content = load_content(locale)
    out: list[tuple[str, dict[str, Any]]] = []
    probed: set[str] = set()

    def send(label: str, envelope: dict[str, Any], keep: bool = True) -> dict[str, Any]:
        response = runtime.handle(envelope)
        out.append((label, response))
        if keep:
            builder.absorb(response)
        return response

    def probe() -> None:
        state = builder.attributes.get("state") or {}
        situation = f"{state.get('phase')}:{state.get('turn') if state.get('phase') == 'exercise' else ''}"
        if situation in probed or not builder.in_session:
            return
        probed.add(situation)
        saved_session, saved_attributes = builder.session_id, dict(builder.attributes)
        for name in intents:
            if name in ("DeleteDataIntent", "AMAZON.StartOverIntent"):
                continue  # they only ask to confirm, which "yes" would carry out
            send(f"{name} in {situation}", builder.intent(name), keep=False)
            builder.session_id, builder.attributes = saved_session, dict(saved_attributes)

    send("launch", builder.launch())
    probe()
    send("names", builder.intent("SetNamesIntent", {"firstName": "Maya", "secondName": "Jordan"}))
    for exercise in content.path:
        if not builder.in_session:
            send("launch", builder.launch())
        send(f"yes to {exercise.id}", builder.intent("AMAZON.YesIntent"))
        probe()
        for prompt in exercise.prompts:
            for _ in range(4 if prompt.turns else 1):
                probe()
                send(f"next in {exercise.id}", builder.intent("AMAZON.NextIntent"))
                if not builder.in_session:
                    send("launch", builder.launch())
    probe()
    return out


def response_problems(response: dict[str, Any]) -> list[str]:
    from trust_renewal.render.ssml import MAX_RESPONSE_BYTES, problems

    if "error" in response:
        return [f"refused: {response['error'].get('reason')}"]
    found = []
    body = response.get("response") or {}
    for kind, node in (
        ("speech", body.get("outputSpeech")),
        ("reprompt", (body.get("reprompt") or {}).get("outputSpeech")),
    ):
        if node and node.get("ssml"):
            found += [f"{kind}: {p}" for p in problems(node["ssml"])]
    size = len(json.dumps(response, ensure_ascii=False).encode("utf-8"))
    if size > MAX_RESPONSE_BYTES:
        found.append(f"response is {size} bytes, over Alexa's {MAX_RESPONSE_BYTES}")
    return found


def _limits(models: dict[str, Any], report: Report) -> None:
    total = 0
    for locale in models:
        replies = walk_replies(locale)
        total += len(replies)
        seen: set[str] = set()
        for label, response in replies:
            for problem in response_problems(response):
                if problem not in seen:
                    seen.add(problem)
                    report.failures.append(f"{locale}: the reply to {label}: {problem}")
    report.checked.append(
        f"Alexa's limits on {total} replies (the whole program, every intent in each situation)"
    )


# -- the whole package --------------------------------------------------------------------------
def load_package(root: Path) -> tuple[dict[str, Any] | None, dict[str, Any], list[str]]:
    problems: list[str] = []
    manifest_path = root / "skill-package" / "skill.json"
    manifest = None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"skill-package/skill.json cannot be read ({type(exc).__name__})")
    models: dict[str, Any] = {}
    for path in sorted((root / "skill-package" / "interactionModels" / "custom").glob("*.json")):
        try:
            models[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            problems.append(f"the {path.stem} interaction model is not valid JSON")
    return manifest, models, problems


def check_package(
    root: Path,
    draft: bool = False,
    limits: bool = True,
    phrases_for: Callable[[str], dict[str, str]] = _phrases,
    policy: Path | None = None,
) -> Report:
    """Run every check on the package written at ``root``.

    ``phrases_for(locale)`` gives the phrase book whose suggested answers are
    checked (the installed content; tests pass a changed one); ``limits=False``
    skips the walk through the program; ``policy`` is the privacy policy page the
    links point to (docs/privacy.md), checked for its controller, contact and
    retention, and for placeholders left to fill.
    """
    from trust_renewal.cli.manifest_schema import schema_problems

    report = Report()
    manifest, models, problems = load_package(Path(root))
    report.failures += problems
    if manifest is None:
        return report
    for problem in schema_problems(manifest):
        # A draft may have no endpoint yet (the skill is created before its functions exist).
        excused = draft and problem == "manifest.apis.custom.endpoint is required"
        (report.notes if excused else report.failures).append(f"manifest: {problem}")
    report.checked.append("the manifest against Amazon's model (ask-smapi-model)")
    body = manifest.get("manifest") or {}
    locales = (body.get("publishingInformation") or {}).get("locales") or {}
    for locale in locales:
        if locale not in models:
            report.failures.append(f"{locale}: published, but the package has no interaction model for it")
    _icons(Path(root), locales, report)
    _example_phrases(locales, models, report)
    _listing(body, report)
    _privacy(body, draft, report)
    if policy is not None:
        _policy(Path(policy), draft, report)
    _endpoints(body, draft, report)
    _permissions(body, report)
    _intents(models, report)
    _answers(models, report, phrases_for)
    if limits:
        _limits(models, report)
    return report

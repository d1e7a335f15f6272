"""A strict interpreter of the APL for Audio the skill's document uses, for tests.

No APLA renderer runs offline, so documents are inflated here by a small strict
interpreter of the APLA 0.91 subset the document uses (Sequencer, Mixer,
Selector, Speech, Silence, Audio; data-array inflation; ``when``; the Repeat,
Volume, FadeIn and FadeOut filters). An unknown component, property, filter or
data path fails the test instead of playing nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from trust_renewal.render.apla import MAX_AUDIO_SECONDS, WORDS_PER_MINUTE
from trust_renewal.render.ssml import MAX_AUDIO_PER_RESPONSE, MAX_RESPONSE_BYTES, problems

# Devices as their requests look: APL for Audio plays on every device and is never listed.
ECHO: dict[str, Any] = {}  # a speaker (the skill declares only APL, which a speaker has not)
ECHO_SHOW = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}}}
APLA_DIRECTIVE = "Alexa.Presentation.APLA.RenderDocument"
# Sound library ids this project uses, with their lengths, as Amazon's Alexa Skills Kit
# Sound Library lists them (the data behind
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/ask-soundlibrary.html).
SOUND_LIBRARY = {
    "soundbank://soundlibrary/weather/rain/rain_06": 7.05,
    "soundbank://soundlibrary/water/nature/nature_10": 3.71,
    "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_02": 0.71,
}

# -- a strict inflater for the APLA the document uses -------------------------------------
BASE_PROPS = {"type", "when", "description", "duration", "id", "filter"}
COMPONENT_PROPS = {
    "Sequencer": {"data", "item", "items"},
    "Mixer": {"data", "item", "items"},
    "Selector": {"data", "item", "items"},
    "Speech": {"content", "contentType"},
    "Silence": set(),
    "Audio": {"source"},
}
FILTER_PROPS = {
    "Repeat": {"repeatCount"},
    "Volume": {"amount"},
    "FadeIn": {"duration"},
    "FadeOut": {"duration"},
}
_BINDING = re.compile(r"\$\{([^}]*)\}")
_TOKEN = re.compile(r"\s*([A-Za-z_][\w.]*|'[^']*'|-?\d+(?:\.\d+)?|==|!=|>=|<=|>|<)")


def _path(name: str, scope: dict[str, Any]) -> Any:
    head, *rest = name.split(".")
    assert head in scope, f"unknown name {head!r} in a binding"
    value = scope[head]
    for key in rest:
        if key == "length" and isinstance(value, list):
            value = len(value)
            continue
        assert isinstance(value, dict) and key in value, f"data path {name!r} is missing"
        value = value[key]
    return value


def _atom(token: str, scope: dict[str, Any]) -> Any:
    if token.startswith("'"):
        return token[1:-1]
    if re.fullmatch(r"-?\d+(?:\.\d+)?", token):
        return float(token) if "." in token else int(token)
    return _path(token, scope)


def evaluate(expr: str, scope: dict[str, Any]) -> Any:
    tokens = _TOKEN.findall(expr)
    assert "".join(tokens).replace(" ", "") == expr.replace(" ", ""), f"unsupported syntax {expr!r}"
    if len(tokens) == 1:
        return _atom(tokens[0], scope)
    assert len(tokens) == 3, f"unsupported expression {expr!r}"
    left, op, right = _atom(tokens[0], scope), tokens[1], _atom(tokens[2], scope)
    return {
        "==": left == right, "!=": left != right, ">": left > right,
        "<": left < right, ">=": left >= right, "<=": left <= right,
    }[op]  # fmt: skip


def bind(value: Any, scope: dict[str, Any]) -> Any:
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = _BINDING.fullmatch(value)
    if whole:
        return evaluate(whole.group(1), scope)
    return _BINDING.sub(lambda m: str(evaluate(m.group(1), scope)), value)


@dataclass
class Node:
    type: str
    props: dict[str, Any]
    filters: list[dict[str, Any]]
    children: list[Node] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def seconds(self, speech_rate: float = 1.0) -> float:
        """How long it plays (speech estimated at the content report's words per minute)."""
        if self.type == "Speech":
            words = len(re.sub(r"<[^>]+>", " ", self.props["content"]).split())
            return words * 60.0 / (WORDS_PER_MINUTE * speech_rate)
        if self.type == "Silence":
            return self.props["duration"] / 1000
        if self.type == "Audio":
            return SOUND_LIBRARY[self.props["source"]]
        timed = [c.seconds(speech_rate) for c in self.children if c.props.get("duration") != "trimToParent"]
        if self.type == "Mixer":
            return max(timed, default=0.0)
        return sum(timed)


def inflate(item: dict[str, Any], scope: dict[str, Any]) -> Node | None:
    assert isinstance(item, dict) and item.get("type") in COMPONENT_PROPS, f"unknown component {item!r}"
    kind = item["type"]
    unknown = set(item) - BASE_PROPS - COMPONENT_PROPS[kind]
    assert not unknown, f"{kind} has unknown properties {unknown}"
    if "when" in item and not bind(item["when"], scope):
        return None
    props = {k: bind(v, scope) for k, v in item.items() if k not in ("item", "items", "filter", "data")}
    filters = []
    for raw in item.get("filter") or []:
        assert raw.get("type") in FILTER_PROPS, f"unknown filter {raw!r}"
        assert set(raw) - {"type", "when", "description"} <= FILTER_PROPS[raw["type"]], raw
        filters.append({k: bind(v, scope) for k, v in raw.items()})
    node = Node(kind, props, filters)
    templates = item.get("items", item.get("item", []))
    templates = templates if isinstance(templates, list) else [templates]
    if "data" in item:
        data = bind(item["data"], scope)
        assert isinstance(data, list), f"{kind}.data is not an array"
        for index, element in enumerate(data):
            for template in templates:
                child = inflate(template, {**scope, "data": element, "index": index})
                if child is not None:
                    node.children.append(child)
    else:
        for template in templates:
            child = inflate(template, scope)
            if child is not None:
                node.children.append(child)
    if kind == "Selector":  # plays only the first child whose when holds
        node.children = node.children[:1]
        assert node.children, "a Selector with nothing to play"
    return node


def check_directive(directive: dict[str, Any]) -> Node:
    """Everything Alexa checks (and more): structure, bindings, sounds, SSML, fades and limits."""
    assert directive["type"] == "Alexa.Presentation.APLA.RenderDocument"
    document = directive["document"]
    assert document["type"] == "APLA" and document["version"] == "0.91"
    assert document["mainTemplate"]["parameters"] == list(directive["datasources"])
    scope = dict(directive["datasources"])
    root = inflate(document["mainTemplate"]["item"], scope)
    assert root is not None
    nodes = list(root.walk())
    for node in nodes:
        if node.type == "Speech":
            assert node.props["contentType"] == "SSML"
            assert problems(node.props["content"]) == [], node.props["content"]
        if node.type == "Silence":
            assert isinstance(node.props["duration"], int) and node.props["duration"] > 0
        if node.type == "Audio":
            assert node.props["source"] in SOUND_LIBRARY, node.props["source"]
        for f in node.filters:
            if f["type"] in ("FadeIn", "FadeOut"):
                assert isinstance(f["duration"], int) and 0 < f["duration"] <= node.seconds() * 1000
            if f["type"] == "Volume":
                assert re.fullmatch(r"\d{1,2}%", f["amount"]) and int(f["amount"][:-1]) <= 30
    # Alexa's limits: the whole response at most 240 s, sound clips few, the response small.
    assert root.seconds(speech_rate=0.9) <= MAX_AUDIO_SECONDS
    assert sum(1 for n in nodes if n.type == "Audio") <= MAX_AUDIO_PER_RESPONSE
    assert len(json.dumps(directive).encode()) <= MAX_RESPONSE_BYTES // 2
    return root


def bed_of(root: Node) -> Node:
    (mixer,) = [n for n in root.walk() if n.type == "Mixer"]
    beds = [c for c in mixer.children if c.type == "Audio"]
    assert len(beds) == 1 and beds[0].props["duration"] == "trimToParent"
    return beds[0]


def apla_of(response: dict[str, Any]) -> dict[str, Any] | None:
    """The APLA directive of a response envelope, if it has one."""
    found = [d for d in response["response"].get("directives") or [] if d["type"] == APLA_DIRECTIVE]
    return found[0] if found else None


def played_ssml(response: dict[str, Any]) -> list[str]:
    """Every piece of SSML the device plays, in order: outputSpeech, then the document's Speech."""
    body = response.get("response") or {}
    pieces = [body["outputSpeech"]["ssml"]] if (body.get("outputSpeech") or {}).get("ssml") else []
    directive = apla_of(response) if "response" in response else None
    if directive is not None:
        root = check_directive(directive)
        pieces += [n.props["content"] for n in root.walk() if n.type == "Speech"]
    return pieces

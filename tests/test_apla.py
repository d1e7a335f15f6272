"""APL for Audio: reflections and quiet turns over a soft bed, the limits, and the fallbacks to SSML.

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

import pytest

from conversation_driver import Talk
from trust_renewal.conversation.reply import Line, Reply, ref, say
from trust_renewal.render.apla import (
    APLA_INTERFACE,
    MAX_AUDIO_SECONDS,
    WORDS_PER_MINUTE,
    guide_directive,
    guide_text,
    sounds,
)
from trust_renewal.render.ssml import MAX_AUDIO_PER_RESPONSE, MAX_RESPONSE_BYTES, problems
from trust_renewal.storage.memory import MemoryStore

ECHO = {APLA_INTERFACE: {}}  # a speaker that plays APL for Audio
ECHO_SHOW = {APLA_INTERFACE: {}, "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}}}
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


def _bed(root: Node) -> Node:
    (mixer,) = [n for n in root.walk() if n.type == "Mixer"]
    beds = [c for c in mixer.children if c.type == "Audio"]
    assert len(beds) == 1 and beds[0].props["duration"] == "trimToParent"
    return beds[0]


# -- the document and the sounds ------------------------------------------------------------
def test_every_sound_is_from_amazons_library_with_its_listed_length():
    config = sounds()
    used = [bed["source"] for bed in config["beds"].values()] + [config["chime"]["source"]]
    lengths = [bed["seconds"] for bed in config["beds"].values()] + [config["chime"]["seconds"]]
    for source, seconds in zip(used, lengths, strict=True):
        assert SOUND_LIBRARY[source] == seconds
    # The chime in SSML and in the documents is the same sound.
    from trust_renewal.render.markup import CHIME_URL

    assert config["chime"]["source"] == CHIME_URL


def test_a_reflection_plays_speech_silence_and_the_end_cue_over_a_faded_bed(content):
    reflection = content.path[0]
    reply = Reply(speech=(say("welcome.back"), ref(f"prompt:{reflection.id}:0"), say("cue.exercise")))
    directive = guide_directive(reply, content, "on", "en-US")
    root = check_directive(directive)
    sequence = [n.type for n in root.walk() if n.type in ("Speech", "Silence", "Audio")]
    # Said first (no bed), then the reflection with its 4 s and 15 s silences over the bed,
    # then the chime that ends a long pause, then what to say next.
    assert sequence == ["Speech", "Speech", "Silence", "Speech", "Silence", "Audio", "Audio", "Speech"]
    silences = [n.props["duration"] for n in root.walk() if n.type == "Silence"]
    assert silences == [4000, 15000]
    bed = _bed(root)
    assert bed.props["source"] == sounds()["beds"]["rain"]["source"]
    assert [f["type"] for f in bed.filters] == ["Repeat", "Volume", "FadeIn"]
    assert bed.filters[0]["repeatCount"] == -1 and bed.filters[1]["amount"] == "20%"
    (mixer,) = [n for n in root.walk() if n.type == "Mixer"]
    assert [f["type"] for f in mixer.filters] == ["FadeOut"]
    texts = [n.props["content"] for n in root.walk() if n.type == "Speech"]
    assert "Welcome back" in texts[0] and "prosody" not in texts[0]
    assert 'rate="90%"' in texts[1] and 'amazon:domain name="long-form"' in texts[1]
    assert guide_text(directive).count("(soft rain underneath,") == 2


def test_a_quiet_partner_turn_is_silence_of_its_length_under_water_then_the_chime(content):
    # As the quiet-turn contract has it: the turn prompt, the quiet Line, the question after.
    turn = next(ex for ex in content.path if ex.kind == "turn_taking")
    quiet = Line("quiet", (("seconds", "120"), ("who", "Maya")))
    instruction = ref(f"prompt:{turn.id}:0", speaker="Maya", listener="Jordan")
    reply = Reply(speech=(instruction, quiet, say("cue.turn")))
    directive = guide_directive(reply, content, "on", "en-US")
    root = check_directive(directive)
    (mixer,) = [n for n in root.walk() if n.type == "Mixer"]
    timed = [n for n in mixer.children[0].walk() if n.type == "Silence"]
    assert [n.props["duration"] for n in timed] == [120_000]
    assert _bed(root).props["source"] == sounds()["beds"]["water"]["source"]
    after = [n.type for n in root.children[-1].walk() if n.type in ("Audio", "Speech")]
    assert after == ["Audio", "Speech"]  # the chime, then the short question
    assert "Maya" in guide_text(directive).split("(gently running water underneath, 120 s)")[0]


def test_quieter_lowers_the_bed_and_off_leaves_plain_ssml(content):
    reply = Reply(speech=(ref(f"prompt:{content.path[0].id}:1"),))
    quieter = check_directive(guide_directive(reply, content, "quieter", "en-US"))
    assert _bed(quieter).filters[1]["amount"] == "10%"
    assert guide_directive(reply, content, "off", "en-US") is None


def test_replies_without_a_reflection_or_quiet_turn_stay_ssml(content):
    plain = Reply(speech=(say("welcome.back"), say("cue.home")))
    assert guide_directive(plain, content, "on", "en-US") is None


def test_long_form_only_where_the_locale_has_it(content):
    reply = Reply(speech=(ref(f"prompt:{content.path[0].id}:1"),))
    gb = json.dumps(guide_directive(reply, content, "on", "en-GB"))
    assert "long-form" not in gb and "prosody" in gb


def test_a_reply_over_alexas_audio_limit_falls_back_to_ssml(content):
    too_long = Line("quiet", (("seconds", str(int(MAX_AUDIO_SECONDS))), ("who", "")))
    assert guide_directive(Reply(speech=(too_long, say("cue.turn"))), content, "on", "en-US") is None
    fits = Line("quiet", (("seconds", "180"), ("who", "")))
    assert guide_directive(Reply(speech=(fits, say("cue.turn"))), content, "on", "en-US") is not None


def test_every_reflection_in_the_program_fits_alexas_limits(content):
    """Every prompt that holds a pause, alone and after the longest lead the skill puts before one."""
    lead = (say("welcome.first_short"), ref(f"step_intro:{content.steps[0].id}"))
    checked = reflections = 0
    for exercise in content.exercises_by_id.values():
        for index, prompt in enumerate(exercise.prompts):
            if "[pause " not in prompt.say:
                continue
            reflections += 1
            line = ref(f"prompt:{exercise.id}:{index}", speaker="Maya", listener="Jordan")
            for speech in ((line,), (*lead, ref(f"intro:{exercise.id}"), line, say("cue.exercise"))):
                directive = guide_directive(Reply(speech=speech), content, "on", "en-US")
                assert directive is not None, (exercise.id, index)
                check_directive(directive)
                checked += 1
    assert reflections > 90 and checked == 2 * reflections


# -- through the real skill -----------------------------------------------------------------
def _directive(talk: Talk, kind: str = "Alexa.Presentation.APLA.RenderDocument") -> dict[str, Any] | None:
    found = [d for d in talk.last["response"].get("directives") or [] if d["type"] == kind]
    return found[0] if found else None


def _nexts(exercise) -> int:
    return sum(4 if p.turns else 1 for p in exercise.prompts)


def _holds_reflection(talk: Talk, content) -> bool:
    """Whether the last reply had a line with a pause in it (from the session's state)."""
    from trust_renewal.render.markup import Pause, parse
    from trust_renewal.render.reply import line_markup

    for raw in talk.builder.attributes.get("state", {}).get("last", []):
        line = Line.from_json(raw)
        if not line.key.startswith("person:") and any(
            isinstance(t, Pause) for t in parse(line_markup(line, content)[0])
        ):
            return True
    return False


def test_the_whole_program_on_an_echo_every_document_valid(content):
    """Walk the program on a speaker with APLA: every reflection comes as a valid document."""
    talk = Talk.on_store(MemoryStore(), supported_interfaces=ECHO)
    talk.launch()
    talk.say("SetNamesIntent", firstName="Maya", secondName="Jordan")
    documents = spoken = 0
    for exercise in content.path:
        talk.say("AMAZON.YesIntent")
        for _ in range(_nexts(exercise) + 1):
            directive = _directive(talk)
            response = talk.last["response"]
            assert len(json.dumps(talk.last).encode()) < MAX_RESPONSE_BYTES
            assert (directive is not None) == _holds_reflection(talk, content), response
            if directive is not None:
                documents += 1
                check_directive(directive)
                assert "outputSpeech" not in response  # all the speech is in the document
                reprompt = response["reprompt"]["outputSpeech"]["ssml"]
                assert len(reprompt) < 400 and "<audio" not in reprompt  # short speech
            else:
                spoken += 1
            if talk.ended:
                break
            talk.say("AMAZON.NextIntent")
    assert documents > 80 and spoken > 100


def test_a_device_without_apla_hears_the_same_reflection_as_ssml(content):
    echo = Talk.on_store(MemoryStore(), supported_interfaces=ECHO)
    plain = Talk.on_store(MemoryStore(), supported_interfaces={})
    for talk in (echo, plain):
        talk.launch()
        talk.say("AMAZON.YesIntent")
    assert _directive(plain) is None and "(pause 15 s) (soft chime)" in plain.text
    words = guide_text(_directive(echo))
    assert re.sub(r"\([^)]*\)", "", words).split() == re.sub(r"\([^)]*\)", "", plain.text).split()


def test_an_echo_show_gets_the_screen_and_the_sound(content):
    talk = Talk.on_store(MemoryStore(), supported_interfaces=ECHO_SHOW)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    screen = _directive(talk, "Alexa.Presentation.APL.RenderDocument")
    assert screen is not None and screen["datasources"]["payload"]["screen"]["text"]
    check_directive(_directive(talk))


def test_a_failed_document_is_noted_quietly():
    talk = Talk.on_store(MemoryStore(), supported_interfaces=ECHO)
    talk.launch()
    envelope = talk.builder.intent("AMAZON.NextIntent")
    envelope["request"] = {
        "type": "Alexa.Presentation.APLA.RuntimeError",
        "requestId": "amzn1.echo-api.request.apla-error",
        "timestamp": envelope["request"]["timestamp"],
        "locale": "en-US",
        "token": "trustRenewalGuide",
        "errors": [{"type": "AUDIO_SOURCE_ERROR", "reason": "NOT_FOUND_ERROR", "message": "missing"}],
    }
    response = talk.send(envelope)
    assert "outputSpeech" not in response["response"]


@pytest.mark.parametrize("interfaces", [ECHO, {}])
def test_the_chat_and_lambda_agree_on_the_words(interfaces, content):
    talk = Talk.on_store(MemoryStore(), supported_interfaces=interfaces)
    talk.launch()
    talk.say("AMAZON.YesIntent")
    directive = _directive(talk)
    text = guide_text(directive) if directive else talk.text
    assert content.exercise(content.path[0].id).prompts[0].card.split(".")[0] in text

"""The screen (APL): the document's structure and bindings, what each kind of screen shows, touch.

No APL renderer runs offline, so the document is inflated here by a small
interpreter of the APL subset it uses (data binding, ``when``, resources,
styles, layouts with parameters), strictly: an unknown component, property,
resource, style or data path fails the test instead of rendering blank.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from support.conversation_driver import Talk
from trust_renewal.content import load_content
from trust_renewal.conversation import State
from trust_renewal.conversation.reply import Reply, say
from trust_renewal.conversation.situation import Situation
from trust_renewal.handlers.requests import UserEventHandler
from trust_renewal.render.apl import (
    APL_INTERFACE,
    DOCUMENT_TOKEN,
    basic_document,
    document_for,
    screen_data,
    screen_directive,
    screen_document,
    supports_screen,
)
from trust_renewal.storage.memory import MemoryStore

APL_DEVICE = {APL_INTERFACE: {"runtime": {"maxVersion": "2024.3"}}}
# The viewport classes of the alexa-viewport-profiles package the document is built for.
PROFILES = (
    "hubRoundSmall",
    "hubLandscapeSmall",
    "hubLandscapeMedium",
    "hubLandscapeLarge",
    "hubLandscapeXLarge",
    "hubPortraitMedium",
    "tvLandscapeXLarge",
)
THEMES = ("dark", "light")

# -- a strict inflater for the APL the document uses ------------------------------------
COMMON_PROPS = {
    "type", "when", "id", "description", "style", "inheritParentState", "width", "height",
    "minWidth", "maxWidth", "minHeight", "maxHeight", "grow", "shrink", "position", "left", "right",
    "top", "bottom", "paddingLeft", "paddingRight", "paddingTop", "paddingBottom", "opacity",
    "display", "accessibilityLabel", "role", "spacing", "alignSelf",
}  # fmt: skip
COMPONENT_PROPS = {
    "Container": {"items", "item", "direction", "alignItems", "justifyContent", "wrap"},
    "Frame": {"item", "items", "backgroundColor", "borderColor", "borderWidth", "borderRadius"},
    "Text": {
        "text", "color", "fontSize", "fontWeight", "lineHeight", "maxLines", "textAlign", "textAlignVertical",
    },
    "ScrollView": {"item", "items"},
    "TouchWrapper": {"item", "items", "onPress"},
}
MULTI_CHILD = {"Container"}
COMMANDS = {"SendEvent": {"type", "arguments", "components", "description"}}
_TOKEN = re.compile(r"\s*(@\w+|[A-Za-z_][\w.]*|'[^']*'|\d+(?:\.\d+)?|==|!=|\|\||&&|!|\(|\))")


class Expr:
    """APL data-binding expressions: paths, @resources, 'strings', numbers, == != || && ! ( )."""

    def __init__(self, text: str, scope: dict[str, Any], resources: dict[str, Any]) -> None:
        self.tokens = self._tokens(text)
        self.scope, self.resources, self.pos = scope, resources, 0

    @staticmethod
    def _tokens(text: str) -> list[str]:
        out, pos = [], 0
        while pos < len(text.rstrip()):
            match = _TOKEN.match(text, pos)
            assert match, f"unsupported expression syntax at {text[pos:]!r}"
            out.append(match.group(1))
            pos = match.end()
        return out

    def value(self) -> Any:
        result = self._or()
        assert self.pos == len(self.tokens), f"unparsed {self.tokens[self.pos:]}"
        return result

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> str:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            left = left or right
        return left

    def _and(self) -> Any:
        left = self._compare()
        while self._peek() == "&&":
            self._take()
            right = self._compare()
            left = left and right
        return left

    def _compare(self) -> Any:
        left = self._unary()
        if self._peek() in ("==", "!="):
            op = self._take()
            right = self._unary()
            return (left == right) if op == "==" else (left != right)
        return left

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not self._unary()
        if self._peek() == "(":
            self._take()
            inner = self._or()
            assert self._take() == ")"
            return inner
        return self._atom(self._take())

    def _atom(self, token: str) -> Any:
        if token.startswith("@"):
            assert token in self.resources, f"unknown resource {token}"
            return self.resources[token]
        if token.startswith("'"):
            return token[1:-1]
        if token[0].isdigit():
            return float(token)
        head, *path = token.split(".")
        assert head in self.scope, f"unknown name {head!r} in a binding"
        value = self.scope[head]
        for part in path:
            assert isinstance(value, dict) and part in value, f"no data at {token!r}"
            value = value[part]
        return value


def evaluate(value: Any, scope: dict[str, Any], resources: dict[str, Any]) -> Any:
    """A property value with its bindings and resource references resolved."""
    if isinstance(value, list):
        return [evaluate(v, scope, resources) for v in value]
    if not isinstance(value, str):
        return value
    if value.startswith("@"):
        assert value in resources, f"unknown resource {value}"
        return resources[value]
    whole = re.fullmatch(r"\$\{(.*)\}", value)
    if whole and "${" not in whole.group(1):
        return Expr(whole.group(1), scope, resources).value()
    return re.sub(r"\$\{([^}]*)\}", lambda m: str(Expr(m.group(1), scope, resources).value()), value)


@dataclass
class Node:
    type: str
    props: dict[str, Any]
    children: list[Node] = field(default_factory=list)

    def walk(self) -> list[Node]:
        return [self, *(n for c in self.children for n in c.walk())]


def viewport_resources(document: dict[str, Any], profile: str, theme: str) -> tuple[dict, dict]:
    """The document's resources for one viewport class and theme, as the device would resolve them."""
    assert document["import"] == [{"name": "alexa-viewport-profiles", "version": "1.6.0"}]
    resources = {f"@{p}": p for p in PROFILES}
    resources["@viewportProfile"] = profile
    scope = {"viewport": {"theme": theme}}
    for block in document["resources"]:
        if "when" in block and not evaluate(block["when"], scope, resources):
            continue
        for kind in ("colors", "dimensions"):
            resources.update({f"@{k}": v for k, v in block.get(kind, {}).items()})
    return resources, scope


def inflate(document: dict[str, Any], datasources: dict[str, Any], profile: str, theme: str) -> Node:
    resources, scope = viewport_resources(document, profile, theme)
    scope = {**scope, **{p: datasources[p] for p in document["mainTemplate"]["parameters"]}}
    root = _first(document, document["mainTemplate"]["items"], scope, resources)
    assert root is not None, "nothing inflates"
    return root


def _first(doc: dict, items: list, scope: dict, resources: dict) -> Node | None:
    for item in items:
        node = _component(doc, item, scope, resources)
        if node is not None:
            return node
    return None


def _component(doc: dict, spec: dict, scope: dict, resources: dict) -> Node | None:
    if "when" in spec and not evaluate(spec["when"], scope, resources):
        return None
    kind = spec["type"]
    if kind in doc["layouts"]:
        layout = doc["layouts"][kind]
        params = {p["name"]: p.get("default") for p in layout["parameters"]}
        unknown = set(spec) - set(params) - {"type", "when"}
        assert not unknown, f"{kind} has no parameters {unknown}"
        bound = {**scope, **params}
        bound.update({k: evaluate(v, scope, resources) for k, v in spec.items() if k in params})
        return _first(doc, layout["items"], bound, resources)
    assert kind in COMPONENT_PROPS, f"unknown component type {kind!r}"
    unknown = set(spec) - COMMON_PROPS - COMPONENT_PROPS[kind]
    assert not unknown, f"{kind} has no properties {unknown}"
    props: dict[str, Any] = {}
    if "style" in spec:
        style = doc["styles"][spec["style"]]  # KeyError: unknown style
        state = {"state": {"pressed": False, "focused": False}}
        for entry in style["values"]:
            if "when" not in entry or evaluate(entry["when"], {**scope, **state}, resources):
                props.update({k: evaluate(v, scope, resources) for k, v in entry.items() if k != "when"})
    for key, value in spec.items():
        if key in ("item", "items", "onPress", "when"):
            continue
        props[key] = evaluate(value, scope, resources)
    if "onPress" in spec:
        props["onPress"] = [_command(c, scope, resources) for c in spec["onPress"]]
    children = spec.get("items", spec.get("item", []))
    children = children if isinstance(children, list) else [children]
    if kind in MULTI_CHILD:
        nodes = [_component(doc, c, scope, resources) for c in children]
        return Node(kind, props, [n for n in nodes if n is not None])
    child = _first(doc, children, scope, resources)
    return Node(kind, props, [child] if child else [])


def _command(spec: dict, scope: dict, resources: dict) -> dict:
    assert spec["type"] in COMMANDS, f"unknown command {spec['type']}"
    assert set(spec) <= COMMANDS[spec["type"]]
    return {k: evaluate(v, scope, resources) for k, v in spec.items()}


def texts(root: Node) -> list[str]:
    return [n.props["text"] for n in root.walk() if n.type == "Text"]


def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# -- fixtures: real conversation states ----------------------------------------------------
CONTENT = load_content("en-US")


def _turn_exercise():
    return next(ex for ex in CONTENT.path if any(p.turns for p in ex.prompts))


def _prompt_state(turn: int = 0, names: tuple[str, ...] = ("Maya", "Jordan")) -> tuple[State, Reply]:
    exercise = _turn_exercise()
    index = next(i for i, p in enumerate(exercise.prompts) if p.turns)
    finished = tuple(ex.id for ex in CONTENT.path[:6])
    state = State(
        exercise_id=exercise.id, prompt=index, turn=turn, started=True, situation=Situation.PROMPT,
        names=names, finished=finished,
    )  # fmt: skip
    from trust_renewal.conversation.exercise import speak_position

    return speak_position(state, CONTENT)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return screen_document()


# -- structure and binding ------------------------------------------------------------------
def test_document_is_apl_with_a_payload_template(document):
    assert document["type"] == "APL"
    assert re.fullmatch(r"2023\.\d|2024\.\d", document["version"])
    assert document["mainTemplate"]["parameters"] == ["payload"]
    assert len(json.dumps(document)) < 24_000  # well inside Alexa's response size


def test_every_binding_in_the_document_names_data_the_skill_sends(document):
    state, reply = _prompt_state()
    screen = screen_data(reply, state, CONTENT)["screen"]
    used = set(re.findall(r"(?:payload\.screen|\bscreen)\.(\w+)", json.dumps(document)))
    assert used, "the document binds no data"
    assert used <= set(screen), used - set(screen)
    # ...and nothing is sent that the screen never shows.
    assert set(screen) <= used, set(screen) - used


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("profile", PROFILES)
def test_the_document_inflates_on_every_viewport_class(document, profile, theme):
    state, reply = _prompt_state()
    root = inflate(document, {"payload": screen_data(reply, state, CONTENT)}, profile, theme)
    shown = texts(root)
    exercise = _turn_exercise()
    prompt = exercise.prompts[state.prompt]
    assert exercise.title in shown and prompt.card in shown
    assert "Maya speaks. Jordan listens." in shown
    assert "Next" in shown
    for node in root.walk():
        if node.type == "Text":
            assert str(node.props["color"]).startswith("#") and node.props["fontSize"].endswith("dp")


@pytest.mark.parametrize("profile", PROFILES)
def test_each_viewport_class_gets_its_own_layout(document, profile):
    state, reply = _prompt_state()
    data = screen_data(reply, state, CONTENT)
    shown = texts(inflate(document, {"payload": data}, profile, "dark"))
    step_heading, hint = data["screen"]["heading"], data["screen"]["hint"]
    if profile == "hubRoundSmall":
        # Round screens keep to the essentials: no step heading or hint squeezed in.
        assert step_heading not in shown and hint not in shown
    else:
        assert step_heading in shown and hint in shown and data["screen"]["progressText"] in shown


@pytest.mark.parametrize("profile", PROFILES)
def test_text_is_large_enough_to_read_across_a_room(document, profile):
    state, reply = _prompt_state()
    root = inflate(document, {"payload": screen_data(reply, state, CONTENT)}, profile, "dark")
    card_text = screen_data(reply, state, CONTENT)["screen"]["text"]
    prompt_text = next(n for n in root.walk() if n.type == "Text" and n.props["text"] == card_text)
    assert int(prompt_text.props["fontSize"][:-2]) >= 28
    assert all(int(n.props["fontSize"][:-2]) >= 18 for n in root.walk() if n.type == "Text")


@pytest.mark.parametrize("theme", THEMES)
def test_colours_are_readable_in_light_and_dark(document, theme):
    resources, _ = viewport_resources(document, "hubLandscapeMedium", theme)
    background = resources["@colorBackground"]
    for name in ("@colorText", "@colorMuted", "@colorAccent"):
        assert contrast(resources[name], background) >= 4.5, (theme, name)
    assert contrast(resources["@colorOnAccent"], resources["@colorAccent"]) >= 4.5
    # The progress bar's fill stands out from its track (WCAG's 3:1 for graphics).
    assert contrast(resources["@colorAccent"], resources["@colorTrack"]) >= 3


def test_light_and_dark_really_differ(document):
    dark, _ = viewport_resources(document, "hubLandscapeMedium", "dark")
    light, _ = viewport_resources(document, "hubLandscapeMedium", "light")
    assert dark["@colorBackground"] != light["@colorBackground"]


def test_the_progress_bar_shows_the_share_of_the_program_finished(document):
    state, reply = _prompt_state()
    data = screen_data(reply, state, CONTENT)
    done, total = 6, len(CONTENT.path)
    assert data["screen"]["progress"] == round(100 * done / total)
    assert data["screen"]["progressText"] == f"{done} of {total} exercises finished"
    root = inflate(document, {"payload": data}, "hubLandscapeMedium", "dark")
    fills = [n for n in root.walk() if n.type == "Frame" and str(n.props.get("width", "")).endswith("%")]
    assert f"{round(100 * done / total)}%" in {n.props["width"] for n in fills}


def test_the_turn_label_follows_the_turn_and_uses_neutral_words_without_names():
    labels = [screen_data(*reversed(_prompt_state(turn)), CONTENT)["screen"]["turn"] for turn in range(4)]
    assert labels == [
        "Maya speaks. Jordan listens.",
        "Jordan says back what they heard from Maya.",
        "Jordan speaks. Maya listens.",
        "Maya says back what they heard from Jordan.",
    ]
    state, reply = _prompt_state(0, names=())
    assert screen_data(reply, state, CONTENT)["screen"]["turn"] == "Partner one speaks. Partner two listens."


def test_the_next_button_sends_an_event_the_skill_handles(document):
    state, reply = _prompt_state()
    root = inflate(document, {"payload": screen_data(reply, state, CONTENT)}, "hubLandscapeMedium", "dark")
    buttons = [n for n in root.walk() if n.type == "TouchWrapper"]
    assert len(buttons) == 1 and buttons[0].props["accessibilityLabel"]
    (press,) = buttons[0].props["onPress"]
    assert press["type"] == "SendEvent"
    assert press["arguments"][0] in UserEventHandler.EVENTS
    assert UserEventHandler.EVENTS[press["arguments"][0]] == "next"


# -- through the real skill ------------------------------------------------------------------
def _talk(supported: dict[str, Any] | None) -> Talk:
    return Talk.on_store(MemoryStore(), supported_interfaces=supported)


def _directives(talk: Talk) -> list[dict[str, Any]]:
    return talk.last["response"].get("directives") or []


def _screen(talk: Talk) -> dict[str, Any]:
    (directive,) = [d for d in _directives(talk) if d["type"] == "Alexa.Presentation.APL.RenderDocument"]
    assert directive["token"] == DOCUMENT_TOKEN
    return directive["datasources"]["payload"]["screen"]


def _touch(talk: Talk, arguments: list[Any]) -> str:
    """Touch a button: the APL UserEvent Alexa sends, inside the running session."""
    envelope = talk.builder.intent("AMAZON.NextIntent")  # the session and context as Alexa keeps them
    envelope["request"] = {
        "type": "Alexa.Presentation.APL.UserEvent",
        "requestId": "amzn1.echo-api.request.touch",
        "timestamp": envelope["request"]["timestamp"],
        "locale": envelope["request"]["locale"],
        "token": DOCUMENT_TOKEN,
        "arguments": arguments,
        "source": {"type": "TouchWrapper", "handler": "Press", "id": "nextButton"},
    }
    talk.send(envelope)
    return talk.text


def test_each_prompt_is_shown_on_a_screen_and_touching_next_moves_on(document):
    talk = _talk(APL_DEVICE)
    talk.launch()
    offer = _screen(talk)
    first = CONTENT.path[0]
    assert offer["title"] == first.title and offer["text"] == talk.text
    talk.say("AMAZON.YesIntent")
    assert _screen(talk)["text"] == first.prompts[0].card
    # Press the button exactly as the document defines it.
    root = inflate(document, {"payload": {"screen": _screen(talk)}}, "hubLandscapeSmall", "light")
    (button,) = [n for n in root.walk() if n.type == "TouchWrapper"]
    spoken = _touch(talk, button.props["onPress"][0]["arguments"])
    from trust_renewal.render.markup import to_plain

    assert to_plain(first.prompts[1].say) in spoken
    assert _screen(talk)["text"] == first.prompts[1].card
    assert not talk.ended


def test_no_screen_directive_for_a_device_without_apl():
    talk = _talk({"AudioPlayer": {}})
    talk.launch()
    talk.say("AMAZON.YesIntent")
    assert talk.card is not None  # the card is still there for the Alexa app
    # No screen; the reflection's sound (APL for Audio) plays on every device, screen or not.
    types = [d["type"] for d in _directives(talk)]
    assert not any(t.startswith("Alexa.Presentation.APL.") for t in types)
    assert types == ["Alexa.Presentation.APLA.RenderDocument"]


def test_older_apl_gets_the_plain_document_and_only_pre_apl_devices_get_none():
    old = {APL_INTERFACE: {"runtime": {"maxVersion": "1.4"}}}
    assert document_for(old) == basic_document()
    assert document_for({APL_INTERFACE: {"runtime": {"maxVersion": "2023.2"}}}) == basic_document()
    assert document_for({APL_INTERFACE: {"runtime": {"maxVersion": "2023.3"}}}) == screen_document()
    assert document_for(APL_DEVICE) == screen_document()
    assert document_for({APL_INTERFACE: {}}) == screen_document()  # no version given: trust the interface
    assert document_for({APL_INTERFACE: {"runtime": {"maxVersion": "1.0"}}}) is None
    assert supports_screen(old) and not supports_screen({})


def test_the_plain_document_binds_only_what_the_skill_sends_and_uses_apl_1_1_alone():
    document = basic_document()
    assert document["version"] == "1.1" and "import" not in document
    state, reply = _prompt_state()
    screen = screen_data(reply, state, CONTENT)["screen"]
    used = set(re.findall(r"payload\.screen\.(\w+)", json.dumps(document)))
    assert {"title", "text", "turn", "next", "nextSpoken"} <= used <= set(screen)
    kinds = set(re.findall(r'"type": "(\w+)"', json.dumps(document)))
    # Components and commands APL has had since 1.0.
    assert kinds <= {"APL", "Container", "Frame", "Text", "ScrollView", "TouchWrapper", "SendEvent"}, kinds


def test_a_device_on_old_apl_is_shown_each_prompt_and_can_touch_next():
    talk = _talk({APL_INTERFACE: {"runtime": {"maxVersion": "1.4"}}})
    talk.launch()
    talk.say("AMAZON.YesIntent")
    (directive,) = [d for d in _directives(talk) if d["type"] == "Alexa.Presentation.APL.RenderDocument"]
    assert directive["document"]["version"] == "1.1"
    first = CONTENT.path[0]
    assert directive["datasources"]["payload"]["screen"]["text"] == first.prompts[0].card
    press = [c for c in re.findall(r'"arguments": \["(\w+)"\]', json.dumps(directive["document"]))]
    assert press == ["next"]
    spoken = _touch(talk, press)
    from trust_renewal.render.markup import to_plain

    assert to_plain(first.prompts[1].say) in spoken


def test_no_screen_on_a_goodbye():
    state = State()
    bye = Reply(speech=(say("bye.plain"),), end_session=True)
    assert screen_directive(APL_DEVICE, bye, state, CONTENT) is None
    assert screen_directive(APL_DEVICE, Reply(speech=(say("home.menu"),)), state, CONTENT) is not None


def test_the_screen_names_the_step_and_the_exercise():
    state, reply = _prompt_state()
    exercise = _turn_exercise()
    step = CONTENT.step_of(exercise.id)
    data = screen_data(reply, state, CONTENT)["screen"]
    assert data["heading"] == f"Step {step.number} of {len(CONTENT.steps)}: {step.title}"
    assert data["title"] == exercise.title
    assert data["hint"] == CONTENT.phrase("screen.hint_turn")


# -- cards in the Alexa app ----------------------------------------------------------------------
def test_every_prompt_is_a_card_and_a_finished_exercise_leaves_all_its_prompts():
    talk = _talk(None)
    talk.launch()
    first = CONTENT.path[0]
    talk.say("AMAZON.YesIntent")
    seen = []
    for _ in first.prompts:
        assert talk.card["title"] == first.title
        seen.append(talk.card["content"])
        talk.say("AMAZON.NextIntent")
    assert seen == [p.card for p in first.prompts]
    # The exercise is over: one card with the whole of it, to read again later.
    assert talk.finished == [first.id]
    assert talk.card["title"] == first.title
    for prompt in first.prompts:
        assert prompt.card in talk.card["content"]


def test_a_turn_taking_exercise_card_keeps_every_prompt():
    from trust_renewal.conversation.exercise import finish

    exercise = _turn_exercise()
    state = State(exercise_id=exercise.id, started=True, situation=Situation.PROMPT)
    _, reply = finish(state, CONTENT, "2026-11-21")
    assert reply.card is not None and reply.card.title.key == f"title:{exercise.id}"
    assert [line.key for line in reply.card.body] == [
        f"card:{exercise.id}:{i}" for i in range(len(exercise.prompts))
    ]


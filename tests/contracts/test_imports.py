"""The package's layers: no import cycle, and no module importing a layer above its own.

Read from the source with ``ast``, imports inside functions included: a loop
dodged by importing late is still a loop. docs/architecture.md ("Layers")
draws the same layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "lambda"
PACKAGE = "trust_renewal"

# Each layer, the module prefixes it holds, and the layers it may import (its own included).
LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "base": (("spelling", "logging_setup", "alexa_api", "config"), ("base",)),
    "content": (("content",), ("base", "content")),
    "conversation": (("conversation",), ("base", "content", "conversation")),
    "render": (("render",), ("base", "content", "conversation", "render")),
    "storage": (("storage",), ("base", "storage")),
    "models": (("interaction_models",), ("base", "content", "models")),
    "envelopes": (("envelopes", "envelope_checks", "device_interfaces", "admission"), ("base", "envelopes")),
    "handlers": (
        ("handlers",),
        ("base", "content", "conversation", "render", "storage", "envelopes", "handlers"),
    ),
    "app": (
        ("skill", "runtime"),
        ("base", "content", "conversation", "render", "storage", "envelopes", "handlers", "app"),
    ),
    "web": (("web",), ("base", "envelopes", "app", "web")),
    "cli": (
        ("cli",),
        (
            "base",
            "content",
            "conversation",
            "render",
            "storage",
            "models",
            "envelopes",
            "handlers",
            "app",
            "web",
            "cli",
        ),
    ),
}
# Layers whose modules import the package at the top: a late import there only hides a loop.
# (Storage may load its own AWS helpers late: botocore is slow to import on a cold start.)
NO_LATE_IMPORTS = ("content", "conversation", "render", "handlers")


def _modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / PACKAGE).rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _owner(name: str) -> str:
    """The module an imported name lives in (``pkg.mod.func`` -> ``pkg.mod``)."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, inside a function) for every import of this package."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, late: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = late or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module and child.module.split(".")[0] == PACKAGE:
                for alias in child.names:
                    found.append((_owner(f"{child.module}.{alias.name}"), inner))
            elif isinstance(child, ast.Import):
                found.extend((_owner(a.name), inner) for a in child.names if a.name.split(".")[0] == PACKAGE)
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _layer(module: str) -> str | None:
    rest = module.removeprefix(PACKAGE).lstrip(".")
    for layer, (prefixes, _) in LAYERS.items():
        if any(rest == p or rest.startswith(p + ".") for p in prefixes):
            return layer
    return None


def test_every_module_belongs_to_a_layer() -> None:
    unplaced = sorted(m for m in MODULES if m != PACKAGE and _layer(m) is None)
    assert unplaced == [], f"add these modules to a layer in LAYERS (and to docs/architecture.md): {unplaced}"


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for module, imports in GRAPH.items():
        layer = _layer(module)
        if layer is None:
            continue
        for target, _ in imports:
            target_layer = _layer(target)
            if target_layer is not None and target_layer not in LAYERS[layer][1]:
                upward.append(f"{module} ({layer}) imports {target} ({target_layer})")
    assert upward == [], "imports that point up a layer:\n" + "\n".join(sorted(set(upward)))


def test_there_is_no_import_cycle() -> None:
    edges = {m: sorted({t for t, _ in imports if t != m}) for m, imports in GRAPH.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in edges.get(module, []):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target)
        path.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            walk(module)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_core_layers_import_at_the_top() -> None:
    late = sorted(
        f"{module} imports {target} inside a function"
        for module, imports in GRAPH.items()
        if _layer(module) in NO_LATE_IMPORTS
        for target, inside in imports
        if inside
    )
    assert late == [], "move these imports to the top of the module:\n" + "\n".join(late)


def test_the_checks_see_the_imports_they_judge() -> None:
    # The answering side reads the request through ``reading``; a parser that missed imports
    # would pass every check above.
    assert ("trust_renewal.handlers.reading", False) in GRAPH["trust_renewal.handlers.adapter"]
    assert ("trust_renewal.conversation.state", False) in GRAPH["trust_renewal.conversation.engine"]

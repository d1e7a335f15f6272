"""The skill manifest checked against Amazon's published model of it (``ask-smapi-model``).

``ask-smapi-model`` is Amazon's Python model of the Skill Management API: one class
per manifest object, with the JSON name of every field (``attribute_map``), its type
(``deserialized_types``) and the allowed values of every enum. Walking the manifest
through those classes finds unknown or misspelt fields, wrong types and values Alexa
does not accept (a permission or event name, a viewport mode...). The model does not
say which fields are required, so the few that certification needs are listed here,
from Amazon's manifest documentation.
"""

from __future__ import annotations

import importlib
import re
from enum import Enum
from typing import Any

ROOT = "ask_smapi_model.v1.skill.manifest.skill_manifest.SkillManifest"
# Required by the manifest documentation for a published custom skill.
REQUIRED = {
    "manifest": ("manifestVersion", "publishingInformation", "privacyAndCompliance", "apis"),
    "publishingInformation": ("locales", "category", "testingInstructions"),
    "publishingInformation.locales.*": (
        "name", "summary", "description", "examplePhrases", "keywords", "smallIconUri", "largeIconUri",
    ),
    "privacyAndCompliance": (
        "allowsPurchases", "usesPersonalInfo", "isChildDirected", "isExportCompliant", "containsAds",
    ),
    "apis.custom": ("endpoint",),
    "apis.custom.endpoint": ("uri",),
}  # fmt: skip
_LIST = re.compile(r"^list\[(.+)\]$")
_DICT = re.compile(r"^dict\((\w+), (.+)\)$")
_PRIMITIVES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "object": (object,),
    "datetime": (str,),
}


def _class(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _check(value: Any, kind: str, where: str, problems: list[str]) -> None:
    if (match := _LIST.match(kind)) is not None:
        if not isinstance(value, list):
            problems.append(f"{where} should be a list")
            return
        for i, item in enumerate(value):
            _check(item, match.group(1), f"{where}[{i}]", problems)
        return
    if (match := _DICT.match(kind)) is not None:
        if not isinstance(value, dict):
            problems.append(f"{where} should be an object")
            return
        for key, item in value.items():
            _check(item, match.group(2), f"{where}.{key}", problems)
        return
    if kind in _PRIMITIVES:
        allowed = _PRIMITIVES[kind]
        if (kind in ("int", "float") and isinstance(value, bool)) or not isinstance(value, allowed):
            problems.append(f"{where} should be {kind}, not {type(value).__name__}")
        return
    cls = _class(kind)
    if isinstance(cls, type) and issubclass(cls, Enum):
        values = {member.value for member in cls}
        if value not in values:
            problems.append(f"{where} is {value!r}, which Alexa does not accept")
        return
    if not isinstance(value, dict):
        problems.append(f"{where} should be an object")
        return
    key = getattr(cls, "json_discriminator_key", None)
    if key:
        found = cls.discriminator_value_class_map.get(value.get(key))
        if found:
            cls = _class(found)
        elif not _known_discriminator(cls, value.get(key)):
            problems.append(f"{where}.{key} is {value.get(key)!r}, which Alexa does not accept")
            return
    names = {json_name: attr for attr, json_name in cls.attribute_map.items()}
    for field, item in value.items():
        if field not in names:
            problems.append(f"{where}.{field} is not a field Alexa knows")
            continue
        _check(item, cls.deserialized_types[names[field]], f"{where}.{field}", problems)


def _known_discriminator(cls: Any, value: Any) -> bool:
    """Interfaces without a class of their own (CAN_FULFILL_INTENT_REQUEST) are listed in an enum."""
    try:
        enum = _class(
            cls.__module__.rpartition(".")[0]
            + "."
            + cls.__module__.rpartition(".")[2]
            + "_type."
            + cls.__name__
            + "Type"
        )
    except (AttributeError, ImportError, ValueError):
        return False
    return value in {member.value for member in enum}


def _required(manifest: dict[str, Any], problems: list[str]) -> None:
    for path, fields in REQUIRED.items():
        nodes: list[tuple[str, Any]] = [("manifest", manifest)]
        if path != "manifest":
            for part in path.split("."):
                step: list[tuple[str, Any]] = []
                for where, node in nodes:
                    if not isinstance(node, dict):
                        continue
                    if part == "*":
                        step += [(f"{where}.{k}", v) for k, v in node.items()]
                    elif part in node:
                        step.append((f"{where}.{part}", node[part]))
                nodes = step
        for where, node in nodes:
            for field in fields:
                if not isinstance(node, dict) or node.get(field) in (None, "", []):
                    problems.append(f"{where}.{field} is required")


def schema_problems(envelope: Any) -> list[str]:
    """Every way ``{"manifest": ...}`` differs from Amazon's model of a skill manifest."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("manifest"), dict):
        return ['skill.json must be an object with a "manifest" object']
    problems: list[str] = []
    if set(envelope) != {"manifest"}:
        problems.append(
            "skill.json has fields beside manifest: " + ", ".join(sorted(set(envelope) - {"manifest"}))
        )
    _check(envelope["manifest"], ROOT, "manifest", problems)
    _required(envelope["manifest"], problems)
    return problems

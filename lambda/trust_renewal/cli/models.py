"""``trust-renewal models``: regenerate the interaction models, or check they are current.

Every locale's model is generated from ``interaction_model/source/`` and the
step topics in the content, so the committed files can be checked for drift.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MAX_LISTED = 40  # differences listed per file before summarising


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="exit 1 and list the differences if a committed model is not what the source generates "
        "(the default)",
    )
    mode.add_argument("--write", action="store_true", help="regenerate every locale's model file")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="the interaction_model folder (default: the one in this source checkout)",
    )


def run(args: argparse.Namespace) -> int:
    from trust_renewal.content.loader import ContentError
    from trust_renewal.interaction_models import (
        ModelSourceError,
        default_model_dir,
        generate_all,
        model_text,
    )

    model_dir = args.dir or default_model_dir()
    if model_dir is None or not (model_dir / "source" / "intents.json").is_file():
        print(
            "models: no interaction_model/source/intents.json here; run this in the source "
            "checkout or pass --dir",
            file=sys.stderr,
        )
        return 2
    try:
        models = generate_all(model_dir)
    except (ModelSourceError, ContentError) as exc:
        print(f"models: {exc}", file=sys.stderr)
        return 1
    if args.write:
        for locale, model in models.items():
            path = model_dir / f"{locale}.json"
            text = model_text(model)
            changed = not path.is_file() or path.read_text(encoding="utf-8") != text
            if changed:
                path.write_text(text, encoding="utf-8")
            print(f"{path.name}: {'written' if changed else 'unchanged'}")
        return 0
    return _check(model_dir, models)


def _check(model_dir: Path, models: dict[str, dict]) -> int:
    import json

    from trust_renewal.interaction_models import differences, model_text

    stale = 0
    for locale, model in models.items():
        path = model_dir / f"{locale}.json"
        if not path.is_file():
            print(f"{path.name}: missing (run `trust-renewal models --write`)")
            stale += 1
            continue
        text = path.read_text(encoding="utf-8")
        if text == model_text(model):
            print(f"{path.name}: up to date")
            continue
        stale += 1
        try:
            found = differences(json.loads(text), model)
        except json.JSONDecodeError as exc:
            found = [f"not valid JSON ({exc})"]
        found = found or ["formatting only"]
        print(f"{path.name}: differs from the source")
        for line in found[:MAX_LISTED]:
            print(f"  {line}")
        if len(found) > MAX_LISTED:
            print(f"  ... and {len(found) - MAX_LISTED} more")
    if stale:
        print(f"{stale} model file(s) out of date: run `trust-renewal models --write`", file=sys.stderr)
        return 1
    return 0

"""``trust-renewal``: one entry point, a subcommand per job.

Each subcommand lives in its own module with ``add_arguments(parser)`` and
``run(args) -> int``; modules are imported only when their command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "chat": ("trust_renewal.cli.chat", "talk to the skill in the terminal (embedded store)"),
    "serve": ("trust_renewal.cli.serve", "run the skill as a web service for the Alexa console"),
    "content": ("trust_renewal.cli.content_report", "report on the program content and check it"),
    "models": (
        "trust_renewal.cli.models",
        "build or check the interaction models from their source",
    ),
    "nlu": (
        "trust_renewal.cli.nlu",
        "measure how well the samples teach a statistical NLU, on the held-out corpus",
    ),
    "package": (
        "trust_renewal.cli.package",
        "assemble the skill package for the ASK CLI (ask deploy)",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trust-renewal", description="Trust Renewal, an Alexa skill."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""A whole program through ``trust-renewal chat``, as a couple would go through it, for reading.

usage: python scripts/program_run.py MODE [--locale en-US] > transcript.txt
MODE: roles (Maya and Jordan, Maya was hurt), names (Maya and Jordan, roles skipped),
unnamed (no names), alone (one person, "just me").

Each evening opens the skill, says yes, and answers every prompt with "next" (the
chime's question included) until an exercise ends; every other evening goes on to
one more exercise, the rest stop for the night. After the program, two check-ins.
The transcript is the chat's own text, ready for ``transcript-lint``.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from trust_renewal.cli.chat import Chat
from trust_renewal.config import config_from_env

OPENINGS = {
    "roles": ["our names are Maya and Jordan", "Maya was hurt"],
    "names": ["our names are Maya and Jordan", "skip"],
    "unnamed": [],
    "alone": ["just me"],
}
MAX_LINES = 4000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=sorted(OPENINGS))
    parser.add_argument("--locale", default="en-US")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        import dataclasses

        config = dataclasses.replace(
            config_from_env(), store="sqlite", sqlite_path=Path(folder, "run.db")
        )
        out = io.StringIO()
        chat = Chat.start(config, f"run-{args.mode}", args.locale)
        chat.out = out
        said = 0

        def hear(line: str) -> str:
            nonlocal said
            said += 1
            start = out.tell()
            print(f"You: {line}", file=out)
            chat.hear(line)
            return out.getvalue()[start:]

        hear("open trust renewal")
        for line in OPENINGS[args.mode]:
            hear(line)
        evening = 0
        answer = hear("yes")
        while said < MAX_LINES:
            if "check-in question now?" in answer:
                # After the program: two check-ins, on two evenings.
                hear("yes")
                hear("next")
                hear("open trust renewal")
                hear("yes")
                hear("next")
                break
            if "Would you like to go on?" in answer or "Would you like to start it" in answer:
                evening += 1
                if evening % 2:
                    answer = hear("yes")
                else:
                    hear("stop")
                    hear("open trust renewal")
                    answer = hear("yes")
                continue
            answer = hear("next")
        sys.stdout.write(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

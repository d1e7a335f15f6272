"""Issue 20: over a whole program in the terminal chat, no sentence comes back in more than one reply in five.

The program is walked as typed lines (names and roles given, then "yes" and
"next" through every exercise), and the chat's replies are read as
``transcript-lint`` reads them: sentences of four words or more, counted
across replies. The prompts themselves are the program, so they are set aside.
"""

from __future__ import annotations

import io
import re
import sys
from collections import Counter

from trust_renewal.cli.main import main
from trust_renewal.render.markup import to_plain

MAX_SHARE = 0.2


def _sentences(text: str) -> list[str]:
    spoken = re.sub(r"\([^)]*\)", " ", text)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", spoken.strip()) if len(s.split()) >= 4]


def _nexts(exercise, roles: bool) -> int:
    return sum((3 if roles and not p.hurt_says_back else 4) if p.turns else 1 for p in exercise.prompts)


def test_no_sentence_is_in_more_than_one_reply_in_five(content, monkeypatch, capsys, tmp_path):
    for name in ("TABLE_NAME", "STORE", "SKILL_ID", "SQLITE_PATH", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    lines = ["open trust renewal", "our names are Maya and Jordan", "Maya was hurt"]
    for exercise in content.path:
        lines.append("yes")
        lines += ["next"] * _nexts(exercise, roles=True)
    lines.append("quit")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["chat", "--db", str(tmp_path / "varied.sqlite3")]) == 0
    out = capsys.readouterr().out.splitlines()
    replies = [line[len("Alexa:") :] for line in out if line.startswith("Alexa:")]
    assert len(replies) > 300 and "every step of the program" in replies[-1]
    program = set()
    for exercise in content.path:
        for prompt in exercise.prompts:
            program.update(_sentences(line_text_of(prompt.say)))
            for variant in prompt.variants:
                program.update(_sentences(line_text_of(variant.say)))
    counts = Counter(s for reply in replies for s in _sentences(reply) if s not in program)
    worn = {s: n for s, n in counts.items() if n > MAX_SHARE * len(replies)}
    assert not worn, worn
    # The cue to go on is still there, in several wordings, none of them worn.
    assert sum(n for s, n in counts.items() if "say next" in s.lower()) > 0


def line_text_of(markup: str) -> str:
    """A prompt's words as the chat shows them (names filled in as a turn would)."""
    names = {"speaker": "Maya", "listener": "Jordan", "first": "Maya", "second": "Jordan",
             "hurt": "Maya", "caused": "Jordan"}  # fmt: skip
    return to_plain(markup, names)

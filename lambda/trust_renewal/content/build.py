"""The Lambda build's content step: check every locale with the full loader and pickle it.

``python -m trust_renewal.content.build OUT`` (run by ``lambda/Makefile``) fails
the build on invalid content; ``content.compiled`` reads the result at run time.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from trust_renewal.content.compiled import COMPILED, DATA, FORMAT, Key, fingerprint, locale_keys
from trust_renewal.content.loader import ContentError, load_content_from
from trust_renewal.content.model import Content
from trust_renewal.content.rules import OPEN_MICROPHONE, open_microphone_prompts


def build(out: Path, data: Path = DATA) -> dict[Key, Content]:
    """Load and validate every locale from JSON (ContentError if any is invalid); pickle them.

    Content that asks anyone to speak aloud with the microphone open never ships (issue 20).
    """
    contents = {
        (language, overlay): load_content_from(data / language, data / overlay if overlay else None)
        for language, overlay in locale_keys(data)
    }
    open_mic = sorted({where for c in contents.values() for where in open_microphone_prompts(c)})
    if open_mic:
        raise ContentError([f"{where}: {OPEN_MICROPHONE}" for where in open_mic])
    # Each locale pickled on its own: a cold start unpickles only the one it answers in.
    blobs = {key: pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL) for key, c in contents.items()}
    payload = {"format": FORMAT, "fingerprint": fingerprint(data), "contents": blobs}
    out.write_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    return contents


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else COMPILED
    contents = build(out)
    print(f"content checked and compiled: {len(contents)} locale variants -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The content, validated at build time and kept as a pickle for a fast cold start.

Parsing and checking every step, prompt and phrase (markup, placeholders,
durations) costs a cold start about 10 ms of CPU each time, and the bundle's
content never changes between builds. The Lambda build (``lambda/Makefile``)
runs ``python -m trust_renewal.content.build``: it loads every locale through
the full loader (so invalid content fails the build) and pickles the result
beside the data, with a fingerprint of the JSON it came from. At run time the
loader takes a locale from the pickle only when that fingerprint still matches
the JSON files (an edited file means the JSON is loaded and checked as before);
without the file (the repository, the chat, the tests) nothing changes.

The pickle is written by the build from the bundle's own files and read only
from the package folder: it is trusted exactly as the code beside it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from trust_renewal.content.model import Content

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE / "data"
COMPILED = PACKAGE / "compiled.pickle"
FORMAT = 2  # bump when the pickled layout changes

Key = tuple[str, str | None]  # (language folder, locale overlay folder or None)


def fingerprint(data: Path = DATA) -> str:
    """A digest of every content file's name and bytes."""
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(data)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".json"):
                path = Path(folder, name)
                digest.update(path.relative_to(data).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def locale_keys(data: Path = DATA) -> list[Key]:
    """Every (language, overlay) the loader can be asked for: languages with steps, locale folders."""
    folders = sorted(p.name for p in data.iterdir() if p.is_dir())
    languages = [f for f in folders if (data / f / "steps").is_dir()]
    keys: list[Key] = [(language, None) for language in languages]
    keys += [(f.split("-")[0], f) for f in folders if "-" in f and f.split("-")[0] in languages]
    return keys


class Compiled:
    """The build's contents by (language, overlay), each unpickled on first use."""

    def __init__(self, blobs: dict[Key, bytes]) -> None:
        self._blobs = blobs
        self._loaded: dict[Key, Content] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._blobs

    def __getitem__(self, key: Key) -> Content:
        if key not in self._loaded:
            content = pickle.loads(self._blobs[key])
            if not isinstance(content, Content):
                raise TypeError("the compiled content holds something else")
            self._loaded[key] = content
        return self._loaded[key]


def load_compiled(path: Path | None = None, data: Path | None = None) -> Compiled | None:
    """The pickled contents when present and built from exactly these JSON files; else None."""
    path, data = path or COMPILED, data or DATA
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        payload: Any = pickle.loads(raw)
    except Exception:  # a damaged or foreign file: the JSON is still there
        return None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        return None
    if payload.get("fingerprint") != fingerprint(data):
        return None
    contents = payload.get("contents")
    return Compiled(contents) if isinstance(contents, dict) else None

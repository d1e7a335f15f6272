"""A DynamoDB-only data folder for botocore's own ``Loader``: a cold start reads what it uses.

Creating a botocore client scans every service folder botocore ships (about 450)
to check the name, and parses the 1.25 MB ``endpoints.json`` for all services:
about 35 ms of a cold start for one client of one service. The Lambda build
(``lambda/Makefile``) writes a folder with only what a DynamoDB client loads
(the root files, ``endpoints.json`` cut to DynamoDB, and DynamoDB's models
without their documentation strings), stamped with the botocore version it was
cut from. At run time the folder is used only when that version is the one
imported (the bundle pins botocore); otherwise botocore's full data is used.

Build: ``python -m trust_renewal.storage.botocore_data OUT_DIR`` (run with the
bundle's botocore on the path).
"""

from __future__ import annotations

import gzip
import json
import logging
import shutil
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "dynamodb"
FOLDER_NAME = "botocore_data"
MANIFEST = "manifest.json"
# The bundle root (where lambda_function.py sits): trust_renewal/storage/ -> ../..
BUNDLE_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FOLDER = BUNDLE_ROOT / FOLDER_NAME
# Keys only botocore's documentation generator reads.
_DOC_KEYS = frozenset({"documentation", "documentationUrl"})


def _read_json(path: Path) -> Any:
    if path.suffix == ".gz":
        return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return json.loads(path.read_text(encoding="utf-8"))


def _without_docs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_docs(v) for k, v in node.items() if k not in _DOC_KEYS}
    if isinstance(node, list):
        return [_without_docs(v) for v in node]
    return node


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def build(out: Path) -> Path:
    """Write the DynamoDB-only folder for the botocore that is imported; returns ``out``."""
    import botocore
    from botocore.loaders import Loader

    source = Path(Loader.BUILTIN_DATA_PATH)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for path in source.iterdir():  # _retry, partitions, sdk-default-configuration, endpoints...
        if path.is_file() and path.name.endswith((".json", ".json.gz")):
            name = path.name.removesuffix(".gz")
            data = _read_json(path)
            if name == "endpoints.json":
                for partition in data.get("partitions", []):
                    services = partition.get("services", {})
                    partition["services"] = {k: v for k, v in services.items() if k == SERVICE}
            _write_json(out / name, data)
    for version in (source / SERVICE).iterdir():
        if not version.is_dir():
            continue
        for path in version.iterdir():
            if path.name.endswith((".json", ".json.gz")) and not path.name.startswith("examples-"):
                name = path.name.removesuffix(".gz")
                data = _read_json(path)
                if name.startswith("service-"):
                    data = _without_docs(data)
                _write_json(out / SERVICE / version.name / name, data)
    _write_json(out / MANIFEST, {"botocore": botocore.__version__, "service": SERVICE})
    return out


def lean_loader(folder: Path | None = None) -> Any | None:
    """botocore's ``Loader`` on the DynamoDB-only folder, or None to use botocore's full data.

    None when the folder is absent (tests, the chat, the web service) or was cut
    from another botocore version than the one imported.
    """
    folder = folder or DEFAULT_FOLDER
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    import botocore
    from botocore.loaders import Loader

    if not isinstance(manifest, dict) or manifest.get("botocore") != botocore.__version__:
        log.info(
            "botocore data folder is for another botocore; using the full data",
            extra={"event": f"{manifest.get('botocore') if isinstance(manifest, dict) else '?'}"},
        )
        return None
    return Loader(extra_search_paths=[str(folder)], include_default_search_paths=False)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m trust_renewal.storage.botocore_data OUT_DIR", file=sys.stderr)
        return 2
    built = build(Path(args[0]))
    import botocore

    print(f"botocore {botocore.__version__} DynamoDB data written to {built}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

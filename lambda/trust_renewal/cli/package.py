"""``trust-renewal package``: assemble the skill package the ASK CLI deploys.

The manifest (``interaction_model/skill.json``) and the five interaction
models live once in the repository; this command copies them into the ASK CLI
v2 layout, filling in the endpoint and the privacy and terms links::

    OUT/ask-resources.json
    OUT/skill-package/skill.json
    OUT/skill-package/interactionModels/custom/<locale>.json
    OUT/.ask/ask-states.json            (only with --skill-id)

Then ``cd OUT && ask deploy --target skill-metadata``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

PLACEHOLDER_HOST = "example.com"
PLACEHOLDER_ACCOUNT = ":000000000000:"
_ARN = re.compile(r"^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$")
_HTTPS = re.compile(r"^https://[^\s/$.?#][^\s]*$")


class PackageError(ValueError):
    """An option the skill package cannot use."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder to write the package into"
    )
    parser.add_argument(
        "--endpoint",
        metavar="ARN_OR_URL",
        help="the skill's endpoint: the Lambda function ARN (sam deploy prints it) or an https URL",
    )
    parser.add_argument(
        "--wildcard-certificate",
        action="store_true",
        help="the https endpoint uses a wildcard certificate (for example a tunnel's domain)",
    )
    parser.add_argument("--privacy-url", metavar="URL", help="the privacy policy page (https)")
    parser.add_argument("--terms-url", metavar="URL", help="the terms of use page (https)")
    parser.add_argument(
        "--skill-id",
        metavar="ID",
        help="an existing skill's ID, so ask deploy updates it instead of creating a new one",
    )


def read_manifest() -> dict[str, Any]:
    """The manifest source shipped with the package."""
    from importlib import resources

    node = resources.files("trust_renewal.interaction_model").joinpath("skill.json")
    return json.loads(node.read_text(encoding="utf-8"))


def _endpoint(value: str, wildcard: bool) -> dict[str, str]:
    if _ARN.match(value):
        return {"uri": value}
    if _HTTPS.match(value):
        return {"uri": value, "sslCertificateType": "Wildcard" if wildcard else "Trusted"}
    raise PackageError(f"--endpoint must be a Lambda function ARN or an https URL, not {value!r}")


def _https(value: str, option: str) -> str:
    if not _HTTPS.match(value):
        raise PackageError(f"{option} must be an https URL, not {value!r}")
    return value


def configure_manifest(
    manifest: dict[str, Any],
    endpoint: str | None = None,
    privacy_url: str | None = None,
    terms_url: str | None = None,
    wildcard: bool = False,
) -> dict[str, Any]:
    """A copy of the manifest with the deployment's endpoint and links filled in."""
    out = json.loads(json.dumps(manifest))
    body = out["manifest"]
    if endpoint:
        target = _endpoint(endpoint, wildcard)
        body["apis"]["custom"]["endpoint"] = dict(target)
        if "events" in body:
            body["events"]["endpoint"] = dict(target)
    for locale in body["privacyAndCompliance"]["locales"].values():
        if privacy_url:
            locale["privacyPolicyUrl"] = _https(privacy_url, "--privacy-url")
        if terms_url:
            locale["termsOfUseUrl"] = _https(terms_url, "--terms-url")
    return out


def placeholders_left(manifest: dict[str, Any]) -> list[str]:
    """What still needs configuring before the skill can be certified."""
    body = manifest["manifest"]
    left = []
    if PLACEHOLDER_ACCOUNT in body["apis"]["custom"]["endpoint"]["uri"]:
        left.append("the endpoint (--endpoint)")
    links = body["privacyAndCompliance"]["locales"].values()
    if any(PLACEHOLDER_HOST in link.get("privacyPolicyUrl", "") for link in links):
        left.append("the privacy policy link (--privacy-url)")
    if any(PLACEHOLDER_HOST in link.get("termsOfUseUrl", "") for link in links):
        left.append("the terms of use link (--terms-url)")
    return left


def package_files(manifest: dict[str, Any], skill_id: str | None = None) -> dict[str, Any]:
    """Every file of the ASK CLI project, by path relative to its root."""
    from trust_renewal.interaction_models import LOCALES, load_model

    files: dict[str, Any] = {
        "ask-resources.json": {
            "askcliResourcesVersion": "2020-03-31",
            "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
        },
        "skill-package/skill.json": manifest,
    }
    for locale in LOCALES:
        files[f"skill-package/interactionModels/custom/{locale}.json"] = load_model(locale)
    if skill_id:
        files[".ask/ask-states.json"] = {
            "askcliStatesVersion": "2020-03-31",
            "profiles": {"default": {"skillId": skill_id}},
        }
    return files


def write_files(out: Path, files: dict[str, Any]) -> None:
    for relative, data in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    if args.skill_id and not re.match(r"^amzn1\.ask\.skill\.[0-9a-fA-F-]{36}$", args.skill_id):
        print(f"--skill-id does not look like a skill ID: {args.skill_id!r}", file=sys.stderr)
        return 2
    try:
        manifest = configure_manifest(
            read_manifest(), args.endpoint, args.privacy_url, args.terms_url, args.wildcard_certificate
        )
    except PackageError as exc:
        print(exc, file=sys.stderr)
        return 2
    files = package_files(manifest, args.skill_id)
    write_files(args.out, files)
    print(f"Wrote {len(files)} files to {args.out}.")
    print(f"To deploy: cd {args.out} && ask deploy --target skill-metadata")
    for item in placeholders_left(manifest):
        print(f"Still a placeholder: {item}.", file=sys.stderr)
    return 0

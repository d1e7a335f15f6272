"""``trust-renewal package``: assemble the skill package the ASK CLI deploys, and check it.

The manifest (``interaction_model/skill.json``), the five interaction models and
the icons (``interaction_model/assets/``) live once in the repository; this
command copies them into the ASK CLI v2 layout, filling in the endpoint (one
function serves every locale; one per Alexa region if you deploy three) and the
privacy and terms links::

    OUT/ask-resources.json
    OUT/skill-package/skill.json
    OUT/skill-package/assets/images/icon-108.png, icon-512.png
    OUT/skill-package/interactionModels/custom/<locale>.json
    OUT/.ask/ask-states.json            (only with --skill-id)

Then ``cd OUT && ask deploy --target skill-metadata``. Placeholders (an example
link, the all-zero account) are refused unless ``--draft``; ``--check`` runs the
certification self-check (``cli/certification.py``) on what was written.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from trust_renewal.cli.certification import check_package
from trust_renewal.cli.endpoints import (
    AWS_REGION,
    HTTPS_URL,
    ICONS,
    LAMBDA_ARN,
    PLACEHOLDER_ACCOUNT,
    arn_region,
    is_placeholder_url,
)

# The privacy policy the deployer hosts, as the repository keeps it (run from its root).
DEFAULT_POLICY = Path("docs/privacy.md")
# template.yaml names the function after its stack: FunctionName !Sub ${AWS::StackName}-skill.
DEFAULT_STACK = "trust-renewal"
ASSET_DIR = "assets/images"


class PackageError(ValueError):
    """An option the skill package cannot use."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, metavar="DIR", help="folder to write the package into")
    parser.add_argument(
        "--endpoint",
        metavar="ARN_OR_URL",
        help="the default endpoint, serving every region without its own: a Lambda function ARN "
        "(us-east-1, eu-west-1 or us-west-2) or an https URL",
    )
    parser.add_argument("--endpoint-eu", metavar="ARN", help="the function in eu-west-1 (en-GB, en-IN)")
    parser.add_argument("--endpoint-fe", metavar="ARN", help="the function in us-west-2 (en-AU)")
    parser.add_argument(
        "--account",
        metavar="AWS_ACCOUNT_ID",
        help="fill all three regional endpoints with the stack's function in that account",
    )
    parser.add_argument(
        "--stack-name", default=DEFAULT_STACK, help=f"the SAM stack name in each region ({DEFAULT_STACK})"
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
    parser.add_argument(
        "--draft",
        action="store_true",
        help="allow placeholders (example links, no endpoint) for a first upload or a local check",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check the package against what certification checks offline; exit 1 on any failure",
    )
    parser.add_argument(
        "--privacy-policy",
        type=Path,
        default=DEFAULT_POLICY,
        metavar="PATH",
        help=f"with --check: the privacy policy page the link points to ({DEFAULT_POLICY})",
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="DIR",
        help="with --check: check an already written package folder instead of building one",
    )


def read_manifest() -> dict[str, Any]:
    """The manifest source shipped with the package."""
    node = resources.files("trust_renewal.interaction_model").joinpath("skill.json")
    return json.loads(node.read_text(encoding="utf-8"))


def _endpoint(value: str, wildcard: bool) -> dict[str, str]:
    if LAMBDA_ARN.match(value):
        return {"uri": value}
    if HTTPS_URL.match(value):
        return {"uri": value, "sslCertificateType": "Wildcard" if wildcard else "Trusted"}
    raise PackageError(f"--endpoint must be a Lambda function ARN or an https URL, not {value!r}")


def _regional_arn(value: str, region: str, option: str) -> dict[str, str]:
    if arn_region(value) != AWS_REGION[region]:
        raise PackageError(f"{option} must be a Lambda function ARN in {AWS_REGION[region]}, not {value!r}")
    return {"uri": value}


def _https(value: str, option: str) -> str:
    if not HTTPS_URL.match(value):
        raise PackageError(f"{option} must be an https URL, not {value!r}")
    return value


def stack_arns(account: str, stack: str = DEFAULT_STACK) -> dict[str, str]:
    """The skill function's ARN in each Alexa region, for a stack of that name in each."""
    if not re.fullmatch(r"\d{12}", account or ""):
        raise PackageError(f"--account must be a 12-digit AWS account ID, not {account!r}")
    return {
        region: f"arn:aws:lambda:{aws}:{account}:function:{stack}-skill" for region, aws in AWS_REGION.items()
    }


def configure_manifest(
    manifest: dict[str, Any],
    endpoint: str | None = None,
    privacy_url: str | None = None,
    terms_url: str | None = None,
    wildcard: bool = False,
    regional: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A copy of the manifest with the deployment's endpoints and links filled in.

    ``regional`` maps NA/EU/FE to Lambda ARNs. The default endpoint serves every
    region without one of its own ("the global default endpoint, which can be
    overridden on a region-by-region basis", Amazon's skill manifest reference),
    so one function in one region is a whole deployment: ``--endpoint ARN`` alone
    writes no regional entries. Regional entries are written only for the
    functions given (``--endpoint-eu``, ``--endpoint-fe``, or all three with
    ``--account``), with the default as NA's. An https endpoint (the web
    service) serves every region.
    """
    out = json.loads(json.dumps(manifest))
    body = out["manifest"]
    regional = dict(regional or {})
    if endpoint and regional and "NA" not in regional and arn_region(endpoint):
        regional["NA"] = endpoint
    if endpoint is None and "NA" in regional:
        endpoint = regional["NA"]
    targets = [body["apis"]["custom"]] + ([body["events"]] if "events" in body else [])
    if endpoint:
        default = _endpoint(endpoint, wildcard)
        for target in targets:
            target["endpoint"] = dict(default)
            # The source's regional entries are placeholders: only the functions given stay.
            target.pop("regions", None)
    for region, arn in regional.items():
        entry = _regional_arn(arn, region, f"the {region} endpoint")
        for target in targets:
            target.setdefault("regions", {})[region] = {"endpoint": dict(entry)}
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
    custom = body["apis"]["custom"]
    uris = [custom["endpoint"]["uri"]] + [r["endpoint"]["uri"] for r in custom.get("regions", {}).values()]
    if any(PLACEHOLDER_ACCOUNT in uri for uri in uris):
        left.append("the endpoint (--endpoint FUNCTION_ARN, or --account for a stack in each of 3 regions)")
    links = body["privacyAndCompliance"]["locales"].values()
    if any(is_placeholder_url(link.get("privacyPolicyUrl", "")) for link in links):
        left.append("the privacy policy link (--privacy-url)")
    if any(is_placeholder_url(link.get("termsOfUseUrl", "")) for link in links):
        left.append("the terms of use link (--terms-url)")
    return left


def without_placeholder_endpoints(manifest: dict[str, Any]) -> dict[str, Any]:
    """A draft's manifest without the all-zero account's endpoints (real ones stay).

    Alexa refuses a manifest naming a function it cannot call, but creates a skill
    that has no endpoint yet; that first upload gives the skill ID the stacks need
    (docs/deploy.md: Publishing). Skill events need an endpoint, so without one they wait too.
    """
    out = json.loads(json.dumps(manifest))
    body = out["manifest"]
    targets = [body["apis"]["custom"]] + ([body["events"]] if "events" in body else [])
    for target in targets:
        regions = {
            name: entry
            for name, entry in target.get("regions", {}).items()
            if PLACEHOLDER_ACCOUNT not in entry["endpoint"]["uri"]
        }
        if regions:
            target["regions"] = regions
        else:
            target.pop("regions", None)
        if PLACEHOLDER_ACCOUNT in target.get("endpoint", {}).get("uri", ""):
            if regions:
                target["endpoint"] = dict(regions.get("NA", next(iter(regions.values())))["endpoint"])
            else:
                target.pop("endpoint", None)
    if "events" in body and "endpoint" not in body["events"]:
        del body["events"]
    return out


def icon_files() -> dict[str, bytes]:
    """The icons shipped with the package, by file name (drawn by scripts/draw_icons.py)."""
    folder = resources.files("trust_renewal.interaction_model").joinpath("assets")
    return {name: folder.joinpath(name).read_bytes() for name, _ in ICONS.values()}


def package_files(manifest: dict[str, Any], skill_id: str | None = None) -> dict[str, Any]:
    """Every file of the ASK CLI project, by path relative to its root (JSON data or bytes)."""
    from trust_renewal.interaction_models import LOCALES, load_model

    files: dict[str, Any] = {
        "ask-resources.json": {
            "askcliResourcesVersion": "2020-03-31",
            "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
        },
        "skill-package/skill.json": manifest,
    }
    for name, data in icon_files().items():
        files[f"skill-package/{ASSET_DIR}/{name}"] = data
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
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _regional_options(args: argparse.Namespace) -> dict[str, str]:
    regional = stack_arns(args.account, args.stack_name) if args.account else {}
    if args.endpoint_eu:
        regional["EU"] = args.endpoint_eu
    if args.endpoint_fe:
        regional["FE"] = args.endpoint_fe
    return regional


def _check(folder: Path, draft: bool, policy: Path | None) -> int:
    report = check_package(folder, draft=draft, policy=policy)
    print(report.text())
    return 0 if report.passed else 1


def run(args: argparse.Namespace) -> int:
    if args.source is not None:
        if not args.check:
            print("--from is for --check: it checks a package folder that already exists", file=sys.stderr)
            return 2
        return _check(args.source, args.draft, args.privacy_policy)
    if args.out is None and not args.check:
        print("--out is required: the folder to write the package into", file=sys.stderr)
        return 2
    if args.skill_id and not re.match(r"^amzn1\.ask\.skill\.[0-9a-fA-F-]{36}$", args.skill_id):
        print(f"--skill-id does not look like a skill ID: {args.skill_id!r}", file=sys.stderr)
        return 2
    try:
        manifest = configure_manifest(
            read_manifest(),
            args.endpoint,
            args.privacy_url,
            args.terms_url,
            args.wildcard_certificate,
            _regional_options(args),
        )
    except PackageError as exc:
        print(exc, file=sys.stderr)
        return 2
    left = placeholders_left(manifest)
    if left and not args.draft:
        for item in left:
            print(f"Still a placeholder: {item}.", file=sys.stderr)
        print(
            "Refusing to write a package certification would reject; add --draft to write it anyway.",
            file=sys.stderr,
        )
        return 2
    if args.draft:
        manifest = without_placeholder_endpoints(manifest)
    files = package_files(manifest, args.skill_id)
    if args.out is None:  # --check alone: build in a temporary folder, check, and clean up
        with tempfile.TemporaryDirectory(prefix="trust-renewal-package-") as temp:
            write_files(Path(temp), files)
            return _check(Path(temp), args.draft, args.privacy_policy)
    write_files(args.out, files)
    print(f"Wrote {len(files)} files to {args.out}.")
    for item in left:
        if item.startswith("the endpoint"):
            item = "the endpoint: written without the all-zero account's; package again with --endpoint"
        print(f"Draft: still a placeholder: {item}.", file=sys.stderr)
    if args.check:
        return _check(args.out, args.draft, args.privacy_policy)
    print(f"To deploy: cd {args.out} && ask deploy --target skill-metadata")
    return 0


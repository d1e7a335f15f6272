"""Where the skill is reached and what a placeholder looks like: shared by packaging and its check."""

from __future__ import annotations

import re

PLACEHOLDER_ACCOUNT = ":000000000000:"
# Host names reserved for examples and tests (RFC 2606 / 6761): never a real policy page.
_PLACEHOLDER_HOST = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$")
LAMBDA_ARN = re.compile(
    r"^arn:aws:lambda:(?P<region>[a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$"
)
HTTPS_URL = re.compile(r"^https://(?P<host>[^\s/$.?#:][^\s/:?#]*)(?::\d+)?(?:[/?#]\S*)?$")
# Alexa sends each locale's requests to one of three regions, and a Lambda
# endpoint there must live in this AWS region (Alexa's hosting requirement).
AWS_REGION = {"NA": "us-east-1", "EU": "eu-west-1", "FE": "us-west-2"}
REGION_OF_LOCALE = {"en-US": "NA", "en-CA": "NA", "en-GB": "EU", "en-IN": "EU", "en-AU": "FE"}
ICONS = {"smallIconUri": ("icon-108.png", 108), "largeIconUri": ("icon-512.png", 512)}


def is_placeholder_url(url: str) -> bool:
    match = HTTPS_URL.match(url or "")
    return bool(match and _PLACEHOLDER_HOST.search(match.group("host").lower()))


def arn_region(uri: str) -> str | None:
    match = LAMBDA_ARN.match(uri or "")
    return match.group("region") if match else None

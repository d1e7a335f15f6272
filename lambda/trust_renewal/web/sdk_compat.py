"""Make ``flask_ask_sdk`` importable on OpenSSL 3 without touching installed packages.

``flask_ask_sdk.skill_adapter`` imports ``ask_sdk_webservice_support.webservice_handler``,
which imports ``ask_sdk_webservice_support.verifier``, which imports ``certvalidator``
and through it ``oscrypto`` 1.3.0. oscrypto reads the OpenSSL version with a
pattern that fails on OpenSSL 3.0.10 and later ("Error detecting the version of
libcrypto"), so on such a machine the Flask adapter cannot even be imported, and
no fixed oscrypto is published on PyPI.

``install()`` registers ``trust_renewal.web.verification`` (the same checks,
built on ``cryptography``) under the SDK verifier's module name before the SDK
is imported. Python then hands the SDK our module when it asks for its
verifier, and oscrypto is never imported. It is done on every machine, not only
where the import fails, so every deployment runs the same verification code.
"""

from __future__ import annotations

import importlib
import sys

from trust_renewal.web import verification

SDK_VERIFIER_MODULE = "ask_sdk_webservice_support.verifier"
# Modules that bind the verifier's names at import: they must see ours.
_SDK_USERS = (
    "ask_sdk_webservice_support.webservice_handler",
    "flask_ask_sdk.skill_adapter",
)
_NAMES = ("AbstractVerifier", "VerificationException", "RequestVerifier", "TimestampVerifier")


class SdkCompatError(RuntimeError):
    """The SDK was imported before ``install()`` and is bound to its own verifier."""


def installed() -> bool:
    return sys.modules.get(SDK_VERIFIER_MODULE) is verification


def install() -> None:
    """Stand our verifier in for the SDK's; call before importing ``flask_ask_sdk``. Idempotent."""
    for name in _SDK_USERS:
        module = sys.modules.get(name)
        if module is None:
            continue
        stale = [n for n in _NAMES if getattr(module, n, None) not in (None, getattr(verification, n))]
        if stale:
            raise SdkCompatError(
                f"{name} was imported before trust_renewal.web.sdk_compat.install() "
                f"and uses the SDK's own {', '.join(stale)}"
            )
    if installed():
        return
    package = importlib.import_module("ask_sdk_webservice_support")  # its __init__ imports nothing
    sys.modules[SDK_VERIFIER_MODULE] = verification
    # ``from ask_sdk_webservice_support import verifier`` reads the attribute, not sys.modules.
    package.verifier = verification  # type: ignore[attr-defined]

"""flask-ask-sdk imports and verifies with our verifier on OpenSSL 3, and no installed file changes.

Each check runs in a fresh interpreter so nothing imported by other tests
(or by this process) can make it pass by accident.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

SDK_PACKAGES = ("ask_sdk_webservice_support", "flask_ask_sdk", "certvalidator", "oscrypto")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def installed_sources() -> dict[str, str]:
    """SHA-256 of every .py file of the SDK packages (and oscrypto), found without importing."""
    digests = {}
    for name in SDK_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        for path in sorted(Path(spec.origin).parent.rglob("*.py")):
            digests[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def test_the_flask_adapter_imports_after_install_and_never_loads_oscrypto():
    before = installed_sources()
    result = run_python(
        """
        import sys
        from trust_renewal.web import sdk_compat, verification
        sdk_compat.install()
        sdk_compat.install()  # idempotent
        import flask_ask_sdk.skill_adapter as adapter
        from ask_sdk_webservice_support import verifier, webservice_handler
        assert verifier is verification
        assert adapter.VerificationException is verification.VerificationException
        assert webservice_handler.RequestVerifier is verification.RequestVerifier
        assert webservice_handler.TimestampVerifier is verification.TimestampVerifier
        assert "oscrypto" not in sys.modules and "certvalidator" not in sys.modules
        print("imported")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported"
    assert before and installed_sources() == before


def test_the_sdks_own_handler_then_verifies_with_our_verifiers():
    result = run_python(
        """
        import json
        from trust_renewal.web import sdk_compat, verification
        sdk_compat.install()
        from ask_sdk_core.skill_builder import SkillBuilder
        from ask_sdk_webservice_support.webservice_handler import WebserviceSkillHandler
        from flask import Flask
        from flask_ask_sdk.skill_adapter import SkillAdapter

        skill = SkillBuilder().create()
        handler = WebserviceSkillHandler(skill=skill, verify_signature=True, verify_timestamp=True)
        print(sorted(type(v).__qualname__ for v in handler._verifiers))
        print(all(type(v).__module__ == verification.__name__ for v in handler._verifiers))

        body = json.dumps({"version": "1.0", "request": {"type": "LaunchRequest",
            "requestId": "r", "timestamp": "2020-01-01T00:00:00Z", "locale": "en-US"}})
        try:
            handler.verify_request_and_dispatch({}, body)
        except verification.VerificationException as exc:
            print("refused:", exc.reason)

        # The SDK's Flask adapter with its defaults (verification on) answers 400.
        app = Flask("sdk")
        SkillAdapter(skill=skill, skill_id="s", app=app).register(app=app, route="/")
        print(app.test_client().post("/", data=body, content_type="application/json").status_code)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['RequestVerifier', 'TimestampVerifier']",
        "True",
        "refused: the request is not signed (no SignatureCertChainUrl header)",
        "400",
    ]


def test_install_refuses_when_the_sdk_already_holds_its_own_verifier():
    result = run_python(
        """
        import sys, types
        from trust_renewal.web import sdk_compat
        # As if webservice_handler had been imported first, with the SDK's verifier classes.
        stale = types.ModuleType("ask_sdk_webservice_support.webservice_handler")
        stale.RequestVerifier = type("RequestVerifier", (), {})
        sys.modules[stale.__name__] = stale
        try:
            sdk_compat.install()
        except sdk_compat.SdkCompatError as exc:
            print("refused:", "imported before" in str(exc))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "refused: True"


def test_without_install_the_adapter_fails_only_with_the_openssl_trap():
    # The trap sdk_compat exists for: where oscrypto cannot read this OpenSSL, importing the
    # adapter fails on libcrypto; where it can, the import works. Any other failure is new.
    result = run_python("import flask_ask_sdk.skill_adapter")
    assert result.returncode == 0 or "libcrypto" in result.stderr, result.stderr

"""``trust-renewal serve``: the skill as a web service (Flask app under waitress)."""

from __future__ import annotations

import argparse
import logging
import sys

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
DEFAULT_THREADS = 4
# waitress stops reading far beyond the app's own cap, so a huge body is never buffered.
WAITRESS_MAX_BODY_BYTES = 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="skip Amazon's signature and timestamp checks (local testing only)",
    )
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help=f"worker threads (default {DEFAULT_THREADS})"
    )


def run(args: argparse.Namespace) -> int:
    import waitress

    from trust_renewal.config import ConfigError, config_from_env
    from trust_renewal.logging_setup import configure_logging
    from trust_renewal.runtime import SkillRuntime
    from trust_renewal.web.app import create_app

    try:
        config = config_from_env()
    except ConfigError as exc:
        print(f"trust-renewal serve: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.log_level)
    verify = not args.no_verify
    app = create_app(SkillRuntime(config), verify=verify)
    if not verify:
        log.warning(
            "REQUEST VERIFICATION IS OFF (--no-verify): anyone who can reach this port can "
            "call the skill; never expose it to the internet like this",
            extra={"event": "verification_off"},
        )
    if config.skill_id is None:
        log.warning(
            "SKILL_ID is not set: requests for any skill ID are accepted",
            extra={"event": "skill_id_unset"},
        )
    url = f"http://{_url_host(args.host)}:{args.port}/"
    log.info(f"serving the skill at {url} (POST / for Alexa, GET /healthz)", extra={"event": "serving"})
    waitress.serve(
        app,
        host=args.host,
        port=args.port,
        threads=max(1, args.threads),
        max_request_body_size=WAITRESS_MAX_BODY_BYTES,
        ident="trust-renewal",
    )
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host

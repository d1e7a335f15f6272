"""``trust-renewal serve``: the skill as a web service (Flask app under waitress, see web/door.py)."""

from __future__ import annotations

import argparse
import logging
import sys

from trust_renewal.web import door

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
# More threads than certificate fetches plus their one waiter (web/verification.py),
# so forged requests can never hold every thread; /healthz has a thread of its own.
DEFAULT_THREADS = 8
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
    parser.add_argument(
        "--read-deadline",
        type=float,
        default=door.READ_DEADLINE_S,
        help=f"seconds a request's headers and body may take to arrive (default {door.READ_DEADLINE_S:g})",
    )
    parser.add_argument(
        "--idle-timeout",
        type=int,
        default=door.IDLE_TIMEOUT_S,
        help=f"seconds an idle connection is kept (default {door.IDLE_TIMEOUT_S})",
    )
    parser.add_argument(
        "--connection-limit",
        type=int,
        default=None,
        help="open connections at most (default: from the process's file-descriptor limit)",
    )


def run(args: argparse.Namespace) -> int:
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
    server = door.create_door(
        app,
        host=args.host,
        port=args.port,
        threads=max(1, args.threads),
        max_request_body_size=WAITRESS_MAX_BODY_BYTES,
        read_deadline=args.read_deadline,
        idle_timeout=args.idle_timeout,
        connection_limit=args.connection_limit,
    )
    log.info(
        "door limits",
        extra={
            "event": f"connections {server.adj.connection_limit}, read deadline {args.read_deadline:g} s, "
            f"idle timeout {args.idle_timeout} s"
        },
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host

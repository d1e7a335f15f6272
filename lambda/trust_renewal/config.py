"""Configuration from the environment: the only module that reads ``os.environ``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

STORES = ("dynamodb", "sqlite", "memory")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

# Used by the local chat and web service when no SKILL_ID is set, so local
# envelopes still carry a realistic application ID.
LOCAL_SKILL_ID = "amzn1.ask.skill.local-trust-renewal"


class ConfigError(ValueError):
    """The environment names a setting the skill cannot use."""


@dataclass(frozen=True)
class Config:
    """Everything the skill reads from its environment."""

    table_name: str | None = None
    skill_id: str | None = None
    store: str = "sqlite"
    sqlite_path: Path | None = None
    log_level: str = "INFO"
    log_level_set: bool = False  # LOG_LEVEL was given (the chat is quieter by default)
    aws_region: str | None = None
    # Where Alexa API calls go instead of the envelope's apiEndpoint: a local stub
    # in the benchmark (ALEXA_API_URL); never set in production.
    alexa_api_url: str | None = None

    @property
    def effective_skill_id(self) -> str:
        """The skill ID local front doors put in envelopes they build."""
        return self.skill_id or LOCAL_SKILL_ID


def default_sqlite_path(environ: Mapping[str, str]) -> Path:
    """The embedded store's file under the user's data directory (XDG on Linux)."""
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME", "~")) / ".local" / "share")
    return Path(base).expanduser() / "trust-renewal" / "progress.sqlite3"


def config_from_env(environ: Mapping[str, str] | None = None) -> Config:
    """Read the configuration; a named table means DynamoDB unless STORE says otherwise."""
    env = os.environ if environ is None else environ
    table = (env.get("TABLE_NAME") or "").strip() or None
    store = (env.get("STORE") or "").strip().lower() or ("dynamodb" if table else "sqlite")
    if store not in STORES:
        raise ConfigError(f"STORE must be one of {', '.join(STORES)}, not {store!r}")
    if store == "dynamodb" and not table:
        raise ConfigError("STORE=dynamodb needs TABLE_NAME")
    level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    sqlite_path = env.get("SQLITE_PATH")
    api_url = (env.get("ALEXA_API_URL") or "").strip() or None
    if api_url:
        from trust_renewal.alexa_api import check_base_url

        try:
            check_base_url(api_url)
        except ValueError as exc:
            raise ConfigError(f"ALEXA_API_URL: {exc}") from None
    return Config(
        table_name=table,
        skill_id=(env.get("SKILL_ID") or "").strip() or None,
        store=store,
        sqlite_path=Path(sqlite_path).expanduser() if sqlite_path else default_sqlite_path(env),
        log_level=level,
        log_level_set=bool((env.get("LOG_LEVEL") or "").strip()),
        aws_region=(env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip() or None,
        alexa_api_url=api_url,
    )

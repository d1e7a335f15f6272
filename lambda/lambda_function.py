"""AWS Lambda entry point: ``lambda_handler`` answers the Alexa service.

The skill, its store and its content are built on the first request, not at
import, so a cold start pays only for what a request needs.
"""

from __future__ import annotations

from typing import Any

from trust_renewal.config import config_from_env
from trust_renewal.logging_setup import configure_logging
from trust_renewal.runtime import SkillRuntime

_config = config_from_env()
configure_logging(_config.log_level)
_runtime = SkillRuntime(_config)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request envelope (requests for another skill ID are refused)."""
    return _runtime.handle(event)

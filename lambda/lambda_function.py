"""AWS Lambda entry point: ``lambda_handler`` answers the Alexa service.

The skill, its content and its DynamoDB client are built at import: Lambda runs
the import (INIT) on a full vCPU, but a request on a share of one proportional
to the function's memory, so this is where a cold start pays least for them.
What only some requests need stays lazy, imported where it is used.
"""

from __future__ import annotations

import gc

# INIT builds about 75,000 long-lived container objects (SDK models, botocore's
# client, the content) and almost no garbage: collection passes over them cost
# about a tenth of a cold start and free little. So no collection during INIT;
# afterwards what INIT built is frozen out of every later collection too. The
# price: the thousand or so cyclic garbage objects INIT leaves are frozen with
# it, once per process (a full collection to find them costs 20-30 ms).
gc.disable()
try:
    import warnings
    from typing import Any

    # A bundle built without Python 3.13 has no bytecode, so each cold start compiles
    # the dependencies, and some (ask_sdk_model's docstrings) have invalid escapes:
    # about 23 SyntaxWarning lines in CloudWatch per cold start, for nothing anyone
    # can act on. The skill's own code has none (ruff checks it).
    warnings.filterwarnings("ignore", category=SyntaxWarning)

    from trust_renewal.config import config_from_env
    from trust_renewal.logging_setup import configure_logging
    from trust_renewal.runtime import SkillRuntime

    _config = config_from_env()
    configure_logging(_config.log_level)
    _runtime = SkillRuntime(_config)
    _runtime.warm_up()
finally:
    gc.freeze()
    gc.enable()


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request envelope (requests for another skill ID are refused)."""
    return _runtime.handle(event)

"""Test setup: the import path, fake AWS credentials, and the shared fixtures from ``support``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# lambda_function.py sits beside the package, as in the Lambda bundle; ``support`` sits here.
sys.path.insert(0, str(ROOT / "lambda"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Tests never reach AWS: fake credentials and a region for boto3/moto.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.pop("AWS_PROFILE", None)

pytest_plugins = ["support.fixtures"]

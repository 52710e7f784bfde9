"""The one boto3 client the functions use, created once per Lambda execution environment."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3


@cache
def cognito() -> Any:
    """A cognito-idp client for the function's own region (``AWS_REGION``, set by Lambda)."""
    return boto3.client("cognito-idp")

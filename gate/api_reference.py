"""Where AWS documents the APIs the gate names: each service's API reference, so a finding, a
message or the audit's IAM policy links the operation's own page.

Keyed by botocore's service names (the `cognito-idp` in `boto3.client("cognito-idp")`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

API_REFERENCES: Final[Mapping[str, str]] = {
    "cognito-idp": "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference",
    "cognito-identity": "https://docs.aws.amazon.com/cognitoidentity/latest/APIReference",
    "iam": "https://docs.aws.amazon.com/IAM/latest/APIReference",
    "wafv2": "https://docs.aws.amazon.com/waf/latest/APIReference",
    "cloudwatch": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference",
    "sts": "https://docs.aws.amazon.com/STS/latest/APIReference",
}


def operation_page(service: str, operation: str) -> str:
    """`https://.../APIReference/API_CreateUserPool.html` for ("cognito-idp", "CreateUserPool")."""
    return f"{API_REFERENCES[service]}/API_{operation}.html"


def reference_home(service: str) -> str:
    """The service API reference's first page."""
    return f"{API_REFERENCES[service]}/Welcome.html"

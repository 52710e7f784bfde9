"""The pack's policy list, in catalog order (one area after the other)."""

from __future__ import annotations

from typing import Final

from pulumi_policy import Policy

from cognito_guard import password

PACK_DESCRIPTION: Final = (
    "Blocks insecure Amazon Cognito identity settings before deployment: password strength, MFA, "
    "token lifetimes, app client and OAuth hygiene, identity-pool and IAM trust, threat "
    "protection, WAF and monitoring."
)


def all_policies() -> list[Policy]:
    """Every cognito-guard policy."""
    return [
        *password.POLICIES,
    ]

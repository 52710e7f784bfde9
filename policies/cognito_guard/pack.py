"""The pack's policy list, in catalog order (one area after the other)."""

from __future__ import annotations

from typing import Final

from pulumi_policy import Policy

from cognito_guard import (
    clients,
    github_oidc,
    identity_pool,
    mfa,
    monitoring,
    password,
    stack,
    threat_protection,
    user_pool,
)

PACK_DESCRIPTION: Final = (
    "Blocks insecure Amazon Cognito identity settings before deployment: password strength, MFA, "
    "token lifetimes, app client and OAuth hygiene, identity-pool and IAM trust, threat "
    "protection, WAF and monitoring."
)


def all_policies() -> list[Policy]:
    """Every cognito-guard policy."""
    return [
        *user_pool.POLICIES,
        *threat_protection.POLICIES,
        *password.POLICIES,
        *mfa.POLICIES,
        *clients.POLICIES,
        *identity_pool.POLICIES,
        *github_oidc.POLICIES,
        *stack.POLICIES,
        *monitoring.POLICIES,
    ]

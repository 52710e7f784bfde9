"""The pack's policy list, in catalog order (one area after the other)."""

from __future__ import annotations

from typing import Final

from pulumi_policy import Policy

from cognito_guard import (
    choice_based_auth,
    client_permissions,
    clients,
    domain,
    email_delivery,
    github_oidc,
    identity_pool,
    mfa,
    monitoring,
    native_redirects,
    password,
    sign_in_identifiers,
    stack,
    threat_protection,
    user_pool,
    waf,
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
        *sign_in_identifiers.POLICIES,
        *email_delivery.POLICIES,
        *domain.POLICIES,
        *threat_protection.POLICIES,
        *password.POLICIES,
        *mfa.POLICIES,
        *clients.POLICIES,
        *client_permissions.POLICIES,
        *native_redirects.POLICIES,
        *choice_based_auth.POLICIES,
        *identity_pool.POLICIES,
        *github_oidc.POLICIES,
        *stack.POLICIES,
        *waf.POLICIES,
        *monitoring.POLICIES,
    ]

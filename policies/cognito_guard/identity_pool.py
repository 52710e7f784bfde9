"""Identity-pool and IAM-trust rules that one resource is enough to judge.

Identity pools default to no guest access and no classic flow. A role that Cognito identity pools
may assume must pin the pool (`cognito-identity.amazonaws.com:aud`) and the authentication state
(`cognito-identity.amazonaws.com:amr`); without `aud` any identity pool in the role's account can
obtain credentials for it (STS refuses other accounts' pools without it). Whether each role trusts
*its own* pool with the *right* `amr` spans resources and is judged by the stack policy
`cognito-identity-pool-role-trust`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from cognito_guard import resource_types as rt
from cognito_guard.framework import Area, Config, Controls, Meta, Resource, boolean, resource_policy
from cognito_guard.iam import (
    AUTHENTICATED,
    UNAUTHENTICATED,
    Statement,
    amr_values,
    audiences,
    cognito_trust_statements,
    parse_document,
    trusted_states,
    wildcard_audiences,
)

BOTH_STATES: Final = frozenset({AUTHENTICATED, UNAUTHENTICATED})


def check_guest_access(pool: Resource, config: Config) -> Iterator[str]:
    if config["allowGuestAccess"]:
        return
    if pool.props.flag("allowUnauthenticatedIdentities", default=False):
        yield (
            "`allowUnauthenticatedIdentities` is true: anyone on the internet gets AWS "
            "credentials for the guest role. Set it to false (or allow guests explicitly in this "
            "policy's config and keep the guest role minimal)."
        )


def check_classic_flow(pool: Resource, _config: Config) -> Iterator[str]:
    # The basic (classic) flow hands the app an identity-pool token to present to STS itself:
    # https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html
    if pool.props.flag("allowClassicFlow", default=False):
        yield (
            "`allowClassicFlow` is true: apps can call AssumeRoleWithWebIdentity themselves with "
            "any role whose trust policy admits this pool's tokens, so the pool's default roles "
            "and role-mapping rules no longer decide which role a user gets. Set it to false and "
            "use the enhanced flow (GetCredentialsForIdentity)."
        )


def check_server_side_token_check(pool: Resource, _config: Config) -> Iterator[str]:
    # With the check on, the identity pool asks the user pool whether the user was globally signed
    # out or deleted before it issues credentials:
    # https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_CognitoIdentityProvider.html
    for index, provider in enumerate(pool.props.records("cognitoIdentityProviders")):
        if provider.get("serverSideTokenCheck") is not True:
            yield (
                f"`cognitoIdentityProviders[{index}].serverSideTokenCheck` is not true: ID tokens "
                "of users who were globally signed out or deleted still buy AWS credentials until "
                "they expire. Set it to true."
            )


def check_role_trust_conditions(role: Resource, _config: Config) -> Iterator[str]:
    # What `aud` and `amr` pin, and what IAM and STS already refuse:
    # https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
    # https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools-security-best-practices.html
    document = role.props.known("assumeRolePolicy")
    if document is None:
        return
    for statement in cognito_trust_statements(parse_document(document, ("assumeRolePolicy",))):
        yield from _audience_problems(statement)
        yield from _state_problems(statement)


def _audience_problems(statement: Statement) -> Iterator[str]:
    if not audiences(statement):
        yield (
            "The trust policy lets cognito-identity.amazonaws.com assume this role without a "
            "condition on `cognito-identity.amazonaws.com:aud`: any identity pool in this AWS "
            "account can obtain its credentials (STS refuses pools of other accounts without "
            "aud). Pin it to your pool's id with `StringEquals`."
        )
    elif wildcards := wildcard_audiences(statement):
        yield (
            f"The trust policy's `cognito-identity.amazonaws.com:aud` condition {wildcards} "
            "uses StringLike wildcards that match other identity pools; name the identity pool "
            "id exactly."
        )


def _state_problems(statement: Statement) -> Iterator[str]:
    states = trusted_states(statement)
    if states is None:
        yield (
            "The trust policy does not pin `cognito-identity.amazonaws.com:amr`: guests "
            "(unauthenticated identities) of the trusted pool can assume this role. Require "
            "`ForAnyValue:StringLike` amr = authenticated (or a provider such as "
            "graph.facebook.com, or unauthenticated for a guest role)."
        )
    elif states == BOTH_STATES:
        yield (
            f"The trust policy's amr condition {amr_values(statement)} admits both guests and "
            "signed-in users; use authenticated (or provider names) for a signed-in role, or "
            "exactly unauthenticated for a guest role."
        )


GUEST_ACCESS = resource_policy(
    Meta(
        name="cognito-identity-pool-no-guest-access",
        display_name="No guest identities",
        description="Identity pools must not hand out AWS credentials to unauthenticated guests.",
        area=Area.IDENTITY,
        severity="high",
        enforcement_level="mandatory",
        remediation_steps="Set `allowUnauthenticatedIdentities` to false; if guests are a product need, set this "
        "policy's `allowGuestAccess` and keep the guest role to analytics-only actions.",
        controls=Controls(
            security_hub="Cognito.2",
            prowler="cognito_identity_pool_guest_access_disabled",
            others=(
                "checkov:CKV_AWS_366",
                "cdk-nag:AwsSolutions-COG7",
                "cfn_nag:W57",
                "guard:COGNITO_ALLOW_UNAUTHENTICATED_IDENTITIES_RULE",
            ),
        ),
        config={"allowGuestAccess": boolean(False, "Guest access is an intended product feature.")},
    ),
    [rt.IDENTITY_POOL],
    check_guest_access,
)

CLASSIC_FLOW = resource_policy(
    Meta(
        name="cognito-identity-pool-classic-flow-disabled",
        display_name="Classic flow off",
        description="Identity pools must not allow the classic (basic) authentication flow.",
        area=Area.IDENTITY,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps="Set `allowClassicFlow` to false and use the enhanced flow (GetCredentialsForIdentity).",
        controls=Controls(others=("datadog:def-000-k8u",)),
    ),
    [rt.IDENTITY_POOL],
    check_classic_flow,
)

SERVER_SIDE_TOKEN_CHECK = resource_policy(
    Meta(
        name="cognito-identity-pool-server-side-token-check",
        display_name="Server-side token check",
        description="Identity pools must refuse tokens of users who were signed out or deleted.",
        area=Area.IDENTITY,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps="Set `serverSideTokenCheck: true` on every entry of `cognitoIdentityProviders`.",
        controls=Controls(asvs="7.4.1"),
    ),
    [rt.IDENTITY_POOL],
    check_server_side_token_check,
)

ROLE_TRUST_CONDITIONS = resource_policy(
    Meta(
        name="cognito-identity-role-trust-conditions",
        display_name="Identity role trust conditions",
        description="IAM roles trusted by Cognito identity pools must pin the pool (aud) and the sign-in state (amr).",
        area=Area.IDENTITY,
        severity="critical",
        enforcement_level="mandatory",
        remediation_steps="In the role's `assumeRolePolicy`, add `StringEquals` on "
        "`cognito-identity.amazonaws.com:aud` = your identity pool id and `ForAnyValue:StringLike` "
        "on `cognito-identity.amazonaws.com:amr` = authenticated (or unauthenticated).",
    ),
    [rt.IAM_ROLE],
    check_role_trust_conditions,
)

POLICIES = [GUEST_ACCESS, CLASSIC_FLOW, SERVER_SIDE_TOKEN_CHECK, ROLE_TRUST_CONDITIONS]

"""The audit judges what is deployed: pools created with boto3 on moto in insecure shapes, read
back, mapped to pulumi-aws inputs and judged by cognito-guard over gRPC."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from gate.live import inventory as types
from tests.audit.conftest import REGION, Emulator, audit, findings, live_urn

GUEST_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    ],
}
GUEST_PERMISSIONS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def _insecure_pool(aws: Callable[[str], Any]) -> tuple[str, str]:
    """MFA off, 8-character passwords, a client with the implicit grant and password sign-in."""
    idp = aws("cognito-idp")
    pool_id = idp.create_user_pool(
        PoolName="insecure", Policies={"PasswordPolicy": {"MinimumLength": 8}}
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="legacy-spa",
        AllowedOAuthFlows=["implicit"],
        AllowedOAuthScopes=["openid"],
        AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=["https://app.example.com/callback"],
        SupportedIdentityProviders=["COGNITO"],
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def _guest_identity_pool(
    aws: Callable[[str], Any], emulator: Emulator, pool_id: str, client_id: str
) -> tuple[str, str]:
    """An identity pool trusting the user pool that hands guests an `s3:*` role."""
    identity_pool_id = aws("cognito-identity").create_identity_pool(
        IdentityPoolName="guests",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[
            {
                "ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{pool_id}",
                "ClientId": client_id,
                "ServerSideTokenCheck": False,
            }
        ],
    )["IdentityPoolId"]
    iam = aws("iam")
    role_arn = iam.create_role(
        RoleName="guest-role", AssumeRolePolicyDocument=json.dumps(GUEST_TRUST)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="guest-role", PolicyName="everything", PolicyDocument=json.dumps(GUEST_PERMISSIONS)
    )
    emulator.answer(
        "cognito-identity",
        "GetIdentityPoolRoles",
        lambda request: {
            "IdentityPoolId": request["IdentityPoolId"],
            "Roles": {"unauthenticated": role_arn, "authenticated": role_arn},
        },
    )
    return identity_pool_id, role_arn


def answer_moto_gaps(emulator: Emulator) -> None:
    """What AWS answers for a pool without threat protection, log export or principal tags
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeRiskConfiguration.html,
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetLogDeliveryConfiguration.html,
    https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetPrincipalTagAttributeMap.html)."""
    emulator.answer(
        "cognito-idp",
        "DescribeRiskConfiguration",
        lambda request: {"RiskConfiguration": {"UserPoolId": request["UserPoolId"]}},
    )
    emulator.answer(
        "cognito-idp",
        "GetLogDeliveryConfiguration",
        lambda request: {
            "LogDeliveryConfiguration": {
                "UserPoolId": request["UserPoolId"],
                "LogConfigurations": [],
            }
        },
    )
    emulator.answer(
        "cognito-identity",
        "GetPrincipalTagAttributeMap",
        lambda request: {**request, "UseDefaults": True, "PrincipalTags": {}},
    )


def test_insecure_shapes_are_found_on_the_live_resources(
    aws: Callable[[str], Any], emulator: Emulator
) -> None:
    pool_id, client_id = _insecure_pool(aws)
    identity_pool_id, role_arn = _guest_identity_pool(aws, emulator, pool_id, client_id)
    other = aws("cognito-idp").create_user_pool(PoolName="not-audited")["UserPool"]["Id"]
    answer_moto_gaps(emulator)

    result = audit(pool_ids=(pool_id,))

    pool = live_urn(result, types.USER_POOL, pool_id)
    client = live_urn(result, types.USER_POOL_CLIENT, client_id)
    identity_pool = live_urn(result, types.IDENTITY_POOL, identity_pool_id)
    attachment = live_urn(result, types.ROLE_ATTACHMENT, identity_pool_id)
    role = live_urn(result, types.IAM_ROLE, role_arn.rsplit("/", 1)[-1])
    found = findings(result)
    expected = {
        ("cognito-user-pool-mfa-required", pool),
        ("cognito-password-min-length", pool),
        ("cognito-client-no-implicit-grant", client),
        ("cognito-client-no-password-auth-flows", client),
        # `remediate` in the prod profile: a deployed client is reported, not remediated.
        ("cognito-client-prevent-user-existence-errors", client),
        ("cognito-identity-pool-no-guest-access", identity_pool),
        ("cognito-identity-pool-server-side-token-check", identity_pool),
        ("cognito-identity-role-trust-conditions", role),
        # Stack policies: they find the roles only through the attachment's references.
        ("cognito-identity-pool-distinct-roles", attachment),
        ("cognito-identity-pool-guest-role-least-privilege", attachment),
        ("cognito-identity-pool-role-trust", attachment),
    }
    assert expected <= found, sorted(found)
    assert result.exit_code == 1
    assert result.analysis.autofixes == ()
    assert result.not_judged == ()
    planned = result.resource(pool)
    assert planned is not None
    assert planned.name.endswith(f":userpool/{pool_id}")  # findings name the live ARN
    assert all(other not in urn for _, urn in found)


def test_a_read_that_fails_is_not_judged_never_passed(
    aws: Callable[[str], Any], emulator: Emulator
) -> None:
    """moto has no GetLogDeliveryConfiguration (left unanswered: a real gap) and WAF says access
    denied: both are listed with their API and reason, the policies that depend on them give no
    verdict, and the run is incomplete (exit 2) unless partial results are allowed."""
    pool_id, _ = _insecure_pool(aws)
    answer_moto_gaps(emulator)
    del emulator.answers[("cognito-idp", "GetLogDeliveryConfiguration")]
    emulator.deny("wafv2", "GetWebACLForResource")

    result = audit()

    unread = {entry.api: entry for entry in result.not_judged}
    assert set(unread) == {"cognito-idp:GetLogDeliveryConfiguration", "wafv2:GetWebACLForResource"}
    assert unread["cognito-idp:GetLogDeliveryConfiguration"].resource == pool_id
    assert "HTTP 500" in unread["cognito-idp:GetLogDeliveryConfiguration"].reason
    assert unread["wafv2:GetWebACLForResource"].reason.startswith(
        "access denied: AccessDeniedException"
    )
    judged = {policy for policy, _ in findings(result)}
    assert "cognito-user-pool-auth-event-logging" not in judged
    assert "cognito-user-pool-waf-associated" not in judged
    assert "cognito-user-pool-mfa-required" in judged  # what could be read is still judged
    assert result.exit_code == 2
    assert result.verdict().startswith("INCOMPLETE")
    assert replace(result, allow_partial=True).exit_code == 1

"""App-client, OAuth and identity-pool rules: each way to break them, defaults, config, remediation."""

from __future__ import annotations

import json

import pytest

from cognito_guard import clients, identity_pool
from cognito_guard import resource_types as rt
from gate.analyzer import Secret
from tests.policies.harness import remediate
from tests.policies.reference import (
    IDENTITY_POOL_ID,
    SECURE_AUTH_ROLE,
    SECURE_IDENTITY_POOL,
    SECURE_MOBILE_CLIENT,
    SECURE_SPA_CLIENT,
    SECURE_WEB_CLIENT,
    trust_policy,
)
from tests.policies.rules_table import REMOVE, Row, check_row

C, IP, ROLE, API = rt.USER_POOL_CLIENT, rt.IDENTITY_POOL, rt.IAM_ROLE, rt.APIGW_METHOD
WEB, SPA, MOBILE = SECURE_WEB_CLIENT, SECURE_SPA_CLIENT, SECURE_MOBILE_CLIENT
METHOD = {"httpMethod": "GET", "authorization": "COGNITO_USER_POOLS", "authorizerId": "abc"}


def _trust(condition: dict[str, object]) -> str:
    document = json.loads(trust_policy(IDENTITY_POOL_ID, "authenticated"))
    document["Statement"][0]["Condition"] = condition
    return json.dumps(document)


ROWS = [
    Row(
        clients.PREVENT_USER_EXISTENCE_ERRORS,
        C,
        WEB,
        "preventUserExistenceErrors",
        "LEGACY",
        "is LEGACY",
    ),
    Row(
        clients.PREVENT_USER_EXISTENCE_ERRORS,
        C,
        WEB,
        "preventUserExistenceErrors",
        REMOVE,
        "not set (LEGACY)",
    ),
    Row(
        clients.TOKEN_REVOCATION,
        C,
        WEB,
        "enableTokenRevocation",
        False,
        "`enableTokenRevocation` is false",
    ),
    Row(clients.TOKEN_REVOCATION, C, WEB, "enableTokenRevocation", REMOVE, None),
    Row(clients.REFRESH_TOKEN_LIFETIME, C, WEB, "refreshTokenValidity", 3650, "3650 hours"),
    Row(
        clients.REFRESH_TOKEN_LIFETIME,
        C,
        WEB,
        "tokenValidityUnits.refreshToken",
        "days",
        "12 days",
        {"maximumHours": 24},
    ),
    Row(clients.REFRESH_TOKEN_LIFETIME, C, WEB, "refreshTokenValidity", REMOVE, None),
    Row(
        clients.REFRESH_TOKEN_LIFETIME,
        C,
        WEB,
        "refreshTokenValidity",
        REMOVE,
        "30 days (AWS default)",
        {"maximumHours": 12},
    ),
    Row(
        clients.REFRESH_TOKEN_LIFETIME,
        C,
        WEB,
        "tokenValidityUnits.refreshToken",
        "fortnights",
        "malformed",
    ),
    Row(clients.TOKEN_LIFETIMES, C, WEB, "accessTokenValidity", 1440, "Access tokens live 1 day"),
    Row(
        clients.TOKEN_LIFETIMES,
        C,
        WEB,
        "tokenValidityUnits.idToken",
        "hours",
        "ID tokens live 15 hours",
    ),
    Row(clients.TOKEN_LIFETIMES, C, WEB, "accessTokenValidity", REMOVE, None),
    Row(
        clients.TOKEN_LIFETIMES,
        C,
        WEB,
        "accessTokenValidity",
        REMOVE,
        "Access tokens live 1 hour",
        {"maximumAccessTokenMinutes": 15},
    ),
    Row(clients.AUTH_SESSION, C, WEB, "authSessionValidity", 15, "is 15 minutes"),
    Row(clients.AUTH_SESSION, C, WEB, "authSessionValidity", REMOVE, None),
    Row(clients.AUTH_SESSION, C, WEB, "authSessionValidity", 15, None, {"maximumMinutes": 15}),
    Row(
        clients.NO_IMPLICIT_GRANT,
        C,
        SPA,
        "allowedOauthFlows",
        ["code", "implicit"],
        "includes implicit",
    ),
    Row(clients.NO_IMPLICIT_GRANT, C, SPA, "allowedOauthFlows", REMOVE, None),
    Row(
        clients.NO_PASSWORD_FLOWS,
        C,
        SPA,
        "explicitAuthFlows",
        ["ALLOW_USER_PASSWORD_AUTH"],
        "plaintext password",
    ),
    # ADMIN_NO_SRP_AUTH is the legacy name of ALLOW_ADMIN_USER_PASSWORD_AUTH: judged alike
    Row(
        clients.NO_PASSWORD_FLOWS,
        C,
        SPA,
        "explicitAuthFlows",
        ["ADMIN_NO_SRP_AUTH"],
        "ADMIN_NO_SRP_AUTH on a public client",
    ),
    Row(clients.NO_PASSWORD_FLOWS, C, WEB, "explicitAuthFlows", ["ADMIN_NO_SRP_AUTH"], None),
    Row(
        clients.NO_PASSWORD_FLOWS,
        C,
        WEB,
        "explicitAuthFlows",
        ["ALLOW_USER_SRP_AUTH", "USER_PASSWORD_AUTH"],
        "USER_PASSWORD_AUTH: the app sends the plaintext password",
    ),
    Row(
        clients.NO_PASSWORD_FLOWS,
        C,
        SPA,
        "explicitAuthFlows",
        ["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        "on a public client",
    ),
    Row(
        clients.NO_PASSWORD_FLOWS,
        C,
        WEB,
        "explicitAuthFlows",
        ["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        None,
    ),
    Row(
        clients.NO_PASSWORD_FLOWS,
        C,
        SPA,
        "explicitAuthFlows",
        ["ALLOW_USER_PASSWORD_AUTH"],
        None,
        {"allowedPasswordFlows": ["ALLOW_USER_PASSWORD_AUTH"]},
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "callbackUrls",
        ["https://*.example.com/callback"],
        "has a wildcard",
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "callbackUrls",
        ["http://portal.example.com/cb"],
        "is plain http",
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "callbackUrls",
        ["http://localhost:3000/cb"],
        "points to localhost",
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "callbackUrls",
        ["http://localhost:3000/cb"],
        None,
        {"allowLocalhost": True},
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "logoutUrls",
        ["https://portal.example.com/#done"],
        "has a fragment",
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "callbackUrls",
        ["https://acme.github.io/cb"],
        "shared hosting",
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "callbackUrls",
        ["https://site.s3-website-eu-west-1.amazonaws.com/"],
        "S3 website",
    ),
    Row(
        clients.REDIRECT_URLS, C, WEB, "callbackUrls", ["javascript:alert(1)"], "javascript: scheme"
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "defaultRedirectUri",
        "http://portal.example.com/",
        "`defaultRedirectUri`",
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        WEB,
        "callbackUrls",
        ["https://evil.example.net/cb"],
        "not an allowed host",
        {"allowedHosts": ["portal.example.com"]},
    ),
    Row(
        clients.REDIRECT_URLS,
        C,
        MOBILE,
        "callbackUrls",
        ["com.example.field://callback"],
        "custom scheme",
        {"allowCustomSchemes": False},
    ),
    Row(
        clients.REFRESH_TOKEN_ROTATION,
        C,
        SPA,
        "refreshTokenRotation",
        REMOVE,
        "public (no secret) client",
    ),
    Row(
        clients.REFRESH_TOKEN_ROTATION,
        C,
        SPA,
        "refreshTokenRotation.feature",
        "DISABLED",
        "once the app refreshes with GetTokensFromRefreshToken: with rotation on, "
        "REFRESH_TOKEN_AUTH (InitiateAuth) stops working",
    ),
    Row(clients.REFRESH_TOKEN_ROTATION, C, WEB, "refreshTokenRotation", REMOVE, None),
    Row(
        clients.REFRESH_TOKEN_ROTATION,
        C,
        WEB,
        "refreshTokenRotation",
        REMOVE,
        "confidential client",
        {"applyToConfidentialClients": True},
    ),
    Row(
        clients.SECRET_ON_PUBLIC_CLIENT,
        C,
        MOBILE,
        "generateSecret",
        True,
        "app scheme com.example.field://",
    ),
    Row(
        clients.SECRET_ON_PUBLIC_CLIENT, C, WEB, "allowedOauthFlows", ["implicit"], "implicit flow"
    ),
    Row(
        clients.SECRET_ON_PUBLIC_CLIENT,
        C,
        WEB,
        "callbackUrls",
        ["http://localhost:8080/cb"],
        "localhost",
    ),
    Row(
        clients.EXPLICIT_WRITE_ATTRIBUTES,
        C,
        WEB,
        "writeAttributes",
        REMOVE,
        "every standard attribute of their own profile, email and phone_number included (custom "
        "attributes stay read-only)",
    ),
    Row(clients.EXPLICIT_WRITE_ATTRIBUTES, C, WEB, "writeAttributes", [], None),
    Row(
        clients.PROTECTED_ATTRIBUTE_WRITES,
        C,
        WEB,
        "writeAttributes",
        ["name", "email_verified"],
        "mark an address",
    ),
    Row(
        clients.PROTECTED_ATTRIBUTE_WRITES,
        C,
        WEB,
        "writeAttributes",
        ["custom:tenant_id"],
        "change their own privileges",
    ),
    Row(
        clients.PROTECTED_ATTRIBUTE_WRITES,
        C,
        {**WEB, "allowedOauthScopes": ["openid", "aws.cognito.signin.user.admin"]},
        "writeAttributes",
        ["custom:isAdmin"],
        "UpdateUserAttributes directly",
    ),
    Row(
        clients.PROTECTED_ATTRIBUTE_WRITES,
        C,
        WEB,
        "writeAttributes",
        ["custom:tenant_id"],
        None,
        {"authorizationAttributes": ["custom:role"]},
    ),
    Row(
        clients.LOCAL_USERS,
        C,
        WEB,
        "supportedIdentityProviders",
        ["COGNITO", "corporate-saml"],
        "next to corporate-saml",
    ),
    Row(clients.LOCAL_USERS, C, WEB, "supportedIdentityProviders", ["COGNITO"], None),
    Row(
        clients.LOCAL_USERS,
        C,
        WEB,
        "supportedIdentityProviders",
        ["COGNITO"],
        "includes COGNITO",
        {"requireFederation": True},
    ),
    Row(
        clients.LOCAL_USERS,
        C,
        WEB,
        "supportedIdentityProviders",
        ["COGNITO", "okta"],
        None,
        {"allowLocalUsers": True},
    ),
    Row(clients.API_AUTHORIZER, API, METHOD, "authorization", "NONE", "authorization NONE"),
    Row(clients.API_AUTHORIZER, API, METHOD, "authorization", REMOVE, "authorization NONE"),
    Row(clients.API_AUTHORIZER, API, METHOD, "httpMethod", "OPTIONS", None),
    Row(
        clients.API_AUTHORIZER,
        API,
        METHOD,
        "authorization",
        "AWS_IAM",
        None,
        {"allowedAuthorizations": ["COGNITO_USER_POOLS", "AWS_IAM"]},
    ),
    Row(clients.API_AUTHORIZER, API, METHOD, "authorization", "COGNITO_USER_POOLS", None),
    # identity pool and trust
    Row(
        identity_pool.GUEST_ACCESS,
        IP,
        SECURE_IDENTITY_POOL,
        "allowUnauthenticatedIdentities",
        True,
        "anyone on the internet",
    ),
    Row(
        identity_pool.GUEST_ACCESS,
        IP,
        SECURE_IDENTITY_POOL,
        "allowUnauthenticatedIdentities",
        REMOVE,
        None,
    ),
    Row(
        identity_pool.GUEST_ACCESS,
        IP,
        SECURE_IDENTITY_POOL,
        "allowUnauthenticatedIdentities",
        True,
        None,
        {"allowGuestAccess": True},
    ),
    Row(
        identity_pool.CLASSIC_FLOW,
        IP,
        SECURE_IDENTITY_POOL,
        "allowClassicFlow",
        True,
        "any role whose trust policy admits this pool's tokens",
    ),
    Row(identity_pool.CLASSIC_FLOW, IP, SECURE_IDENTITY_POOL, "allowClassicFlow", REMOVE, None),
    Row(
        identity_pool.SERVER_SIDE_TOKEN_CHECK,
        IP,
        SECURE_IDENTITY_POOL,
        "cognitoIdentityProviders.0.serverSideTokenCheck",
        False,
        "users who were globally signed out or deleted still buy AWS credentials",
    ),
    Row(
        identity_pool.SERVER_SIDE_TOKEN_CHECK,
        IP,
        SECURE_IDENTITY_POOL,
        "cognitoIdentityProviders.0.serverSideTokenCheck",
        REMOVE,
        "is not true",
    ),
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        _trust({"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}),
        "any identity pool in this AWS account can obtain its credentials",
    ),
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        _trust({"StringEquals": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL_ID}}),
        "guests",
    ),
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        _trust(
            {
                "StringLike": {"cognito-identity.amazonaws.com:aud": "eu-west-1:*"},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            }
        ),
        "['eu-west-1:*'] uses StringLike wildcards",
    ),
    # an exact pool id under StringLike pins that one pool, as StringEquals does
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        _trust(
            {
                "StringLike": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL_ID},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            }
        ),
        None,
    ),
    # AWS's documented provider-specific amr: only users signed in through Facebook
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        _trust(
            {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL_ID},
                "ForAnyValue:StringLike": {
                    "cognito-identity.amazonaws.com:amr": "graph.facebook.com"
                },
            }
        ),
        None,
    ),
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        _trust(
            {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL_ID},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "*"},
            }
        ),
        "admits both guests and signed-in users",
    ),
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        _trust(
            {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL_ID},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauth*"},
            }
        ),
        None,
    ),
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        _trust(
            {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": IDENTITY_POOL_ID},
                "ForAnyValue:StringLike": {
                    "cognito-identity.amazonaws.com:amr": ["authenticated", "unauthenticated"]
                },
            }
        ),
        "admits both guests and signed-in users",
    ),
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        "{not json",
        "malformed",
    ),
    Row(
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            }
        ),
        None,
    ),
]


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
def test_rule_verdict(row: Row) -> None:
    check_row(row)


@pytest.mark.parametrize(
    ("policy", "props", "expected"),
    [
        (
            clients.PREVENT_USER_EXISTENCE_ERRORS,
            {**WEB, "preventUserExistenceErrors": "LEGACY"},
            {"preventUserExistenceErrors": "ENABLED"},
        ),
        (
            clients.PREVENT_USER_EXISTENCE_ERRORS,
            {k: v for k, v in WEB.items() if k != "preventUserExistenceErrors"},
            {"preventUserExistenceErrors": "ENABLED"},
        ),
        (
            clients.TOKEN_REVOCATION,
            {**WEB, "enableTokenRevocation": False},
            {"enableTokenRevocation": True},
        ),
    ],
    ids=["legacy", "absent", "revocation-off"],
)
def test_safe_remediations_fix_the_property_and_keep_the_rest(
    policy: object, props: dict[str, object], expected: dict[str, object]
) -> None:
    fixed = remediate(policy, C, {**props, "clientSecret": Secret("s3cr3t")})  # type: ignore[arg-type]
    assert fixed is not None
    for key, value in expected.items():
        assert fixed[key] == value
    assert fixed["callbackUrls"] == WEB["callbackUrls"]
    assert fixed["accessTokenValidity"] == WEB["accessTokenValidity"]


@pytest.mark.parametrize(
    "policy", [clients.PREVENT_USER_EXISTENCE_ERRORS, clients.TOKEN_REVOCATION]
)
def test_remediation_leaves_compliant_clients_alone(policy: object) -> None:
    assert remediate(policy, C, WEB) is None  # type: ignore[arg-type]

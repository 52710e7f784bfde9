"""Resource rules at their edges: the cases next to the ones the rule tables try.

Each case is a realistic resource one step away from the secure reference, judged on wire-form
properties, with every message the policy reports (none when it must pass). The AWS behaviour
behind each group is cited next to it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi_policy import ResourceValidationPolicy

from cognito_guard import (
    client_permissions,
    clients,
    domain,
    email_delivery,
    github_oidc,
    identity_pool,
    mfa,
    password,
    threat_protection,
    user_pool,
)
from cognito_guard import resource_types as rt
from tests.policies.harness import remediate, run_resource
from tests.policies.reference import (
    IDENTITY_POOL_ID,
    SECURE_AUTH_ROLE,
    SECURE_IDENTITY_PROVIDER,
    SECURE_POOL,
    SECURE_RISK,
    SECURE_WEB_CLIENT,
)

POOL, CLIENT, METHOD = rt.USER_POOL, rt.USER_POOL_CLIENT, rt.APIGW_METHOD
IDP, ROLE, DOMAIN = rt.IDENTITY_PROVIDER, rt.IAM_ROLE, rt.USER_POOL_DOMAIN
POLICY = SECURE_POOL["passwordPolicy"]


@dataclass(frozen=True)
class Edge:
    """`policy` judges a resource of `type` with `props` and reports exactly `messages`."""

    label: str
    policy: ResourceValidationPolicy
    type: str
    props: Mapping[str, Any]
    messages: list[str]
    config: Mapping[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        """The policy reports exactly `messages` and is applicable."""
        outcome = run_resource(self.policy, self.type, self.props, dict(self.config) or None)
        assert outcome.messages == self.messages
        assert outcome.not_applicable is None


def edge_cases(edges: Sequence[Edge]) -> list[Any]:
    """`edges` as pytest parameters named policy:label."""
    return [pytest.param(e, id=f"{e.policy.name}:{e.label}") for e in edges]


def _pool(**changes: Any) -> dict[str, Any]:
    return {**SECURE_POOL, **changes}


def _password(**changes: Any) -> dict[str, Any]:
    return _pool(passwordPolicy={**POLICY, **changes})


def _client(**changes: Any) -> dict[str, Any]:
    return {**SECURE_WEB_CLIENT, **changes}


LITE_NO_HISTORY = {"minimumHistory": 0}

# Password policy: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html
# (MinimumLength defaults to 8; PasswordHistorySize needs the Essentials tier or higher).
PASSWORD = [
    Edge(
        "letters-by-lowercase-alone",
        password.COMPOSITION,
        POOL,
        _password(requireUppercase=False),
        [],
        {"requiredCharacterClasses": ["letters"]},
    ),
    Edge(
        "letters-by-uppercase-alone",
        password.COMPOSITION,
        POOL,
        _password(requireLowercase=False),
        [],
        {"requiredCharacterClasses": ["letters"]},
    ),
    Edge(
        "no-letter-required",
        password.COMPOSITION,
        POOL,
        _password(requireLowercase=False, requireUppercase=False),
        [
            "Passwords need not contain a letter: set `passwordPolicy.requireLowercase` or "
            "`passwordPolicy.requireUppercase` to true."
        ],
        {"requiredCharacterClasses": ["letters"]},
    ),
    Edge(
        "classes-after-letters-still-checked",
        password.COMPOSITION,
        POOL,
        _password(requireUppercase=False, requireSymbols=False),
        ["Passwords need not contain a symbol: set `passwordPolicy.requireSymbols` to true."],
        {"requiredCharacterClasses": ["letters", "symbols"]},
    ),
    Edge(
        "length-absent-from-a-present-block",
        password.MINIMUM_LENGTH,
        POOL,
        _pool(passwordPolicy={k: v for k, v in POLICY.items() if k != "minimumLength"}),
        ["`passwordPolicy.minimumLength` is not set, so AWS uses 8; it must be at least 14."],
    ),
    Edge(
        "lite-without-history",
        password.HISTORY,
        POOL,
        _pool(
            userPoolTier="LITE",
            passwordPolicy={k: v for k, v in POLICY.items() if k != "passwordHistorySize"},
        ),
        [],
        LITE_NO_HISTORY,
    ),
    Edge(
        "lite-with-history-zero",
        password.HISTORY,
        POOL,
        {**_password(passwordHistorySize=0), "userPoolTier": "LITE"},
        [],
        LITE_NO_HISTORY,
    ),
    Edge(
        "lite-with-history-one",
        password.HISTORY,
        POOL,
        {**_password(passwordHistorySize=1), "userPoolTier": "LITE"},
        [
            "`passwordPolicy.passwordHistorySize` is 1 on the LITE feature plan, which has no "
            "password history (AWS requires Essentials or higher): set `userPoolTier` to "
            "ESSENTIALS or PLUS."
        ],
        LITE_NO_HISTORY,
    ),
]

# ChallengeRequiredOnNewDevice defaults to false:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeviceConfigurationType.html
MFA = [
    Edge(
        "device-challenge-absent",
        mfa.DEVICE_REMEMBERING,
        POOL,
        _pool(deviceConfiguration={"deviceOnlyRememberedOnUserPrompt": False}),
        [],
    ),
    Edge(
        "no-factor-allowed",
        mfa.MFA_FACTORS,
        POOL,
        SECURE_POOL,
        [
            "The pool offers SOFTWARE_TOKEN as an MFA factor, which this profile does not allow "
            "(allowed: none)."
        ],
        {"allowedFactors": []},
    ),
]

# EmailSendingAccount defaults to COGNITO_DEFAULT:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
EMAIL = [
    Edge(
        "account-absent-from-a-present-block",
        email_delivery.EMAIL_DELIVERY,
        POOL,
        _pool(emailConfiguration={"sourceArn": SECURE_POOL["emailConfiguration"]["sourceArn"]}),
        [
            "`emailConfiguration.emailSendingAccount` is not set (COGNITO_DEFAULT): Cognito's "
            "built-in sender has a daily quota that AWS calls less than typical production "
            "volume, and when it runs out users cannot verify, reset passwords or receive email "
            "codes. Use DEVELOPER with a verified SES identity in `sourceArn`."
        ],
    ),
]

# Recovery mechanisms are ranked by Priority (a number):
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RecoveryOptionType.html
USER_POOL = [
    Edge(
        "recovery-priority-not-a-number",
        user_pool.ACCOUNT_RECOVERY,
        POOL,
        _pool(accountRecoverySetting={"recoveryMechanisms": [{"name": "verified_email"}]}),
        [
            "`accountRecoverySetting.recoveryMechanisms[0].priority` has the malformed value "
            "None (expected a number), so this setting cannot be verified; fix the value."
        ],
    ),
    Edge(
        "recovery-priority-a-boolean",
        user_pool.ACCOUNT_RECOVERY,
        POOL,
        _pool(
            accountRecoverySetting={
                "recoveryMechanisms": [{"name": "verified_email", "priority": True}]
            }
        ),
        [
            "`accountRecoverySetting.recoveryMechanisms[0].priority` has the malformed value "
            "True (expected a number), so this setting cannot be verified; fix the value."
        ],
    ),
    Edge(
        "no-sms-at-all",
        user_pool.ACCOUNT_RECOVERY,
        POOL,
        SECURE_POOL,
        [],
        {"forbidSmsRecovery": True},
    ),
]

# Redirect URLs: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
# (CallbackURLs: "Must be absolute", HTTPS except http://localhost for testing, no fragment).
REDIRECTS = [
    Edge(
        "no-scheme",
        clients.REDIRECT_URLS,
        CLIENT,
        _client(callbackUrls=["portal.example.com/cb"]),
        [
            "`callbackUrls[0]` 'portal.example.com/cb' has no scheme; redirect URLs must be "
            "exact https URLs."
        ],
    ),
    Edge(
        "empty-fragment",
        clients.REDIRECT_URLS,
        CLIENT,
        _client(callbackUrls=["https://portal.example.com/cb#"]),
        [
            "`callbackUrls[0]` 'https://portal.example.com/cb#' has a fragment; redirect URLs "
            "must be exact https URLs."
        ],
    ),
    Edge(
        "https-localhost",
        clients.REDIRECT_URLS,
        CLIENT,
        _client(callbackUrls=["https://localhost:8443/cb"]),
        [
            "`callbackUrls[0]` 'https://localhost:8443/cb' points to localhost (development "
            "only); redirect URLs must be exact https URLs."
        ],
    ),
    Edge(
        "localhost-allowed",
        clients.REDIRECT_URLS,
        CLIENT,
        _client(
            callbackUrls=["https://localhost:8443/cb", "http://localhost:3000/cb"],
            defaultRedirectUri="http://localhost:3000/cb",
        ),
        [],
        {"allowLocalhost": True},
    ),
    Edge(
        "s3-rest-endpoint",
        clients.REDIRECT_URLS,
        CLIENT,
        _client(callbackUrls=["https://site.s3.eu-west-1.amazonaws.com/cb"]),
        [
            "`callbackUrls[0]` 'https://site.s3.eu-west-1.amazonaws.com/cb' is an S3 website "
            "endpoint that anyone can claim once the bucket is gone; redirect URLs must be exact "
            "https URLs."
        ],
    ),
    Edge(
        "another-aws-endpoint",
        clients.REDIRECT_URLS,
        CLIENT,
        _client(callbackUrls=["https://abc123.execute-api.eu-west-1.amazonaws.com/prod/cb"]),
        [],
    ),
    Edge(
        "host-on-the-allow-list",
        clients.REDIRECT_URLS,
        CLIENT,
        SECURE_WEB_CLIENT,
        [],
        {"allowedHosts": ["portal.example.com"]},
    ),
]

# Token lifetimes: units default to hours for access and ID tokens and days for refresh tokens,
# the auth session to 3 minutes:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
LIFETIMES = [
    Edge(
        "refresh-unit-absent-means-days",
        clients.REFRESH_TOKEN_LIFETIME,
        CLIENT,
        {
            **{k: v for k, v in SECURE_WEB_CLIENT.items() if k != "tokenValidityUnits"},
            "refreshTokenValidity": 60,
        },
        [
            "Refresh tokens live 60 days; a stolen one keeps a session alive that long. Set "
            "`refreshTokenValidity` (with `tokenValidityUnits.refreshToken`) to at most 30 days."
        ],
    ),
    Edge(
        "refresh-one-minute-past-the-hours",
        clients.REFRESH_TOKEN_LIFETIME,
        CLIENT,
        _client(refreshTokenValidity=721, tokenValidityUnits={"refreshToken": "minutes"}),
        [
            "Refresh tokens live 721 minutes; a stolen one keeps a session alive that long. Set "
            "`refreshTokenValidity` (with `tokenValidityUnits.refreshToken`) to at most 12 hours."
        ],
        {"maximumHours": 12},
    ),
    Edge(
        "access-unit-absent-means-hours",
        clients.TOKEN_LIFETIMES,
        CLIENT,
        {
            **{k: v for k, v in SECURE_WEB_CLIENT.items() if k != "tokenValidityUnits"},
            "accessTokenValidity": 2,
            "idTokenValidity": 1,
        },
        [
            "Access tokens live 2 hours; they cannot be revoked before they expire. Set "
            "`accessTokenValidity` to at most 1 hour."
        ],
    ),
    Edge(
        "ninety-minutes-shown-in-minutes",
        clients.TOKEN_LIFETIMES,
        CLIENT,
        _client(
            accessTokenValidity=90,
            idTokenValidity=60,
            tokenValidityUnits={"accessToken": "minutes", "idToken": "minutes"},
        ),
        [
            "Access tokens live 90 minutes; they cannot be revoked before they expire. Set "
            "`accessTokenValidity` to at most 1 hour."
        ],
    ),
    Edge(
        "auth-session-default-at-a-three-minute-maximum",
        clients.AUTH_SESSION,
        CLIENT,
        {k: v for k, v in SECURE_WEB_CLIENT.items() if k != "authSessionValidity"},
        [],
        {"maximumMinutes": 3},
    ),
]

# A client that signs in no user (client credentials only) reads no attributes; unset
# ExplicitAuthFlows means ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
PERMISSIONS = [
    Edge(
        "code-flow-client-with-refresh-only-flows",
        client_permissions.EXPLICIT_READ_ATTRIBUTES,
        CLIENT,
        {
            **{k: v for k, v in SECURE_WEB_CLIENT.items() if k != "readAttributes"},
            "explicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
        },
        [
            "`readAttributes` is not set, so the client reads every standard attribute "
            "(address, birthdate, phone_number, ...) and both verified flags, and puts them in "
            "its ID tokens. List only the attributes the app needs."
        ],
    ),
]

# CORS preflight (OPTIONS) carries no credentials, so it cannot use an authorizer:
# https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
API = [
    Edge(
        "preflight",
        clients.API_AUTHORIZER,
        METHOD,
        {"httpMethod": "OPTIONS", "authorization": "NONE"},
        [],
    ),
    Edge(
        "preflight-lower-case",
        clients.API_AUTHORIZER,
        METHOD,
        {"httpMethod": "options", "authorization": "NONE"},
        [],
    ),
    Edge(
        "method-absent",
        clients.API_AUTHORIZER,
        METHOD,
        {"authorization": "NONE"},
        [
            "API method uses authorization NONE; use a Cognito user pool authorizer (allowed: "
            "COGNITO_USER_POOLS)."
        ],
    ),
]

# Custom attributes used for authorization must be immutable or developer-only (users cannot
# write developer-only attributes):
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html
TENANT_MUTABLE = {"name": "tenant_id", "attributeDataType": "String", "mutable": True}
AUTHORIZATION = [
    Edge(
        "protected-attribute-after-an-unprotected-one",
        user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
        POOL,
        _pool(
            schemas=[
                {"name": "department", "attributeDataType": "String", "mutable": True},
                TENANT_MUTABLE,
            ]
        ),
        [
            "`custom:tenant_id` is used for authorization but is mutable (`schemas[1].mutable` "
            "true); a user or client that can write it can change their own privileges. Declare "
            "it with `mutable: false` (set it once at creation) or `developerOnlyAttribute: true`."
        ],
    ),
    Edge(
        "developer-only",
        user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
        POOL,
        _pool(schemas=[{**TENANT_MUTABLE, "developerOnlyAttribute": True}]),
        [],
    ),
    Edge(
        "developer-only-false",
        user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
        POOL,
        _pool(schemas=[{**TENANT_MUTABLE, "mutable": False, "developerOnlyAttribute": False}]),
        [],
    ),
    Edge(
        "mutable-not-a-boolean",
        user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
        POOL,
        _pool(schemas=[{**TENANT_MUTABLE, "mutable": "sometimes"}]),
        [
            "`schemas[0].mutable` has the malformed value 'sometimes' (expected true or false), "
            "so this setting cannot be verified; fix the value."
        ],
    ),
]

# Identity providers: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
PROVIDERS = [
    Edge(
        "name-from-the-resource",
        user_pool.IDENTITY_PROVIDER_MAPPING,
        IDP,
        {
            **{k: v for k, v in SECURE_IDENTITY_PROVIDER.items() if k != "providerName"},
            "attributeMapping": {"email_verified": "verified"},
        },
        [
            "Identity provider subject (SAML) maps `verified` onto `email_verified`: the pool "
            "would trust that provider's claim that an address is verified. Remove the mapping "
            "or list the provider type as trusted."
        ],
    ),
    Edge(
        "mapping-not-a-map",
        user_pool.IDENTITY_PROVIDER_MAPPING,
        IDP,
        {**SECURE_IDENTITY_PROVIDER, "attributeMapping": ["email"]},
        [
            "`attributeMapping` has the malformed value ['email'] (expected a map of user-pool "
            "attribute to claim), so this setting cannot be verified; fix the value."
        ],
    ),
]

# CustomAuthMode is AUDIT or ENFORCED:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdvancedSecurityAdditionalFlowsType.html
THREATS = [
    Edge(
        "custom-auth-mode-unknown",
        threat_protection.CUSTOM_AUTH_PROTECTION,
        POOL,
        _pool(
            userPoolAddOns={
                "advancedSecurityMode": "ENFORCED",
                "advancedSecurityAdditionalFlows": {"customAuthMode": "STRICT"},
            }
        ),
        [
            "`userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode` has the malformed "
            "value 'STRICT' (expected AUDIT or ENFORCED), so this setting cannot be verified; fix "
            "the value."
        ],
        {"onlyWhenCustomAuthUsed": False},
    ),
]

# Trust policies are IAM policy documents (JSON text in `assumeRolePolicy`):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
LONG_BROKEN = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*"'
TRUST_DOCUMENTS = [
    Edge(
        "json-but-not-a-document",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        {**SECURE_AUTH_ROLE, "assumeRolePolicy": '"allow everyone"'},
        [
            "`assumeRolePolicy` has the malformed value 'allow everyone' (expected a policy "
            "document), so this setting cannot be verified; fix the value."
        ],
    ),
    Edge(
        "statement-not-an-object",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        {**SECURE_AUTH_ROLE, "assumeRolePolicy": '{"Statement": ["sts:AssumeRole"]}'},
        [
            "`assumeRolePolicy` has the malformed value 'sts:AssumeRole' (expected policy "
            "statements), so this setting cannot be verified; fix the value."
        ],
    ),
    Edge(
        "broken-json-shown-in-its-first-60-characters",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        {**SECURE_AUTH_ROLE, "assumeRolePolicy": LONG_BROKEN},
        [
            f"`assumeRolePolicy` has the malformed value {LONG_BROKEN[:60]!r} (expected a JSON "
            "policy document), so this setting cannot be verified; fix the value."
        ],
    ),
]

# Managed login versions are 1 (classic hosted UI) and 2:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html
DOMAINS = [
    Edge(
        "version-aws-does-not-have",
        domain.MANAGED_LOGIN_VERSION,
        DOMAIN,
        {"domain": "workforce-auth", "userPoolId": "eu-west-1_AbCdEf123", "managedLoginVersion": 3},
        ["`managedLoginVersion` is 3 (unknown version); this profile expects 2 (managed login)."],
    ),
]

# Values of the wrong shape are reported as malformed (the engine sends what the program set).
SHAPES = [
    Edge(
        "number-given-as-a-boolean",
        password.MINIMUM_LENGTH,
        POOL,
        _password(minimumLength=True),
        [
            "`passwordPolicy.minimumLength` has the malformed value True (expected a number), so "
            "this setting cannot be verified; fix the value."
        ],
    ),
    Edge(
        "list-given-as-one-string",
        clients.REDIRECT_URLS,
        CLIENT,
        _client(callbackUrls="https://portal.example.com/cb"),
        [
            "`callbackUrls` has the malformed value 'https://portal.example.com/cb' (expected a "
            "list of strings), so this setting cannot be verified; fix the value."
        ],
    ),
    Edge(
        "objects-given-as-strings",
        user_pool.ACCOUNT_RECOVERY,
        POOL,
        _pool(accountRecoverySetting={"recoveryMechanisms": ["verified_email"]}),
        [
            "`accountRecoverySetting.recoveryMechanisms` has the malformed value "
            "['verified_email'] (expected a list of objects), so this setting cannot be verified; "
            "fix the value."
        ],
    ),
]

# GitHub Actions OIDC trust: `aud` must be sts.amazonaws.com and `sub` must name the repository
# and environment or branch (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html).
GITHUB_HOST = "token.actions.githubusercontent.com"
GITHUB_PROVIDER = f"arn:aws:iam::123456789012:oidc-provider/{GITHUB_HOST}"


def _github_statement(conditions: dict[str, Any]) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"Federated": GITHUB_PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": conditions,
    }


def _github_role(*statements: dict[str, Any]) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return {"name": "deploy", "assumeRolePolicy": json.dumps(document)}


AUD = {f"{GITHUB_HOST}:aud": "sts.amazonaws.com"}
MAIN = "repo:acme/identity:ref:refs/heads/main"
GITHUB = [
    Edge(
        "audience-missing",
        github_oidc.GITHUB_OIDC_TRUST,
        ROLE,
        _github_role(_github_statement({"StringEquals": {f"{GITHUB_HOST}:sub": MAIN}})),
        [
            f"Role subject trusts GitHub Actions without `StringEquals` `{GITHUB_HOST}:aud` = "
            "`sts.amazonaws.com` (it has none)."
        ],
    ),
    Edge(
        "audience-of-another-service",
        github_oidc.GITHUB_OIDC_TRUST,
        ROLE,
        _github_role(
            _github_statement(
                {
                    "StringEquals": {
                        f"{GITHUB_HOST}:aud": "sts.example.com",
                        f"{GITHUB_HOST}:sub": MAIN,
                    }
                }
            )
        ),
        [
            f"Role subject trusts GitHub Actions without `StringEquals` `{GITHUB_HOST}:aud` = "
            "`sts.amazonaws.com` (it has ['sts.example.com'])."
        ],
    ),
    Edge(
        "no-subject-then-a-wildcard-subject",
        github_oidc.GITHUB_OIDC_TRUST,
        ROLE,
        _github_role(
            _github_statement({"StringEquals": AUD}),
            _github_statement(
                {"StringEquals": AUD, "StringLike": {f"{GITHUB_HOST}:sub": "repo:acme/identity:*"}}
            ),
        ),
        [
            f"Role subject trusts GitHub Actions without a `{GITHUB_HOST}:sub` condition: a "
            "workflow in any GitHub repository can assume it.",
            "Role subject accepts GitHub subject 'repo:acme/identity:*': the wildcard lets every "
            "branch and pull request of the repository assume it. Name the environment or branch "
            "(`:environment:prod`, `:ref:refs/heads/main`).",
        ],
    ),
    Edge(
        "subject-of-no-repository",
        github_oidc.GITHUB_OIDC_TRUST,
        ROLE,
        _github_role(
            _github_statement({"StringEquals": AUD, "StringLike": {f"{GITHUB_HOST}:sub": "repo:*"}})
        ),
        [
            "Role subject accepts GitHub subject 'repo:*', which does not name one repository "
            "(`repo:OWNER/REPO:...`): workflows of other repositories match it."
        ],
    ),
    Edge(
        "single-character-wildcard",
        github_oidc.GITHUB_OIDC_TRUST,
        ROLE,
        _github_role(
            _github_statement(
                {
                    "StringEquals": AUD,
                    "StringLike": {f"{GITHUB_HOST}:sub": "repo:acme/identity:environment:prod?"},
                }
            )
        ),
        [
            "Role subject accepts GitHub subject 'repo:acme/identity:environment:prod?': the "
            "wildcard lets every branch and pull request of the repository assume it. Name the "
            "environment or branch (`:environment:prod`, `:ref:refs/heads/main`)."
        ],
    ),
]

# Cognito identity-pool trust: `aud` names the pool, `amr` holds `unauthenticated` for guests and
# `authenticated` plus provider names for signed-in users; only Allow statements federated by
# cognito-identity.amazonaws.com count
# (https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html).
COGNITO_AUD = "cognito-identity.amazonaws.com:aud"
COGNITO_AMR = "cognito-identity.amazonaws.com:amr"


def _trust_role(
    conditions: dict[str, Any],
    *,
    effect: str = "Allow",
    federated: str = "cognito-identity.amazonaws.com",
) -> dict[str, Any]:
    statement = {
        "Effect": effect,
        "Principal": {"Federated": federated},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": conditions,
    }
    document = {"Version": "2012-10-17", "Statement": [statement]}
    return {**SECURE_AUTH_ROLE, "assumeRolePolicy": json.dumps(document)}


POOL_AUD = {"StringEquals": {COGNITO_AUD: IDENTITY_POOL_ID}}
BOTH_STATES = (
    "admits both guests and signed-in users; use authenticated (or provider names) for a "
    "signed-in role, or exactly unauthenticated for a guest role."
)
WILDCARD_AUD = (
    "uses StringLike wildcards that match other identity pools; name the identity pool id exactly."
)
TRUST_CONDITIONS = [
    Edge(
        "amr-both-states-exactly",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _trust_role(
            {
                "StringEquals": {
                    COGNITO_AUD: IDENTITY_POOL_ID,
                    COGNITO_AMR: ["authenticated", "unauthenticated"],
                }
            }
        ),
        [f"The trust policy's amr condition ['authenticated', 'unauthenticated'] {BOTH_STATES}"],
    ),
    Edge(
        "amr-guests-exactly",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _trust_role({**POOL_AUD, "ForAnyValue:StringEquals": {COGNITO_AMR: "unauthenticated"}}),
        [],
    ),
    Edge(
        "amr-one-provider-exactly",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _trust_role({**POOL_AUD, "ForAnyValue:StringEquals": {COGNITO_AMR: "graph.facebook.com"}}),
        [],
    ),
    Edge(
        "amr-any-value",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _trust_role({**POOL_AUD, "ForAnyValue:StringLike": {COGNITO_AMR: "*"}}),
        [f"The trust policy's amr condition ['*'] {BOTH_STATES}"],
    ),
    Edge(
        "aud-star",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _trust_role(
            {
                "StringLike": {COGNITO_AUD: "eu-west-1:*"},
                "ForAnyValue:StringLike": {COGNITO_AMR: "authenticated"},
            }
        ),
        [f"The trust policy's `{COGNITO_AUD}` condition ['eu-west-1:*'] {WILDCARD_AUD}"],
    ),
    Edge(
        "aud-question-mark",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _trust_role(
            {
                "StringLike": {COGNITO_AUD: "eu-west-1:1111111?-2222-3333-4444-555555555555"},
                "ForAnyValue:StringLike": {COGNITO_AMR: "authenticated"},
            }
        ),
        [
            f"The trust policy's `{COGNITO_AUD}` condition "
            f"['eu-west-1:1111111?-2222-3333-4444-555555555555'] {WILDCARD_AUD}"
        ],
    ),
    Edge(
        "deny-statement",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _trust_role({}, effect="Deny"),
        [],
    ),
    Edge(
        "another-identity-provider",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _trust_role({}, federated="accounts.google.com"),
        [],
    ),
]

# MFA OFF (also when `mfaConfiguration` is absent: AWS's default) asks for no factor, so the factor
# rules have nothing to judge:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html
SMS_ONLY = {
    "softwareTokenMfaConfiguration": {"enabled": False},
    "smsConfiguration": {"externalId": "sms", "snsCallerArn": "arn:aws:iam::123456789012:role/sms"},
}
MFA_OFF = [
    Edge(
        "sms-factor-with-mfa-off",
        mfa.MFA_FACTORS,
        POOL,
        _pool(mfaConfiguration="OFF", **SMS_ONLY),
        [],
    ),
    Edge(
        "sms-factor-with-mfa-absent",
        mfa.MFA_FACTORS,
        POOL,
        {**{k: v for k, v in SECURE_POOL.items() if k != "mfaConfiguration"}, **SMS_ONLY},
        [],
    ),
]

# Threat protection: the modes are OFF, AUDIT and ENFORCED, it needs the Plus plan, custom-auth
# protection applies to pools with custom-auth triggers, and compromised-credential actions
# default to NO_ACTION:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolAddOnsType.html
# https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompromisedCredentialsActionsType.html
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RiskExceptionConfigurationType.html
CUSTOM_AUTH_EVERYWHERE = {"onlyWhenCustomAuthUsed": False}
THREATS_MORE = [
    Edge(
        "mode-unknown-to-aws",
        threat_protection.THREAT_PROTECTION,
        POOL,
        _pool(userPoolAddOns={"advancedSecurityMode": "STRICT"}),
        [
            "`userPoolAddOns.advancedSecurityMode` has the malformed value 'STRICT' (expected OFF "
            "or AUDIT or ENFORCED), so this setting cannot be verified; fix the value."
        ],
    ),
    Edge(
        "custom-auth-enforced",
        threat_protection.CUSTOM_AUTH_PROTECTION,
        POOL,
        SECURE_POOL,
        [],
        CUSTOM_AUTH_EVERYWHERE,
    ),
    Edge(
        "custom-auth-audit-set-explicitly",
        threat_protection.CUSTOM_AUTH_PROTECTION,
        POOL,
        _pool(
            userPoolAddOns={
                "advancedSecurityMode": "ENFORCED",
                "advancedSecurityAdditionalFlows": {"customAuthMode": "AUDIT"},
            }
        ),
        [
            "Threat protection for custom authentication flows is AUDIT; set "
            "`userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode` to ENFORCED."
        ],
        CUSTOM_AUTH_EVERYWHERE,
    ),
    Edge(
        "other-triggers-are-not-custom-auth",
        threat_protection.CUSTOM_AUTH_PROTECTION,
        POOL,
        _pool(
            userPoolAddOns={"advancedSecurityMode": "ENFORCED"},
            lambdaConfig={"preSignUp": "arn:aws:lambda:eu-west-1:123456789012:function:signup"},
        ),
        [],
    ),
    Edge(
        "essentials-without-threat-protection",
        threat_protection.PLUS_TIER,
        POOL,
        _pool(userPoolTier="ESSENTIALS", userPoolAddOns={"advancedSecurityMode": "OFF"}),
        [],
        {"requiredTier": "ESSENTIALS"},
    ),
    Edge(
        "compromised-credentials-action-absent",
        threat_protection.COMPROMISED_CREDENTIALS,
        rt.RISK_CONFIGURATION,
        {**SECURE_RISK, "compromisedCredentialsRiskConfiguration": {"actions": {}}},
        [
            "Compromised credentials trigger NO_ACTION "
            "(`compromisedCredentialsRiskConfiguration.actions.eventAction`): set it to BLOCK so "
            "known-breached passwords are refused at sign-up, password change and username-"
            "password sign-in (SRP sign-ins send no password and are never checked)."
        ],
    ),
    Edge(
        "takeover-action-unknown-to-aws",
        threat_protection.ACCOUNT_TAKEOVER,
        rt.RISK_CONFIGURATION,
        {
            **SECURE_RISK,
            "accountTakeoverRiskConfiguration": {
                "actions": {"lowAction": {"eventAction": "ALLOW", "notify": True}}
            },
        },
        [
            "`accountTakeoverRiskConfiguration.actions.lowAction.eventAction` has the malformed "
            "value 'ALLOW' (expected NO_ACTION or MFA_IF_CONFIGURED or MFA_REQUIRED or BLOCK), so "
            "this setting cannot be verified; fix the value."
        ],
    ),
    Edge(
        "range-written-with-host-bits",
        threat_protection.RISK_EXCEPTIONS,
        rt.RISK_CONFIGURATION,
        {**SECURE_RISK, "riskExceptionConfiguration": {"skippedIpRangeLists": ["203.0.113.7/24"]}},
        [],
    ),
]

# Several items in one message are listed with ", ".
SMS_AND_EMAIL = {**SMS_ONLY, "emailMfaConfiguration": {"subject": "code"}}
LISTS = [
    Edge(
        "two-weak-factors",
        mfa.MFA_FACTORS,
        POOL,
        _pool(**SMS_AND_EMAIL),
        [
            "The only MFA factors are SMS, EMAIL (one-time codes sent over SMS or email, "
            "restricted authenticators under NIST SP 800-63B); also enable an authenticator app "
            "(`softwareTokenMfaConfiguration.enabled: true`)."
        ],
    ),
    Edge(
        "two-allowed-factors",
        mfa.MFA_FACTORS,
        POOL,
        _pool(emailMfaConfiguration={"subject": "code"}),
        [
            "The pool offers EMAIL as an MFA factor, which this profile does not allow (allowed: "
            "SOFTWARE_TOKEN, SMS)."
        ],
        {"allowedFactors": ["SOFTWARE_TOKEN", "SMS"]},
    ),
    Edge(
        "mode-on-when-optional-is-allowed",
        mfa.MFA_REQUIRED,
        POOL,
        SECURE_POOL,
        [],
        {"allowOptional": True},
    ),
]

EDGES = [
    *PASSWORD,
    *MFA,
    *EMAIL,
    *USER_POOL,
    *REDIRECTS,
    *LIFETIMES,
    *PERMISSIONS,
    *API,
    *AUTHORIZATION,
    *PROVIDERS,
    *THREATS,
    *TRUST_DOCUMENTS,
    *DOMAINS,
    *SHAPES,
    *GITHUB,
    *TRUST_CONDITIONS,
    *MFA_OFF,
    *THREATS_MORE,
    *LISTS,
]


@pytest.mark.parametrize("edge", edge_cases(EDGES))
def test_the_rule_at_its_edge(edge: Edge) -> None:
    edge.check()


def test_a_client_without_the_revocation_setting_gets_no_remediation() -> None:
    """AWS enables token revocation when `EnableTokenRevocation` is not given, so there is nothing
    to fix (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html)."""
    client = {k: v for k, v in SECURE_WEB_CLIENT.items() if k != "enableTokenRevocation"}
    assert remediate(clients.TOKEN_REVOCATION, CLIENT, client) is None

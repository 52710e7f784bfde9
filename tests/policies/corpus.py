"""Insecure Cognito configurations seen in public programs and templates, in pulumi-aws wire form.

Each case is translated from its source (Terraform `snake_case`, CloudFormation `PascalCase`, AWS
CLI JSON) into the camelCase inputs the engine sends for the pulumi-aws v7 resource, and names the
rules it must trip under `policies/config/prod.json`. Values the source left out stay out, so the
AWS/provider defaults apply exactly as they would at deployment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cognito_guard import resource_types as rt
from tests.policies.harness import Spec
from tests.policies.reference import IDENTITY_POOL_ID, role_arn, trust_policy


@dataclass(frozen=True)
class CorpusCase:
    name: str
    source: str
    resources: tuple[Spec, ...]
    must_trip: frozenset[str]


def case(name: str, source: str, resources: list[Spec], *rules: str) -> CorpusCase:
    return CorpusCase(name, source, tuple(resources), frozenset(rules))


def pool(name: str, **props: Any) -> Spec:
    return Spec(rt.USER_POOL, name, {"name": name, **props})


def client(name: str, pool_name: str, **props: Any) -> Spec:
    return Spec(rt.USER_POOL_CLIENT, name, {"name": name, **props}, {"userPoolId": [pool_name]})


def identity_pool(name: str, **props: Any) -> Spec:
    return Spec(rt.IDENTITY_POOL, name, {"identityPoolName": name, **props})


def role(name: str, trust: object, **props: Any) -> Spec:
    return Spec(
        rt.IAM_ROLE, name, {"name": name, "assumeRolePolicy": trust, "arn": role_arn(name), **props}
    )


def open_trust(amr: str | None = None) -> str:
    """A trust policy as many blog posts write it: Cognito may assume it, with few conditions."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    if amr:
        statement["Condition"] = {
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr}
        }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


SEED_POOL_RULES = (
    "cognito-user-pool-mfa-required",
    "cognito-password-min-length",
    "cognito-user-pool-deletion-protection",
    "cognito-user-pool-threat-protection",
    "cognito-user-pool-plus-tier",
    "cognito-password-history",
)

CORPUS: list[CorpusCase] = [
    case(
        "seed-terraform-enterprise-pool",
        "seed aws-cognito-enterprise.md, cognito_infrastructure.tf (aws_cognito_user_pool, "
        "aws_cognito_user_pool_client, aws_cognito_identity_pool)",
        [
            pool(
                "enterprise_pool",
                usernameConfiguration={"caseSensitive": False},
                passwordPolicy={
                    "minimumLength": 12,
                    "requireLowercase": True,
                    "requireNumbers": True,
                    "requireSymbols": True,
                    "requireUppercase": True,
                    "temporaryPasswordValidityDays": 7,
                },
                mfaConfiguration="OPTIONAL",
                softwareTokenMfaConfiguration={"enabled": True},
                accountRecoverySetting={
                    "recoveryMechanisms": [{"name": "verified_email", "priority": 1}]
                },
                adminCreateUserConfig={"allowAdminCreateUserOnly": False},
                schemas=[
                    {
                        "attributeDataType": "String",
                        "name": "email",
                        "required": True,
                        "mutable": True,
                    },
                    {
                        "attributeDataType": "String",
                        "name": "department",
                        "required": False,
                        "mutable": True,
                    },
                ],
            ),
            client(
                "web_client",
                "enterprise_pool",
                generateSecret=True,
                allowedOauthFlows=["code"],
                allowedOauthScopes=["openid", "email", "profile"],
                allowedOauthFlowsUserPoolClient=True,
                callbackUrls=["https://app.company.com/callback"],
                logoutUrls=["https://app.company.com/logout"],
                supportedIdentityProviders=["COGNITO"],
                explicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
                tokenValidityUnits={
                    "refreshToken": "days",
                    "accessToken": "hours",
                    "idToken": "hours",
                },
                refreshTokenValidity=30,
                accessTokenValidity=1,
                idTokenValidity=1,
                preventUserExistenceErrors="ENABLED",
            ),
            identity_pool(
                "enterprise_identity_pool",
                allowUnauthenticatedIdentities=False,
                cognitoIdentityProviders=[
                    {
                        "clientId": "web",
                        "providerName": "cognito-idp.us-east-1.amazonaws.com/x",
                        "serverSideTokenCheck": False,
                    }
                ],
            ),
        ],
        *SEED_POOL_RULES,
        "cognito-user-pool-self-signup-disabled",
        "cognito-client-explicit-write-attributes",
        "cognito-client-refresh-token-lifetime",
        "cognito-client-token-lifetimes",
        "cognito-identity-pool-server-side-token-check",
        "cognito-user-pool-waf-associated",
        "cognito-user-pool-alarms",
        "cognito-user-pool-auth-event-logging",
    ),
    case(
        "seed-cloudformation-pool",
        "seed aws-cognito-enterprise.md, CloudFormation AWS::Cognito::UserPool (MfaConfiguration "
        "OPTIONAL, EnabledMfas SOFTWARE_TOKEN_MFA, PasswordPolicy 12)",
        [
            pool(
                "CognitoUserPool",
                passwordPolicy={
                    "minimumLength": 12,
                    "requireUppercase": True,
                    "requireLowercase": True,
                    "requireNumbers": True,
                    "requireSymbols": True,
                },
                mfaConfiguration="OPTIONAL",
                softwareTokenMfaConfiguration={"enabled": True},
            )
        ],
        *SEED_POOL_RULES,
        "cognito-user-pool-account-recovery",
        "cognito-user-pool-self-signup-disabled",
    ),
    case(
        "seed-terraform-minimal-pool",
        "seed aws-cognito-enterprise.md, second Terraform configuration (mfa OPTIONAL without a factor)",
        [
            pool(
                "enterprise_pool",
                passwordPolicy={
                    "minimumLength": 12,
                    "requireLowercase": True,
                    "requireNumbers": True,
                    "requireSymbols": True,
                    "requireUppercase": True,
                },
                mfaConfiguration="OPTIONAL",
            )
        ],
        *SEED_POOL_RULES,
        "cognito-user-pool-account-recovery",
        "cognito-mfa-factor-configured",
    ),
    case(
        "seed-cli-multi-environment",
        "seed aws-cognito-enterprise.md, `aws cognito-idp create-user-pool --policies "
        '\'{"PasswordPolicy":{"MinimumLength":10}}\'` per environment',
        [pool("production-user-pool", passwordPolicy={"minimumLength": 10})],
        "cognito-password-min-length",
        "cognito-password-composition",
        "cognito-user-pool-mfa-required",
    ),
    case(
        "seed-cli-enhanced-security",
        "seed aws-cognito-enterprise.md, `create-user-pool --mfa-configuration ON "
        "--admin-create-user-config AllowAdminCreateUserOnly=false` (no factor configured)",
        [
            pool(
                "enterprise-secure-pool",
                mfaConfiguration="ON",
                deviceConfiguration={
                    "challengeRequiredOnNewDevice": True,
                    "deviceOnlyRememberedOnUserPrompt": True,
                },
                lambdaConfig={
                    "preSignUp": "arn:aws:lambda:us-east-1:123456789012:function:pre-signup-validation"
                },
                adminCreateUserConfig={"allowAdminCreateUserOnly": False},
            )
        ],
        "cognito-mfa-factor-configured",
        "cognito-user-pool-device-remembering",
        "cognito-user-pool-self-signup-disabled",
        "cognito-password-min-length",
    ),
    case(
        "seed-cli-identity-pool",
        "seed aws-cognito-enterprise.md, `create-identity-pool --cognito-identity-providers "
        "ProviderName=...,ClientId=...` (no ServerSideTokenCheck)",
        [
            identity_pool(
                "enterprise-identity-pool",
                allowUnauthenticatedIdentities=False,
                cognitoIdentityProviders=[
                    {
                        "clientId": "client-id",
                        "providerName": "cognito-idp.us-east-1.amazonaws.com/x",
                    }
                ],
            )
        ],
        "cognito-identity-pool-server-side-token-check",
    ),
    case(
        "amplify-style-default-auth",
        "AWS Amplify CLI-generated auth stack pattern (MFA OFF, 8-character policy, guest access "
        "for analytics, clients without write lists)",
        [
            pool(
                "amplify_userpool",
                mfaConfiguration="OFF",
                passwordPolicy={
                    "minimumLength": 8,
                    "requireLowercase": False,
                    "requireNumbers": False,
                    "requireSymbols": False,
                    "requireUppercase": False,
                },
                autoVerifiedAttributes=["email"],
                usernameAttributes=["email"],
            ),
            client("amplify_app_clientWeb", "amplify_userpool", refreshTokenValidity=30),
            identity_pool("amplify_identitypool", allowUnauthenticatedIdentities=True),
        ],
        "cognito-user-pool-mfa-required",
        "cognito-password-composition",
        "cognito-user-pool-verify-attribute-updates",
        "cognito-client-explicit-write-attributes",
        "cognito-client-prevent-user-existence-errors",
        "cognito-client-refresh-token-rotation",
        "cognito-identity-pool-no-guest-access",
    ),
    case(
        "spa-implicit-grant-localhost",
        "single-page-app tutorial pattern: implicit grant, http://localhost callbacks left in",
        [
            client(
                "spa",
                "pool",
                allowedOauthFlows=["implicit"],
                allowedOauthFlowsUserPoolClient=True,
                callbackUrls=["http://localhost:3000/", "https://app.example.com/"],
                logoutUrls=["http://localhost:3000/"],
                supportedIdentityProviders=["COGNITO"],
            ),
            pool("pool"),
        ],
        "cognito-client-no-implicit-grant",
        "cognito-client-redirect-urls",
        "cognito-client-prevent-user-existence-errors",
    ),
    case(
        "cli-tool-password-auth",
        "CLI / test-harness client pattern: ALLOW_USER_PASSWORD_AUTH for `initiate-auth` scripts",
        [
            client(
                "cli",
                "pool",
                explicitAuthFlows=[
                    "ALLOW_USER_PASSWORD_AUTH",
                    "ALLOW_REFRESH_TOKEN_AUTH",
                    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                ],
                preventUserExistenceErrors="ENABLED",
            ),
            pool("pool"),
        ],
        "cognito-client-no-password-auth-flows",
    ),
    case(
        "legacy-admin-no-srp",
        'pre-2020 Terraform examples: `explicit_auth_flows = ["ADMIN_NO_SRP_AUTH"]`',
        [
            client("legacy", "pool", explicitAuthFlows=["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"]),
            pool("pool"),
        ],
        "cognito-client-no-password-auth-flows",
    ),
    case(
        "ten-year-refresh-tokens",
        "`refresh_token_validity = 3650` seen in public Terraform modules (never sign in again)",
        [
            client(
                "mobile",
                "pool",
                refreshTokenValidity=3650,
                accessTokenValidity=24,
                idTokenValidity=24,
                enableTokenRevocation=False,
            ),
            pool("pool"),
        ],
        "cognito-client-refresh-token-lifetime",
        "cognito-client-token-lifetimes",
        "cognito-client-token-revocation",
    ),
    case(
        "mobile-client-with-secret",
        "React Native / mobile sample pattern: `generate_secret = true` with an app-scheme callback",
        [
            client(
                "mobile",
                "pool",
                generateSecret=True,
                allowedOauthFlows=["code"],
                callbackUrls=["myapp://callback"],
                writeAttributes=["name"],
            ),
            pool("pool"),
        ],
        "cognito-client-no-secret-on-public-client",
    ),
    case(
        "self-verifying-attributes",
        "client write lists copied from the console's 'select all' (email_verified and custom:role writable)",
        [
            client(
                "portal",
                "pool",
                writeAttributes=["email", "email_verified", "custom:role", "name"],
                allowedOauthScopes=["openid", "aws.cognito.signin.user.admin"],
            ),
            pool("pool"),
        ],
        "cognito-client-protected-attribute-writes",
    ),
    case(
        "wildcard-and-shared-hosting-callbacks",
        "demo apps hosted on GitHub Pages and S3 website endpoints, wildcard preview URLs",
        [
            client(
                "demo",
                "pool",
                callbackUrls=[
                    "https://acme.github.io/app/",
                    "https://*.preview.example.com/cb",
                    "https://demo-bucket.s3-website-us-east-1.amazonaws.com/",
                ],
            ),
            pool("pool"),
        ],
        "cognito-client-redirect-urls",
    ),
    case(
        "identity-role-without-aud",
        "blog-post trust policy: Federated cognito-identity.amazonaws.com with only an amr condition",
        [role("Cognito_AppAuth_Role", open_trust("authenticated"))],
        "cognito-identity-role-trust-conditions",
    ),
    case(
        "identity-role-without-conditions",
        "trust policy with no Condition at all (any pool, guests included)",
        [role("Cognito_App_Role", open_trust())],
        "cognito-identity-role-trust-conditions",
    ),
    case(
        "one-role-for-guests-and-users",
        "identity pool example attaching the same role to authenticated and unauthenticated",
        [
            identity_pool("shared", allowUnauthenticatedIdentities=True, id=IDENTITY_POOL_ID),
            role(
                "app-role",
                trust_policy(IDENTITY_POOL_ID, "authenticated"),
                inlinePolicies=[
                    {
                        "name": "all",
                        "policy": json.dumps(
                            {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
                        ),
                    }
                ],
            ),
            Spec(
                rt.ROLE_ATTACHMENT,
                "attach",
                {
                    "identityPoolId": IDENTITY_POOL_ID,
                    "roles": {
                        "authenticated": role_arn("app-role"),
                        "unauthenticated": role_arn("app-role"),
                    },
                },
                {"identityPoolId": ["shared"], "roles": ["app-role"]},
            ),
        ],
        "cognito-identity-pool-no-guest-access",
        "cognito-identity-pool-distinct-roles",
        "cognito-identity-pool-guest-role-least-privilege",
        "cognito-identity-pool-role-trust",
    ),
    case(
        "tenant-role-mapping-on-writable-attribute",
        "multi-tenant SaaS sample: rules-based role mapping on a mutable custom:tenant_id with an "
        "AuthenticatedRole fallback, client without a write list",
        [
            pool(
                "saas",
                schemas=[{"name": "tenant_id", "attributeDataType": "String", "mutable": True}],
            ),
            client("app", "saas"),
            identity_pool("saas-ids", id=IDENTITY_POOL_ID),
            role("tenant-a", trust_policy(IDENTITY_POOL_ID, "authenticated")),
            Spec(
                rt.ROLE_ATTACHMENT,
                "mapping",
                {
                    "identityPoolId": IDENTITY_POOL_ID,
                    "roles": {"authenticated": role_arn("tenant-a")},
                    "roleMappings": [
                        {
                            "identityProvider": "cognito-idp.eu-west-1.amazonaws.com/x:app",
                            "type": "Rules",
                            "ambiguousRoleResolution": "AuthenticatedRole",
                            "mappingRules": [
                                {
                                    "claim": "custom:tenant_id",
                                    "matchType": "Equals",
                                    "value": "a",
                                    "roleArn": role_arn("tenant-a"),
                                }
                            ],
                        }
                    ],
                },
                {
                    "identityPoolId": ["saas-ids"],
                    "roles": ["tenant-a"],
                    "roleMappings": ["saas", "app"],
                },
            ),
        ],
        "cognito-identity-pool-role-mapping-claims",
        "cognito-user-pool-authz-attributes-immutable",
        "cognito-client-explicit-write-attributes",
    ),
    case(
        "audit-only-threat-protection",
        "pools switched to AUDIT 'to try it' and left there; risk actions NO_ACTION, 0.0.0.0/0 skipped",
        [
            pool("audited", userPoolTier="PLUS", userPoolAddOns={"advancedSecurityMode": "AUDIT"}),
            Spec(
                rt.RISK_CONFIGURATION,
                "risk",
                {
                    "accountTakeoverRiskConfiguration": {
                        "actions": {
                            "lowAction": {"eventAction": "NO_ACTION", "notify": False},
                            "mediumAction": {"eventAction": "NO_ACTION", "notify": False},
                            "highAction": {"eventAction": "MFA_IF_CONFIGURED", "notify": True},
                        }
                    },
                    "riskExceptionConfiguration": {"skippedIpRangeLists": ["0.0.0.0/0"]},
                },
                {"userPoolId": ["audited"]},
            ),
        ],
        "cognito-user-pool-threat-protection",
        "cognito-risk-account-takeover-actions",
        "cognito-risk-block-compromised-credentials",
        "cognito-risk-exceptions-narrow",
    ),
    case(
        "sms-only-mfa-with-device-remembering",
        "SMS MFA quick-starts: SNS caller role only, devices always remembered and let past MFA, "
        "SMS recovery first",
        [
            pool(
                "sms",
                mfaConfiguration="ON",
                smsConfiguration={
                    "snsCallerArn": "arn:aws:iam::123456789012:role/sms",
                    "externalId": "ext",
                },
                deviceConfiguration={
                    "challengeRequiredOnNewDevice": True,
                    "deviceOnlyRememberedOnUserPrompt": False,
                },
                accountRecoverySetting={
                    "recoveryMechanisms": [{"name": "verified_phone_number", "priority": 1}]
                },
            )
        ],
        "cognito-mfa-factors",
        "cognito-user-pool-device-remembering",
        "cognito-user-pool-account-recovery",
        "cognito-mfa-recovery-channel-separate",
    ),
    case(
        "email-alias-without-verification",
        "pools signing in by email alias with no attributes-require-verification setting",
        [
            pool(
                "alias", aliasAttributes=["email", "phone_number"], autoVerifiedAttributes=["email"]
            )
        ],
        "cognito-user-pool-verify-attribute-updates",
    ),
    case(
        "social-idp-maps-role",
        "social sign-in samples mapping provider claims straight onto custom attributes",
        [
            Spec(
                rt.IDENTITY_PROVIDER,
                "facebook",
                {
                    "providerName": "Facebook",
                    "providerType": "Facebook",
                    "attributeMapping": {
                        "email": "email",
                        "custom:role": "about",
                        "email_verified": "verified",
                    },
                },
            )
        ],
        "cognito-identity-provider-attribute-trust",
    ),
    case(
        "custom-auth-without-protection",
        "passwordless custom-auth samples (define/create/verify auth challenge triggers) on AUDIT",
        [
            pool(
                "passwordless",
                userPoolTier="PLUS",
                userPoolAddOns={"advancedSecurityMode": "ENFORCED"},
                lambdaConfig={
                    "defineAuthChallenge": "arn:aws:lambda:eu-west-1:1:function:define",
                    "createAuthChallenge": "arn:aws:lambda:eu-west-1:1:function:create",
                    "verifyAuthChallengeResponse": "arn:aws:lambda:eu-west-1:1:function:verify",
                },
            )
        ],
        "cognito-user-pool-custom-auth-threat-protection",
        "cognito-user-pool-risk-configuration",
    ),
    case(
        "classic-flow-identity-pool",
        "identity pools created with the basic (classic) flow enabled for legacy SDKs",
        [identity_pool("legacy", allowClassicFlow=True)],
        "cognito-identity-pool-classic-flow-disabled",
    ),
    case(
        "mixed-local-and-federated-sign-in",
        "enterprise pools that keep COGNITO next to the corporate SAML provider",
        [
            client(
                "portal",
                "pool",
                supportedIdentityProviders=["COGNITO", "AzureAD"],
                writeAttributes=["name"],
            ),
            pool("pool"),
        ],
        "cognito-client-sso-only",
    ),
]

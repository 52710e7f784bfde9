"""The secure reference: a workforce Cognito stack that every cognito-guard policy accepts.

Rule tests start from one of these resources and break one property at a time; the corpus and the
protocol tests use the whole stack. `secure_stack(preview=True)` is the same stack as `pulumi
preview` sees it: ids and ARNs unknown, references known only through property dependencies.
"""

from __future__ import annotations

import json
from typing import Any, Final

from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN
from tests.policies.harness import Spec

REGION: Final = "eu-west-1"
ACCOUNT: Final = "123456789012"
POOL_ID: Final = f"{REGION}_AbCdEf123"
POOL_ARN: Final = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{POOL_ID}"
IDENTITY_POOL_ID: Final = f"{REGION}:11111111-2222-3333-4444-555555555555"
TOPIC_ARN: Final = f"arn:aws:sns:{REGION}:{ACCOUNT}:identity-alarms"
WEB_ACL_ARN: Final = f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/identity/abc"


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def trust_policy(pool_id: str, amr: str) -> str:
    """The trust policy AWS documents for identity-pool roles."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
                    "Condition": {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                    },
                }
            ],
        }
    )


SECURE_POOL: Final[dict[str, Any]] = {
    "name": "workforce",
    "userPoolTier": "PLUS",
    "deletionProtection": "ACTIVE",
    "mfaConfiguration": "ON",
    "softwareTokenMfaConfiguration": {"enabled": True},
    "passwordPolicy": {
        "minimumLength": 14,
        "requireLowercase": True,
        "requireUppercase": True,
        "requireNumbers": True,
        "requireSymbols": True,
        "temporaryPasswordValidityDays": 1,
        "passwordHistorySize": 24,
    },
    "userPoolAddOns": {
        "advancedSecurityMode": "ENFORCED",
        "advancedSecurityAdditionalFlows": {"customAuthMode": "ENFORCED"},
    },
    "adminCreateUserConfig": {"allowAdminCreateUserOnly": True},
    "accountRecoverySetting": {"recoveryMechanisms": [{"name": "verified_email", "priority": 1}]},
    "usernameAttributes": ["email"],
    "usernameConfiguration": {"caseSensitive": False},
    "emailConfiguration": {
        "emailSendingAccount": "DEVELOPER",
        "sourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com",
    },
    "autoVerifiedAttributes": ["email"],
    "userAttributeUpdateSettings": {"attributesRequireVerificationBeforeUpdates": ["email"]},
    # remembered devices still present the second factor (API_DeviceConfigurationType)
    "deviceConfiguration": {
        "challengeRequiredOnNewDevice": False,
        "deviceOnlyRememberedOnUserPrompt": True,
    },
    "schemas": [
        {"name": "tenant_id", "attributeDataType": "String", "mutable": False},
        {"name": "department", "attributeDataType": "String", "mutable": True},
    ],
}

SECURE_WEB_CLIENT: Final[dict[str, Any]] = {
    "name": "portal",
    "generateSecret": True,
    "allowedOauthFlows": ["code"],
    "allowedOauthFlowsUserPoolClient": True,
    "allowedOauthScopes": ["openid", "email", "profile"],
    "callbackUrls": ["https://portal.example.com/oauth2/callback"],
    "logoutUrls": ["https://portal.example.com/signed-out"],
    "supportedIdentityProviders": ["corporate-saml"],
    "explicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "preventUserExistenceErrors": "ENABLED",
    "enableTokenRevocation": True,
    "accessTokenValidity": 15,
    "idTokenValidity": 15,
    "refreshTokenValidity": 12,
    "tokenValidityUnits": {"accessToken": "minutes", "idToken": "minutes", "refreshToken": "hours"},
    "authSessionValidity": 3,
    "readAttributes": ["email", "email_verified", "name"],
    "writeAttributes": ["email", "name"],  # email: mapped by corporate-saml (UserPoolClientType)
    "refreshTokenRotation": {"feature": "ENABLED", "retryGracePeriodSeconds": 10},
}

SECURE_SPA_CLIENT: Final[dict[str, Any]] = {
    **SECURE_WEB_CLIENT,
    "name": "console",
    "generateSecret": False,
    "callbackUrls": ["https://console.example.com/callback"],
    "logoutUrls": ["https://console.example.com/"],
    "explicitAuthFlows": ["ALLOW_USER_SRP_AUTH"],
}

SECURE_MOBILE_CLIENT: Final[dict[str, Any]] = {
    **SECURE_SPA_CLIENT,
    "name": "field-app",
    "callbackUrls": ["com.example.field://callback"],
    "logoutUrls": ["com.example.field://signed-out"],
}

SECURE_MACHINE_CLIENT: Final[dict[str, Any]] = {
    "name": "reporting-job",
    "generateSecret": True,
    "allowedOauthFlows": ["client_credentials"],
    "allowedOauthFlowsUserPoolClient": True,
    "allowedOauthScopes": ["https://api.example.com/reports.read"],
    "explicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
    "preventUserExistenceErrors": "ENABLED",
    "enableTokenRevocation": True,
    "accessTokenValidity": 15,
    "idTokenValidity": 15,
    "refreshTokenValidity": 1,
    "tokenValidityUnits": {"accessToken": "minutes", "idToken": "minutes", "refreshToken": "hours"},
    "writeAttributes": ["name"],
}

SECURE_IDENTITY_PROVIDER: Final[dict[str, Any]] = {
    "providerName": "corporate-saml",
    "providerType": "SAML",
    "providerDetails": {"MetadataURL": "https://login.example.com/metadata.xml"},
    "attributeMapping": {
        "email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    },
}

SECURE_RISK: Final[dict[str, Any]] = {
    "compromisedCredentialsRiskConfiguration": {
        "actions": {"eventAction": "BLOCK"},
        "eventFilters": ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"],
    },
    "accountTakeoverRiskConfiguration": {
        "actions": {
            "lowAction": {"eventAction": "MFA_REQUIRED", "notify": True},
            "mediumAction": {"eventAction": "MFA_REQUIRED", "notify": True},
            "highAction": {"eventAction": "BLOCK", "notify": True},
        },
        "notifyConfiguration": {
            "sourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com"
        },
    },
    "riskExceptionConfiguration": {"skippedIpRangeLists": ["203.0.113.0/24"]},
}

SECURE_WEB_ACL: Final[dict[str, Any]] = {
    "name": "workforce-sign-in",
    "scope": "REGIONAL",
    "defaultAction": {"allow": {}},
    "rules": [
        {
            "name": "rate-limit-per-ip",
            "priority": 0,
            "action": {"block": {}},
            "statement": {"rateBasedStatement": {"aggregateKeyType": "IP", "limit": 300}},
        },
        {
            "name": "aws-ip-reputation",
            "priority": 1,
            "overrideAction": {"none": {}},
            "statement": {
                "managedRuleGroupStatement": {
                    "vendorName": "AWS",
                    "name": "AWSManagedRulesAmazonIpReputationList",
                }
            },
        },
    ],
}

SECURE_IDENTITY_POOL: Final[dict[str, Any]] = {
    "identityPoolName": "workforce",
    "allowUnauthenticatedIdentities": False,
    "allowClassicFlow": False,
    "cognitoIdentityProviders": [
        {
            "clientId": "portalclientid",
            "providerName": f"cognito-idp.{REGION}.amazonaws.com/{POOL_ID}",
            "serverSideTokenCheck": True,
        }
    ],
}

SECURE_AUTH_ROLE: Final[dict[str, Any]] = {
    "name": "workforce-authenticated",
    "assumeRolePolicy": trust_policy(IDENTITY_POOL_ID, "authenticated"),
}


def _alarm(metric: str, dimension: str, pool: object, actions: list[object]) -> dict[str, Any]:
    return {
        "comparisonOperator": "GreaterThanThreshold",
        "evaluationPeriods": 3,
        "threshold": 0,
        "treatMissingData": "notBreaching",
        "alarmActions": actions,
        "metricQueries": [
            {"id": "e1", "expression": "SUM([m1])", "returnData": True},
            {
                "id": "m1",
                "returnData": False,
                "metric": {
                    "namespace": "AWS/Cognito",
                    "metricName": metric,
                    "stat": "Sum",
                    "period": 300,
                    "dimensions": {dimension: pool, "UserPoolClient": "portalclientid"},
                },
            },
        ],
    }


ALARMS: Final = (
    ("sign-in-success", "SignInSuccesses", "UserPool"),
    ("sign-in-throttles", "SignInThrottles", "UserPool"),
    ("token-refresh-throttles", "TokenRefreshThrottles", "UserPool"),
    ("compromised-credentials", "CompromisedCredentialRisk", "UserPoolId"),
    ("account-takeover", "AccountTakeoverRisk", "UserPoolId"),
)


def secure_stack(*, preview: bool = False) -> list[Spec]:
    """Every resource of the reference stack; with `preview`, ids and ARNs are unknown."""

    def known(value: object) -> object:
        return UNKNOWN if preview else value

    pool_id, pool_arn = known(POOL_ID), known(POOL_ARN)
    outputs_pool = {} if preview else {"id": POOL_ID, "arn": POOL_ARN}
    auth_arn, admin_arn = known(role_arn("workforce-authenticated")), known(role_arn("admins"))
    on_pool = {"userPoolId": ["pool"]}
    return [
        Spec(rt.USER_POOL, "pool", {**SECURE_POOL, **outputs_pool}),
        Spec(
            rt.IDENTITY_PROVIDER,
            "corporate-saml",
            {**SECURE_IDENTITY_PROVIDER, "userPoolId": pool_id},
            on_pool,
        ),
        *(
            Spec(rt.USER_POOL_CLIENT, c["name"], {**c, "userPoolId": pool_id}, on_pool)
            for c in (
                SECURE_WEB_CLIENT,
                SECURE_SPA_CLIENT,
                SECURE_MOBILE_CLIENT,
                SECURE_MACHINE_CLIENT,
            )
        ),
        Spec(rt.RISK_CONFIGURATION, "risk", {**SECURE_RISK, "userPoolId": pool_id}, on_pool),
        Spec(
            rt.LOG_DELIVERY,
            "auth-events",
            {
                "userPoolId": pool_id,
                "logConfigurations": [
                    {
                        "eventSource": "userAuthEvents",
                        "logLevel": "INFO",
                        "cloudWatchLogsConfiguration": {
                            "logGroupArn": "arn:aws:logs:eu-west-1:123456789012:log-group:auth"
                        },
                    }
                ],
            },
            on_pool,
        ),
        Spec(
            rt.WEB_ACL,
            "web-acl",
            {**SECURE_WEB_ACL, **({} if preview else {"arn": WEB_ACL_ARN})},
        ),
        Spec(
            rt.WAF_ASSOCIATION,
            "waf",
            {"resourceArn": pool_arn, "webAclArn": known(WEB_ACL_ARN)},
            {"resourceArn": ["pool"], "webAclArn": ["web-acl"]},
        ),
        Spec(
            rt.USER_POOL_DOMAIN,
            "domain",
            {"domain": "acme-workforce", "userPoolId": pool_id, "managedLoginVersion": 2},
            on_pool,
        ),
        Spec(
            rt.IDENTITY_POOL,
            "identity-pool",
            {**SECURE_IDENTITY_POOL, **({} if preview else {"id": IDENTITY_POOL_ID})},
            {"cognitoIdentityProviders": ["pool", "portal"]},
        ),
        Spec(
            rt.IAM_ROLE,
            "authenticated-role",
            {
                **SECURE_AUTH_ROLE,
                "assumeRolePolicy": known(SECURE_AUTH_ROLE["assumeRolePolicy"]),
                **({} if preview else {"arn": role_arn("workforce-authenticated")}),
            },
            {"assumeRolePolicy": ["identity-pool"]},
        ),
        Spec(
            rt.IAM_ROLE,
            "admins-role",
            {
                "name": "admins",
                "assumeRolePolicy": known(trust_policy(IDENTITY_POOL_ID, "authenticated")),
                **({} if preview else {"arn": role_arn("admins")}),
            },
            {"assumeRolePolicy": ["identity-pool"]},
        ),
        Spec(
            rt.ROLE_ATTACHMENT,
            "roles",
            {
                "identityPoolId": known(IDENTITY_POOL_ID),
                "roles": {"authenticated": auth_arn},
                "roleMappings": [
                    {
                        "identityProvider": known(
                            f"cognito-idp.{REGION}.amazonaws.com/{POOL_ID}:portalclientid"
                        ),
                        "type": "Rules",
                        "ambiguousRoleResolution": "Deny",
                        "mappingRules": [
                            {
                                "claim": "cognito:groups",
                                "matchType": "Contains",
                                "value": "admins",
                                "roleArn": admin_arn,
                            }
                        ],
                    }
                ],
            },
            {
                "identityPoolId": ["identity-pool"],
                "roles": ["authenticated-role"],
                "roleMappings": ["pool", "portal", "admins-role"],
            },
        ),
        *(
            Spec(
                rt.METRIC_ALARM,
                name,
                _alarm(metric, dimension, pool_id, [TOPIC_ARN]),
                {"metricQueries": ["pool"]},
            )
            for name, metric, dimension in ALARMS
        ),
    ]

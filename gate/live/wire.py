"""AWS API responses -> the inputs pulumi-aws v7 sends for the same resources (camelCase wire
form, the property names `policies/cognito_guard` reads and `pulumi_aws/cognito/*.py` declares).

Pure functions, one per resource type. Absent AWS fields stay absent (the AWS default applies, as
for an unset provider input); a field the audit could not read is `UNKNOWN`, so the policy that
needs it defers instead of judging a guess. Secrets (client secrets, IdP client secrets) are never
copied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from gate.analyzer import UNKNOWN, Secret

Wire = dict[str, Any]

_WORD: Final = re.compile(r"[A-Z]{2,}s(?![a-z])|[A-Z]+(?=[A-Z][a-z]|\d|\b)|[A-Z]?[a-z]+|\d+|[A-Z]+")
CUSTOM_PREFIX: Final = "custom:"


def camel_key(key: str) -> str:
    """`KMSKeyID` -> `kmsKeyId`, `CallbackURLs` -> `callbackUrls`, `RoleARN` -> `roleArn`."""
    words: list[str] = _WORD.findall(key)
    if not words:
        return key
    first, rest = words[0].lower(), [w[:1].upper() + w[1:].lower() for w in words[1:]]
    return first + "".join(rest)


def camel(value: Any) -> Any:
    """A nested AWS structure with every key camelCased (the provider's nested block names)."""
    if isinstance(value, Mapping):
        return {camel_key(str(k)): camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


# Maps whose keys are the user's data (tag keys, attribute names, claims), kept as they are.
USER_KEYED: Final = frozenset(
    {"tags", "attributeMapping", "principalTags", "supportedLoginProviders", "roles"}
)


def _pick(source: Mapping[str, Any], names: Mapping[str, str]) -> Wire:
    """The AWS fields present in `source`, renamed to their wire names, nested blocks camelCased
    (user-keyed maps excepted)."""
    return {
        wire: source[aws] if wire in USER_KEYED else camel(source[aws])
        for aws, wire in names.items()
        if source.get(aws) is not None
    }


# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolType.html
_USER_POOL_FIELDS: Final = {
    "Name": "name",
    "DeletionProtection": "deletionProtection",
    "LambdaConfig": "lambdaConfig",
    "AutoVerifiedAttributes": "autoVerifiedAttributes",
    "AliasAttributes": "aliasAttributes",
    "UsernameAttributes": "usernameAttributes",
    "UserAttributeUpdateSettings": "userAttributeUpdateSettings",
    "DeviceConfiguration": "deviceConfiguration",
    "EmailConfiguration": "emailConfiguration",
    "SmsConfiguration": "smsConfiguration",
    "AdminCreateUserConfig": "adminCreateUserConfig",
    "UserPoolAddOns": "userPoolAddOns",
    "UsernameConfiguration": "usernameConfiguration",
    "AccountRecoverySetting": "accountRecoverySetting",
    "UserPoolTier": "userPoolTier",
    "UserPoolTags": "tags",
    "MfaConfiguration": "mfaConfiguration",
}


def user_pool(pool: Mapping[str, Any], mfa: Mapping[str, Any] | None) -> Wire:
    """DescribeUserPool's `UserPool` plus GetUserPoolMfaConfig (None: it could not be read).

    DescribeUserPool has the MFA state but not the factors; GetUserPoolMfaConfig has both
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserPoolMfaConfig.html).
    """
    wire = _pick(pool, _USER_POOL_FIELDS)
    policies = pool.get("Policies") or {}
    if policies.get("PasswordPolicy") is not None:
        wire["passwordPolicy"] = camel(policies["PasswordPolicy"])
    if policies.get("SignInPolicy") is not None:
        wire["signInPolicy"] = camel(policies["SignInPolicy"])
    if pool.get("SchemaAttributes") is not None:
        wire["schemas"] = [_schema(attribute) for attribute in pool["SchemaAttributes"]]
    email = wire.get("emailConfiguration")
    if isinstance(email, dict) and "from" in email:
        email["fromEmailAddress"] = email.pop("from")  # the API's `From`, the provider's name
    settings = wire.get("userAttributeUpdateSettings")
    if isinstance(settings, dict) and "attributesRequireVerificationBeforeUpdate" in settings:
        # The API's list is singular, the provider's input plural.
        settings["attributesRequireVerificationBeforeUpdates"] = settings.pop(
            "attributesRequireVerificationBeforeUpdate"
        )
    wire.update(_mfa(mfa))
    return wire


def _schema(attribute: Mapping[str, Any]) -> Wire:
    """A schema attribute; custom ones lose the `custom:` prefix, as the provider's input has."""
    schema: Wire = camel(attribute)
    name = str(schema.get("name", ""))
    schema["name"] = name.removeprefix(CUSTOM_PREFIX)
    return schema


def _mfa(mfa: Mapping[str, Any] | None) -> Wire:
    if mfa is None:
        return {"softwareTokenMfaConfiguration": UNKNOWN, "emailMfaConfiguration": UNKNOWN}
    wire = _pick(
        mfa,
        {
            "MfaConfiguration": "mfaConfiguration",
            "SoftwareTokenMfaConfiguration": "softwareTokenMfaConfiguration",
            "EmailMfaConfiguration": "emailMfaConfiguration",
            "WebAuthnConfiguration": "webAuthnConfiguration",
        },
    )
    sms = mfa.get("SmsMfaConfiguration") or {}
    if sms.get("SmsAuthenticationMessage") is not None:
        wire["smsAuthenticationMessage"] = sms["SmsAuthenticationMessage"]
    if sms.get("SmsConfiguration") is not None:
        wire["smsConfiguration"] = camel(sms["SmsConfiguration"])
    return wire


# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
_CLIENT_FIELDS: Final = {
    "ClientName": "name",
    "UserPoolId": "userPoolId",
    "RefreshTokenValidity": "refreshTokenValidity",
    "AccessTokenValidity": "accessTokenValidity",
    "IdTokenValidity": "idTokenValidity",
    "TokenValidityUnits": "tokenValidityUnits",
    "ReadAttributes": "readAttributes",
    "WriteAttributes": "writeAttributes",
    "ExplicitAuthFlows": "explicitAuthFlows",
    "SupportedIdentityProviders": "supportedIdentityProviders",
    "CallbackURLs": "callbackUrls",
    "LogoutURLs": "logoutUrls",
    "DefaultRedirectURI": "defaultRedirectUri",
    "AllowedOAuthFlows": "allowedOauthFlows",
    "AllowedOAuthScopes": "allowedOauthScopes",
    "AllowedOAuthFlowsUserPoolClient": "allowedOauthFlowsUserPoolClient",
    "PreventUserExistenceErrors": "preventUserExistenceErrors",
    "EnableTokenRevocation": "enableTokenRevocation",
    "EnablePropagateAdditionalUserContextData": "enablePropagateAdditionalUserContextData",
    "AuthSessionValidity": "authSessionValidity",
    "RefreshTokenRotation": "refreshTokenRotation",
}


def user_pool_client(client: Mapping[str, Any]) -> Wire:
    """DescribeUserPoolClient's `UserPoolClient`; a secret is reported as `generateSecret`, never
    copied."""
    wire = _pick(client, _CLIENT_FIELDS)
    wire["generateSecret"] = bool(client.get("ClientSecret"))
    return wire


def user_pool_domain(domain: Mapping[str, Any]) -> Wire:
    """DescribeUserPoolDomain's `DomainDescription`
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DomainDescriptionType.html)."""
    wire = _pick(
        domain,
        {
            "Domain": "domain",
            "UserPoolId": "userPoolId",
            "ManagedLoginVersion": "managedLoginVersion",
        },
    )
    certificate = (domain.get("CustomDomainConfig") or {}).get("CertificateArn")
    if certificate:
        wire["certificateArn"] = certificate
    return wire


_PROVIDER_SECRETS: Final = frozenset({"client_secret"})


def identity_provider(provider: Mapping[str, Any]) -> Wire:
    """DescribeIdentityProvider's `IdentityProvider`; `providerDetails` travels as a secret (as
    the provider marks it) without the client secret."""
    wire = _pick(
        provider,
        {
            "UserPoolId": "userPoolId",
            "ProviderName": "providerName",
            "ProviderType": "providerType",
            "AttributeMapping": "attributeMapping",
            "IdpIdentifiers": "idpIdentifiers",
        },
    )
    details = provider.get("ProviderDetails")
    if isinstance(details, Mapping):
        wire["providerDetails"] = Secret(
            {k: v for k, v in details.items() if k not in _PROVIDER_SECRETS}
        )
    return wire


def user_group(group: Mapping[str, Any]) -> Wire:
    return _pick(
        group,
        {
            "GroupName": "name",
            "UserPoolId": "userPoolId",
            "Description": "description",
            "Precedence": "precedence",
            "RoleArn": "roleArn",
        },
    )


def resource_server(server: Mapping[str, Any]) -> Wire:
    wire = _pick(server, {"Identifier": "identifier", "Name": "name", "UserPoolId": "userPoolId"})
    if server.get("Scopes") is not None:
        wire["scopes"] = camel(server["Scopes"])
    return wire


def risk_configuration(risk: Mapping[str, Any]) -> Wire | None:
    """DescribeRiskConfiguration's `RiskConfiguration`; None when it configures nothing
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RiskConfigurationType.html)."""
    wire = _pick(risk, {"UserPoolId": "userPoolId", "ClientId": "clientId"})
    takeover = risk.get("AccountTakeoverRiskConfiguration")
    compromised = risk.get("CompromisedCredentialsRiskConfiguration")
    exceptions = risk.get("RiskExceptionConfiguration")
    if not (takeover or compromised or exceptions):
        return None
    if takeover:
        wire["accountTakeoverRiskConfiguration"] = camel(takeover)
    if compromised:
        block = camel(compromised)
        if "eventFilter" in block:
            block["eventFilters"] = block.pop("eventFilter")
        wire["compromisedCredentialsRiskConfiguration"] = block
    if exceptions:
        wire["riskExceptionConfiguration"] = {
            "blockedIpRangeLists": exceptions.get("BlockedIPRangeList"),
            "skippedIpRangeLists": exceptions.get("SkippedIPRangeList"),
        }
    return wire


def log_delivery(delivery: Mapping[str, Any]) -> Wire | None:
    """GetLogDeliveryConfiguration's `LogDeliveryConfiguration`; None when nothing is exported
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LogConfigurationType.html)."""
    configurations = delivery.get("LogConfigurations") or []
    if not configurations:
        return None
    return {
        "userPoolId": delivery.get("UserPoolId"),
        "logConfigurations": camel(configurations),
    }


def web_acl(acl: Mapping[str, Any]) -> Wire:
    """GetWebACLForResource's `WebACL`; its rules travel as the API's JSON in `ruleJson`, an input
    the provider accepts and the pack parses
    (https://docs.aws.amazon.com/waf/latest/APIReference/API_WebACL.html)."""
    wire = _pick(acl, {"Name": "name", "DefaultAction": "defaultAction"})
    wire["scope"] = "REGIONAL"
    wire["ruleJson"] = json.dumps(acl.get("Rules") or [])
    return wire


def web_acl_association(resource_arn: str, web_acl_arn: str) -> Wire:
    return {"resourceArn": resource_arn, "webAclArn": web_acl_arn}


def metric_alarm(alarm: Mapping[str, Any]) -> Wire:
    """DescribeAlarms' `MetricAlarms` entry
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html)."""
    wire = _pick(
        alarm,
        {
            "AlarmName": "name",
            "Namespace": "namespace",
            "MetricName": "metricName",
            "AlarmActions": "alarmActions",
            "OKActions": "okActions",
            "ActionsEnabled": "actionsEnabled",
            "Statistic": "statistic",
            "Period": "period",
            "Threshold": "threshold",
            "ComparisonOperator": "comparisonOperator",
            "EvaluationPeriods": "evaluationPeriods",
            "TreatMissingData": "treatMissingData",
        },
    )
    if alarm.get("Dimensions"):
        wire["dimensions"] = _dimensions(alarm["Dimensions"])
    if alarm.get("Metrics"):
        wire["metricQueries"] = [_metric_query(query) for query in alarm["Metrics"]]
    return wire


def _dimensions(dimensions: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The API's `[{Name, Value}]` list is the provider's `{name: value}` map."""
    return {str(d.get("Name")): d.get("Value") for d in dimensions}


def _metric_query(query: Mapping[str, Any]) -> Wire:
    wire = _pick(
        query,
        {"Id": "id", "Expression": "expression", "Label": "label", "ReturnData": "returnData"},
    )
    stat = query.get("MetricStat")
    if stat:
        metric = stat.get("Metric") or {}
        wire["metric"] = {
            "metricName": metric.get("MetricName"),
            "namespace": metric.get("Namespace"),
            "dimensions": _dimensions(metric.get("Dimensions") or []),
            "period": stat.get("Period"),
            "stat": stat.get("Stat"),
        }
    return wire


def identity_pool(pool: Mapping[str, Any]) -> Wire:
    """DescribeIdentityPool
    (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DescribeIdentityPool.html)."""
    wire = _pick(
        pool,
        {
            "IdentityPoolName": "identityPoolName",
            "AllowUnauthenticatedIdentities": "allowUnauthenticatedIdentities",
            "AllowClassicFlow": "allowClassicFlow",
            "DeveloperProviderName": "developerProviderName",
            "SupportedLoginProviders": "supportedLoginProviders",
            "OpenIdConnectProviderARNs": "openidConnectProviderArns",
            "SamlProviderARNs": "samlProviderArns",
            "IdentityPoolTags": "tags",
        },
    )
    if pool.get("CognitoIdentityProviders") is not None:
        wire["cognitoIdentityProviders"] = camel(pool["CognitoIdentityProviders"])
    return wire


def role_attachment(identity_pool_id: str, roles: Mapping[str, Any]) -> Wire:
    """GetIdentityPoolRoles: the provider's `roles` map and `roleMappings` list, one entry per
    identity provider key
    (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetIdentityPoolRoles.html)."""
    wire: Wire = {"identityPoolId": identity_pool_id, "roles": dict(roles.get("Roles") or {})}
    mappings = []
    for provider, mapping in (roles.get("RoleMappings") or {}).items():
        entry: Wire = {
            "identityProvider": provider,
            "type": mapping.get("Type"),
            "ambiguousRoleResolution": mapping.get("AmbiguousRoleResolution"),
        }
        rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
        if rules:
            entry["mappingRules"] = camel(rules)
        mappings.append(entry)
    if mappings:
        wire["roleMappings"] = mappings
    return wire


def principal_tag(response: Mapping[str, Any]) -> Wire:
    """GetPrincipalTagAttributeMap
    (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetPrincipalTagAttributeMap.html)."""
    return _pick(
        response,
        {
            "IdentityPoolId": "identityPoolId",
            "IdentityProviderName": "identityProviderName",
            "UseDefaults": "useDefaults",
            "PrincipalTags": "principalTags",
        },
    )


def policy_text(document: object) -> str:
    """IAM returns policy documents URL-encoded JSON (boto3 decodes them to a dict); the provider's
    inputs hold the JSON text
    (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html)."""
    if isinstance(document, str):
        return document
    return json.dumps(document, sort_keys=True)


def iam_role(role: Mapping[str, Any]) -> Wire:
    wire = _pick(
        role,
        {
            "RoleName": "name",
            "Description": "description",
            "MaxSessionDuration": "maxSessionDuration",
        },
    )
    wire["assumeRolePolicy"] = policy_text(role.get("AssumeRolePolicyDocument") or {})
    return wire


def iam_role_policy(role_name: str, name: str, document: object) -> Wire:
    return {"role": role_name, "name": name, "policy": policy_text(document)}


def iam_role_policy_attachment(role_name: str, policy_arn: str) -> Wire:
    return {"role": role_name, "policyArn": policy_arn}


def iam_policy(policy: Mapping[str, Any], document: object) -> Wire:
    wire = _pick(policy, {"PolicyName": "name", "Path": "path", "Description": "description"})
    wire["policy"] = policy_text(document)
    return wire

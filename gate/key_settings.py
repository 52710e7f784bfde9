"""The few inputs of each resource type a reviewer looks at first, shown next to the resource in
the plan (like the columns of a `pulumi preview --diff`, only the ones that matter for identity)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.plan import PlannedResource
from gate.values import lookup, to_json

KEY_SETTINGS: Mapping[str, tuple[str, ...]] = {
    "aws:cognito/userPool:UserPool": (
        "name",
        "mfaConfiguration",
        "passwordPolicy.minimumLength",
        "deletionProtection",
        "userPoolTier",
        "userPoolAddOns.advancedSecurityMode",
        "adminCreateUserConfig.allowAdminCreateUserOnly",
    ),
    "aws:cognito/userPoolClient:UserPoolClient": (
        "name",
        "generateSecret",
        "allowedOauthFlows",
        "explicitAuthFlows",
        "accessTokenValidity",
        "refreshTokenValidity",
        "preventUserExistenceErrors",
        "enableTokenRevocation",
    ),
    "aws:cognito/identityPool:IdentityPool": (
        "identityPoolName",
        "allowUnauthenticatedIdentities",
        "allowClassicFlow",
    ),
    "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment": ("roles",),
    "aws:cognito/userPoolDomain:UserPoolDomain": (
        "domain",
        "certificateArn",
        "managedLoginVersion",
    ),
    "aws:cognito/userGroup:UserGroup": ("name", "precedence", "roleArn"),
    "aws:cognito/identityProvider:IdentityProvider": ("providerName", "providerType"),
    "aws:cognito/resourceServer:ResourceServer": ("identifier", "name"),
    "aws:cognito/riskConfiguration:RiskConfiguration": ("clientId",),
    "aws:iam/role:Role": ("name", "maxSessionDuration"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "name",
        "metricName",
        "comparisonOperator",
        "threshold",
        "alarmActions",
    ),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName",),
    "aws:sns/topic:Topic": ("name", "kmsMasterKeyId"),
    "aws:lambda/permission:Permission": ("action", "principal", "sourceArn"),
    "aws:acm/certificate:Certificate": ("domainName", "region", "validationMethod"),
    "aws:wafv2/webAcl:WebAcl": (
        "name",
        "scope",
        "rules.0.statement.rateBasedStatement.limit",
        "rules.1.statement.managedRuleGroupStatement.name",
    ),
    "aws:wafv2/webAclAssociation:WebAclAssociation": ("resourceArn", "webAclArn"),
}
_GENERIC_LIMIT = 3


def key_settings(resource: PlannedResource) -> dict[str, Any]:
    """The resource's key settings as JSON-safe values, absent ones left out."""
    paths = KEY_SETTINGS.get(resource.type)
    if paths is None:
        scalars = [
            (key, value)
            for key, value in resource.inputs.items()
            if not isinstance(value, Mapping | list) and not str(key).startswith("__")
        ]
        return {key: to_json(value) for key, value in scalars[:_GENERIC_LIMIT]}
    found = {path: lookup(resource.inputs, path) for path in paths}
    return {path: to_json(value) for path, value in found.items() if value is not None}

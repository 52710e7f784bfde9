"""The real dev and prod stacks, run under the Pulumi mock runtime: what a reviewer checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components import exports
from tests.infra.harness import PLACEHOLDER_SECRET, REGION, ProgramRun, is_secret, unwrap

POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
IDP = "aws:cognito/identityProvider:IdentityProvider"
IDENTITY_POOL = "aws:cognito/identityPool:IdentityPool"
ATTACHMENT = "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment"
ROLE = "aws:iam/role:Role"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RISK = "aws:cognito/riskConfiguration:RiskConfiguration"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"

COMMON_COUNTS = {
    "aws:cloudwatch/dashboard:Dashboard": 1,
    "aws:cloudwatch/logGroup:LogGroup": 3,  # the pool's, and one per platform function
    "aws:cognito/identityPool:IdentityPool": 1,
    "aws:cognito/identityPoolProviderPrincipalTag:IdentityPoolProviderPrincipalTag": 1,
    "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment": 1,
    "aws:cognito/logDeliveryConfiguration:LogDeliveryConfiguration": 1,
    "aws:cognito/resourceServer:ResourceServer": 1,
    "aws:cognito/userPool:UserPool": 1,
    "aws:cognito/userPoolClient:UserPoolClient": 5,
    "aws:cognito/userPoolDomain:UserPoolDomain": 1,
    "aws:iam/rolePolicy:RolePolicy": 4,  # one tenant guard per tenant, one per platform function
    "aws:kms/key:Key": 1,  # the alarm topic's customer managed key
    "aws:lambda/function:Function": 2,  # pre token generation, tenant membership
    "aws:lambda/permission:Permission": 2,
    "aws:sns/topic:Topic": 1,
    "aws:wafv2/webAcl:WebAcl": 1,
    "aws:wafv2/webAclAssociation:WebAclAssociation": 1,
    "enterprise-identity:cognito:AppClients": 1,
    "enterprise-identity:cognito:AuthMonitoring": 1,
    "enterprise-identity:cognito:HostedDomain": 1,
    "enterprise-identity:cognito:IdentityPool": 1,
    "enterprise-identity:cognito:IdentityProviders": 1,
    "enterprise-identity:cognito:PlatformFunctions": 1,
    "enterprise-identity:cognito:RoleMappings": 1,
    "enterprise-identity:cognito:Tenants": 1,
    "enterprise-identity:cognito:UserGroups": 1,
    "enterprise-identity:cognito:UserPool": 1,
}
EXPECTED_COUNTS = {
    # dev: 4 groups (2 + 2 tenants), 6 roles (authenticated, admins, 2 tenants, 2 functions),
    # 8 alarms.
    "dev": COMMON_COUNTS
    | {
        "aws:cloudwatch/metricAlarm:MetricAlarm": 8,
        "aws:cognito/identityProvider:IdentityProvider": 2,
        "aws:cognito/userGroup:UserGroup": 4,
        "aws:iam/role:Role": 6,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
    },
    # prod adds threat protection (the risk configuration and two risk alarms) and a subscriber.
    "prod": COMMON_COUNTS
    | {
        "aws:cloudwatch/metricAlarm:MetricAlarm": 10,
        "aws:cognito/identityProvider:IdentityProvider": 3,
        "aws:cognito/riskConfiguration:RiskConfiguration": 1,
        "aws:cognito/userGroup:UserGroup": 5,
        "aws:iam/role:Role": 7,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 2,
        "aws:sns/topicSubscription:TopicSubscription": 1,  # the on-call placeholder address
    },
}


def test_resource_types_and_counts(stack: str, run: ProgramRun) -> None:
    assert run.counts() == EXPECTED_COUNTS[stack]


def test_program_calls_no_provider_functions(run: ProgramRun) -> None:
    assert run.calls == []


def test_components_sit_at_the_root_and_own_every_resource(run: ProgramRun) -> None:
    for resource in run.resources:
        if resource.type.startswith("enterprise-identity:cognito:"):
            assert resource.parent == "pulumi:pulumi:Stack", resource.urn
        else:
            assert resource.parent.split("$")[-1].startswith("enterprise-identity:cognito:"), (
                resource.urn
            )


def test_user_pool_children_belong_to_the_user_pool_component(run: ProgramRun) -> None:
    for type_token in (
        POOL,
        "aws:cognito/resourceServer:ResourceServer",
        "aws:cognito/logDeliveryConfiguration:LogDeliveryConfiguration",
        WEB_ACL,
        WEB_ACL_ASSOCIATION,
    ):
        for resource in run.of_type(type_token):
            assert resource.parent.endswith("enterprise-identity:cognito:UserPool")


# --- user pool -------------------------------------------------------------------------------


def test_dev_pool_is_convenient_but_not_careless(stack_runs: dict[str, ProgramRun]) -> None:
    pool = stack_runs["dev"].one(POOL).inputs
    assert pool["mfaConfiguration"] == "OPTIONAL"
    assert pool["softwareTokenMfaConfiguration"] == {"enabled": True}
    assert pool["deletionProtection"] == "INACTIVE"
    assert pool["userPoolTier"] == "ESSENTIALS"
    assert pool["passwordPolicy"]["minimumLength"] == 12
    assert pool["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is True
    assert "userPoolAddOns" not in pool
    assert stack_runs["dev"].of_type(RISK) == []


def test_prod_pool_is_strict(stack_runs: dict[str, ProgramRun]) -> None:
    pool = stack_runs["prod"].one(POOL).inputs
    assert pool["mfaConfiguration"] == "ON"
    assert pool["softwareTokenMfaConfiguration"] == {"enabled": True}
    assert "smsConfiguration" not in pool
    assert "emailMfaConfiguration" not in pool
    assert pool["passwordPolicy"] == {
        "minimumLength": 14,
        "requireLowercase": True,
        "requireUppercase": True,
        "requireNumbers": True,
        "requireSymbols": True,
        "temporaryPasswordValidityDays": 1,
        "passwordHistorySize": 24,
    }
    assert pool["userPoolTier"] == "PLUS"
    assert pool["userPoolAddOns"] == {
        "advancedSecurityMode": "ENFORCED",
        "advancedSecurityAdditionalFlows": {"customAuthMode": "ENFORCED"},
    }
    assert pool["deletionProtection"] == "ACTIVE"
    assert pool["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is True
    assert pool["accountRecoverySetting"] == {
        "recoveryMechanisms": [{"name": "verified_email", "priority": 1}]
    }
    assert pool["usernameConfiguration"] == {"caseSensitive": False}
    # MFA at every sign-in: a remembered device must not stand in for the second factor.
    assert pool["deviceConfiguration"] == {
        "challengeRequiredOnNewDevice": False,
        "deviceOnlyRememberedOnUserPrompt": True,
    }


def test_prod_risk_configuration_blocks_compromised_credentials_and_takeover(
    stack_runs: dict[str, ProgramRun],
) -> None:
    risk = stack_runs["prod"].one(RISK).inputs
    assert "clientId" not in risk
    assert risk["compromisedCredentialsRiskConfiguration"]["actions"] == {"eventAction": "BLOCK"}
    actions = risk["accountTakeoverRiskConfiguration"]["actions"]
    assert actions["highAction"] == {"eventAction": "BLOCK", "notify": False}
    assert actions["mediumAction"]["eventAction"] == "MFA_REQUIRED"


def test_sign_in_endpoints_sit_behind_a_rate_limiting_web_acl(stack: str, run: ProgramRun) -> None:
    association = run.one(WEB_ACL_ASSOCIATION)
    web_acl = run.one(WEB_ACL)
    assert web_acl.inputs["scope"] == "REGIONAL"
    assert web_acl.inputs["defaultAction"] == {"allow": {}}
    rules = {rule["name"]: rule for rule in web_acl.inputs["rules"]}
    rate = rules["rate-limit-per-ip"]
    assert rate["action"] == {"block": {}}
    assert rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"
    assert rate["statement"]["rateBasedStatement"]["limit"] == {"dev": 1000, "prod": 300}[stack]
    reputation = rules["aws-ip-reputation"]["statement"]["managedRuleGroupStatement"]
    assert reputation == {"name": "AWSManagedRulesAmazonIpReputationList", "vendorName": "AWS"}
    # The association joins that web ACL to this pool (the mocks give each resource its own ARN).
    assert association.inputs["resourceArn"].endswith(f":userpool/{REGION}_TestPool1")
    assert association.inputs["webAclArn"].endswith(f":{web_acl.name}")


def test_tenant_attribute_is_immutable(run: ProgramRun) -> None:
    schemas = {schema["name"]: schema for schema in run.one(POOL).inputs["schemas"]}
    assert schemas["tenant_id"]["mutable"] is False
    assert schemas["tenant_id"]["attributeDataType"] == "String"


def test_stateful_resources_are_protected_only_in_prod(stack_runs: dict[str, ProgramRun]) -> None:
    # tests/infra/test_stable_identities.py checks each identity-bearing type in detail.
    prod = stack_runs["prod"]
    stateful = {
        POOL,
        IDENTITY_POOL,
        CLIENT,
        IDP,
        ATTACHMENT,
        ROLE,  # identity-pool roles (authenticated, groups, tenants) and the functions' roles
        "aws:cognito/userPoolDomain:UserPoolDomain",
        "aws:cognito/userGroup:UserGroup",
        "aws:cognito/resourceServer:ResourceServer",
        "aws:iam/rolePolicy:RolePolicy",  # the tenant guards
        "aws:cloudwatch/logGroup:LogGroup",
    }
    assert prod.protected == {r.name for r in prod.resources if r.type in stateful}
    assert stack_runs["dev"].protected == set()


# --- app clients -----------------------------------------------------------------------------


def _clients(run: ProgramRun) -> dict[str, dict[str, Any]]:
    return {r.inputs["name"]: r.inputs for r in run.of_type(CLIENT)}


def test_every_client_is_explicit_and_safe(run: ProgramRun) -> None:
    for name, client in _clients(run).items():
        assert client["preventUserExistenceErrors"] == "ENABLED", name
        assert client["enableTokenRevocation"] is True, name
        assert client["readAttributes"], name
        assert client["writeAttributes"], name
        assert not {"email_verified", "phone_number_verified", "custom:tenant_id"} & set(
            client["writeAttributes"]
        ), name
        assert client["tokenValidityUnits"] == {
            "accessToken": "minutes",
            "idToken": "minutes",
            "refreshToken": "hours",
        }
        assert 5 <= client["accessTokenValidity"] <= 60, name
        assert "implicit" not in client.get("allowedOauthFlows", []), name
        assert not {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"} & set(
            client["explicitAuthFlows"]
        )
        for url in client.get("callbackUrls", []) + client.get("logoutUrls", []):
            assert url.startswith(("https://", "com.example.field://")), url


def test_clients_by_kind(stack_runs: dict[str, ProgramRun]) -> None:
    clients = _clients(stack_runs["prod"])
    web, spa, mobile, machine = (
        clients["portal"],
        clients["console"],
        clients["field-app"],
        clients["reporting-job"],
    )
    assert web["generateSecret"] is True
    assert web["allowedOauthFlows"] == ["code"]
    assert web["supportedIdentityProviders"] == ["corporate-saml", "entra"]
    assert spa["generateSecret"] is False
    assert mobile["generateSecret"] is False
    assert spa["explicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH"]
    assert spa["refreshTokenRotation"] == {"feature": "ENABLED", "retryGracePeriodSeconds": 10}
    assert machine["allowedOauthFlows"] == ["client_credentials"]
    assert machine["allowedOauthScopes"] == ["https://api.example.com/reports.read"]
    assert machine["generateSecret"] is True
    assert clients["tenant-contoso"]["supportedIdentityProviders"] == ["contoso-saml"]
    assert "custom:tenant_id" in clients["tenant-contoso"]["readAttributes"]
    assert (web["accessTokenValidity"], web["idTokenValidity"], web["refreshTokenValidity"]) == (
        15,
        15,
        12,
    )


# --- identity providers and secrets ----------------------------------------------------------


def test_oidc_client_secret_stays_secret(run: ProgramRun) -> None:
    oidc = [r for r in run.of_type(IDP) if r.inputs["providerType"] == "OIDC"]
    assert len(oidc) == 1
    details = oidc[0].inputs["providerDetails"]
    assert is_secret(details)
    assert unwrap(details)["client_secret"] == PLACEHOLDER_SECRET
    saml = [r for r in run.of_type(IDP) if r.inputs["providerType"] == "SAML"]
    assert all(not is_secret(r.inputs["providerDetails"]) for r in saml)


def test_client_secrets_are_exported_only_as_secrets(run: ProgramRun) -> None:
    assert run.secret_outputs == {exports.CLIENT_SECRETS}
    assert set(run.outputs[exports.CLIENT_SECRETS]) == {"portal", "reporting-job", "tenant-contoso"}
    assert not any(
        "secret" in json.dumps(run.outputs[name])
        for name in exports.ALL
        if name != exports.CLIENT_SECRETS
    )


# --- identity pool ---------------------------------------------------------------------------


def test_identity_pool_is_locked_down(run: ProgramRun) -> None:
    pool = run.one(IDENTITY_POOL).inputs
    assert pool["allowClassicFlow"] is False
    assert pool["allowUnauthenticatedIdentities"] is False
    providers = pool["cognitoIdentityProviders"]
    assert len(providers) == 4  # portal, console, field-app, tenant-contoso: never machine clients
    assert all(p["serverSideTokenCheck"] is True for p in providers)


def test_every_identity_pool_role_trust_is_pinned_to_the_pool_and_amr(run: ProgramRun) -> None:
    pool_id = run.outputs[exports.IDENTITY_POOL_ID]
    roles = [r for r in run.of_type(ROLE) if not r.parent.endswith("PlatformFunctions")]
    assert roles
    for role in roles:
        statement = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
        assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
        assert statement["Condition"]["StringEquals"] == {
            "cognito-identity.amazonaws.com:aud": pool_id
        }
        assert statement["Condition"]["ForAnyValue:StringLike"] == {
            "cognito-identity.amazonaws.com:amr": "authenticated"
        }


def test_role_mappings_deny_ambiguity(stack_runs: dict[str, ProgramRun]) -> None:
    run = stack_runs["prod"]
    attachment = run.one(ATTACHMENT).inputs
    assert set(attachment["roles"]) == {"authenticated"}
    assert attachment["roles"]["authenticated"] == run.outputs[exports.ROLE_ARNS]["authenticated"]
    mappings = {m["identityProvider"].rsplit(":", 1)[1]: m for m in attachment["roleMappings"]}
    client_ids = run.outputs[exports.CLIENT_IDS]
    assert set(mappings) == {
        client_ids[name] for name in ("portal", "console", "field-app", "tenant-contoso")
    }
    assert all(m["ambiguousRoleResolution"] == "Deny" for m in mappings.values())
    portal = mappings[client_ids["portal"]]
    assert portal["type"] == "Rules"
    assert [
        (rule["claim"], rule["matchType"], rule["value"], rule["roleArn"])
        for rule in portal["mappingRules"]
    ] == [
        (
            "cognito:groups",
            "Contains",
            "admins",
            run.outputs[exports.ROLE_ARNS]["groups"]["admins"],
        ),
        (
            "cognito:groups",
            "Contains",
            "auditors",
            run.outputs[exports.ROLE_ARNS]["groups"]["auditors"],
        ),
    ]
    assert mappings[client_ids["console"]]["type"] == "Token"
    provider = attachment["roleMappings"][0]["identityProvider"]
    assert provider.startswith("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1:")


def test_tenant_roles_deny_every_other_tenant(run: ProgramRun) -> None:
    guards = {
        r.name: json.loads(r.inputs["policy"]) for r in run.of_type("aws:iam/rolePolicy:RolePolicy")
    }
    prefix = run.one(POOL).name.removesuffix("-pool")
    statement = guards[f"{prefix}-contoso-guard"]["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"StringNotEquals": {"aws:PrincipalTag/tenant_id": "contoso"}}
    tags = run.one(
        "aws:cognito/identityPoolProviderPrincipalTag:IdentityPoolProviderPrincipalTag"
    ).inputs
    assert tags["principalTags"]["tenant_id"] == "custom:tenant_id"


def test_tenant_groups_carry_the_tenant_roles(run: ProgramRun) -> None:
    groups = {r.inputs["name"]: r.inputs for r in run.of_type("aws:cognito/userGroup:UserGroup")}
    tenant_roles = run.outputs[exports.ROLE_ARNS]["tenants"]
    assert groups["tenant-contoso"]["roleArn"] == tenant_roles["contoso"]
    assert groups["tenant-northwind"]["roleArn"] == tenant_roles["northwind"]


# --- monitoring ------------------------------------------------------------------------------


def _alarms(run: ProgramRun) -> dict[str, dict[str, Any]]:
    prefix = run.one(POOL).name.removesuffix("-pool") + "-"
    return {r.name.removeprefix(prefix): r.inputs for r in run.of_type(ALARM)}


def test_alarm_thresholds_follow_the_stack(stack: str, run: ProgramRun) -> None:
    alarms = _alarms(run)
    assert alarms["sign-in-success"]["threshold"] == 95
    assert alarms["sign-in-success"]["comparisonOperator"] == "LessThanThreshold"
    assert alarms["sign-up-success"]["threshold"] == 90
    for throttle in (
        "sign-in-throttles",
        "sign-up-throttles",
        "token-refresh-throttles",
        "federation-throttles",
    ):
        assert alarms[throttle]["threshold"] == 0
        assert alarms[throttle]["comparisonOperator"] == "GreaterThanThreshold"
    if stack == "prod":
        assert alarms["compromised-credentials"]["threshold"] == 0
        takeover = alarms["account-takeover"]
        assert takeover["threshold"] == 5
        assert {q["metric"]["period"] for q in takeover["metricQueries"] if "metric" in q} == {3600}
    else:
        assert "account-takeover" not in alarms


def test_success_rate_alarm_divides_summed_successes_by_summed_requests(run: ProgramRun) -> None:
    # tests/infra/test_monitoring.py evaluates the expression on traffic.
    alarm = _alarms(run)["sign-in-success"]
    expression = next(q for q in alarm["metricQueries"] if q.get("returnData"))
    metrics = [q["metric"] for q in alarm["metricQueries"] if "metric" in q]
    assert expression["expression"] == (
        '100 * SUM(METRICS("successes")) / SUM(METRICS("requests"))'
    )
    assert {m["metricName"] for m in metrics} == {"SignInSuccesses"}
    assert sorted(m["stat"] for m in metrics) == ["SampleCount"] * 3 + ["Sum"] * 3
    clients = {m["dimensions"]["UserPoolClient"] for m in metrics}
    assert len(clients) == 3  # portal, console, field-app
    assert all(m["dimensions"]["UserPool"] == run.outputs[exports.USER_POOL_ID] for m in metrics)
    assert alarm["treatMissingData"] == "notBreaching"
    assert alarm["alarmActions"] == [run.outputs[exports.ALARM_TOPIC_ARN]]


def test_dashboard_shows_every_alarm(run: ProgramRun) -> None:
    body = json.loads(run.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    shown = set(body["widgets"][0]["properties"]["alarms"])
    assert shown == set(run.outputs[exports.ALARM_ARNS].values())
    assert len(body["widgets"]) == 1 + len(shown)


# --- outputs ---------------------------------------------------------------------------------


def test_every_export_is_present(stack: str, run: ProgramRun) -> None:
    outputs = run.outputs
    assert set(outputs) == set(exports.ALL)
    pool_id = outputs[exports.USER_POOL_ID]
    assert outputs[exports.ISSUER_URL] == f"https://cognito-idp.eu-west-1.amazonaws.com/{pool_id}"
    assert outputs[exports.JWKS_URL] == f"{outputs[exports.ISSUER_URL]}/.well-known/jwks.json"
    prefix = "acme-workforce-dev" if stack == "dev" else "acme-workforce"
    assert outputs[exports.HOSTED_UI_URL] == f"https://{prefix}.auth.eu-west-1.amazoncognito.com"
    assert outputs[exports.DASHBOARD_NAME] == f"ei-{stack}-identity"
    assert set(outputs[exports.CLIENT_IDS]) == {
        "portal",
        "console",
        "field-app",
        "reporting-job",
        "tenant-contoso",
    }
    assert outputs[exports.ROLE_ARNS]["guest"] is None


@pytest.mark.parametrize("name", exports.ALL)
def test_export_names_are_camel_case(name: str) -> None:
    assert name[0].islower()
    assert name.isalnum()

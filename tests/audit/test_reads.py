"""Every read the audit makes, on a pool with every part it reads: the IAM policy in
docs/audit.md holds exactly the calls the code sends (recorded by a botocore hook), only
Describe/List/Get, and each part arrives at the pack as the resource the program would declare."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from gate.live import inventory as types
from gate.live.calls import AUDIT_CALLS, READ_ONLY_PREFIXES, iam_actions
from gate.live.docs import DOC, refreshed
from tests.audit.conftest import REGION, Emulator, audit, findings, live_urn
from tests.audit.test_findings import GUEST_PERMISSIONS, GUEST_TRUST, answer_moto_gaps

WAF_RULES = [
    {
        "Name": "rate",
        "Priority": 0,
        "Action": {"Block": {}},
        "Statement": {"RateBasedStatement": {"Limit": 100, "AggregateKeyType": "IP"}},
        "VisibilityConfig": {
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "rate",
        },
    }
]


def _full_pool(aws: Callable[[str], Any], emulator: Emulator) -> dict[str, str]:
    """A pool with a domain, a SAML provider, a group, a resource server, a web ACL, an alarm
    and an identity pool whose role has inline and customer-managed policies."""
    idp = aws("cognito-idp")
    pool = idp.create_user_pool(PoolName="full")["UserPool"]
    pool_id = pool["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"][
        "ClientId"
    ]
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="acme-full")
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="corp",
        ProviderType="SAML",
        ProviderDetails={"MetadataURL": "https://idp.example.com/metadata.xml"},
        AttributeMapping={"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/email"},
    )
    idp.create_group(UserPoolId=pool_id, GroupName="staff")
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="https://api.example.com",
        Name="api",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}],
    )
    waf = aws("wafv2")
    acl = waf.create_web_acl(
        Name="pool-acl",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=WAF_RULES,
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "pool-acl",
        },
    )["Summary"]
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=pool["Arn"])
    aws("cloudwatch").put_metric_alarm(
        AlarmName="sign-in-throttles",
        Namespace="AWS/Cognito",
        MetricName="SignInThrottles",
        Dimensions=[
            {"Name": "UserPool", "Value": pool_id},
            {"Name": "UserPoolClient", "Value": client_id},
        ],
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[f"arn:aws:sns:{REGION}:123456789012:alarms"],
    )
    identity_pool_id = aws("cognito-identity").create_identity_pool(
        IdentityPoolName="signed-in",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[
            {
                "ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{pool_id}",
                "ClientId": client_id,
                "ServerSideTokenCheck": True,
            }
        ],
    )["IdentityPoolId"]
    iam = aws("iam")
    role_arn = iam.create_role(
        RoleName="signed-in", AssumeRolePolicyDocument=json.dumps(GUEST_TRUST)
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="signed-in", PolicyName="inline", PolicyDocument=json.dumps(GUEST_PERMISSIONS)
    )
    policy_arn = iam.create_policy(
        PolicyName="managed", PolicyDocument=json.dumps(GUEST_PERMISSIONS)
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="signed-in", PolicyArn=policy_arn)
    emulator.answer(
        "cognito-identity",
        "GetIdentityPoolRoles",
        lambda request: {
            "IdentityPoolId": request["IdentityPoolId"],
            "Roles": {"authenticated": role_arn},
        },
    )
    return {
        "pool": pool_id,
        "client": client_id,
        "identity_pool": identity_pool_id,
        "acl": acl["Id"],
        "policy": policy_arn,
    }


def test_every_part_is_read_and_the_iam_policy_covers_exactly_the_calls(
    aws: Callable[[str], Any], emulator: Emulator
) -> None:
    ids = _full_pool(aws, emulator)
    answer_moto_gaps(emulator)

    result = audit()

    assert result.not_judged == ()
    types_read = {resource.type for resource in result.plan.resources}
    assert {
        types.USER_POOL,
        types.USER_POOL_CLIENT,
        types.USER_POOL_DOMAIN,
        types.IDENTITY_PROVIDER,
        types.USER_GROUP,
        types.RESOURCE_SERVER,
        types.WEB_ACL,
        types.WAF_ASSOCIATION,
        types.METRIC_ALARM,
        types.IDENTITY_POOL,
        types.ROLE_ATTACHMENT,
        types.IAM_ROLE,
        types.IAM_ROLE_POLICY,
        types.IAM_ROLE_POLICY_ATTACHMENT,
        types.IAM_POLICY,
    } <= types_read
    pool = live_urn(result, types.USER_POOL, ids["pool"])
    judged = {policy for policy, urn in findings(result) if urn == pool}
    # The association and the alarm reach the stack policies through their references.
    assert "cognito-user-pool-waf-associated" not in judged
    assert "cognito-user-pool-alarms" in judged  # one alarm, not the required set
    sent = {(service, operation) for service, operation in emulator.sent}
    assert sent == {(call.service, call.operation) for call in AUDIT_CALLS}


def test_the_iam_policy_is_read_only_and_documented() -> None:
    """Only Describe/List/Get actions, and docs/audit.md shows the policy the code derives."""
    for action in iam_actions():
        _, operation = action.split(":", 1)
        assert operation.startswith(READ_ONLY_PREFIXES), action
    text = DOC.read_text(encoding="utf-8")
    assert refreshed(text) == text, "run: python -m gate.live.docs --write"


def test_identity_pool_arns_carry_the_partition_of_the_region() -> None:
    """An identity pool in a China Region is `arn:aws-cn:...` (the partition from botocore's
    endpoint data), so the pack's ARN checks see the ARN AWS gives it."""
    from gate.live.inventory import _identity_pool_arn
    from gate.live.reader import LiveReader

    arn = _identity_pool_arn(LiveReader(region="cn-north-1"), "123456789012", "cn-north-1:0a1b")
    assert arn == "arn:aws-cn:cognito-identity:cn-north-1:123456789012:identitypool/cn-north-1:0a1b"
    assert _identity_pool_arn(LiveReader(region=REGION), "123456789012", f"{REGION}:0a1b") == (
        f"arn:aws:cognito-identity:{REGION}:123456789012:identitypool/{REGION}:0a1b"
    )

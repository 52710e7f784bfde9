"""The one list of AWS API calls the audit makes, and the IAM policy derived from it.

Every read goes through `gate.live.reader.LiveReader.call`, which refuses an operation that is not
listed here, so this list, the generated IAM policy in `docs/audit.md` and the code cannot drift
apart (a test also records the operations botocore actually sends).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from gate.api_reference import operation_page

COGNITO_IDP: Final = "cognito-idp"
COGNITO_IDENTITY: Final = "cognito-identity"
IAM: Final = "iam"
WAFV2: Final = "wafv2"
CLOUDWATCH: Final = "cloudwatch"
STS: Final = "sts"

READ_ONLY_PREFIXES: Final = ("Describe", "List", "Get")


@dataclass(frozen=True)
class ApiCall:
    """One AWS operation the audit sends, what it informs and the IAM actions AWS checks for it.

    `informs` names the cognito-guard policies whose verdict depends on the call: when the call
    cannot be made (access denied, an emulator without the API), findings of those policies are
    withdrawn and reported as "not judged" instead, because the missing answer could be the very
    resource the policy looks for. `required` calls make the audit incomplete (exit 2) when they
    fail; optional ones (groups, resource servers: no policy judges them) are only listed.
    """

    service: str
    operation: str
    informs: tuple[str, ...] = ()
    required: bool = True
    implied_actions: tuple[str, ...] = ()

    @property
    def iam_action(self) -> str:
        return f"{self.service}:{self.operation}"

    @property
    def documentation(self) -> str:
        """The operation's page in the service's API reference."""
        return operation_page(self.service, self.operation)


_POOL_POLICIES: Final = (
    "cognito-user-pool-mfa-required",
    "cognito-mfa-factors",
    "cognito-mfa-factor-configured",
    "cognito-mfa-recovery-channel-separate",
)
_IDENTITY_POOL_STACK_POLICIES: Final = (
    "cognito-identity-pool-role-trust",
    "cognito-identity-pool-distinct-roles",
    "cognito-identity-pool-guest-role-least-privilege",
    "cognito-identity-pool-role-mapping-claims",
)

AUDIT_CALLS: Final[tuple[ApiCall, ...]] = (
    # Who is audited: the account in the synthetic URNs. Needs no permission
    # (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
    ApiCall(STS, "GetCallerIdentity"),
    # User pools and what hangs off them.
    ApiCall(COGNITO_IDP, "ListUserPools"),
    ApiCall(COGNITO_IDP, "DescribeUserPool"),
    ApiCall(COGNITO_IDP, "GetUserPoolMfaConfig", informs=_POOL_POLICIES),
    ApiCall(COGNITO_IDP, "ListUserPoolClients"),
    ApiCall(COGNITO_IDP, "DescribeUserPoolClient"),
    ApiCall(
        COGNITO_IDP,
        "DescribeUserPoolDomain",
        informs=("cognito-domain-managed-login-version", "cognito-domain-custom-certificate"),
    ),
    ApiCall(
        COGNITO_IDP,
        "ListIdentityProviders",
        informs=("cognito-client-idp-mapped-attributes-writable", "cognito-client-sso-only"),
    ),
    ApiCall(
        COGNITO_IDP,
        "DescribeIdentityProvider",
        informs=("cognito-client-idp-mapped-attributes-writable", "cognito-client-sso-only"),
    ),
    ApiCall(COGNITO_IDP, "ListGroups", required=False),
    ApiCall(COGNITO_IDP, "ListResourceServers", required=False),
    ApiCall(
        COGNITO_IDP,
        "DescribeRiskConfiguration",
        informs=(
            "cognito-user-pool-risk-configuration",
            "cognito-lockout-compensating-controls",
        ),
    ),
    ApiCall(
        COGNITO_IDP,
        "GetLogDeliveryConfiguration",
        informs=("cognito-user-pool-auth-event-logging",),
    ),
    # WAF: AWS checks wafv2:GetWebACL and, for a user pool, cognito-idp:GetWebACLForResource too
    # (https://docs.aws.amazon.com/waf/latest/APIReference/API_GetWebACLForResource.html).
    ApiCall(
        WAFV2,
        "GetWebACLForResource",
        informs=(
            "cognito-user-pool-waf-associated",
            "cognito-user-pool-waf-rules",
            "cognito-lockout-compensating-controls",
        ),
        implied_actions=("wafv2:GetWebACL", "cognito-idp:GetWebACLForResource"),
    ),
    ApiCall(CLOUDWATCH, "DescribeAlarms", informs=("cognito-user-pool-alarms",)),
    # Identity pools that trust a user pool, their roles and role mappings.
    ApiCall(COGNITO_IDENTITY, "ListIdentityPools"),
    ApiCall(COGNITO_IDENTITY, "DescribeIdentityPool"),
    ApiCall(COGNITO_IDENTITY, "GetIdentityPoolRoles", informs=_IDENTITY_POOL_STACK_POLICIES),
    ApiCall(
        COGNITO_IDENTITY,
        "GetPrincipalTagAttributeMap",
        informs=("cognito-identity-pool-role-mapping-claims",),
    ),
    ApiCall(
        IAM,
        "GetRole",
        informs=(*_IDENTITY_POOL_STACK_POLICIES, "cognito-identity-role-trust-conditions"),
    ),
    ApiCall(IAM, "ListRolePolicies", informs=("cognito-identity-pool-guest-role-least-privilege",)),
    ApiCall(IAM, "GetRolePolicy", informs=("cognito-identity-pool-guest-role-least-privilege",)),
    ApiCall(
        IAM,
        "ListAttachedRolePolicies",
        informs=("cognito-identity-pool-guest-role-least-privilege",),
    ),
    ApiCall(IAM, "GetPolicy", informs=("cognito-identity-pool-guest-role-least-privilege",)),
    ApiCall(IAM, "GetPolicyVersion", informs=("cognito-identity-pool-guest-role-least-privilege",)),
)

CALLS: Final = {(call.service, call.operation): call for call in AUDIT_CALLS}


def iam_actions(calls: Iterable[ApiCall] = AUDIT_CALLS) -> list[str]:
    """Every IAM action the calls need, sorted, without duplicates."""
    actions = {action for call in calls for action in (call.iam_action, *call.implied_actions)}
    return sorted(actions)


def iam_policy(calls: Iterable[ApiCall] = AUDIT_CALLS) -> dict[str, object]:
    """The minimal identity-based policy for the audit: read-only actions on every resource.

    Resource `*`: the List operations the audit starts from have no resource-level scoping
    (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html).
    """
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CognitoGuardLiveAudit",
                "Effect": "Allow",
                "Action": iam_actions(calls),
                "Resource": "*",
            }
        ],
    }

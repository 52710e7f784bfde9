"""Stack rules that follow a reference must follow it to the right resource.

A stack may hold a second user pool, identity pool or IAM role, so matching a client, provider,
attachment or role to the wrong one changes a finding. Each stack below puts a decoy first (the
rules scan resources in stack order) and is judged at `pulumi up` with references known through
property dependencies and, where the rule allows it, by value only; preview cases leave role ARNs
and trust documents unknown. Whole outcomes are compared: every message with the resource it is
filed under, and the reason a verdict is left to `pulumi up`.

AWS pages behind the cases:
- identity-pool roles map `authenticated`/`unauthenticated` to role ARNs, each role's trust policy
  pins its pool (`aud`) and sign-in state (`amr`):
  https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html,
  https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html
- guests get the unauthenticated role's permissions:
  https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html
- identity provider names are unique within one user pool only, and a client lists providers of
  its own pool: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html,
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
- role-mapping rules and principal tags read token claims:
  https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html,
  https://docs.aws.amazon.com/cognito/latest/developerguide/attributes-for-access-control.html
- WAF web ACLs protect the pool whose ARN they are associated with:
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pytest
from pulumi_policy import StackValidationPolicy

from cognito_guard import choice_based_auth, stack
from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN
from tests.policies.harness import Spec, run_stack
from tests.policies.reference import (
    ACCOUNT,
    IDENTITY_POOL_ID,
    POOL_ARN,
    POOL_ID,
    REGION,
    SECURE_IDENTITY_PROVIDER,
    SECURE_POOL,
    SECURE_WEB_CLIENT,
    role_arn,
    trust_policy,
)
from tests.policies.test_stack_rules import allow

PARTNER_IDENTITY_POOL_ID: Final = f"{REGION}:99999999-8888-7777-6666-555555555555"
PARTNER_POOL_ID: Final = f"{REGION}_ZyXwVu987"
PARTNER_POOL_ARN: Final = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{PARTNER_POOL_ID}"
ALLOWED: Final = (
    "rum:PutRumEvents, mobileanalytics:PutEvents, personalize:PutEvents, geo:GetMap*, "
    "geo:SearchPlaceIndex*"
)
ADMIN: Final = "arn:aws:iam::aws:policy/AdministratorAccess"
REVIEWED_POLICY_ARN: Final = f"arn:aws:iam::{ACCOUNT}:policy/guest-reviewed"
DECOY_POLICY_ARN: Final = f"arn:aws:iam::{ACCOUNT}:policy/partner-extras"
DEFERRED_ROLES: Final = (
    "roles: `roles` is unknown during preview; the policy judges it at `pulumi up`, when the "
    "engine sends the known value"
)

Findings = list[tuple[str, str]]


def verdict(
    policy: StackValidationPolicy, specs: Sequence[Spec], config: Mapping[str, Any] | None = None
) -> tuple[Findings, str | None]:
    """Every finding with the name of the resource it is filed under, and the deferral reason."""
    outcome = run_stack(policy, specs, config)
    names = {spec.urn: spec.name for spec in specs}
    found = [
        (message, names[urn or ""])
        for message, urn in zip(outcome.messages, outcome.urns, strict=True)
    ]
    return found, outcome.not_applicable


def by_value(specs: Sequence[Spec]) -> list[Spec]:
    """The stack as `pulumi up` may see it: references known only by their values."""
    return [Spec(s.type, s.name, s.props, {}) for s in specs]


def with_unknown_pool_id(specs: Sequence[Spec], name: str) -> list[Spec]:
    """The stack with resource `name`'s `userPoolId` unknown."""
    return [
        Spec(s.type, s.name, {**s.props, "userPoolId": UNKNOWN}, s.deps) if s.name == name else s
        for s in specs
    ]


def role(name: str, role_name: str, trust: object, *, arn: bool = True, **props: object) -> Spec:
    """An IAM role; `arn=False` for preview, where the engine sends the ARN AWS has not given yet
    as unknown (so an unknown reference must not match it)."""
    outputs = {"arn": role_arn(role_name) if arn else UNKNOWN}
    return Spec(
        rt.IAM_ROLE, name, {"name": role_name, "assumeRolePolicy": trust, **outputs, **props}
    )


def identity_pool(name: str, pool_id: str | None) -> Spec:
    """An identity pool; `None` for preview, where its id is unknown."""
    return Spec(
        rt.IDENTITY_POOL,
        name,
        {
            "identityPoolName": name,
            "allowUnauthenticatedIdentities": True,
            "id": UNKNOWN if pool_id is None else pool_id,
        },
    )


def attachment(
    name: str,
    pool_id: object,
    roles: Mapping[str, object],
    deps: Mapping[str, Sequence[str]],
    **props: object,
) -> Spec:
    return Spec(
        rt.ROLE_ATTACHMENT, name, {"identityPoolId": pool_id, "roles": dict(roles), **props}, deps
    )


def inline(*actions: str) -> list[dict[str, str]]:
    return [{"name": "permissions", "policy": json.dumps(allow(*actions))}]


# --- a second identity pool and its role, both listed first -----------------------------------


def two_identity_pools() -> list[Spec]:
    """Partner pool and role first; the workforce guest role trusts the partner pool by mistake."""
    return [
        identity_pool("partner-identity-pool", PARTNER_IDENTITY_POOL_ID),
        identity_pool("identity-pool", IDENTITY_POOL_ID),
        role(
            "partner-role",
            "partner",
            trust_policy(PARTNER_IDENTITY_POOL_ID, "authenticated"),
            inlinePolicies=inline("s3:PutObject"),
        ),
        role(
            "authenticated-role",
            "workforce-authenticated",
            trust_policy(IDENTITY_POOL_ID, "authenticated"),
            inlinePolicies=inline("s3:GetObject"),
        ),
        role(
            "guest-role",
            "guest",
            trust_policy(PARTNER_IDENTITY_POOL_ID, "unauthenticated"),
            inlinePolicies=inline("rum:PutRumEvents", "dynamodb:Query"),
        ),
        attachment(
            "partner-roles",
            PARTNER_IDENTITY_POOL_ID,
            {"authenticated": role_arn("partner")},
            {"identityPoolId": ["partner-identity-pool"], "roles": ["partner-role"]},
        ),
        attachment(
            "roles",
            IDENTITY_POOL_ID,
            {
                "authenticated": role_arn("workforce-authenticated"),
                "unauthenticated": role_arn("guest"),
            },
            {"identityPoolId": ["identity-pool"], "roles": ["authenticated-role", "guest-role"]},
        ),
    ]


TWO_IDENTITY_POOLS: Final[dict[str, tuple[StackValidationPolicy, Findings]]] = {
    "role-trust": (
        stack.ROLE_TRUST,
        [
            (
                f"The unauthenticated role guest-role trusts identity pools "
                f"['{PARTNER_IDENTITY_POOL_ID}'] instead of only its own pool {IDENTITY_POOL_ID} "
                "(`StringEquals` on cognito-identity.amazonaws.com:aud).",
                "roles",
            )
        ],
    ),
    "guest-role": (
        stack.GUEST_ROLE,
        [
            (
                "The guest role guest-role allows dynamodb:Query through inline policy "
                "permissions: anyone on the internet gets these permissions. Allow only "
                f"{ALLOWED}.",
                "roles",
            )
        ],
    ),
    "distinct-roles": (stack.DISTINCT_ROLES, []),
}


@pytest.mark.parametrize("known_by_value", [False, True], ids=["dependency", "value"])
@pytest.mark.parametrize("label", list(TWO_IDENTITY_POOLS))
def test_each_attachment_is_judged_with_its_own_identity_pool_and_roles(
    label: str, known_by_value: bool
) -> None:
    policy, findings = TWO_IDENTITY_POOLS[label]
    specs = two_identity_pools()
    assert verdict(policy, by_value(specs) if known_by_value else specs) == (findings, None)


def test_a_role_outside_the_stack_is_neither_judged_nor_waited_for() -> None:
    # the ARN is known, so waiting for `pulumi up` would not tell more; mapping one ARN to both
    # keys still gives guests the signed-in users' role
    external = role_arn("managed-elsewhere")
    specs = [
        *two_identity_pools()[:2],
        attachment("roles", IDENTITY_POOL_ID, {"authenticated": external}, {}),
        attachment(
            "partner-roles",
            PARTNER_IDENTITY_POOL_ID,
            {"authenticated": external, "unauthenticated": external},
            {},
        ),
    ]
    same_arn = (
        "Identity pool attachment partner-roles maps the same role ARN to "
        "`roles.authenticated` and `roles.unauthenticated`; give guests their own role.",
        "partner-roles",
    )
    assert verdict(stack.ROLE_TRUST, specs) == ([], None)
    assert verdict(stack.GUEST_ROLE, specs) == ([], None)
    assert verdict(stack.DISTINCT_ROLES, specs) == ([same_arn], None)


def test_one_role_in_the_stack_for_both_keys_is_reported_once() -> None:
    specs = [
        s
        if s.name != "roles"
        else attachment(
            "roles",
            IDENTITY_POOL_ID,
            {"authenticated": role_arn("guest"), "unauthenticated": role_arn("guest")},
            {},
        )
        for s in two_identity_pools()
    ]
    assert verdict(stack.DISTINCT_ROLES, specs) == (
        [
            (
                "Identity pool attachment roles uses role guest-role for both signed-in users "
                "and guests: guests get every permission of signed-in users. Give guests their "
                "own minimal role.",
                "roles",
            )
        ],
        None,
    )


LAMBDA_TRUST: Final = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def _without_amr(pool_id: str) -> str:
    document = json.loads(trust_policy(pool_id, "unauthenticated"))
    document["Statement"][0]["Condition"].pop("ForAnyValue:StringLike")
    return json.dumps(document)


def test_every_role_is_judged_even_when_its_identity_pool_is_not_in_the_stack() -> None:
    # the pools are managed elsewhere, so `aud` cannot be compared; `amr` still can, and a role
    # that does not trust Cognito at all stops only its own checks
    specs = [
        role("lambda-role", "lambda", LAMBDA_TRUST),
        role("guest-role", "guest", trust_policy(IDENTITY_POOL_ID, "authenticated")),
        role("partner-role", "partner", trust_policy(PARTNER_IDENTITY_POOL_ID, "unauthenticated")),
        role("partner-guest-role", "partner-guest", _without_amr(PARTNER_IDENTITY_POOL_ID)),
        attachment(
            "roles",
            IDENTITY_POOL_ID,
            {"authenticated": role_arn("lambda"), "unauthenticated": role_arn("guest")},
            {},
        ),
        attachment(
            "partner-roles",
            PARTNER_IDENTITY_POOL_ID,
            {"authenticated": role_arn("partner"), "unauthenticated": role_arn("partner-guest")},
            {},
        ),
    ]
    assert verdict(stack.ROLE_TRUST, specs) == (
        [
            (
                "The authenticated role lambda-role of identity pool attachment roles does not "
                "trust cognito-identity.amazonaws.com with sts:AssumeRoleWithWebIdentity, so the "
                "identity pool cannot use it.",
                "roles",
            ),
            _amr_finding("authenticated"),
            (
                "The authenticated role partner-role accepts amr ['unauthenticated']; its trust "
                "policy must admit only authenticated identities (`ForAnyValue:StringLike` on "
                "cognito-identity.amazonaws.com:amr = authenticated or provider names).",
                "partner-roles",
            ),
            (
                "The unauthenticated role partner-guest-role accepts amr of any value; its trust "
                "policy must admit only unauthenticated identities (`ForAnyValue:StringLike` on "
                "cognito-identity.amazonaws.com:amr = unauthenticated).",
                "partner-roles",
            ),
        ],
        None,
    )


# --- preview: role ARNs unknown, told apart by dependencies and trust documents -----------------

AUTH_TRUST: Final = trust_policy(IDENTITY_POOL_ID, "authenticated")
GUEST_TRUST: Final = trust_policy(IDENTITY_POOL_ID, "unauthenticated")


def preview_roles(
    auth_trust: object,
    guest_trust: object,
    *,
    roles: object = None,
    depended: Sequence[str] = ("authenticated-role", "guest-role"),
    known_arns: Sequence[str] = (),
) -> list[Spec]:
    """The workforce attachment at preview, after an unrelated role (the decoy, listed first)."""

    def preview_role(name: str, role_name: str, trust: object, *actions: str) -> Spec:
        return role(name, role_name, trust, arn=name in known_arns, inlinePolicies=inline(*actions))

    return [
        identity_pool("identity-pool", None),
        preview_role(
            "partner-role",
            "partner",
            trust_policy(PARTNER_IDENTITY_POOL_ID, "unauthenticated"),
            "s3:PutObject",
        ),
        preview_role("authenticated-role", "workforce-authenticated", auth_trust, "s3:GetObject"),
        preview_role("guest-role", "guest", guest_trust, "rum:PutRumEvents", "dynamodb:Query"),
        Spec(
            rt.ROLE_ATTACHMENT,
            "roles",
            {
                "identityPoolId": UNKNOWN,
                "roles": {"authenticated": UNKNOWN, "unauthenticated": UNKNOWN}
                if roles is None
                else roles,
            },
            {"identityPoolId": ["identity-pool"], "roles": list(depended)},
        ),
    ]


def _inline_finding(role_name: str, action: str) -> tuple[str, str]:
    return (
        f"The guest role {role_name} allows {action} through inline policy permissions: anyone "
        f"on the internet gets these permissions. Allow only {ALLOWED}.",
        "roles",
    )


def _amr_finding(amr: str, role_name: str = "guest-role") -> tuple[str, str]:
    return (
        f"The unauthenticated role {role_name} accepts amr ['{amr}']; its trust policy must admit "
        "only unauthenticated identities (`ForAnyValue:StringLike` on "
        "cognito-identity.amazonaws.com:amr = unauthenticated).",
        "roles",
    )


GUEST_FINDING: Final = _inline_finding("guest-role", "dynamodb:Query")
AUTH_AS_GUEST_FINDING: Final = _inline_finding("authenticated-role", "s3:GetObject")
SHARED_ROLE_FINDING: Final = (
    "Identity pool attachment roles uses role authenticated-role for both signed-in users and "
    "guests: guests get every permission of signed-in users. Give guests their own minimal role.",
    "roles",
)
ROLE_POLICIES: Final = {
    "role-trust": stack.ROLE_TRUST,
    "distinct-roles": stack.DISTINCT_ROLES,
    "guest-role": stack.GUEST_ROLE,
}

TRUST_DEFERRED: Final = {
    "role-trust": "roles: `assumeRolePolicy` is unknown during preview; the policy judges it at "
    "`pulumi up`, when the engine sends the known value"
}
ALL_DEFERRED: Final = dict.fromkeys(ROLE_POLICIES, DEFERRED_ROLES)

PREVIEW: Final[dict[str, tuple[list[Spec], dict[str, Findings], dict[str, str]]]] = {
    # (stack, findings and deferrals per policy: none where not listed)
    "trust-documents-decide-not-the-order": (
        preview_roles(GUEST_TRUST, AUTH_TRUST, depended=("guest-role", "authenticated-role")),
        {"guest-role": [AUTH_AS_GUEST_FINDING]},
        {},
    ),
    "trust-documents-in-order": (
        preview_roles(AUTH_TRUST, GUEST_TRUST),
        {"guest-role": [GUEST_FINDING]},
        {},
    ),
    "guest-trust-unknown-eliminated": (
        preview_roles(AUTH_TRUST, UNKNOWN),
        {"guest-role": [GUEST_FINDING]},
        TRUST_DEFERRED,
    ),
    "authenticated-trust-unknown-eliminated": (
        preview_roles(UNKNOWN, GUEST_TRUST),
        {"guest-role": [GUEST_FINDING]},
        TRUST_DEFERRED,
    ),
    "malformed-trust-eliminated": (
        preview_roles(AUTH_TRUST, "{not json"),
        {
            "guest-role": [GUEST_FINDING],
            "role-trust": [
                (
                    "`assumeRolePolicy` has the malformed value '{not json' (expected a JSON "
                    "policy document), so this setting cannot be verified; fix the value.",
                    "roles",
                )
            ],
        },
        {},
    ),
    # both trust `authenticated`: the first takes the key, the second is left for the guests
    "both-trust-authenticated": (
        preview_roles(AUTH_TRUST, AUTH_TRUST),
        {"guest-role": [GUEST_FINDING], "role-trust": [_amr_finding("authenticated")]},
        {},
    ),
    # a trust policy admitting both states names neither role
    "any-state-trust-eliminated": (
        preview_roles(AUTH_TRUST, trust_policy(IDENTITY_POOL_ID, "*")),
        {"guest-role": [GUEST_FINDING], "role-trust": [_amr_finding("*")]},
        {},
    ),
    "both-trusts-unknown": (preview_roles(UNKNOWN, UNKNOWN), {}, ALL_DEFERRED),
    "both-keys-from-one-role": (
        preview_roles(AUTH_TRUST, GUEST_TRUST, depended=("authenticated-role",)),
        {
            "guest-role": [AUTH_AS_GUEST_FINDING],
            "distinct-roles": [SHARED_ROLE_FINDING],
            "role-trust": [_amr_finding("authenticated", "authenticated-role")],
        },
        {},
    ),
    # `roles` also came from a resource that is no role: only roles are candidates
    "a-dependency-that-is-no-role": (
        preview_roles(AUTH_TRUST, GUEST_TRUST, depended=("identity-pool", "authenticated-role")),
        {
            "guest-role": [AUTH_AS_GUEST_FINDING],
            "distinct-roles": [SHARED_ROLE_FINDING],
            "role-trust": [_amr_finding("authenticated", "authenticated-role")],
        },
        {},
    ),
    # the authenticated role is matched by its ARN, so the one other dependency is the guests'
    "authenticated-known-by-value": (
        preview_roles(
            UNKNOWN,
            UNKNOWN,
            roles={
                "authenticated": role_arn("workforce-authenticated"),
                "unauthenticated": UNKNOWN,
            },
            known_arns=("authenticated-role",),
        ),
        {"guest-role": [GUEST_FINDING]},
        TRUST_DEFERRED,
    ),
    "only-guests-mapped": (
        preview_roles(
            AUTH_TRUST, GUEST_TRUST, roles={"unauthenticated": UNKNOWN}, depended=("guest-role",)
        ),
        {"guest-role": [GUEST_FINDING]},
        {},
    ),
    "roles-unknown": (preview_roles(AUTH_TRUST, GUEST_TRUST, roles=UNKNOWN), {}, ALL_DEFERRED),
}


@pytest.mark.parametrize("label", list(PREVIEW))
@pytest.mark.parametrize("policy", list(ROLE_POLICIES))
def test_at_preview_roles_are_told_apart_by_dependencies_and_trust(label: str, policy: str) -> None:
    specs, findings, deferred = PREVIEW[label]
    expected = findings.get(policy, [])
    assert verdict(ROLE_POLICIES[policy], specs) == (
        expected,
        None if expected else deferred.get(policy),
    )


# --- the guest role's managed policies, some reviewed for guests --------------------------------


def guest_with_policies() -> list[Spec]:
    """A guest role with a reviewed customer policy (by ARN and attached), AWS-managed admin rights
    and a decoy customer policy of the partner listed before the guests' own."""
    reviewed = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
                    "Resource": "*",
                },
            ],
        }
    )
    return [
        identity_pool("identity-pool", IDENTITY_POOL_ID),
        Spec(
            rt.IAM_POLICY,
            "partner-extras",
            {"arn": DECOY_POLICY_ARN, "policy": json.dumps(allow("s3:PutObject"))},
        ),
        Spec(rt.IAM_POLICY, "guest-reviewed", {"arn": REVIEWED_POLICY_ARN, "policy": reviewed}),
        role(
            "guest-role",
            "guest",
            GUEST_TRUST,
            managedPolicyArns=[REVIEWED_POLICY_ARN, ADMIN],
            inlinePolicies=inline("rum:PutRumEvents"),
        ),
        Spec(
            rt.IAM_ROLE_POLICY,
            "guest-logs",
            {"role": "guest", "policy": json.dumps(allow("logs:PutLogEvents"))},
            {"role": ["guest-role"]},
        ),
        Spec(
            rt.IAM_ROLE_POLICY_ATTACHMENT,
            "guest-reviewed-attachment",
            {"role": "guest", "policyArn": REVIEWED_POLICY_ARN},
            {"role": ["guest-role"], "policyArn": ["guest-reviewed"]},
        ),
        Spec(
            rt.IAM_ROLE_POLICY_ATTACHMENT,
            "guest-external-attachment",
            {"role": "guest", "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/external"},
            {"role": ["guest-role"]},
        ),
        attachment(
            "roles",
            IDENTITY_POOL_ID,
            {"unauthenticated": role_arn("guest")},
            {"identityPoolId": ["identity-pool"], "roles": ["guest-role"]},
        ),
    ]


def _managed_finding(arn: str, where: str = "managed policy") -> tuple[str, str]:
    return (
        f"The guest role guest-role has {where} {arn}; guests must get only the actions they "
        f"need ({ALLOWED}).",
        "roles",
    )


LOGS_FINDING: Final = (
    "The guest role guest-role allows logs:PutLogEvents through role policy guest-logs: anyone "
    f"on the internet gets these permissions. Allow only {ALLOWED}.",
    "roles",
)
SQS_FINDING: Final = (
    "The guest role guest-role allows sqs:SendMessage, sqs:ReceiveMessage through policy "
    "guest-reviewed: anyone on "
    f"the internet gets these permissions. Allow only {ALLOWED}.",
    "roles",
)
EXTERNAL_ARN: Final = f"arn:aws:iam::{ACCOUNT}:policy/external"
MANAGED_CASES: Final[dict[str, tuple[list[str], Findings]]] = {
    # (allowedManagedPolicies, findings): an AWS-managed policy is never allowed; the document of
    # a policy in the stack is judged statement by statement even when its ARN is reviewed
    "nothing-reviewed": (
        [],
        [
            _managed_finding(REVIEWED_POLICY_ARN),
            _managed_finding(ADMIN),
            LOGS_FINDING,
            SQS_FINDING,
            _managed_finding(EXTERNAL_ARN),
        ],
    ),
    "reviewed-arns": (
        [REVIEWED_POLICY_ARN, ADMIN, EXTERNAL_ARN],
        [_managed_finding(ADMIN), LOGS_FINDING, SQS_FINDING],
    ),
}


@pytest.mark.parametrize("known_by_value", [False, True], ids=["dependency", "value"])
@pytest.mark.parametrize("label", list(MANAGED_CASES))
def test_reviewed_customer_policies_pass_and_aws_managed_ones_never_do(
    label: str, known_by_value: bool
) -> None:
    allowed, findings = MANAGED_CASES[label]
    specs = guest_with_policies()
    config = {"allowedManagedPolicies": allowed}
    assert verdict(stack.GUEST_ROLE, by_value(specs) if known_by_value else specs, config) == (
        findings,
        None,
    )


# --- claims users write through the clients a mapping comes from --------------------------------

POOL_PROVIDER: Final = f"cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"


def client(name: str, pool: str, pool_id: object, **props: object) -> Spec:
    return Spec(
        rt.USER_POOL_CLIENT,
        name,
        {**SECURE_WEB_CLIENT, "name": name, "userPoolId": pool_id, **props},
        {"userPoolId": [pool]},
    )


def mapped_claims() -> list[Spec]:
    """Role rules and principal tags of the workforce pool; `portal` writes `email` and `name`,
    `field-app` also `custom:department`, `kiosk` every standard attribute (`locale` too)."""

    def mapping_rule(claim: str) -> dict[str, object]:
        return {
            "claim": claim,
            "matchType": "Equals",
            "value": "x",
            "roleArn": role_arn("workforce-authenticated"),
        }

    return [
        Spec(rt.USER_POOL, "pool", {**SECURE_POOL, "id": POOL_ID, "arn": POOL_ARN}),
        client("portal", "pool", POOL_ID, writeAttributes=["email", "name"]),
        # custom:tenant_id is immutable and only admins create users (SECURE_POOL), so nobody can
        # set it through this client: immutable attributes cannot change after the user is created
        # (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html,
        # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUserConfigType.html)
        client(
            "field-app",
            "pool",
            POOL_ID,
            writeAttributes=["email", "custom:department", "custom:tenant_id"],
        ),
        # without `writeAttributes` a client writes every standard attribute, `locale` too
        # (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html)
        Spec(
            rt.USER_POOL_CLIENT,
            "kiosk",
            {
                k: v
                for k, v in {**SECURE_WEB_CLIENT, "name": "kiosk", "userPoolId": POOL_ID}.items()
                if k != "writeAttributes"
            },
            {"userPoolId": ["pool"]},
        ),
        identity_pool("identity-pool", IDENTITY_POOL_ID),
        role("authenticated-role", "workforce-authenticated", AUTH_TRUST),
        attachment(
            "roles",
            IDENTITY_POOL_ID,
            {"authenticated": role_arn("workforce-authenticated")},
            {
                "identityPoolId": ["identity-pool"],
                "roles": ["authenticated-role"],
                "roleMappings": ["pool", "portal", "authenticated-role"],
            },
            roleMappings=[
                {
                    "identityProvider": f"{POOL_PROVIDER}:portalclientid",
                    "type": "Rules",
                    "ambiguousRoleResolution": "Deny",
                    "mappingRules": [
                        mapping_rule("custom:department"),
                        mapping_rule("name"),
                        mapping_rule("cognito:groups"),
                        mapping_rule("locale"),
                        mapping_rule("custom:tenant_id"),
                    ],
                }
            ],
        ),
        Spec(
            rt.IDENTITY_POOL_PRINCIPAL_TAG,
            "tags",
            {
                "identityPoolId": IDENTITY_POOL_ID,
                "identityProviderName": POOL_PROVIDER,
                "principalTags": {
                    "department": "custom:department",
                    "group": "cognito:groups",
                    "tenant": "custom:tenant_id",
                },
            },
            # the provider name was built from `portal`'s pool id
            {"identityPoolId": ["identity-pool"], "identityProviderName": ["pool", "portal"]},
        ),
    ]


def _claim_finding(rule_index: int, claim: str) -> tuple[str, str]:
    return (
        f"`roleMappings[0].mappingRules[{rule_index}]` chooses the IAM role from `{claim}`, which "
        "users can write themselves through an app client: they can pick their own role. Map on "
        "`cognito:groups` or an immutable, admin-only attribute.",
        "roles",
    )


DEPARTMENT_TAG: Final = (
    "Principal tag department comes from `custom:department`, which users can write themselves: "
    "attribute-based access control would trust a value users choose.",
    "tags",
)


def test_role_mappings_and_principal_tags_are_judged_by_the_clients_they_come_from() -> None:
    # the mapping's and the tags' dependencies name `portal`, which cannot write
    # `custom:department`
    assert verdict(stack.MAPPING_CLAIMS, mapped_claims()) == ([_claim_finding(1, "name")], None)


def _self_sign_up(spec: Spec, admin: dict[str, bool] | None) -> Spec:
    """The pool with `adminCreateUserConfig` set to `admin`, or left out (AWS's default then:
    AllowAdminCreateUserOnly false, users may sign up;
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUserConfigType.html)."""
    if spec.type != rt.USER_POOL:
        return spec
    props = {k: v for k, v in spec.props.items() if k != "adminCreateUserConfig"}
    if admin is not None:
        props["adminCreateUserConfig"] = admin
    return Spec(spec.type, spec.name, props, spec.deps)


@pytest.mark.parametrize(
    "admin", [{"allowAdminCreateUserOnly": False}, None], ids=["self-sign-up", "aws-default"]
)
def test_an_immutable_claim_is_users_choice_where_users_sign_up(
    admin: dict[str, bool] | None,
) -> None:
    """Immutable only means that the value cannot change after the user exists: with self sign-up
    a client that writes `custom:tenant_id` lets each user choose it at SignUp, so a role rule or
    a principal tag on it trusts the user's choice."""
    specs = [_self_sign_up(s, admin) for s in by_value(mapped_claims())]
    assert verdict(stack.MAPPING_CLAIMS, specs) == (
        [
            _claim_finding(0, "custom:department"),
            _claim_finding(1, "name"),
            _claim_finding(3, "locale"),
            _claim_finding(4, "custom:tenant_id"),
            DEPARTMENT_TAG,
            (
                "Principal tag tenant comes from `custom:tenant_id`, which users can write "
                "themselves: attribute-based access control would trust a value users choose.",
                "tags",
            ),
        ],
        None,
    )


def _wrong_shapes(spec: Spec) -> Spec:
    """A mapping rule that is not an object, principal tags that are not a map."""
    if spec.name == "roles":
        mapping = {
            "identityProvider": f"{POOL_PROVIDER}:portalclientid",
            "type": "Rules",
            "ambiguousRoleResolution": "Deny",
            "mappingRules": ["custom:department"],
        }
        return Spec(spec.type, spec.name, {**spec.props, "roleMappings": [mapping]}, spec.deps)
    if spec.name == "tags":
        tags = ["custom:department"]
        return Spec(spec.type, spec.name, {**spec.props, "principalTags": tags}, spec.deps)
    return spec


def test_rules_and_tags_of_the_wrong_shape_name_no_claim_to_judge() -> None:
    specs = [_wrong_shapes(s) for s in by_value(mapped_claims())]
    assert verdict(stack.MAPPING_CLAIMS, specs) == ([], None)


def test_by_value_role_mappings_and_principal_tags_are_judged_by_every_client() -> None:
    # without dependencies any client of the stack may issue the token the rule reads
    assert verdict(stack.MAPPING_CLAIMS, by_value(mapped_claims())) == (
        [
            _claim_finding(0, "custom:department"),
            _claim_finding(1, "name"),
            _claim_finding(3, "locale"),
            DEPARTMENT_TAG,
        ],
        None,
    )


# --- two user pools, each with a provider named corporate-saml ----------------------------------


def provider(name: str, pool: str, pool_id: object, mapped: str) -> Spec:
    """A SAML provider mapping `mapped` and `address` (which no client writes, so every
    provider a client is matched with shows in a finding)."""
    mapping = {
        attribute: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/" + attribute
        for attribute in (mapped, "address")
    }
    return Spec(
        rt.IDENTITY_PROVIDER,
        name,
        {**SECURE_IDENTITY_PROVIDER, "userPoolId": pool_id, "attributeMapping": mapping},
        {"userPoolId": [pool]},
    )


def two_user_pools(*, preview: bool = False) -> list[Spec]:
    """The partner pool's provider maps `custom:department`, the workforce one `email`; each
    pool's client writes only what its own provider maps. Partner resources come first."""

    def known(value: str) -> object:
        return UNKNOWN if preview else value

    outputs = {} if preview else {"id": PARTNER_POOL_ID, "arn": PARTNER_POOL_ARN}
    return [
        Spec(rt.USER_POOL, "partner-pool", {**SECURE_POOL, "name": "partner", **outputs}),
        Spec(
            rt.USER_POOL,
            "pool",
            {**SECURE_POOL, **({} if preview else {"id": POOL_ID, "arn": POOL_ARN})},
        ),
        provider("partner-saml", "partner-pool", known(PARTNER_POOL_ID), "custom:department"),
        provider("corporate-saml", "pool", known(POOL_ID), "email"),
        client(
            "partner-portal",
            "partner-pool",
            known(PARTNER_POOL_ID),
            writeAttributes=["custom:department"],
        ),
        client("portal", "pool", known(POOL_ID), writeAttributes=["email"]),
    ]


def _unwritable(client_name: str, *mapped: str) -> tuple[str, str]:
    names = ", ".join(mapped)
    return (
        f"App client {client_name} signs users in through corporate-saml, which maps {names}, "
        f"but the client cannot write {'it' if len(mapped) == 1 else 'them'}: Cognito fails "
        "those federated sign-ins when it updates the mapped attributes. Add "
        f"{names} to the client's `writeAttributes`.",
        client_name,
    )


OWN: Final = [_unwritable("partner-portal", "address"), _unwritable("portal", "address")]
CROSSED: Final = [
    _unwritable("partner-portal", "address"),
    _unwritable("partner-portal", "address", "email"),
    _unwritable("portal", "address", "custom:department"),
    _unwritable("portal", "address"),
]
USER_POOL_CASES: Final[dict[str, tuple[list[Spec], Findings]]] = {
    "dependencies": (two_user_pools(), OWN),
    "values": (by_value(two_user_pools()), OWN),
    "preview-dependencies": (two_user_pools(preview=True), OWN),
    # pool ids unknown and no dependencies: every provider of that name may be the client's
    "preview-without-dependencies": (by_value(two_user_pools(preview=True)), CROSSED),
    # the provider's dependency alone cannot place the client: its pool id decides
    "client-dependencies-only": (
        [
            Spec(s.type, s.name, s.props, {} if s.type == rt.IDENTITY_PROVIDER else s.deps)
            for s in two_user_pools()
        ],
        OWN,
    ),
    "provider-dependencies-only": (
        [
            Spec(s.type, s.name, s.props, {} if s.type == rt.USER_POOL_CLIENT else s.deps)
            for s in two_user_pools()
        ],
        OWN,
    ),
    # a provider whose mapping is not a map is reported once, on itself; the next one is judged
    "first-provider-malformed": (
        [
            Spec(s.type, s.name, {**s.props, "attributeMapping": ["email"]}, s.deps)
            if s.name == "partner-saml"
            else s
            for s in by_value(two_user_pools(preview=True))
        ],
        [
            (
                "`attributeMapping` has the malformed value ['email'] (expected a map of "
                "user-pool attribute to claim), so this setting cannot be verified; fix the value.",
                "partner-saml",
            ),
            CROSSED[1],
            CROSSED[3],
        ],
    ),
    "client-pool-unknown": (
        with_unknown_pool_id(by_value(two_user_pools()), "portal"),
        [*OWN[:1], *CROSSED[2:]],
    ),
    "provider-pool-unknown": (
        with_unknown_pool_id(by_value(two_user_pools()), "partner-saml"),
        [*OWN[:1], *CROSSED[2:]],
    ),
}


@pytest.mark.parametrize("label", list(USER_POOL_CASES))
def test_a_client_offers_only_the_providers_of_its_own_user_pool(label: str) -> None:
    specs, findings = USER_POOL_CASES[label]
    assert verdict(stack.IDP_MAPPED_ATTRIBUTES_WRITABLE, specs) == (findings, None)


# --- web ACL associations and choice-based sign-in with two user pools --------------------------


def association(pool: str, resource_arn: object, *, depends: bool) -> Spec:
    deps = {"resourceArn": [pool]} if depends else {}
    return Spec(rt.WAF_ASSOCIATION, f"waf-{pool}", {"resourceArn": resource_arn}, deps)


def _no_waf(pool: str) -> tuple[str, str]:
    return (
        f"User pool {pool} has no WAF web ACL (no `aws.wafv2.WebAclAssociation` with this pool's "
        "ARN): sign-in endpoints face credential stuffing and floods with only Cognito's fixed "
        "lockout.",
        pool,
    )


def _waf_deferred(*pools: str) -> str:
    return "; ".join(
        f"{pool}: `resourceArn` is unknown during preview; the policy judges it at `pulumi up`, "
        "when the engine sends the known value"
        for pool in pools
    )


WAF_CASES: Final[dict[str, tuple[list[Spec], Findings, str | None]]] = {
    # (associations, findings, deferral); an association's ARN is unknown at preview
    "partner-pool-by-dependency": (
        [association("partner-pool", UNKNOWN, depends=True)],
        [_no_waf("pool")],
        None,
    ),
    "workforce-pool-by-value": (
        [association("pool", POOL_ARN, depends=False)],
        [_no_waf("partner-pool")],
        None,
    ),
    "unknown-arn-without-dependency": (
        [association("pool", UNKNOWN, depends=False)],
        [],
        _waf_deferred("partner-pool", "pool"),
    ),
    "one-known-one-unknown": (
        [
            association("partner-pool", PARTNER_POOL_ARN, depends=False),
            association("pool", UNKNOWN, depends=False),
        ],
        [],
        _waf_deferred("pool"),
    ),
}


@pytest.mark.parametrize("label", list(WAF_CASES))
def test_a_web_acl_protects_only_the_pool_it_is_associated_with(label: str) -> None:
    associations, findings, deferred = WAF_CASES[label]
    pools = [s for s in two_user_pools() if s.type == rt.USER_POOL]
    assert verdict(stack.WAF_ASSOCIATED, [*pools, *associations]) == (findings, deferred)


# Choice-based sign-in accepts the PASSWORD first factor, the only one when the pool sets none:
# https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
def choice_based(*, preview: bool = False, workforce_pool_id: str = POOL_ID) -> list[Spec]:
    """The workforce pool offers passkeys only, the partner pool the default (PASSWORD)."""
    flows = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    specs = []
    for spec in two_user_pools(preview=preview):
        props = dict(spec.props)
        if spec.name == "pool":
            props["signInPolicy"] = {"allowedFirstAuthFactors": ["WEB_AUTHN"]}
        if spec.name == "portal" and not preview:
            props["userPoolId"] = workforce_pool_id
        if spec.type == rt.USER_POOL_CLIENT:
            props["explicitAuthFlows"] = flows
        specs.append(Spec(spec.type, spec.name, props, spec.deps))
    return specs


def _password_factor(client_name: str, where: str) -> tuple[str, str]:
    return (
        f"App client {client_name} allows ALLOW_USER_AUTH and {where} allows PASSWORD as first "
        "factors, so the client accepts the PASSWORD challenge with the plaintext password in "
        "the request, even without ALLOW_USER_PASSWORD_AUTH. Use ALLOW_USER_SRP_AUTH for "
        "password sign-in, and ALLOW_USER_AUTH only for clients meant for passkeys or one-time "
        "codes where a plaintext password is acceptable.",
        client_name,
    )


PARTNER_PASSWORD: Final = _password_factor("partner-portal", "user pool partner-pool")
CHOICE_CASES: Final[dict[str, tuple[list[Spec], Findings, str | None]]] = {
    "dependencies": (choice_based(), [PARTNER_PASSWORD], None),
    "values": (by_value(choice_based()), [PARTNER_PASSWORD], None),
    "preview-dependencies": (choice_based(preview=True), [PARTNER_PASSWORD], None),
    "preview-without-dependencies": (
        by_value(choice_based(preview=True)),
        [],
        "partner-portal: `userPoolId` is unknown during preview; the policy judges it at "
        "`pulumi up`, when the engine sends the known value; portal: `userPoolId` is unknown "
        "during preview; the policy judges it at `pulumi up`, when the engine sends the known "
        "value",
    ),
    # a pool managed elsewhere: its first factors are not in the stack, PASSWORD is assumed
    "pool-outside-the-stack": (
        by_value(choice_based(workforce_pool_id=f"{REGION}_Elsewhere1")),
        [PARTNER_PASSWORD, _password_factor("portal", "its user pool")],
        None,
    ),
}


@pytest.mark.parametrize("label", list(CHOICE_CASES))
def test_choice_based_sign_in_is_judged_by_the_clients_own_pool(label: str) -> None:
    specs, findings, deferred = CHOICE_CASES[label]
    assert verdict(choice_based_auth.USER_AUTH_PASSWORD, specs) == (findings, deferred)


def test_a_malformed_guest_policy_names_where_it_is_attached() -> None:
    specs = [
        *guest_with_policies(),
        Spec(
            rt.IAM_ROLE_POLICY,
            "guest-broken",
            {"role": "guest", "policy": "{not json"},
            {"role": ["guest-role"]},
        ),
    ]
    config = {"allowedManagedPolicies": [REVIEWED_POLICY_ARN, ADMIN, EXTERNAL_ARN]}
    # the documents before the malformed one are judged, the rest wait for the fix
    assert verdict(stack.GUEST_ROLE, specs, config) == (
        [
            _managed_finding(ADMIN),
            LOGS_FINDING,
            (
                "`role policy guest-broken` has the malformed value '{not json' (expected a JSON "
                "policy document), so this setting cannot be verified; fix the value.",
                "roles",
            ),
        ],
        None,
    )

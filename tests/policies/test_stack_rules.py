"""Stack policies over the reference stack: each way to break them, at preview and at up."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi_policy import StackValidationPolicy

from cognito_guard import monitoring, stack
from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN
from tests.policies.harness import Spec, changed, run_stack, urn_of
from tests.policies.reference import IDENTITY_POOL_ID, role_arn, secure_stack, trust_policy

Mutation = Callable[[list[Spec], bool], list[Spec]]


def without(*names: str) -> Mutation:
    return lambda specs, _preview: [s for s in specs if s.name not in names]


def edit(name: str, path: str, value: object) -> Mutation:
    def apply(specs: list[Spec], _preview: bool) -> list[Spec]:
        return [
            Spec(s.type, s.name, changed(s.props, path, value), s.deps) if s.name == name else s
            for s in specs
        ]

    return apply


def add(*extra: Spec) -> Mutation:
    return lambda specs, _preview: [*specs, *extra]


def chain(*steps: Mutation) -> Mutation:
    def apply(specs: list[Spec], preview: bool) -> list[Spec]:
        for step in steps:
            specs = step(specs, preview)
        return specs

    return apply


def guest_role(policy: dict[str, Any]) -> Mutation:
    """Adds an unauthenticated role with `policy` inline and maps it as the guest role."""
    role = Spec(
        rt.IAM_ROLE,
        "guest-role",
        {
            "name": "guest",
            "arn": role_arn("guest"),
            "assumeRolePolicy": trust_policy(IDENTITY_POOL_ID, "unauthenticated"),
            "inlinePolicies": [{"name": "guest", "policy": json.dumps(policy)}],
        },
    )

    def apply(specs: list[Spec], preview: bool) -> list[Spec]:
        out = []
        for s in specs:
            if s.name == "roles":
                roles = {
                    "authenticated": UNKNOWN if preview else role_arn("workforce-authenticated"),
                    "unauthenticated": UNKNOWN if preview else role_arn("guest"),
                }
                deps = {**s.deps, "roles": ["authenticated-role", "guest-role"]}
                s = Spec(s.type, s.name, {**s.props, "roles": roles}, deps)
            out.append(s)
        return [*out, role]

    return apply


def allow(*actions: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
    }


@dataclass(frozen=True)
class Case:
    policy: StackValidationPolicy
    label: str
    mutate: Mutation
    expect: str | None
    blamed: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    modes: tuple[bool, ...] = (False, True)


def unwritten(name: str) -> Mutation:
    """Removes the client's `writeAttributes` (the AWS default applies)."""
    return lambda specs, _preview: [
        Spec(s.type, s.name, {k: v for k, v in s.props.items() if k != "writeAttributes"}, s.deps)
        if s.name == name
        else s
        for s in specs
    ]


CASES = [
    Case(stack.WAF_ASSOCIATED, "no-association", without("waf"), "has no WAF web ACL", "pool"),
    Case(
        stack.WAF_ASSOCIATED,
        "association-for-another-pool",
        chain(
            edit("waf", "resourceArn", "arn:aws:cognito-idp:eu-west-1:1:userpool/other"),
            lambda specs, _p: [
                Spec(s.type, s.name, s.props, {}) if s.name == "waf" else s for s in specs
            ],
        ),
        "has no WAF web ACL",
        "pool",
        modes=(False,),
    ),
    Case(
        stack.RISK_CONFIGURATION, "no-risk-configuration", without("risk"), "no pool-level", "pool"
    ),
    Case(
        stack.RISK_CONFIGURATION,
        "client-level-only",
        edit("risk", "clientId", "portalclientid"),
        "no pool-level",
        "pool",
    ),
    Case(
        stack.RISK_CONFIGURATION,
        "threat-protection-off",
        chain(without("risk"), edit("pool", "userPoolAddOns.advancedSecurityMode", "OFF")),
        None,
    ),
    Case(
        stack.COMPENSATING_CONTROLS,
        "no-waf",
        without("waf"),
        "a WAF web ACL with rate limiting",
        "pool",
    ),
    Case(
        stack.COMPENSATING_CONTROLS,
        "high-risk-not-blocked",
        edit(
            "risk",
            "accountTakeoverRiskConfiguration.actions.highAction.eventAction",
            "MFA_REQUIRED",
        ),
        "blocks high-risk sign-ins",
        "pool",
    ),
    Case(
        stack.ROLE_TRUST,
        "auth-role-accepts-guests",
        edit(
            "authenticated-role",
            "assumeRolePolicy",
            trust_policy(IDENTITY_POOL_ID, "unauthenticated"),
        ),
        "must admit only authenticated identities",
        "roles",
        modes=(False,),
    ),
    # a provider-specific amr (role-trust-and-permissions) admits only signed-in users
    Case(
        stack.ROLE_TRUST,
        "auth-role-for-one-provider",
        edit(
            "authenticated-role",
            "assumeRolePolicy",
            trust_policy(IDENTITY_POOL_ID, "graph.facebook.com"),
        ),
        None,
        modes=(False,),
    ),
    Case(
        stack.ROLE_TRUST,
        "auth-role-trusts-another-pool",
        edit(
            "authenticated-role",
            "assumeRolePolicy",
            trust_policy("eu-west-1:other-pool", "authenticated"),
        ),
        "instead of only its own pool",
        "roles",
        modes=(False,),
    ),
    Case(
        stack.ROLE_TRUST,
        "role-not-trusting-cognito",
        edit(
            "authenticated-role",
            "assumeRolePolicy",
            json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            ),
        ),
        "does not trust cognito-identity",
        "roles",
        modes=(False,),
    ),
    Case(
        stack.DISTINCT_ROLES,
        "same-role-for-guests",
        lambda specs, preview: [
            Spec(
                s.type,
                s.name,
                {
                    **s.props,
                    "roles": {
                        "authenticated": UNKNOWN
                        if preview
                        else role_arn("workforce-authenticated"),
                        "unauthenticated": UNKNOWN
                        if preview
                        else role_arn("workforce-authenticated"),
                    },
                },
                s.deps,
            )
            if s.name == "roles"
            else s
            for s in specs
        ],
        "for both signed-in users and guests",
        "roles",
    ),
    Case(
        stack.GUEST_ROLE,
        "guest-role-with-wildcards",
        guest_role(allow("s3:*", "dynamodb:GetItem")),
        "allows s3:*, dynamodb:GetItem",
        "roles",
    ),
    Case(
        stack.GUEST_ROLE, "guest-role-analytics-only", guest_role(allow("rum:PutRumEvents")), None
    ),
    Case(
        stack.GUEST_ROLE,
        "guest-role-config-allows-more",
        guest_role(allow("dynamodb:GetItem")),
        None,
        config={"allowedGuestActions": ["dynamodb:GetItem"]},
    ),
    Case(
        stack.GUEST_ROLE,
        "guest-role-with-managed-admin",
        chain(
            guest_role(allow("rum:PutRumEvents")),
            add(
                Spec(
                    rt.IAM_ROLE_POLICY_ATTACHMENT,
                    "guest-admin",
                    {"role": "guest", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
                    {"role": ["guest-role"]},
                )
            ),
        ),
        "AdministratorAccess",
        "roles",
    ),
    Case(
        stack.MAPPING_CLAIMS,
        "rule-on-writable-claim",
        chain(
            edit("roles", "roleMappings.0.mappingRules.0.claim", "custom:department"),
            edit("portal", "writeAttributes", ["name", "custom:department"]),
        ),
        "which users can write themselves",
        "roles",
    ),
    Case(
        stack.MAPPING_CLAIMS,
        "rule-on-client-without-write-list",
        chain(
            edit("roles", "roleMappings.0.mappingRules.0.claim", "custom:department"),
            unwritten("portal"),
        ),
        None,  # without writeAttributes a client writes standard attributes only (UserPoolClientType)
    ),
    Case(
        stack.MAPPING_CLAIMS,
        "rule-on-standard-claim-client-without-write-list",
        chain(
            edit("roles", "roleMappings.0.mappingRules.0.claim", "locale"),
            unwritten("portal"),
        ),
        "which users can write themselves",
        "roles",
    ),
    Case(
        stack.MAPPING_CLAIMS,
        "rule-on-immutable-claim",
        edit("roles", "roleMappings.0.mappingRules.0.claim", "custom:tenant_id"),
        None,
    ),
    Case(
        stack.MAPPING_CLAIMS,
        "ambiguous-falls-back",
        edit("roles", "roleMappings.0.ambiguousRoleResolution", "AuthenticatedRole"),
        "use Deny",
        "roles",
    ),
    Case(
        stack.MAPPING_CLAIMS,
        "ambiguous-allowed-by-config",
        edit("roles", "roleMappings.0.ambiguousRoleResolution", "AuthenticatedRole"),
        None,
        config={"requireDenyOnAmbiguous": False},
    ),
    Case(
        stack.MAPPING_CLAIMS,
        "principal-tag-on-writable-claim",
        chain(
            edit("portal", "writeAttributes", ["name", "custom:department"]),
            add(
                Spec(
                    rt.IDENTITY_POOL_PRINCIPAL_TAG,
                    "tags",
                    {
                        "identityPoolId": IDENTITY_POOL_ID,
                        "identityProviderName": "cognito-idp",
                        "principalTags": {"department": "custom:department"},
                    },
                    {"identityProviderName": ["pool", "portal"]},
                )
            ),
        ),
        "Principal tag department",
        "tags",
    ),
    # clients must write every attribute their identity providers map (UserPoolClientType)
    Case(
        stack.IDP_MAPPED_ATTRIBUTES_WRITABLE,
        "mapped-email-not-writable",
        edit("portal", "writeAttributes", ["name"]),
        "signs users in through corporate-saml, which maps email, but the client cannot write it",
        "portal",
    ),
    Case(
        stack.IDP_MAPPED_ATTRIBUTES_WRITABLE,
        "mapped-custom-attribute-default-writes",
        chain(
            unwritten("portal"),
            edit("corporate-saml", "attributeMapping.custom:department", "department"),
        ),
        "maps custom:department, but the client cannot write it (`writeAttributes` is not set, "
        "so it writes standard attributes only)",
        "portal",
    ),
    Case(
        stack.IDP_MAPPED_ATTRIBUTES_WRITABLE,
        "mapped-standard-attribute-default-writes",
        unwritten("portal"),
        None,
    ),
    Case(
        stack.IDP_MAPPED_ATTRIBUTES_WRITABLE,
        "username-mapping-is-not-an-attribute",
        edit("corporate-saml", "attributeMapping.username", "sub"),
        None,
    ),
    Case(
        stack.IDP_MAPPED_ATTRIBUTES_WRITABLE,
        "same-name-provider-of-another-pool",
        add(
            Spec(rt.USER_POOL, "other-pool", {"name": "other"}),
            Spec(
                rt.IDENTITY_PROVIDER,
                "other-saml",
                {
                    "providerName": "corporate-saml",
                    "providerType": "SAML",
                    "attributeMapping": {"custom:cost_center": "cc"},
                },
                {"userPoolId": ["other-pool"]},
            ),
        ),
        None,
    ),
    Case(
        monitoring.ALARMS,
        "no-throttle-alarm",
        without("sign-in-throttles"),
        "SignInThrottles",
        "pool",
    ),
    Case(
        monitoring.ALARMS,
        "no-threat-alarm",
        without("account-takeover"),
        "AccountTakeoverRisk",
        "pool",
    ),
    Case(
        monitoring.ALARMS,
        "alarm-without-actions",
        edit("sign-in-success", "alarmActions", []),
        "alarms without actions: sign-in-success",
        "pool",
    ),
    Case(
        monitoring.ALARMS,
        "nothing-required",
        without(
            "sign-in-success",
            "sign-in-throttles",
            "token-refresh-throttles",
            "compromised-credentials",
            "account-takeover",
        ),
        None,
        config={"requiredMetrics": [], "requireThreatMetrics": False},
    ),
    Case(
        monitoring.AUTH_EVENT_LOGGING,
        "no-log-delivery",
        without("auth-events"),
        "does not export userAuthEvents",
        "pool",
    ),
    Case(
        monitoring.AUTH_EVENT_LOGGING,
        "notifications-only",
        edit("auth-events", "logConfigurations.0.eventSource", "userNotification"),
        "userAuthEvents",
        "pool",
    ),
    Case(
        monitoring.AUTH_EVENT_LOGGING,
        "essentials-pool",
        chain(without("auth-events"), edit("pool", "userPoolTier", "ESSENTIALS")),
        "needs the Plus tier",
        "pool",
    ),
]


def _params() -> list[Any]:
    return [
        pytest.param(
            case, preview, id=f"{case.policy.name}:{case.label}:{'preview' if preview else 'up'}"
        )
        for case in CASES
        for preview in case.modes
    ]


@pytest.mark.parametrize(("case", "preview"), _params())
def test_stack_policy_verdict(case: Case, preview: bool) -> None:
    specs = case.mutate(secure_stack(preview=preview), preview)
    outcome = run_stack(case.policy, specs, case.config or None)
    if case.expect is None:
        assert outcome.messages == [], outcome.messages
        return
    assert any(case.expect in m for m in outcome.messages), (
        outcome.messages,
        outcome.not_applicable,
    )
    blamed = next(s for s in specs if s.name == case.blamed)
    assert blamed.urn in outcome.urns


def test_unresolvable_reference_at_preview_is_deferred_not_guessed() -> None:
    specs = [
        Spec(s.type, s.name, s.props, {}) if s.name == "waf" else s
        for s in secure_stack(preview=True)
    ]
    outcome = run_stack(stack.WAF_ASSOCIATED, specs)
    assert outcome.messages == []
    assert outcome.not_applicable is not None
    assert "`resourceArn` is unknown during preview" in outcome.not_applicable


def test_violations_name_the_offending_resource_urn() -> None:
    specs = without("waf")(secure_stack(), False)
    outcome = run_stack(stack.WAF_ASSOCIATED, specs)
    assert outcome.urns == [urn_of(rt.USER_POOL, "pool")]


def test_unknown_identity_providers_defer_the_writable_attributes_verdict() -> None:
    specs = edit("portal", "supportedIdentityProviders", UNKNOWN)(secure_stack(preview=True), True)
    specs = edit("portal", "writeAttributes", ["name"])(specs, True)
    outcome = run_stack(stack.IDP_MAPPED_ATTRIBUTES_WRITABLE, specs)
    assert outcome.messages == []
    assert outcome.not_applicable is not None
    assert (
        "portal: `supportedIdentityProviders` is unknown during preview" in outcome.not_applicable
    )

"""Stack rules at their edges: every way a permission reaches the guest role.

An identity pool's unauthenticated role gives AWS credentials to anyone on the internet, so every
permission attached to it counts: inline policies, managed policy ARNs on the role, separate
`aws.iam.RolePolicy` resources and `aws.iam.RolePolicyAttachment`s of AWS-managed or in-stack
customer-managed policies
(https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html).
Each case is judged at `pulumi up`, with references known through dependencies and, separately,
by value only; the findings must be the same.
"""

from __future__ import annotations

import json

import pytest

from cognito_guard import choice_based_auth, monitoring, stack
from cognito_guard import resource_types as rt
from tests.policies.harness import Spec, run_stack
from tests.policies.reference import (
    ACCOUNT,
    IDENTITY_POOL_ID,
    POOL_ID,
    TOPIC_ARN,
    secure_stack,
    trust_policy,
)
from tests.policies.test_stack_rules import allow, chain, edit, guest_role, without

ANALYTICS = allow("rum:PutRumEvents")
ALLOWED = (
    "rum:PutRumEvents, mobileanalytics:PutEvents, personalize:PutEvents, geo:GetMap*, "
    "geo:SearchPlaceIndex*"
)
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
CUSTOMER_POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/guest-extras"


def _guest_stack(*extra: Spec, managed_arns: list[str] | None = None) -> list[Spec]:
    specs = guest_role(ANALYTICS)(secure_stack(), False)
    if managed_arns is not None:
        specs = [
            Spec(s.type, s.name, {**s.props, "managedPolicyArns": managed_arns}, s.deps)
            if s.name == "guest-role"
            else s
            for s in specs
        ]
    return [*specs, *extra]


ROLE_POLICY = Spec(
    rt.IAM_ROLE_POLICY,
    "guest-s3",
    {"role": "guest", "policy": json.dumps(allow("s3:GetObject"))},
    {"role": ["guest-role"]},
)
CUSTOMER_POLICY = Spec(
    rt.IAM_POLICY,
    "guest-extras",
    {"arn": CUSTOMER_POLICY_ARN, "policy": json.dumps(allow("dynamodb:Query"))},
)
CUSTOMER_ATTACHMENT = Spec(
    rt.IAM_ROLE_POLICY_ATTACHMENT,
    "guest-extras-attachment",
    {"role": "guest", "policyArn": CUSTOMER_POLICY_ARN},
    {"role": ["guest-role"], "policyArn": ["guest-extras"]},
)

CASES = [
    pytest.param(
        _guest_stack(managed_arns=[ADMIN]),
        [
            f"The guest role guest-role has managed policy {ADMIN}; guests must get only the "
            f"actions they need ({ALLOWED})."
        ],
        id="aws-managed-policy-on-the-role",
    ),
    pytest.param(
        _guest_stack(ROLE_POLICY),
        [
            "The guest role guest-role allows s3:GetObject through role policy guest-s3: anyone "
            f"on the internet gets these permissions. Allow only {ALLOWED}."
        ],
        id="separate-role-policy",
    ),
    pytest.param(
        _guest_stack(CUSTOMER_POLICY, CUSTOMER_ATTACHMENT),
        [
            "The guest role guest-role allows dynamodb:Query through policy guest-extras: anyone "
            f"on the internet gets these permissions. Allow only {ALLOWED}."
        ],
        id="attached-customer-managed-policy",
    ),
    pytest.param(_guest_stack(), [], id="analytics-only"),
]


def _findings(specs: list[Spec]) -> list[tuple[str, str | None]]:
    outcome = run_stack(stack.GUEST_ROLE, specs)
    names = {spec.urn: spec.name for spec in specs}
    assert outcome.not_applicable is None
    return [
        (message, names.get(urn or ""))
        for message, urn in zip(outcome.messages, outcome.urns, strict=True)
    ]


@pytest.mark.parametrize(("specs", "messages"), CASES)
def test_every_permission_of_the_guest_role_is_judged(
    specs: list[Spec], messages: list[str]
) -> None:
    assert _findings(specs) == [(message, "roles") for message in messages]


@pytest.mark.parametrize(("specs", "messages"), CASES)
def test_permissions_attached_by_value_are_judged_alike(
    specs: list[Spec], messages: list[str]
) -> None:
    by_value = [Spec(s.type, s.name, s.props, {}) for s in specs]
    assert _findings(by_value) == [(message, "roles") for message in messages]


# Choice-based sign-in (ALLOW_USER_AUTH) accepts the PASSWORD first factor with the plaintext
# password in the request:
# https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
def _choice_based_stack() -> list[Spec]:
    specs = []
    for spec in secure_stack():
        props = dict(spec.props)
        if spec.name == "console":
            props["explicitAuthFlows"] = ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH"]
        if spec.name == "pool":
            props["signInPolicy"] = {"allowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}
        specs.append(Spec(spec.type, spec.name, props, spec.deps))
    return specs


@pytest.mark.parametrize("by_value", [False, True], ids=["dependency", "value"])
def test_choice_based_sign_in_with_a_password_factor_names_client_pool_and_fix(
    by_value: bool,
) -> None:
    specs = _choice_based_stack()
    if by_value:
        specs = [Spec(s.type, s.name, s.props, {}) for s in specs]
    outcome = run_stack(choice_based_auth.USER_AUTH_PASSWORD, specs)
    console = next(s for s in specs if s.name == "console")
    assert outcome.urns == [console.urn]
    assert outcome.messages == [
        "App client console allows ALLOW_USER_AUTH and user pool pool allows PASSWORD, WEB_AUTHN "
        "as first factors, so the client accepts the PASSWORD challenge with the plaintext "
        "password in the request, even without ALLOW_USER_PASSWORD_AUTH. Use ALLOW_USER_SRP_AUTH "
        "for password sign-in, and ALLOW_USER_AUTH only for clients meant for passkeys or "
        "one-time codes where a plaintext password is acceptable."
    ]


# CloudWatch alarms on the AWS/Cognito metrics, given as one metric (namespace, metricName,
# dimensions) or as metric math (metricQueries); an alarm with actionsEnabled false notifies
# nobody (https://docs.aws.amazon.com/cognito/latest/developerguide/metrics-for-cognito-user-pools.html,
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
def _alarm_stack(name: str, props: dict[str, object], *, by_value: bool) -> list[Spec]:
    specs = [
        Spec(s.type, s.name, props, {} if by_value else {"dimensions": ["pool"]})
        if s.name == name
        else s
        for s in secure_stack()
    ]
    return [Spec(s.type, s.name, s.props, {}) for s in specs] if by_value else specs


def _single_metric_alarm(namespace: str, actions_enabled: bool = True) -> dict[str, object]:
    return {
        "comparisonOperator": "GreaterThanThreshold",
        "evaluationPeriods": 3,
        "threshold": 0,
        "namespace": namespace,
        "metricName": "SignInThrottles",
        "statistic": "Sum",
        "period": 300,
        "dimensions": {"UserPool": POOL_ID},
        "alarmActions": [TOPIC_ARN],
        "actionsEnabled": actions_enabled,
    }


NO_THROTTLE_ALARM = (
    "User pool pool has no notifying CloudWatch alarm on SignInThrottles: outages, credential "
    "stuffing and throttling go unnoticed."
)
ALARM_CASES = [
    pytest.param(_single_metric_alarm("AWS/Cognito"), [], id="single-metric"),
    pytest.param(_single_metric_alarm("AWS/Lambda"), [NO_THROTTLE_ALARM], id="another-namespace"),
    pytest.param(
        _single_metric_alarm("AWS/Cognito", actions_enabled=False),
        [f"{NO_THROTTLE_ALARM} (alarms without actions: sign-in-throttles)"],
        id="actions-switched-off",
    ),
]


@pytest.mark.parametrize("by_value", [False, True], ids=["dependency", "value"])
@pytest.mark.parametrize(("alarm", "messages"), ALARM_CASES)
def test_an_alarm_on_one_metric_counts_when_it_watches_cognito_and_notifies(
    alarm: dict[str, object], messages: list[str], by_value: bool
) -> None:
    specs = _alarm_stack("sign-in-throttles", alarm, by_value=by_value)
    assert run_stack(monitoring.ALARMS, specs).messages == messages


# More stack findings, each with the resource it is filed under. The AWS pages behind them: the
# compensating controls for Cognito's fixed lockout
# (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html),
# mapped attributes a client must be able to write
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html),
# the `aud` and `amr` conditions of identity-pool role trust
# (https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html) and
# role-mapping rules (https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html).
def _trust_without(operator: str) -> str:
    document = json.loads(trust_policy(IDENTITY_POOL_ID, "authenticated"))
    document["Statement"][0]["Condition"].pop(operator)
    return json.dumps(document)


def _provider_without_name(specs: list[Spec], _preview: bool) -> list[Spec]:
    return [
        Spec(s.type, s.name, {k: v for k, v in s.props.items() if k != "providerName"}, s.deps)
        if s.name == "corporate-saml"
        else s
        for s in specs
    ]


MORE = {
    "compensating-all-missing": (
        stack.COMPENSATING_CONTROLS,
        chain(
            without("waf"),
            edit("pool", "userPoolAddOns.advancedSecurityMode", "AUDIT"),
            edit(
                "risk",
                "accountTakeoverRiskConfiguration.actions.highAction.eventAction",
                "MFA_REQUIRED",
            ),
        ),
    ),
    "two-mapped-attributes-unwritable": (
        stack.IDP_MAPPED_ATTRIBUTES_WRITABLE,
        chain(
            edit("corporate-saml", "attributeMapping.custom:department", "department"),
            edit("portal", "writeAttributes", ["name"]),
        ),
    ),
    "provider-named-by-resource": (
        stack.IDP_MAPPED_ATTRIBUTES_WRITABLE,
        chain(
            edit("portal", "writeAttributes", ["name"]),
            _provider_without_name,
            edit("portal", "supportedIdentityProviders", ["corporate-saml"]),
        ),
    ),
    "provider-mapping-not-a-map": (
        stack.IDP_MAPPED_ATTRIBUTES_WRITABLE,
        edit("corporate-saml", "attributeMapping", ["email"]),
    ),
    "auth-role-without-amr": (
        stack.ROLE_TRUST,
        edit("authenticated-role", "assumeRolePolicy", _trust_without("ForAnyValue:StringLike")),
    ),
    "auth-role-without-aud": (
        stack.ROLE_TRUST,
        edit("authenticated-role", "assumeRolePolicy", _trust_without("StringEquals")),
    ),
    "mapping-rules-not-a-list": (
        stack.MAPPING_CLAIMS,
        edit("roles", "roleMappings.0.mappingRules", "cognito:groups"),
    ),
    # without threat protection there are no risk metrics to alarm on
    "threat-alarms-without-threat-protection": (
        monitoring.ALARMS,
        chain(
            without("compromised-credentials", "account-takeover"),
            edit("pool", "userPoolAddOns.advancedSecurityMode", "OFF"),
        ),
    ),
}
MORE_FINDINGS: dict[str, list[tuple[str, str]]] = {
    "threat-alarms-without-threat-protection": [],
    "compensating-all-missing": [
        (
            "User pool pool: Cognito's lockout is fixed (5 failures, at most ~15 minutes), short of PCI DSS 8.3.4 (10 attempts, 30 minutes); the compensating controls are missing: threat protection ENFORCED, a risk configuration that blocks high-risk sign-ins, a WAF web ACL with rate limiting.",
            "pool",
        )
    ],
    "two-mapped-attributes-unwritable": [
        (
            "App client portal signs users in through corporate-saml, which maps custom:department, email, but the client cannot write them: Cognito fails those federated sign-ins when it updates the mapped attributes. Add custom:department, email to the client's `writeAttributes`.",
            "portal",
        ),
        (
            "App client console signs users in through corporate-saml, which maps custom:department, but the client cannot write it: Cognito fails those federated sign-ins when it updates the mapped attributes. Add custom:department to the client's `writeAttributes`.",
            "console",
        ),
        (
            "App client field-app signs users in through corporate-saml, which maps custom:department, but the client cannot write it: Cognito fails those federated sign-ins when it updates the mapped attributes. Add custom:department to the client's `writeAttributes`.",
            "field-app",
        ),
    ],
    "provider-named-by-resource": [
        (
            "App client portal signs users in through corporate-saml, which maps email, but the client cannot write it: Cognito fails those federated sign-ins when it updates the mapped attributes. Add email to the client's `writeAttributes`.",
            "portal",
        )
    ],
    "provider-mapping-not-a-map": [
        (
            "`attributeMapping` has the malformed value ['email'] (expected a map of user-pool attribute to claim), so this setting cannot be verified; fix the value.",
            "corporate-saml",
        ),
    ],
    "auth-role-without-amr": [
        (
            "The authenticated role authenticated-role accepts amr of any value; its trust policy must admit only authenticated identities (`ForAnyValue:StringLike` on cognito-identity.amazonaws.com:amr = authenticated or provider names).",
            "roles",
        )
    ],
    "auth-role-without-aud": [
        (
            "The authenticated role authenticated-role trusts identity pools of any id instead of only its own pool eu-west-1:11111111-2222-3333-4444-555555555555 (`StringEquals` on cognito-identity.amazonaws.com:aud).",
            "roles",
        )
    ],
    "mapping-rules-not-a-list": [
        (
            "`roleMappings[0].mappingRules` has the malformed value 'cognito:groups' (expected a list of rules), so this setting cannot be verified; fix the value.",
            "roles",
        )
    ],
}


@pytest.mark.parametrize("by_value", [False, True], ids=["dependency", "value"])
@pytest.mark.parametrize("label", list(MORE))
def test_more_stack_findings_word_for_word(label: str, by_value: bool) -> None:
    policy, mutate = MORE[label]
    specs = mutate(secure_stack(), False)
    if by_value:
        specs = [Spec(s.type, s.name, s.props, {}) for s in specs]
    outcome = run_stack(policy, specs)
    names = {spec.urn: spec.name for spec in specs}
    assert outcome.not_applicable is None
    found = [
        (message, names.get(urn or ""))
        for message, urn in zip(outcome.messages, outcome.urns, strict=True)
    ]
    assert found == MORE_FINDINGS[label]

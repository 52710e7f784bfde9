"""More rules at their edges: the cases the mutation run showed no other test builds.

Lists of two or more items in a message, custom domains and their certificates, a stack rule that
reports one resource and waits for another, trust conditions under the other IAM operator, and
how `Props` reads the shapes the engine sends. Each case is judged on wire-form properties and
compares every message whole; the AWS behaviour behind each group is cited next to it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

import pytest

from cognito_guard import (
    clients,
    domain,
    github_oidc,
    identity_pool,
    mfa,
    monitoring,
    password,
    stack,
    user_pool,
    waf,
)
from cognito_guard import resource_types as rt
from cognito_guard.props import UNKNOWN, Deferred, Props
from cognito_guard.references import policy_tags
from gate.analyzer import UNKNOWN as WIRE_UNKNOWN
from tests.policies.harness import (
    Outcome,
    Spec,
    changed,
    fresh_pack,
    run_stack,
    urn_of,
    wire_props,
)
from tests.policies.reference import (
    ACCOUNT,
    IDENTITY_POOL_ID,
    POOL_ARN,
    REGION,
    SECURE_AUTH_ROLE,
    SECURE_POOL,
    SECURE_WEB_ACL,
    WEB_ACL_ARN,
    secure_stack,
)
from tests.policies.test_rule_edges import (
    AUD,
    CLIENT,
    GITHUB_HOST,
    MAIN,
    METHOD,
    POOL,
    ROLE,
    SMS_ONLY,
    Edge,
    _client,
    _github_role,
    _github_statement,
    _password,
    _pool,
    edge_cases,
)
from tests.policies.test_whole_messages import _with_web_acl

# --- resource rules -----------------------------------------------------------------------------

COGNITO_AUD = "cognito-identity.amazonaws.com:aud"
COGNITO_AMR = "cognito-identity.amazonaws.com:amr"
SIGNED_IN = {"ForAnyValue:StringLike": {COGNITO_AMR: "authenticated"}}


def _cognito_trust(conditions: Mapping[str, Any]) -> dict[str, Any]:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": conditions,
    }
    document = {"Version": "2012-10-17", "Statement": [statement]}
    return {**SECURE_AUTH_ROLE, "assumeRolePolicy": json.dumps(document)}


RECOVERY_THREE_WAYS = {
    "recoveryMechanisms": [
        {"name": "verified_phone_number", "priority": 1},
        {"name": "verified_email", "priority": 2},
        {"name": "admin_only", "priority": 3},
    ]
}

EDGES = [
    # Every required class is checked, also after `letters` (PasswordPolicyType):
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html
    Edge(
        "numbers-after-letters",
        password.COMPOSITION,
        POOL,
        _password(requireNumbers=False),
        ["Passwords need not contain a number: set `passwordPolicy.requireNumbers` to true."],
        {"requiredCharacterClasses": ["letters", "numbers"]},
    ),
    # A tolerated flow does not hide the ones after it (ExplicitAuthFlows):
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-ExplicitAuthFlows
    Edge(
        "password-flow-after-a-tolerated-one",
        clients.NO_PASSWORD_FLOWS,
        CLIENT,
        _client(explicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"]),
        [
            "`explicitAuthFlows` includes ALLOW_USER_PASSWORD_AUTH: the app sends the plaintext "
            "password to Cognito, so phishing and logging expose it. Use ALLOW_USER_SRP_AUTH."
        ],
        {"allowedPasswordFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH"]},
    ),
    # Signs of an app on user devices, each named once (the implicit grant and app-scheme or
    # localhost redirects): https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
    Edge(
        "two-signs-of-a-public-client",
        clients.SECRET_ON_PUBLIC_CLIENT,
        CLIENT,
        _client(
            allowedOauthFlows=["code", "implicit"],
            callbackUrls=["com.example.field://callback", "http://localhost:3000/cb"],
        ),
        [
            "The client has a secret but runs on user devices (it uses the implicit flow; it "
            "redirects to the app scheme com.example.field://): the secret ships inside the app "
            "and protects nothing. Drop `generateSecret` and use PKCE."
        ],
    ),
    # A redirect URI must be absolute; `https:///callback` names no host (CreateUserPoolClient
    # CallbackURLs): https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-CallbackURLs
    Edge(
        "https-url-without-a-host",
        clients.REDIRECT_URLS,
        CLIENT,
        _client(callbackUrls=["https:///callback"]),
        [
            "`callbackUrls[0]` 'https:///callback' has no host; redirect URLs must be exact https "
            "URLs."
        ],
    ),
    # SupportedIdentityProviders lists COGNITO next to the federated providers:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-SupportedIdentityProviders
    Edge(
        "local-users-next-to-two-providers",
        clients.LOCAL_USERS,
        CLIENT,
        _client(supportedIdentityProviders=["COGNITO", "corporate-saml", "Google"]),
        [
            "`supportedIdentityProviders` includes COGNITO next to corporate-saml, Google: local "
            "user-pool passwords bypass the corporate IdP and its MFA and offboarding. Remove "
            "COGNITO."
        ],
    ),
    # A method's authorizationType (NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS):
    # https://docs.aws.amazon.com/apigateway/latest/api/API_Method.html
    Edge(
        "two-allowed-authorizations",
        clients.API_AUTHORIZER,
        METHOD,
        {"httpMethod": "GET", "authorization": "NONE", "restApi": "api", "resourceId": "r"},
        [
            "API method uses authorization NONE; use a Cognito user pool authorizer (allowed: "
            "COGNITO_USER_POOLS, CUSTOM)."
        ],
        {"allowedAuthorizations": ["COGNITO_USER_POOLS", "CUSTOM"]},
    ),
    # AWS takes at most two recovery mechanisms (AccountRecoverySettingType), but the policy sees
    # the program's inputs before AWS does and names every other channel it was given:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AccountRecoverySettingType.html
    Edge(
        "recovery-through-two-other-channels",
        mfa.RECOVERY_CHANNEL,
        POOL,
        _pool(**SMS_ONLY, accountRecoverySetting=RECOVERY_THREE_WAYS),
        [
            "Account recovery uses `verified_phone_number` while SMS is also an MFA factor: one "
            "phone would both reset the password and pass MFA, so AWS refuses that channel to "
            "users with SMS MFA and they recover through verified_email, admin_only instead. "
            "Recover through a channel that is not an MFA factor (verified_email, or admin_only)."
        ],
    ),
    # A standard attribute used for authorization keeps its name (no `custom:` prefix):
    # https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
    Edge(
        "standard-attribute-used-for-authorization",
        user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
        POOL,
        _pool(
            schemas=[{"name": "email", "attributeDataType": "String", "mutable": True}],
        ),
        [
            "`email` is used for authorization but is mutable (`schemas[0].mutable` true); a user "
            "or client that can write it can change their own privileges. Declare it with "
            "`mutable: false` (set it once at creation) or `developerOnlyAttribute: true`."
        ],
        {"authorizationAttributes": ["email"]},
    ),
    # GitHub's audience must be pinned with StringEquals; StringLike is not what the rule asks
    # for (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services,
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html).
    Edge(
        "github-audience-under-string-like",
        github_oidc.GITHUB_OIDC_TRUST,
        ROLE,
        _github_role(
            _github_statement({"StringLike": AUD, "StringEquals": {f"{GITHUB_HOST}:sub": MAIN}})
        ),
        [
            f"Role subject trusts GitHub Actions without `StringEquals` `{GITHUB_HOST}:aud` = "
            "`sts.amazonaws.com` (it has none)."
        ],
    ),
    # Only `*` and `?` are wildcards in a subject; a branch named with capitals is exact:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    Edge(
        "github-branch-with-capitals",
        github_oidc.GITHUB_OIDC_TRUST,
        ROLE,
        _github_role(
            _github_statement(
                {
                    "StringEquals": {
                        **AUD,
                        f"{GITHUB_HOST}:sub": "repo:acme/identity:ref:refs/heads/fix/XSS-guard",
                    }
                }
            )
        ),
        [],
    ),
    # A trust policy that is not JSON is named by its property:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
    Edge(
        "github-trust-not-json",
        github_oidc.GITHUB_OIDC_TRUST,
        ROLE,
        {"name": "deploy", "assumeRolePolicy": "{'Statement': []}"},
        [
            "`assumeRolePolicy` has the malformed value \"{'Statement': []}\" (expected a JSON "
            "policy document), so this setting cannot be verified; fix the value."
        ],
    ),
    # StringEquals matches exactly (no wildcards); StringLike takes `*` and `?`:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    Edge(
        "aud-star-under-string-equals-is-literal",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _cognito_trust({"StringEquals": {COGNITO_AUD: "*"}, **SIGNED_IN}),
        [],
    ),
    Edge(
        "aud-single-character-wildcard",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _cognito_trust({"StringLike": {COGNITO_AUD: f"{IDENTITY_POOL_ID[:-1]}?"}, **SIGNED_IN}),
        [
            "The trust policy's `cognito-identity.amazonaws.com:aud` condition "
            f"['{IDENTITY_POOL_ID[:-1]}?'] uses StringLike wildcards that match other identity "
            "pools; name the identity pool id exactly."
        ],
    ),
    Edge(
        "amr-star-under-string-equals-is-literal",
        identity_pool.ROLE_TRUST_CONDITIONS,
        ROLE,
        _cognito_trust({"StringEquals": {COGNITO_AUD: IDENTITY_POOL_ID, COGNITO_AMR: "*"}}),
        [],
    ),
]


@pytest.mark.parametrize("edge", edge_cases(EDGES))
def test_the_rule_at_its_edge(edge: Edge) -> None:
    edge.check()


def test_a_role_trusting_signed_in_users_by_exact_amr_is_the_authenticated_role() -> None:
    """`ForAnyValue:StringEquals` amr = authenticated admits signed-in users only, as the
    StringLike form does: their amr holds `authenticated` (guests' holds `unauthenticated`):
    https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html"""
    exact = _cognito_trust(
        {
            "StringEquals": {COGNITO_AUD: IDENTITY_POOL_ID},
            "ForAnyValue:StringEquals": {COGNITO_AMR: "authenticated"},
        }
    )
    specs = [
        Spec(s.type, s.name, {**s.props, "assumeRolePolicy": exact["assumeRolePolicy"]}, s.deps)
        if s.name == "authenticated-role"
        else s
        for s in secure_stack()
    ]
    outcome = run_stack(stack.ROLE_TRUST, specs)
    assert (outcome.messages, outcome.not_applicable) == ([], None)


# --- custom domains -----------------------------------------------------------------------------
# A custom domain needs an ACM certificate in us-east-1; a prefix domain has no dots:
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html
# https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
# ACM ARNs are arn:aws:acm:<region>:<account>:certificate/<id>:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html

DOMAIN = rt.USER_POOL_DOMAIN
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d"
NEED_US_EAST_1: Final = "but custom domains need one in us-east-1 (CloudFront's region)."
WAITS: Final = (
    "`certificateArn` is unknown during preview; the policy judges it at `pulumi up`, when the "
    "engine sends the known value"
)


def _domain(
    name: str, arn: object, host: str = "auth.example.com", deps: str | None = None
) -> Spec:
    props: dict[str, Any] = {"domain": host, "userPoolId": f"{REGION}_AbCdEf123"}
    if arn is not None:
        props["certificateArn"] = arn
    return Spec(DOMAIN, name, props, {"certificateArn": [deps]} if deps else {})


def _acm(name: str, region: str | None) -> Spec:
    props = {"domainName": "auth.example.com", **({"region": region} if region else {})}
    return Spec(rt.ACM_CERTIFICATE, name, props)


def _not_acm(arn: str) -> str:
    return (
        f"Custom domain auth.example.com has the `certificateArn` {arn!r}, which is not an ACM "
        "certificate ARN; use an ACM certificate in us-east-1."
    )


KNOWN_ARNS = [
    pytest.param(
        "arn:aws:acm::123456789012:certificate/0a1b2c3d",
        "Custom domain auth.example.com has an ACM certificate in no region (`certificateArn`), "
        + NEED_US_EAST_1,
        id="acm-without-region",
    ),
    pytest.param(
        CERTIFICATE.replace("us-east-1", "eu-west-1"),
        "Custom domain auth.example.com has an ACM certificate in eu-west-1 (`certificateArn`), "
        + NEED_US_EAST_1,
        id="acm-in-another-region",
    ),
    pytest.param(
        "arn:aws:iam::123456789012:server-certificate/auth",
        _not_acm("arn:aws:iam::123456789012:server-certificate/auth"),
        id="iam-server-certificate",
    ),
    pytest.param("arn:aws:acm:us-east-1", _not_acm("arn:aws:acm:us-east-1"), id="cut-short"),
    pytest.param(
        "arn:aws:acm:us-east-1:123456789012",
        _not_acm("arn:aws:acm:us-east-1:123456789012"),
        id="no-resource-part",
    ),
    pytest.param(
        CERTIFICATE.replace("arn:", "urn:", 1),
        _not_acm(CERTIFICATE.replace("arn:", "urn:", 1)),
        id="not-an-arn",
    ),
    pytest.param("", _not_acm(""), id="empty"),
    pytest.param(
        None,
        "Custom domain auth.example.com has no `certificateArn`: Cognito serves it over "
        "CloudFront only with an ACM certificate in us-east-1; request one there and set it.",
        id="none",
    ),
    pytest.param(CERTIFICATE, None, id="acm-in-us-east-1"),
]


@pytest.mark.parametrize(("arn", "message"), KNOWN_ARNS)
def test_a_custom_domains_certificate_word_for_word(arn: str | None, message: str | None) -> None:
    outcome = run_stack(domain.CUSTOM_DOMAIN_CERTIFICATE, [_domain("domain", arn)])
    assert outcome.messages == ([message] if message else [])
    assert outcome.urns == ([urn_of(DOMAIN, "domain")] if message else [])
    assert outcome.not_applicable is None


def test_at_preview_a_certificate_from_another_region_is_named() -> None:
    specs = [_acm("certificate", "eu-west-1"), _domain("domain", WIRE_UNKNOWN, deps="certificate")]
    outcome = run_stack(domain.CUSTOM_DOMAIN_CERTIFICATE, specs)
    assert outcome.messages == [
        "Custom domain auth.example.com takes its certificate from an ACM resource in "
        "eu-west-1, " + NEED_US_EAST_1
    ]


def test_at_preview_an_arn_from_something_else_than_acm_waits_for_up() -> None:
    """An ARN read from an SSM parameter says nothing about the certificate's region."""
    parameter = Spec(
        "aws:ssm/parameter:Parameter",
        "certificate-arn",
        {"name": "/identity/certificate-arn", "type": "String", "region": "eu-west-1"},
    )
    specs = [parameter, _domain("domain", WIRE_UNKNOWN, deps="certificate-arn")]
    outcome = run_stack(domain.CUSTOM_DOMAIN_CERTIFICATE, specs)
    assert (outcome.messages, outcome.not_applicable) == ([], f"domain: {WAITS}")


def test_at_preview_an_arn_of_no_resource_of_the_stack_waits_for_up() -> None:
    """An unknown input the engine lists no dependency for (a stack reference's output, say)."""
    outcome = run_stack(domain.CUSTOM_DOMAIN_CERTIFICATE, [_domain("domain", WIRE_UNKNOWN)])
    assert (outcome.messages, outcome.not_applicable) == ([], f"domain: {WAITS}")


def _built_in_this_test() -> Any:
    """The domain policies as `stack_policy` builds them inside the calling test (`fresh_pack`):
    the deferral bookkeeping these tests judge lives in the builder, which otherwise runs only at
    import, where a mutation run never switches a mutant on."""
    return fresh_pack()["cognito_guard.domain"]


def test_a_stack_rule_that_reported_one_domain_does_not_wait_for_another() -> None:
    """A violation found at preview blocks at once; the SDK would drop it if the policy also
    said it is not applicable."""
    specs = [
        _acm("certificate", None),
        _domain("login", CERTIFICATE.replace("us-east-1", "eu-west-1"), "login.example.com"),
        _domain("auth", WIRE_UNKNOWN, deps="certificate"),
    ]
    outcome = run_stack(_built_in_this_test().CUSTOM_DOMAIN_CERTIFICATE, specs)
    assert outcome.messages == [
        "Custom domain login.example.com has an ACM certificate in eu-west-1 (`certificateArn`), "
        + NEED_US_EAST_1
    ]
    assert outcome.urns == [urn_of(DOMAIN, "login")]
    assert outcome.not_applicable is None


def test_every_domain_that_waits_is_named_in_the_reason() -> None:
    specs = [
        _acm("certificate", None),
        _domain("auth", WIRE_UNKNOWN, deps="certificate"),
        _domain("login", WIRE_UNKNOWN, "login.example.com", deps="certificate"),
    ]
    outcome = run_stack(_built_in_this_test().CUSTOM_DOMAIN_CERTIFICATE, specs)
    assert (outcome.messages, outcome.not_applicable) == ([], f"auth: {WAITS}; login: {WAITS}")


def _secure_stack_with(name: str, key: str, value: object) -> list[Spec]:
    """The secure stack with one input of the resource `name` replaced."""
    return [
        Spec(s.type, s.name, {**s.props, key: value}, s.deps) if s.name == name else s
        for s in secure_stack()
    ]


def test_an_unknown_provider_mapping_waits_for_that_provider_only() -> None:
    """An identity provider's `attributeMapping` unknown at preview defers the writable-attributes
    verdict of that provider alone, with its reason given once; the rest of the stack is judged."""
    specs = _secure_stack_with("corporate-saml", "attributeMapping", WIRE_UNKNOWN)
    outcome = run_stack(stack.IDP_MAPPED_ATTRIBUTES_WRITABLE, specs)
    waits = (
        "`attributeMapping` is unknown during preview; the policy judges it at `pulumi up`, when "
        "the engine sends the known value"
    )
    assert (outcome.messages, outcome.not_applicable) == ([], f"corporate-saml: {waits}")


# --- monitoring ---------------------------------------------------------------------------------
# Alarms on AWS/Cognito metrics and their actions; log export per event source:
# https://docs.aws.amazon.com/cognito/latest/developerguide/metrics-for-cognito-user-pools.html
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LogConfigurationType.html


def test_two_missing_metrics_and_two_silent_alarms_are_all_named() -> None:
    silent = ("sign-in-success", "sign-in-throttles")
    specs = [
        Spec(s.type, s.name, {**s.props, "alarmActions": []}, s.deps) if s.name in silent else s
        for s in secure_stack()
    ]
    outcome = run_stack(monitoring.ALARMS, specs)
    assert outcome.messages == [
        "User pool pool has no notifying CloudWatch alarm on SignInSuccesses, SignInThrottles: "
        "outages, credential stuffing and throttling go unnoticed. (alarms without actions: "
        "sign-in-success, sign-in-throttles)"
    ]


def test_two_missing_event_sources_are_both_named() -> None:
    specs = [s for s in secure_stack() if s.name != "auth-events"]
    config = {"requiredEventSources": ["userAuthEvents", "userNotification"]}
    outcome = run_stack(monitoring.AUTH_EVENT_LOGGING, specs, config)
    assert outcome.messages == [
        "User pool pool does not export userAuthEvents, userNotification logs: there is no audit "
        "trail of sign-ins and takeover attempts. Add an `aws.cognito.LogDeliveryConfiguration`."
    ]


LAMBDA_ALARM = Spec(
    rt.METRIC_ALARM,
    "lambda-errors",
    {
        "namespace": "AWS/Lambda",
        "metricName": "Errors",
        "dimensions": {"FunctionName": WIRE_UNKNOWN},
        "alarmActions": [],
    },
)


def test_alarms_found_are_judged_although_another_alarms_dimensions_are_unknown() -> None:
    outcome = run_stack(monitoring.ALARMS, [*secure_stack(), LAMBDA_ALARM])
    assert (outcome.messages, outcome.not_applicable) == ([], None)


def test_a_pool_with_only_an_unknown_alarm_waits_for_up() -> None:
    specs = [s for s in secure_stack() if s.type != rt.METRIC_ALARM]
    outcome = run_stack(monitoring.ALARMS, [*specs, LAMBDA_ALARM])
    assert (outcome.messages, outcome.not_applicable) == (
        [],
        "pool: `dimensions` is unknown during preview; the policy judges it at `pulumi up`, when "
        "the engine sends the known value",
    )


def test_an_alarm_whose_actions_are_unknown_at_preview_is_not_called_silent() -> None:
    """`alarmActions` given as another resource's output list is unknown at preview; it may name
    topics, so the pool's verdict waits for `pulumi up`."""
    specs = _secure_stack_with("sign-in-throttles", "alarmActions", WIRE_UNKNOWN)
    outcome = run_stack(monitoring.ALARMS, specs)
    assert (outcome.messages, outcome.not_applicable) == (
        [],
        "pool: `alarmActions` is unknown during preview; the policy judges it at `pulumi up`, "
        "when the engine sends the known value",
    )


# --- web ACLs -----------------------------------------------------------------------------------
# Rate-based rules and their actions, managed rule groups and their overrides, and the user pools
# a web ACL is associated with:
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html
# https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-action.html
# https://docs.aws.amazon.com/waf/latest/APIReference/API_ManagedRuleGroupStatement.html

RATE_RULE = SECURE_WEB_ACL["rules"][0]
COUNTING = changed(SECURE_WEB_ACL, "rules.0.action", {"count": {}})
PARTNER_POOL_ID = f"{REGION}_PartnerPl9"
PARTNER_POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{PARTNER_POOL_ID}"
DOES_NOT_BLOCK = "does not block requests over the rate limit"
GIVE_BLOCK = "give the rate-based rule the action block."


def _association(name: str, pool: str, pool_arn: str) -> Spec:
    return Spec(
        rt.WAF_ASSOCIATION,
        name,
        {"resourceArn": pool_arn, "webAclArn": WEB_ACL_ARN},
        {"resourceArn": [pool], "webAclArn": ["web-acl"]},
    )


PARTNERS = [
    Spec(
        rt.USER_POOL,
        "partners",
        {**SECURE_POOL, "name": "partners", "id": PARTNER_POOL_ID, "arn": PARTNER_POOL_ARN},
    ),
    _association("waf-partners", "partners", PARTNER_POOL_ARN),
]

WEB_ACLS = [
    pytest.param(
        _with_web_acl(
            {
                **SECURE_WEB_ACL,
                "rules": [
                    {**RATE_RULE, "action": {"count": {}}},
                    {
                        **RATE_RULE,
                        "name": "rate-limit-per-session",
                        "priority": 2,
                        "action": {"captcha": {}, "count": {}},
                    },
                    SECURE_WEB_ACL["rules"][1],
                ],
            }
        ),
        [
            f"Web ACL web-acl in front of user pool pool {DOES_NOT_BLOCK} (rule rate-limit-per-ip "
            f"(count), rule rate-limit-per-session (count, captcha)); {GIVE_BLOCK}"
        ],
        id="two-rate-rules-one-with-two-actions",
    ),
    pytest.param(
        _with_web_acl(
            changed(
                SECURE_WEB_ACL,
                "rules.1.statement.managedRuleGroupStatement.ruleActionOverrides",
                [
                    "AWSManagedIPReputationList",
                    {"name": "AWSManagedReconnaissanceList", "actionToUse": {"count": {}}},
                ],
            )
        ),
        [
            "Web ACL web-acl in front of user pool pool sets AWSManagedReconnaissanceList of "
            "AWSManagedRulesAmazonIpReputationList (rule aws-ip-reputation) to count in "
            "`ruleActionOverrides`, so those addresses are not blocked; remove the overrides."
        ],
        id="an-override-that-is-not-an-object-is-skipped",
    ),
    pytest.param(
        [*_with_web_acl(COUNTING), *PARTNERS],
        [
            f"Web ACL web-acl in front of user pool pool, partners {DOES_NOT_BLOCK} (rule "
            f"rate-limit-per-ip (count)); {GIVE_BLOCK}"
        ],
        id="two-pools-behind-the-web-acl",
    ),
    pytest.param(
        [*_with_web_acl(COUNTING), _association("waf-again", "pool", POOL_ARN)],
        [
            f"Web ACL web-acl in front of user pool pool {DOES_NOT_BLOCK} (rule rate-limit-per-ip "
            f"(count)); {GIVE_BLOCK}"
        ],
        id="one-pool-associated-twice",
    ),
]


@pytest.mark.parametrize("by_value", [False, True], ids=["dependency", "value"])
@pytest.mark.parametrize(("specs", "messages"), WEB_ACLS)
def test_a_web_acl_word_for_word(specs: list[Spec], messages: list[str], by_value: bool) -> None:
    if by_value:
        specs = [Spec(s.type, s.name, s.props, {}) for s in specs]
    outcome: Outcome = run_stack(waf.WEB_ACL_CONTENTS, specs)
    assert outcome.messages == messages
    assert outcome.urns == [urn_of(rt.WEB_ACL, "web-acl")] * len(messages)


# --- what rules read ----------------------------------------------------------------------------
# Properties as the SDK hands them over: lists read from either end, and during preview unknown
# values anywhere inside a map (pulumi_policy.proxy, pulumi_policy.deserialize).

CALLBACKS = ["https://portal.example.com/a", "https://portal.example.com/b"]


def _props(raw: Mapping[str, Any]) -> Props:
    return Props(wire_props(raw))


def test_the_unknown_marker_is_false() -> None:
    assert not UNKNOWN
    assert _props({"name": WIRE_UNKNOWN}).get("name") is UNKNOWN


@pytest.mark.parametrize(
    ("index", "value"),
    [
        (0, CALLBACKS[0]),
        (1, CALLBACKS[1]),
        (2, None),
        (-1, CALLBACKS[1]),
        (-2, CALLBACKS[0]),
        (-3, None),
    ],
)
def test_list_indexes_from_either_end(index: int, value: str | None) -> None:
    assert _props({"callbackUrls": CALLBACKS}).get("callbackUrls", index) == value


def test_a_name_looked_up_in_a_list_is_absent() -> None:
    """`accountRecoverySetting` given as a list of blocks instead of one block: the nested name is
    not there, so the rule sees the AWS default rather than crashing."""
    props = _props({"accountRecoverySetting": [{"recoveryMechanisms": []}]})
    assert props.get("accountRecoverySetting", "recoveryMechanisms") is None


def test_an_unknown_inside_a_map_defers() -> None:
    props = _props({"tokenValidityUnits": {"accessToken": "minutes", "idToken": WIRE_UNKNOWN}})
    with pytest.raises(Deferred) as raised:
        props.known("tokenValidityUnits")
    assert raised.value.reason == (
        "`tokenValidityUnits` is unknown during preview; the policy judges it at `pulumi up`, "
        "when the engine sends the known value"
    )


def test_a_policy_without_settings_sends_no_config_schema() -> None:
    """The engine offers a profile only the settings a policy's schema names; a rule without
    settings sends none (built anew here, as the pack process builds it)."""
    pack: Any = fresh_pack()["cognito_guard.pack"]
    policies = {policy.name: policy for policy in pack.all_policies()}
    assert policies["cognito-client-no-implicit-grant"].config_schema is None
    assert policies["cognito-domain-custom-certificate"].config_schema is None


# --- tags sent with each policy -----------------------------------------------------------------


def test_a_peer_tag_the_references_entry_lacks_is_kept() -> None:
    """Only `Controls` tags the entry repeats give way to it; a peer check it does not list stays
    (and makes `test_catalog.py` fail until the entry names it)."""
    tags = policy_tags("cognito-user-pool-alarms", ["securityhub:Cognito.99"])
    assert tags[0] == "securityhub:Cognito.99"

"""The pack as its process builds it: metadata, config schemas and the wrapping around every rule.

The pack process imports the rule modules when the CLI starts it, and the builders run then:
`resource_policy` and `stack_policy` wrap each rule (type guard, config defaults, unknown values,
malformed values, remediation), `Meta.sdk_kwargs` and `Controls` give the metadata the engine
shows, `integer`, `boolean`, `one_of` and `string_list` give the config schemas the engine checks
profiles against. Each test here builds the pack anew (`harness.fresh_pack`) and judges what the
engine would get from it: the committed README catalog (reviewed, and what users read), AWS's
ranges for the thresholds, and rule verdicts on wire-form properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)

from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN, Secret
from tests.policies.harness import (
    Spec,
    fresh_pack,
    remediate,
    replace_spec,
    run_resource,
    run_stack,
)
from tests.policies.reference import SECURE_POOL, SECURE_WEB_CLIENT, secure_stack


def _policies() -> dict[str, Policy]:
    """The policies of a pack built inside the calling test, by name."""
    pack: Any = fresh_pack()["cognito_guard.pack"]
    return {policy.name: policy for policy in pack.all_policies()}


def _resource_policy(name: str) -> ResourceValidationPolicy:
    policy = _policies()[name]
    assert isinstance(policy, ResourceValidationPolicy)
    return policy


def _stack_policy(name: str) -> StackValidationPolicy:
    policy = _policies()[name]
    assert isinstance(policy, StackValidationPolicy)
    return policy


# --- metadata ------------------------------------------------------------------------------------


def test_a_pack_built_anew_renders_the_committed_readme_tables() -> None:
    """Name, area, severity, level, judged types, description, AWS pages, peer checks, standards
    and config defaults of every policy, as `policies/README.md` documents them."""
    modules: dict[str, ModuleType] = fresh_pack()
    catalog: Any = modules["cognito_guard.catalog"]
    committed = catalog.README.read_text(encoding="utf-8")
    assert catalog.render_readme(committed) == committed


def test_every_policy_tells_the_engine_how_to_fix_it_and_where_aws_documents_it() -> None:
    for policy in _policies().values():
        assert policy.display_name, policy.name
        assert policy.display_name != policy.name, policy.name
        assert policy.remediation_steps, policy.name
        pages = [tag.split(":", 1)[1] for tag in policy.tags or [] if tag.startswith("aws-doc:")]
        assert policy.url == pages[0], policy.name


@pytest.mark.parametrize(
    ("name", "framework"),
    [
        # Security Hub first: Cognito.3 is the password-policy control (FSBP).
        ("cognito-password-composition", ("AWS Security Hub FSBP", "1.0.0", "Cognito.3")),
        # No Security Hub control: PCI DSS 8.3.7 (password history).
        ("cognito-password-history", ("PCI DSS", "4.0.1", "8.3.7")),
        # Only an ASVS requirement: OWASP ASVS 5.0.
        ("cognito-client-auth-session-validity", ("OWASP ASVS", "5.0", "6.5.5")),
        # NIST SP 800-63B before ASVS.
        (
            "cognito-client-refresh-token-lifetime",
            ("NIST SP 800-63B", "4", "2.2.3 (reauthentication)"),
        ),
    ],
)
def test_the_primary_compliance_framework_is_the_most_specific_control(
    name: str, framework: tuple[str, str, str]
) -> None:
    found = _policies()[name].framework
    assert found is not None
    assert (found.name, found.version, found.reference) == framework


def test_levels_and_severities_reach_the_engine_as_its_own_values() -> None:
    policies = _policies()
    assert policies["cognito-password-history"].enforcement_level is EnforcementLevel.ADVISORY
    assert policies["cognito-password-min-length"].enforcement_level is EnforcementLevel.MANDATORY
    assert policies["cognito-password-min-length"].severity is Severity.MEDIUM
    assert policies["cognito-identity-pool-no-guest-access"].severity is Severity.HIGH
    assert policies["cognito-password-history"].severity is Severity.LOW


# --- config schemas ------------------------------------------------------------------------------


def _schema_errors(policy: Policy, properties: Mapping[str, object]) -> list[str]:
    """What the engine says about a profile's properties for `policy` (JSON Schema draft 7)."""
    assert policy.config_schema is not None
    schema = {"type": "object", "properties": policy.config_schema.properties}
    return [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(properties)]


# (policy, key, a value AWS allows, the first value past it). The ranges are AWS's: password length
# 6-99, temporary passwords 0-365 days, history 0-24
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html),
# access/ID tokens 5 minutes-1 day
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html),
# IPv4 and IPv6 prefix lengths at most 32 and 128; managed-login versions 1 and 2
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html).
RANGES = [
    ("cognito-password-min-length", "minimumLength", 6, 5),
    ("cognito-password-min-length", "minimumLength", 99, 100),
    ("cognito-password-min-length", "minimumLengthWithoutMfa", 99, 100),
    ("cognito-password-min-length", "minimumLengthWithoutMfa", 6, 5),
    ("cognito-temp-password-validity", "maximumDays", 365, 366),
    ("cognito-temp-password-validity", "maximumDays", 0, -1),
    ("cognito-password-history", "minimumHistory", 24, 25),
    ("cognito-client-token-lifetimes", "maximumAccessTokenMinutes", 1440, 1441),
    ("cognito-client-token-lifetimes", "maximumIdTokenMinutes", 5, 4),
    ("cognito-client-refresh-token-lifetime", "maximumHours", 1, 0),
    ("cognito-risk-exceptions-narrow", "minimumIpv4PrefixLength", 32, 33),
    ("cognito-risk-exceptions-narrow", "minimumIpv6PrefixLength", 128, 129),
    ("cognito-domain-managed-login-version", "requiredVersion", 2, 3),
    ("cognito-domain-managed-login-version", "requiredVersion", 1, 0),
]


@pytest.mark.parametrize(("name", "key", "allowed", "refused"), RANGES)
def test_a_threshold_outside_aws_range_is_refused_by_the_schema(
    name: str, key: str, allowed: int, refused: int
) -> None:
    policy = _policies()[name]
    assert _schema_errors(policy, {key: allowed}) == []
    assert len(_schema_errors(policy, {key: refused})) == 1
    assert _schema_errors(policy, {key: "7"}) == ["'7' is not of type 'integer'"]


def test_choices_and_lists_accept_only_their_documented_values() -> None:
    policies = _policies()
    tier = policies["cognito-user-pool-plus-tier"]
    assert _schema_errors(tier, {"requiredTier": "ESSENTIALS"}) == []
    assert _schema_errors(tier, {"requiredTier": "BASIC"}) == [
        "'BASIC' is not one of ['LITE', 'ESSENTIALS', 'PLUS']"
    ]
    assert _schema_errors(tier, {"requiredTier": 2}) != []
    composition = policies["cognito-password-composition"]
    assert _schema_errors(composition, {"requiredCharacterClasses": ["letters", "numbers"]}) == []
    assert _schema_errors(composition, {"requiredCharacterClasses": ["digits"]}) == [
        "'digits' is not one of ['lowercase', 'uppercase', 'numbers', 'symbols', 'letters']"
    ]
    assert _schema_errors(composition, {"requiredCharacterClasses": "numbers"}) == [
        "'numbers' is not of type 'array'"
    ]
    assert _schema_errors(composition, {"forbidCompositionRules": "yes"}) == [
        "'yes' is not of type 'boolean'"
    ]
    hosts = policies["cognito-client-redirect-urls"]
    assert _schema_errors(hosts, {"allowedHosts": ["portal.example.com"]}) == []
    assert _schema_errors(hosts, {"allowedHosts": [1]}) == ["1 is not of type 'string'"]


def test_every_config_property_is_described_for_the_profile_author() -> None:
    for policy in _policies().values():
        if policy.config_schema is None:
            continue
        for key, prop in policy.config_schema.properties.items():
            assert prop["description"], (policy.name, key)
            assert "default" in prop, (policy.name, key)


# --- the wrapping around a resource rule ---------------------------------------------------------

MIN_LENGTH = "cognito-password-min-length"


def test_a_resource_rule_reports_each_message_and_fills_config_defaults() -> None:
    policy = _resource_policy(MIN_LENGTH)
    pool = {**SECURE_POOL, "passwordPolicy": {**SECURE_POOL["passwordPolicy"], "minimumLength": 10}}
    outcome = run_resource(policy, rt.USER_POOL, pool)
    assert outcome.messages == ["`passwordPolicy.minimumLength` is 10; it must be at least 14."]
    assert outcome.not_applicable is None
    # The engine sends numbers as doubles: 16.0 must read as 16.
    outcome = run_resource(policy, rt.USER_POOL, pool, {"minimumLength": 16.0})
    assert outcome.messages == ["`passwordPolicy.minimumLength` is 10; it must be at least 16."]


def test_a_resource_rule_judges_only_its_own_types() -> None:
    policy = _resource_policy(MIN_LENGTH)
    broken = {**SECURE_WEB_CLIENT, "passwordPolicy": {"minimumLength": 6}}
    assert run_resource(policy, rt.USER_POOL_CLIENT, broken).messages == []
    assert run_resource(policy, rt.USER_POOL_CLIENT, broken).not_applicable is None


def test_a_malformed_value_is_reported_not_raised() -> None:
    policy = _resource_policy(MIN_LENGTH)
    pool = {**SECURE_POOL, "passwordPolicy": {"minimumLength": "long"}}
    assert run_resource(policy, rt.USER_POOL, pool).messages == [
        "`passwordPolicy.minimumLength` has the malformed value 'long' (expected a number), so "
        "this setting cannot be verified; fix the value."
    ]


def test_an_unknown_value_defers_the_verdict_unless_something_was_already_reported() -> None:
    policy = _resource_policy("cognito-client-redirect-urls")
    unknown_first = {**SECURE_WEB_CLIENT, "callbackUrls": [UNKNOWN]}
    outcome = run_resource(policy, rt.USER_POOL_CLIENT, unknown_first)
    assert outcome.messages == []
    assert outcome.not_applicable == (
        "`callbackUrls` is unknown during preview; the policy judges it at `pulumi up`, when "
        "the engine sends the known value"
    )
    known_bad_first = {
        **SECURE_WEB_CLIENT,
        "callbackUrls": ["http://portal.example.com/cb"],
        "logoutUrls": UNKNOWN,
    }
    outcome = run_resource(policy, rt.USER_POOL_CLIENT, known_bad_first)
    assert outcome.messages == [
        "`callbackUrls[0]` 'http://portal.example.com/cb' is plain http; redirect URLs must be "
        "exact https URLs."
    ]
    assert outcome.not_applicable is None


def test_a_remediation_changes_only_what_the_rule_fixes_and_keeps_secrets() -> None:
    policy = _resource_policy("cognito-client-token-revocation")
    client = {**SECURE_WEB_CLIENT, "enableTokenRevocation": False, "clientSecret": Secret("s3")}
    fixed = remediate(policy, rt.USER_POOL_CLIENT, client)
    assert fixed is not None
    assert fixed["enableTokenRevocation"] is True
    assert fixed["callbackUrls"] == SECURE_WEB_CLIENT["callbackUrls"]
    assert fixed["clientSecret"] == "s3"
    # Nothing to fix, another type, or an unknown deciding value: no remediation.
    assert remediate(policy, rt.USER_POOL_CLIENT, SECURE_WEB_CLIENT) is None
    assert remediate(policy, rt.USER_POOL, {**SECURE_POOL, "enableTokenRevocation": False}) is None
    unknown = {**SECURE_WEB_CLIENT, "enableTokenRevocation": UNKNOWN}
    assert remediate(policy, rt.USER_POOL_CLIENT, unknown) is None


def test_only_the_safe_fixes_are_offered_as_remediations() -> None:
    """The profiles set these two to `remediate`; no other rule has a fix the engine could apply."""
    offered = {
        policy.name
        for policy in _policies().values()
        if isinstance(policy, ResourceValidationPolicy) and policy.has_remediation()
    }
    assert offered == {
        "cognito-client-prevent-user-existence-errors",
        "cognito-client-token-revocation",
    }


# --- the wrapping around a stack rule ------------------------------------------------------------


def test_a_stack_rule_files_each_finding_under_its_resource() -> None:
    policy = _stack_policy("cognito-user-pool-waf-associated")
    specs = [s for s in secure_stack() if s.name != "waf"]
    outcome = run_stack(policy, specs)
    pool = next(s for s in specs if s.name == "pool")
    assert outcome.messages == [
        "User pool pool has no WAF web ACL (no `aws.wafv2.WebAclAssociation` with this pool's "
        "ARN): sign-in endpoints face credential stuffing and floods with only Cognito's fixed "
        "lockout."
    ]
    assert outcome.urns == [pool.urn]
    assert outcome.not_applicable is None
    assert run_stack(policy, secure_stack()).messages == []


def test_a_stack_rule_defers_what_it_cannot_resolve_at_preview() -> None:
    policy = _stack_policy("cognito-user-pool-waf-associated")
    specs: list[Spec] = replace_spec(secure_stack(preview=True), "waf", deps={})
    outcome = run_stack(policy, specs)
    assert outcome.messages == []
    assert outcome.not_applicable is not None
    assert "unknown during preview" in outcome.not_applicable


def test_a_stack_rule_reads_the_configured_thresholds() -> None:
    policy = _stack_policy("cognito-user-pool-alarms")
    specs = [s for s in secure_stack() if s.name != "sign-in-throttles"]
    assert run_stack(policy, specs).messages == [
        "User pool pool has no notifying CloudWatch alarm on SignInThrottles: outages, credential "
        "stuffing and throttling go unnoticed."
    ]
    config = {"requiredMetrics": ["SignInSuccesses"], "requireThreatMetrics": False}
    assert run_stack(policy, specs, config).messages == []


def test_a_resource_rule_names_the_resource_when_the_provider_has_no_name() -> None:
    policy = _resource_policy("cognito-identity-provider-attribute-trust")
    provider = {"providerType": "SAML", "attributeMapping": {"email_verified": "verified"}}
    assert run_resource(policy, rt.IDENTITY_PROVIDER, provider).messages == [
        "Identity provider subject (SAML) maps `verified` onto `email_verified`: the pool would "
        "trust that provider's claim that an address is verified. Remove the mapping or list the "
        "provider type as trusted."
    ]

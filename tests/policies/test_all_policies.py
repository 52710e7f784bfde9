"""Properties every cognito-guard policy must have, checked across the whole pack."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from cognito_guard.framework import JUDGED_TYPES
from cognito_guard.pack import all_policies
from gate.analyzer import UNKNOWN
from tests.policies.harness import Spec, run_resource, run_stack
from tests.policies.reference import secure_stack

RESOURCE_POLICIES = [p for p in all_policies() if isinstance(p, ResourceValidationPolicy)]
STACK_POLICIES = [p for p in all_policies() if isinstance(p, StackValidationPolicy)]
SECURE = secure_stack()
MALFORMED_VALUES: list[Any] = [12345, {"unexpected": [1, 2]}]
# Judged types the reference stack has no resource of: an API method as the secure stack's API
# would declare it, so the API Gateway policy's checks below run on something.
SECURE_ELSEWHERE = [
    Spec(
        "aws:apigateway/method:Method",
        "api-get",
        {"httpMethod": "GET", "authorization": "COGNITO_USER_POOLS", "authorizerId": "abc"},
    )
]
# A key that only qualifies others: a message about it may name the keys it qualifies.
QUALIFIED_BY = {
    "tokenValidityUnits": ("accessTokenValidity", "idTokenValidity", "refreshTokenValidity")
}


def _ids(policies: list[Any]) -> list[str]:
    return [p.name for p in policies]


@pytest.mark.parametrize("policy", RESOURCE_POLICIES, ids=_ids(RESOURCE_POLICIES))
@pytest.mark.parametrize("spec", SECURE, ids=[s.name for s in SECURE])
def test_secure_reference_passes_every_resource_policy(
    policy: ResourceValidationPolicy, spec: Spec
) -> None:
    outcome = run_resource(policy, spec.type, spec.props)
    assert outcome.messages == []
    assert outcome.not_applicable is None


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
@pytest.mark.parametrize("policy", STACK_POLICIES, ids=_ids(STACK_POLICIES))
def test_secure_reference_passes_every_stack_policy(
    policy: StackValidationPolicy, preview: bool
) -> None:
    outcome = run_stack(policy, secure_stack(preview=preview))
    assert outcome.messages == []


@pytest.mark.parametrize("policy", RESOURCE_POLICIES, ids=_ids(RESOURCE_POLICIES))
def test_other_resource_types_are_ignored(policy: ResourceValidationPolicy) -> None:
    insecure = {
        "allowUnauthenticatedIdentities": True,
        "mfaConfiguration": "OFF",
        "callbackUrls": ["http://x"],
    }
    outcome = run_resource(policy, "aws:s3/bucket:Bucket", insecure)
    assert outcome.passed
    assert outcome.not_applicable is None


def _judged(policy: ResourceValidationPolicy) -> list[Spec]:
    judged = [s for s in [*SECURE, *SECURE_ELSEWHERE] if s.type in JUDGED_TYPES[policy.name]]
    assert judged, f"{policy.name}: no secure resource to run on; the loops would check nothing"
    return judged


@pytest.mark.parametrize("policy", RESOURCE_POLICIES, ids=_ids(RESOURCE_POLICIES))
def test_unknown_values_defer_instead_of_crashing(policy: ResourceValidationPolicy) -> None:
    for spec in _judged(policy):
        everything_unknown = run_resource(policy, spec.type, dict.fromkeys(spec.props, UNKNOWN))
        assert everything_unknown.passed or everything_unknown.not_applicable
        for key in spec.props:
            outcome = run_resource(policy, spec.type, {**spec.props, key: UNKNOWN})
            if outcome.not_applicable:
                assert "unknown during preview" in outcome.not_applicable


@pytest.mark.parametrize("policy", RESOURCE_POLICIES, ids=_ids(RESOURCE_POLICIES))
def test_malformed_values_are_reported_not_raised(policy: ResourceValidationPolicy) -> None:
    for spec in _judged(policy):
        for key in spec.props:
            for bad in MALFORMED_VALUES:
                outcome = run_resource(policy, spec.type, {**spec.props, key: bad})
                named = (key, *QUALIFIED_BY.get(key, ()))
                for message in outcome.messages:  # the secure spec passes: only `key` can be blamed
                    assert any(name in message for name in named), (key, bad, message)


@pytest.mark.parametrize("policy", STACK_POLICIES, ids=_ids(STACK_POLICIES))
def test_stack_policies_survive_unknown_and_malformed_values(policy: StackValidationPolicy) -> None:
    for spec in SECURE:
        for bad in (UNKNOWN, 12345):
            broken = [
                Spec(s.type, s.name, dict.fromkeys(s.props, bad), s.deps) if s is spec else s
                for s in SECURE
            ]
            outcome = run_stack(policy, broken)
            assert all(isinstance(m, str) and m for m in outcome.messages)


def test_every_resource_policy_judges_a_resource_of_the_reference() -> None:
    judged = {s.type for s in [*SECURE, *SECURE_ELSEWHERE]}
    for policy in RESOURCE_POLICIES:
        assert JUDGED_TYPES[policy.name] & judged, policy.name


def test_every_policy_carries_full_metadata() -> None:
    names = [p.name for p in all_policies()]
    assert len(names) == len(set(names))
    for policy in all_policies():
        assert policy.name.startswith("cognito-")
        assert policy.name == policy.name.lower()
        assert policy.description.endswith(".")
        assert policy.description.count(". ") == 0
        assert policy.severity is not None
        assert policy.enforcement_level is not None
        assert len(policy.remediation_steps or "") > 40
        assert policy.display_name
        assert any(t.startswith("area:") for t in policy.tags or [])

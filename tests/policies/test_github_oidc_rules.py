"""The GitHub Actions OIDC trust rule, on the trust policies the pipeline identities component writes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cognito_guard import github_oidc
from cognito_guard import resource_types as rt
from components.pipeline_identities import github_subjects, github_trust_policy
from gate.analyzer import UNKNOWN
from tests.policies.harness import run_resource
from tests.policies.reference import ACCOUNT

PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
HOST = "token.actions.githubusercontent.com"
DEPLOY_SUBJECTS = github_subjects("acme/identity", environments=["prod"], branches=["main"])


def _role(conditions: dict[str, Any] | None = None, principal: str = PROVIDER) -> dict[str, Any]:
    """The component's trust policy for the prod deploy role, with its conditions replaced."""
    document = json.loads(github_trust_policy(PROVIDER, DEPLOY_SUBJECTS))
    document["Statement"][0]["Principal"] = {"Federated": principal}
    if conditions is not None:
        document["Statement"][0]["Condition"] = conditions
    return {"name": "ei-prod-deploy", "assumeRolePolicy": json.dumps(document)}


def _judge(props: dict[str, Any], config: dict[str, Any] | None = None) -> list[str]:
    return run_resource(github_oidc.GITHUB_OIDC_TRUST, rt.IAM_ROLE, props, config).messages


def test_the_components_own_trust_policy_passes() -> None:
    assert _judge(_role()) == []


def test_pull_request_subjects_of_a_named_repository_pass() -> None:
    subjects = github_subjects("acme/identity", pull_requests=True)
    props = {"assumeRolePolicy": github_trust_policy(PROVIDER, subjects)}
    assert _judge(props) == []


@pytest.mark.parametrize(
    ("conditions", "phrase"),
    [
        ({"StringEquals": {f"{HOST}:sub": DEPLOY_SUBJECTS}}, "without `StringEquals`"),
        (
            {"StringLike": {f"{HOST}:aud": "sts.*", f"{HOST}:sub": DEPLOY_SUBJECTS}},
            "without `StringEquals`",
        ),
        ({"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"}}, "any GitHub repository"),
        (
            {
                "StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{HOST}:sub": "repo:*"},
            },
            "does not name one repository",
        ),
        (
            {
                "StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{HOST}:sub": "repo:acme/*:ref:refs/heads/main"},
            },
            "does not name one repository",
        ),
        (
            {
                "StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{HOST}:sub": "repo:acme/identity:*"},
            },
            "every branch and pull request",
        ),
    ],
    ids=["no-aud", "aud-wildcard", "no-sub", "any-repo", "any-repo-of-owner", "any-job"],
)
def test_loose_trust_is_reported(conditions: dict[str, Any], phrase: str) -> None:
    messages = _judge(_role(conditions))
    assert any(phrase in message for message in messages), messages


def test_allowed_owners_limit_the_trusted_repositories() -> None:
    assert _judge(_role(), {"allowedOwners": ["acme"]}) == []
    [message] = _judge(_role(), {"allowedOwners": ["contoso"]})
    assert "acme/identity" in message
    assert "not among the allowed owners ['contoso']" in message


def test_roles_not_trusting_github_are_not_judged() -> None:
    other = _role({}, principal=f"arn:aws:iam::{ACCOUNT}:oidc-provider/gitlab.example.com")
    assert _judge(other) == []


def test_unknown_trust_policy_defers_to_up() -> None:
    outcome = run_resource(
        github_oidc.GITHUB_OIDC_TRUST, rt.IAM_ROLE, {"assumeRolePolicy": UNKNOWN}
    )
    assert outcome.passed
    assert outcome.not_applicable is not None

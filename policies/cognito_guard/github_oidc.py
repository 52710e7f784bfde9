"""The trust of IAM roles that GitHub Actions assumes through OIDC (the pipeline identities).

A role that trusts `token.actions.githubusercontent.com` without pinning the token's `aud` to STS
and its `sub` to named repositories can be assumed by a workflow in *any* GitHub repository; a
`sub` with a wildcard after the repository lets every branch and pull request of that repository
deploy. The anchor is Checkov's CKV_AWS_358 ("GitHub Actions OIDC trust policies only allow
actions from a specific known organization"), tightened to the repository and the job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from cognito_guard import resource_types as rt
from cognito_guard.framework import (
    Area,
    Config,
    Controls,
    Resource,
    policy_meta,
    resource_policy,
    string_list,
)
from cognito_guard.iam import Statement, parse_document

GITHUB_OIDC_HOST: Final = "token.actions.githubusercontent.com"
STS_AUDIENCE: Final = "sts.amazonaws.com"
EXACT: Final = ("StringEquals",)
# `repo:OWNER/REPO:<context>`; OWNER and REPO are GitHub names, so a `*` or `?` there is a wildcard.
SUBJECT: Final = re.compile(
    r"repo:(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+):(?P<job>.+)"
)


def github_statements(statements: list[Statement]) -> Iterator[Statement]:
    """Allow statements that let GitHub's OIDC provider assume the role."""
    for statement in statements:
        if statement.allows("sts:AssumeRoleWithWebIdentity") and any(
            f"oidc-provider/{GITHUB_OIDC_HOST}" in principal for principal in statement.federated
        ):
            yield statement


def check_github_trust(role: Resource, config: Config) -> Iterator[str]:
    document = role.props.known("assumeRolePolicy")
    if document is None:
        return
    owners = [owner.lower() for owner in config["allowedOwners"]]
    for statement in github_statements(parse_document(document, ("assumeRolePolicy",))):
        audiences = statement.condition_values(f"{GITHUB_OIDC_HOST}:aud", *EXACT)
        if audiences != [STS_AUDIENCE]:
            yield (
                f"Role {role.name} trusts GitHub Actions without `StringEquals` "
                f"`{GITHUB_OIDC_HOST}:aud` = `{STS_AUDIENCE}` (it has {audiences or 'none'})."
            )
        subjects = statement.condition_values(f"{GITHUB_OIDC_HOST}:sub")
        if not subjects:
            yield (
                f"Role {role.name} trusts GitHub Actions without a `{GITHUB_OIDC_HOST}:sub` "
                "condition: a workflow in any GitHub repository can assume it."
            )
            continue
        yield from _subject_problems(role, subjects, owners)


def _subject_problems(role: Resource, subjects: list[str], owners: list[str]) -> Iterator[str]:
    foreign: set[str] = set()
    for subject in subjects:
        match = SUBJECT.fullmatch(subject)
        if match is None:
            yield (
                f"Role {role.name} accepts GitHub subject {subject!r}, which does not name one "
                "repository (`repo:OWNER/REPO:...`): workflows of other repositories match it."
            )
        elif any(mark in match["job"] for mark in "*?"):
            yield (
                f"Role {role.name} accepts GitHub subject {subject!r}: the wildcard lets every "
                "branch and pull request of the repository assume it. Name the environment or "
                "branch (`:environment:prod`, `:ref:refs/heads/main`)."
            )
        elif owners and match["owner"].lower() not in owners:
            foreign.add(f"{match['owner']}/{match['repo']}")
    if foreign:
        yield (
            f"Role {role.name} trusts repositories {sorted(foreign)}, whose owners are not among "
            f"the allowed owners {owners}."
        )


GITHUB_OIDC_TRUST = resource_policy(
    policy_meta(
        Area.IDENTITY,
        "cognito-pipeline-github-oidc-trust",
        "GitHub OIDC role trust",
        "Roles assumed by GitHub Actions must pin the audience and the exact repository and job.",
        "critical",
        f"In the role's `assumeRolePolicy`, require `StringEquals` `{GITHUB_OIDC_HOST}:aud` = "
        f"`{STS_AUDIENCE}` and `StringEquals` `{GITHUB_OIDC_HOST}:sub` = the exact subjects "
        "(`repo:OWNER/REPO:environment:NAME`, `repo:OWNER/REPO:ref:refs/heads/main`, ...).",
        controls=Controls(others=("checkov:CKV_AWS_358", "github-docs:oidc-aws-trust")),
        config={
            "allowedOwners": string_list(
                [],
                "GitHub organizations or users whose repositories may be trusted; empty allows "
                "any owner as long as the repository is named exactly.",
            )
        },
    ),
    [rt.IAM_ROLE],
    check_github_trust,
)

POLICIES = [GITHUB_OIDC_TRUST]

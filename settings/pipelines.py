"""The opt-in ``pipelines`` section: the IAM identities the GitHub workflows assume through OIDC.

A stack that sets ``enterprise-identity:pipelines`` gets a deploy role (``pulumi up``), a read-only
preview role (pull-request previews and drift checks) and an identity-ops operator role, each
trusted only for tokens GitHub issues to one repository, and for deploys and admin jobs only to
the protected GitHub environment (or branch) named here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

from pydantic import Field

from settings.base import SettingsModel, aws_pattern, duplicates, problem
from settings.errors import ConfigProblem

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
_HOST_PATTERN = re.escape(GITHUB_OIDC_HOST)

Repository = Annotated[
    str,
    aws_pattern(
        r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}",
        "GitHub repository (owner/name)",
        140,
    ),
]
# GitHub environment and branch names as they appear in the token's `sub` claim. Wildcards are
# refused: a trust policy pins exact values.
EnvironmentName = Annotated[
    str, aws_pattern(r"[A-Za-z0-9._-]+", "GitHub environment name (no spaces or wildcards)", 255)
]
BranchName = Annotated[
    str, aws_pattern(r"[A-Za-z0-9._-][A-Za-z0-9._/-]*", "branch name (no wildcards)", 255)
]
OidcProviderArn = Annotated[
    str,
    aws_pattern(
        rf"arn:aws[a-z-]*:iam::\d{{12}}:oidc-provider/{_HOST_PATTERN}",
        "ARN of the account's GitHub OIDC provider",
        2048,
    ),
]
BucketName = Annotated[str, aws_pattern(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "S3 bucket name", 63)]
KmsKeyArn = Annotated[
    str,
    aws_pattern(
        r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[\w/+=,.@-]+", "KMS key ARN", 2048
    ),
]


class DeployTrust(SettingsModel):
    """Where `pulumi up` runs: a protected GitHub environment (preferred) or a protected branch."""

    environment: EnvironmentName | None = None
    branch: BranchName | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if (self.environment is None) == (self.branch is None):
            yield problem(
                (),
                None,
                "must name exactly one of environment (a GitHub environment with required "
                "reviewers) or branch (a protected branch)",
            )


class PreviewTrust(SettingsModel):
    """Who may read: runs on these branches and environments, and (opt-in) pull requests.

    Off by default for pull requests: a pull request runs its branch's own program with the role,
    so anyone who can push a branch could print whatever the role can read. Only a stack whose
    state and secrets are not sensitive (dev) should set ``pullRequests: true``; prod is previewed
    after merge, on main (docs/ci.md, threat model).
    """

    pull_requests: bool = False
    branches: tuple[BranchName, ...] = ("main",)
    environments: tuple[EnvironmentName, ...] = ()

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if not (self.pull_requests or self.branches or self.environments):
            yield problem(
                (), None, "must allow pull requests, at least one branch or one environment"
            )
        for name in sorted(duplicates(self.branches)):
            yield problem("branches", name, "is listed twice")
        for name in sorted(duplicates(self.environments)):
            yield problem("environments", name, "is listed twice")


class OperatorTrust(SettingsModel):
    """The GitHub environments whose jobs may run identity-ops against this stack's pool."""

    environments: Annotated[tuple[EnvironmentName, ...], Field(min_length=1)]

    def cross_checks(self) -> Iterator[ConfigProblem]:
        for name in sorted(duplicates(self.environments)):
            yield problem("environments", name, "is listed twice")


class PlannerTrust(SettingsModel):
    """The GitHub environments whose jobs may *plan* identity-ops changes: read users, write
    nothing. The user-management dry run runs here, so what an unreviewed run can touch is
    read-only; only the apply job, in an operator environment with reviewers, can change users."""

    environments: Annotated[tuple[EnvironmentName, ...], Field(min_length=1)]

    def cross_checks(self) -> Iterator[ConfigProblem]:
        for name in sorted(duplicates(self.environments)):
            yield problem("environments", name, "is listed twice")


class ImportSource(SettingsModel):
    """Where import files for the user-management workflow live: an S3 prefix (with SSE-KMS),
    never the repository, so people's data stays out of git history."""

    bucket: BucketName
    prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9!_.*'()/-]{0,512}$")] = (
        "identity-ops-imports/"
    )
    kms_key_arn: KmsKeyArn | None = None


class StateBackend(SettingsModel):
    """The self-managed Pulumi backend the workflows use: an S3 bucket and its KMS key."""

    bucket: BucketName
    kms_key_arn: KmsKeyArn | None = None


class PipelinesSettings(SettingsModel):
    """``enterprise-identity:pipelines``: GitHub OIDC trust and the pipeline roles."""

    repository: Repository
    oidc_provider_arn: OidcProviderArn | None = None
    deploy: DeployTrust
    preview: PreviewTrust = PreviewTrust()
    operator: OperatorTrust
    planner: PlannerTrust | None = None
    imports: ImportSource | None = None
    state_backend: StateBackend | None = None
    max_session_hours: Annotated[int, Field(ge=1, le=12)] = 1

    def cross_checks(self) -> Iterator[ConfigProblem]:
        deploy_environment = self.deploy.environment
        if deploy_environment is not None and deploy_environment in self.operator.environments:
            yield problem(
                ("operator", "environments"),
                deploy_environment,
                "is the deploy environment; identity-ops jobs need their own environment so "
                "that they can never assume the deploy role",
            )
        planner = self.planner.environments if self.planner else ()
        for name in sorted(set(planner) & {*self.operator.environments, deploy_environment}):
            yield problem(
                ("planner", "environments"),
                name,
                "is also a deploy or operator environment; the planning (dry-run) environment "
                "must be one that can only read",
            )
        if self.imports is not None and self.planner is None:
            yield problem(
                "imports",
                None,
                "needs `planner`: the dry run reads import files with the read-only planner role",
            )

"""The identities the GitHub workflows assume: OIDC trust and least-privilege roles.

* deploy role: ``pulumi up`` from the stack's protected GitHub environment (or branch);
* preview role: read-only, for previews on main (and, opt-in, pull requests) and drift checks;
* operator role: the Cognito actions identity-ops calls, on this stack's user pool only;
* planner role (optional): only the reads of those actions (and the import files' S3 prefix),
  for the user-management dry run that writes the plan reviewers approve.

Each role trusts only tokens from GitHub's OIDC provider whose audience is STS and whose subject
is one of the exact ``repo:OWNER/NAME:...`` values the settings allow. The role names start with
``gha-`` rather than the stack's name prefix, so the deploy role, which manages IAM roles under
that prefix, can never rewrite its own trust or permissions: changes to these roles are applied
by an administrator, not by the pipeline.

The policy documents are built by plain functions from the pool ARN (which gives the partition,
region and account), so tests read them without the Pulumi engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws.iam as iam

from components.base import AwsScope, Statement, child, document, type_token
from settings.pipelines import GITHUB_OIDC_HOST, ImportSource, PipelinesSettings

STS_AUDIENCE = "sts.amazonaws.com"
MANAGED_POLICY_ARN = re.compile(r"arn:aws[a-z-]*:iam::(aws|\d{12}):policy/[\w+=,.@/-]+")

# Every IAM-authorized Cognito user-pool action identity-ops calls (tests/delivery derives the
# same set from identity_ops/ and fails when they drift apart). Token-authorized calls such as
# InitiateAuth, used by `auth smoke`, are not governed by IAM and are not listed.
OPERATOR_COGNITO_ACTIONS: tuple[str, ...] = (
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminConfirmSignUp",
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminDeleteUser",
    "cognito-idp:AdminDeleteUserAttributes",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminListDevices",
    "cognito-idp:AdminListGroupsForUser",
    "cognito-idp:AdminListUserAuthEvents",
    "cognito-idp:AdminRemoveUserFromGroup",
    "cognito-idp:AdminResetUserPassword",
    "cognito-idp:AdminSetUserMFAPreference",
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminUserGlobalSignOut",
    "cognito-idp:DescribeUserPool",
    "cognito-idp:DescribeUserPoolClient",
    "cognito-idp:GetUserPoolMfaConfig",
    "cognito-idp:ListGroups",
    "cognito-idp:ListUsers",
    "cognito-idp:ListUsersInGroup",
)

# What the provider reads to refresh and diff the program's resources, by IAM service prefix.
# User data (ListUsers, AdminGetUser, ...) is deliberately absent: previews never read users.
PREVIEW_READ_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "cognito-idp": (
        "DescribeIdentityProvider",
        "DescribeResourceServer",
        "DescribeRiskConfiguration",
        "DescribeUserPool",
        "DescribeUserPoolClient",
        "DescribeUserPoolDomain",
        "GetGroup",
        "GetLogDeliveryConfiguration",
        "GetUICustomization",
        "GetUserPoolMfaConfig",
        "GetWebACLForResource",
        "ListTagsForResource",
    ),
    "cognito-identity": (
        "DescribeIdentityPool",
        "GetIdentityPoolRoles",
        "GetPrincipalTagAttributeMap",
        "ListTagsForResource",
    ),
    "iam": (
        "GetOpenIDConnectProvider",
        "GetPolicy",
        "GetPolicyVersion",
        "GetRole",
        "GetRolePolicy",
        "ListAttachedRolePolicies",
        "ListRolePolicies",
    ),
    "cloudwatch": ("DescribeAlarms", "GetDashboard", "ListTagsForResource"),
    "logs": ("DescribeLogGroups", "ListTagsForResource", "ListTagsLogGroup"),
    "sns": ("GetSubscriptionAttributes", "GetTopicAttributes", "ListTagsForResource"),
    "kms": ("DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListResourceTags"),
    # The platform functions (components/functions.py): what a refresh reads of a function.
    # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
    "lambda": (
        "GetFunction",
        "GetFunctionCodeSigningConfig",
        "GetPolicy",
        "ListVersionsByFunction",
    ),
    "acm": ("DescribeCertificate", "ListTagsForCertificate"),
    "route53": ("GetChange", "ListResourceRecordSets"),
    "wafv2": ("GetWebACL", "GetWebACLForResource", "ListTagsForResource"),
}

# What `pulumi up` changes beyond reading, by IAM service prefix; IAM itself is scoped separately.
DEPLOY_WRITE_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "cognito-idp": ("*",),
    "cognito-identity": ("*",),
    "cloudwatch": (
        "DeleteAlarms",
        "DeleteDashboards",
        "PutDashboard",
        "PutMetricAlarm",
        "TagResource",
        "UntagResource",
    ),
    "logs": (
        "CreateLogGroup",
        "DeleteLogGroup",
        "PutRetentionPolicy",
        "TagResource",
        "UntagResource",
        "CreateLogDelivery",
        "DeleteLogDelivery",
        "GetLogDelivery",
        "UpdateLogDelivery",
        "ListLogDeliveries",
        "PutResourcePolicy",
        "DescribeResourcePolicies",
    ),
    "sns": (
        "CreateTopic",
        "DeleteTopic",
        "SetSubscriptionAttributes",
        "SetTopicAttributes",
        "Subscribe",
        "TagResource",
        "Unsubscribe",
        "UntagResource",
    ),
    # The alarm topic's customer managed key (components/monitoring.py).
    "kms": (
        "CreateKey",
        "EnableKeyRotation",
        "PutKeyPolicy",
        "ScheduleKeyDeletion",
        "TagResource",
        "UntagResource",
        "UpdateKeyDescription",
    ),
    # The platform functions and their invoke permissions (components/functions.py).
    # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
    "lambda": (
        "AddPermission",
        "CreateFunction",
        "DeleteFunction",
        "RemovePermission",
        "TagResource",
        "UntagResource",
        "UpdateFunctionCode",
        "UpdateFunctionConfiguration",
    ),
    "acm": (
        "AddTagsToCertificate",
        "DeleteCertificate",
        "RemoveTagsFromCertificate",
        "RequestCertificate",
    ),
    "route53": ("ChangeResourceRecordSets",),
    "wafv2": (
        "AssociateWebACL",
        "CreateWebACL",
        "DeleteWebACL",
        "DisassociateWebACL",
        "TagResource",
        "UntagResource",
        "UpdateWebACL",
    ),
}

IAM_ROLE_ACTIONS: tuple[str, ...] = (
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePolicy",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListRolePolicies",
    "iam:PutRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
)
# Cognito passes the SMS role to cognito-idp and the identity-pool roles to cognito-identity;
# creating a platform function passes its execution role to Lambda
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html).
PASS_ROLE_SERVICES: tuple[str, ...] = (
    "cognito-identity.amazonaws.com",
    "cognito-idp.amazonaws.com",
    "lambda.amazonaws.com",
)


def github_subjects(
    repository: str,
    environments: Sequence[str] = (),
    branches: Sequence[str] = (),
    *,
    pull_requests: bool = False,
) -> list[str]:
    """The exact ``sub`` claims GitHub puts in tokens for these jobs of ``repository``."""
    subjects = [f"repo:{repository}:environment:{name}" for name in environments]
    subjects += [f"repo:{repository}:ref:refs/heads/{name}" for name in branches]
    if pull_requests:
        subjects.append(f"repo:{repository}:pull_request")
    return subjects


def github_trust_policy(provider_arn: str, subjects: Sequence[str]) -> str:
    """Only GitHub tokens for STS whose subject is one of ``subjects`` may assume the role."""
    return document(
        [
            {
                "Sid": "GitHubActionsOidc",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{GITHUB_OIDC_HOST}:aud": STS_AUDIENCE,
                        f"{GITHUB_OIDC_HOST}:sub": sorted(subjects),
                    }
                },
            }
        ]
    )


READ_ONLY_VERBS: tuple[str, ...] = ("Describe", "Get", "List", "AdminGet", "AdminList")

PLANNER_COGNITO_ACTIONS: tuple[str, ...] = tuple(
    action
    for action in OPERATOR_COGNITO_ACTIONS
    if action.split(":")[1].startswith(READ_ONLY_VERBS)
)
"""What identity-ops needs to *plan*: every read it makes, none of its writes."""


def planner_policy(pool_arn: str, imports: ImportSource | None, partition: str) -> str:
    """Read users of this pool (to write a plan) and, where set, the import files' S3 prefix."""
    statements: list[Statement] = [
        {
            "Sid": "ReadUsersOfThisPool",
            "Effect": "Allow",
            "Action": list(PLANNER_COGNITO_ACTIONS),
            "Resource": pool_arn,
        }
    ]
    if imports is not None:
        statements.append(
            {
                "Sid": "ReadImportFiles",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:{partition}:s3:::{imports.bucket}/{imports.prefix}*",
            }
        )
        if imports.kms_key_arn is not None:
            statements.append(
                {
                    "Sid": "DecryptImportFiles",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": imports.kms_key_arn,
                }
            )
    return document(statements)


def operator_policy(pool_arn: str) -> str:
    """Exactly the Cognito actions identity-ops calls, on this pool and nothing else."""
    return document(
        [
            {
                "Sid": "IdentityOpsOnThisPool",
                "Effect": "Allow",
                "Action": list(OPERATOR_COGNITO_ACTIONS),
                "Resource": pool_arn,
            }
        ]
    )


def state_objects(
    bucket_arn: str, project: str, stack: str, *, write: bool
) -> tuple[list[str], list[str]]:
    """The state-bucket objects of one stack: (readable, writable) ARNs.

    Pulumi's DIY backend keeps each stack apart under ``.pulumi/``: the checkpoint at
    ``stacks/<project>/<stack>.json`` (``.json.gz`` when compressed, ``.json.bak`` the previous
    one), its lock files under ``locks/<project>/<stack>/``, and, written by updates, its history
    and backups under ``history/`` and ``backups/`` (plus the backend's ``meta.yaml``)
    (https://www.pulumi.com/docs/iac/operations/stack-management/using-a-diy-backend/). Scoping a
    role to its own stack keeps another stack's state, and the secrets in it, out of its reach
    even when both stacks share a bucket.
    """
    root = f"{bucket_arn}/.pulumi"
    checkpoint = f"{root}/stacks/{project}/{stack}.json*"
    locks = f"{root}/locks/{project}/{stack}/*"
    readable = [f"{root}/meta.yaml", checkpoint, locks]
    if not write:  # previews and refresh previews take the stack lock and nothing else
        return readable, [locks]
    history = [f"{root}/history/{project}/{stack}/*", f"{root}/backups/{project}/{stack}/*"]
    return readable + history, [checkpoint, locks, *history]


def state_backend_statements(
    settings: PipelinesSettings, scope: AwsScope, stack: StackName, *, write: bool
) -> list[Statement]:
    """Access to this stack's state in the Pulumi state bucket (and the KMS key): read for
    previews, write for deploys."""
    backend = settings.state_backend
    if backend is None:
        return []
    bucket = f"arn:{scope.partition}:s3:::{backend.bucket}"
    readable, writable = state_objects(bucket, stack.project, stack.stack, write=write)
    statements: list[Statement] = [
        {"Sid": "StateList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket},
        {"Sid": "StateRead", "Effect": "Allow", "Action": "s3:GetObject", "Resource": readable},
        {
            "Sid": "StateWrite",
            "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:PutObject"],
            "Resource": writable,
        },
    ]
    if backend.kms_key_arn is not None:
        actions = (
            ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] if write else ["kms:Decrypt"]
        )
        statements.append(
            {
                "Sid": "StateSecrets",
                "Effect": "Allow",
                "Action": actions,
                "Resource": backend.kms_key_arn,
            }
        )
    return statements


def _service_statements(actions: Mapping[str, tuple[str, ...]], sid: str) -> list[Statement]:
    """Service-wide statements: Cognito and its companions have no useful resource-level scoping
    for create and describe calls; IAM, the real escalation path, is scoped separately."""
    return [
        {
            "Sid": f"{sid}{service.title().replace('-', '')}",
            "Effect": "Allow",
            "Action": [f"{service}:{action}" for action in names],
            "Resource": "*",
        }
        for service, names in actions.items()
    ]


def preview_policy(settings: PipelinesSettings, scope: AwsScope, stack: StackName) -> str:
    """Read-only: what a refresh preview reads, in this account, plus this stack's state."""
    return document(
        _service_statements(PREVIEW_READ_ACTIONS, "Read")
        + state_backend_statements(settings, scope, stack, write=False)
    )


def deploy_policy(
    settings: PipelinesSettings,
    scope: AwsScope,
    *,
    name_prefix: str,
    managed_policy_arns: Sequence[str],
    stack: StackName,
) -> str:
    """What `pulumi up` needs for this program's resources, and IAM only under the stack's prefix."""
    roles = scope.arn("iam", f"role/{name_prefix}-*", regional=False)
    statements = _service_statements(PREVIEW_READ_ACTIONS, "Read")
    statements += _service_statements(DEPLOY_WRITE_ACTIONS, "Manage")
    statements += [
        {
            "Sid": "StackRoles",
            "Effect": "Allow",
            "Action": list(IAM_ROLE_ACTIONS),
            "Resource": roles,
        },
        {
            "Sid": "PassStackRolesToTheirServices",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": roles,
            "Condition": {"StringEquals": {"iam:PassedToService": list(PASS_ROLE_SERVICES)}},
        },
    ]
    if managed_policy_arns:
        statements.append(
            {
                "Sid": "AttachOnlyConfiguredPolicies",
                "Effect": "Allow",
                "Action": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                "Resource": roles,
                "Condition": {"ArnEquals": {"iam:PolicyARN": sorted(set(managed_policy_arns))}},
            }
        )
    return document(statements + state_backend_statements(settings, scope, stack, write=True))


def policy_arns_in(value: object) -> tuple[str, ...]:
    """Every managed-policy ARN named anywhere in the stack settings (a plain ``model_dump()``)."""
    if isinstance(value, str):
        return (value,) if MANAGED_POLICY_ARN.fullmatch(value) else ()
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return tuple(sorted({arn for item in value for arn in policy_arns_in(item)}))
    return ()


@dataclass(frozen=True)
class StackName:
    """The Pulumi project and stack whose state a pipeline role may touch."""

    project: str
    stack: str


@dataclass(frozen=True)
class PipelineIdentitiesArgs:
    """Inputs of the pipeline identities."""

    settings: PipelinesSettings
    """The stack's ``pipelines`` section."""
    name_prefix: str
    """The stack's resource name prefix: the deploy role manages IAM roles under it only."""
    pool_arn: pulumi.Input[str]
    """ARN of the stack's user pool: the operator role's only resource."""
    managed_policy_arns: Sequence[str]
    """Managed policies the program attaches to its roles: the only ones the deploy role may attach."""
    tags: Mapping[str, str]
    stack: StackName
    """The stack these roles serve: their only state in the state bucket."""


class PipelineIdentities(pulumi.ComponentResource):
    """GitHub OIDC trust (a new provider or the account's existing one) and the pipeline roles."""

    oidc_provider_arn: pulumi.Output[str]
    """The GitHub OIDC provider the roles trust."""
    deploy_role_arn: pulumi.Output[str]
    """Role for `pulumi up` (deploy workflow)."""
    preview_role_arn: pulumi.Output[str]
    """Read-only role for pull-request previews and drift checks."""
    operator_role_arn: pulumi.Output[str]
    """Role for identity-ops jobs that change users (the reviewed apply job), on this pool only."""
    planner_role_arn: pulumi.Output[str] | None
    """Read-only role for identity-ops plans (the user-management dry run), when configured."""

    def __init__(
        self, name: str, args: PipelineIdentitiesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("PipelineIdentities"), name, None, opts)
        settings = args.settings
        if settings.oidc_provider_arn is not None:
            self.oidc_provider_arn = pulumi.Output.from_input(settings.oidc_provider_arn)
        else:
            provider = iam.OpenIdConnectProvider(
                f"{name}-github-oidc",
                url=f"https://{GITHUB_OIDC_HOST}",
                client_id_lists=[STS_AUDIENCE],
                tags=dict(args.tags),
                opts=child(self),
            )
            self.oidc_provider_arn = provider.arn
        scope = pulumi.Output.from_input(args.pool_arn).apply(AwsScope.of_pool)
        repository = settings.repository
        deploy = settings.deploy
        self.deploy_role_arn = self._role(
            name,
            "deploy",
            github_subjects(
                repository,
                [deploy.environment] if deploy.environment else [],
                [deploy.branch] if deploy.branch else [],
            ),
            scope.apply(
                lambda s: deploy_policy(
                    settings,
                    s,
                    name_prefix=args.name_prefix,
                    managed_policy_arns=args.managed_policy_arns,
                    stack=args.stack,
                )
            ),
            "pulumi up from the deploy workflow",
            args,
        )
        self.preview_role_arn = self._role(
            name,
            "preview",
            github_subjects(
                repository,
                settings.preview.environments,
                settings.preview.branches,
                pull_requests=settings.preview.pull_requests,
            ),
            scope.apply(lambda s: preview_policy(settings, s, args.stack)),
            "read-only: pull-request previews and drift checks",
            args,
        )
        self.operator_role_arn = self._role(
            name,
            "operator",
            github_subjects(repository, settings.operator.environments),
            pulumi.Output.from_input(args.pool_arn).apply(operator_policy),
            "identity-ops jobs of the user-management workflow, on this pool only",
            args,
        )
        self.planner_role_arn: pulumi.Output[str] | None = None
        if settings.planner is not None:
            imports = settings.imports
            self.planner_role_arn = self._role(
                name,
                "planner",
                github_subjects(repository, settings.planner.environments),
                pulumi.Output.from_input(args.pool_arn).apply(
                    lambda arn: planner_policy(arn, imports, AwsScope.of_pool(arn).partition)
                ),
                "read-only: identity-ops plans (user-management dry runs), on this pool only",
                args,
            )
        self.register_outputs(
            {
                "oidcProviderArn": self.oidc_provider_arn,
                "deployRoleArn": self.deploy_role_arn,
                "previewRoleArn": self.preview_role_arn,
                "operatorRoleArn": self.operator_role_arn,
                "plannerRoleArn": self.planner_role_arn,
            }
        )

    def _role(
        self,
        name: str,
        purpose: str,
        subjects: Sequence[str],
        policy: pulumi.Output[str],
        description: str,
        args: PipelineIdentitiesArgs,
    ) -> pulumi.Output[str]:
        role = iam.Role(
            f"{name}-{purpose}",
            name=f"gha-{args.name_prefix}-{purpose}",
            assume_role_policy=self.oidc_provider_arn.apply(
                lambda arn: github_trust_policy(arn, subjects)
            ),
            description=f"GitHub Actions ({args.settings.repository}): {description}",
            max_session_duration=args.settings.max_session_hours * 3600,
            tags=dict(args.tags),
            opts=child(self),
        )
        iam.RolePolicy(
            f"{name}-{purpose}-policy",
            role=role.name,
            policy=policy,
            opts=child(self),
        )
        arn: pulumi.Output[str] = role.arn
        return arn

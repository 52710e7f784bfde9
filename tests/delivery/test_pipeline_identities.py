"""The pipeline identities, as the real program registers them under the Pulumi mock runtime.

The dev stack is run with a `pipelines` section added; the assertions are what a security
reviewer checks on CI roles: who can assume them (exact GitHub subjects, STS audience) and what
they can do (the operator role: exactly identity-ops' Cognito calls, on this pool only).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name

from cognito_guard.github_oidc import GITHUB_OIDC_TRUST
from cognito_guard.resource_types import IAM_ROLE
from components import exports
from components.pipeline_identities import OPERATOR_COGNITO_ACTIONS, PLANNER_COGNITO_ACTIONS
from settings.errors import StackConfigError
from tests.delivery.aws_services import aws_resource_types, service_of
from tests.infra.harness import (
    ACCOUNT,
    REGION,
    ProgramRun,
    Registered,
    run_program,
    stack_document,
    to_raw,
)
from tests.policies.harness import run_resource
from tests.repo import ROOT

REPOSITORY = "acme/enterprise-identity"
PIPELINES: dict[str, Any] = {
    "repository": REPOSITORY,
    "deploy": {"environment": "dev"},
    "preview": {"pullRequests": True, "branches": ["main"]},
    "operator": {"environments": ["dev-identity-ops"]},
    "planner": {"environments": ["dev-identity-ops-dry-run"]},
    "imports": {
        "bucket": "acme-identity-imports",
        "kmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/5678abcd-12ab-34cd-56ef-1234567890ab",
    },
    "stateBackend": {
        "bucket": "acme-pulumi-state",
        "kmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    },
}
POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_TestPool1"
GITHUB = "token.actions.githubusercontent.com"

# Cognito user-pool operations authorized by tokens, not IAM: a role needs no permission for them.
TOKEN_AUTHORIZED = frozenset(
    {
        "AssociateSoftwareToken",
        "ChangePassword",
        "ConfirmForgotPassword",
        "ConfirmSignUp",
        "ForgotPassword",
        "GetUser",
        "GlobalSignOut",
        "InitiateAuth",
        "RespondToAuthChallenge",
        "RevokeToken",
        "SetUserMFAPreference",
        "SignUp",
        "VerifySoftwareToken",
    }
)


def run_with_pipelines(section: dict[str, Any] | None) -> ProgramRun:
    raw, secret_keys = to_raw(stack_document("dev"))
    if section is not None:
        raw["enterprise-identity:pipelines"] = json.dumps(section)
    return run_program("dev", raw, secret_keys)


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_with_pipelines(PIPELINES)


def role(run: ProgramRun, purpose: str) -> Registered:
    return run.named(f"ei-dev-{purpose}")


def trust(run: ProgramRun, purpose: str) -> dict[str, Any]:
    (statement,) = json.loads(role(run, purpose).inputs["assumeRolePolicy"])["Statement"]
    assert isinstance(statement, dict)
    return statement


def permissions(run: ProgramRun, purpose: str) -> list[dict[str, Any]]:
    policy = run.named(f"ei-dev-{purpose}-policy")
    owner = role(run, purpose)
    # The mock runtime answers a role's `name` with its logical name; AWS answers the given name.
    assert policy.inputs["role"] in {owner.inputs["name"], owner.name}
    statements: list[dict[str, Any]] = json.loads(policy.inputs["policy"])["Statement"]
    return statements


def actions(statement: dict[str, Any]) -> list[str]:
    value = statement["Action"]
    return [value] if isinstance(value, str) else list(value)


def test_stacks_without_the_section_get_no_pipeline_identities() -> None:
    plain = run_with_pipelines(None)
    assert not [r for r in plain.resources if "PipelineIdentities" in r.type]
    assert plain.outputs[exports.PIPELINE_ROLE_ARNS] is None


def test_four_roles_and_the_github_provider_under_one_component(run: ProgramRun) -> None:
    component = run.one("enterprise-identity:cognito:PipelineIdentities")
    children = [r for r in run.resources if r.parent.endswith(component.type)]
    assert sorted(r.type.rsplit(":", 1)[1] for r in children) == [
        "OpenIdConnectProvider", "Role", "Role", "Role", "Role",
        "RolePolicy", "RolePolicy", "RolePolicy", "RolePolicy",
    ]  # fmt: skip
    provider = run.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"] == f"https://{GITHUB}"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert set(run.outputs[exports.PIPELINE_ROLE_ARNS]) == {
        "deploy",
        "preview",
        "operator",
        "planner",
    }


@pytest.mark.parametrize("purpose", ["deploy", "preview", "operator", "planner"])
def test_the_packs_github_oidc_rule_passes_each_role(run: ProgramRun, purpose: str) -> None:
    """The roles as `pulumi up` sends them (the provider ARN known) satisfy
    `cognito-pipeline-github-oidc-trust`, also when only the repository's owner is allowed."""
    inputs = role(run, purpose).inputs
    owner = REPOSITORY.split("/")[0]
    outcome = run_resource(GITHUB_OIDC_TRUST, IAM_ROLE, inputs, {"allowedOwners": [owner]})
    assert outcome.messages == []
    assert outcome.not_applicable is None


@pytest.mark.parametrize(
    ("purpose", "subjects"),
    [
        ("deploy", [f"repo:{REPOSITORY}:environment:dev"]),
        ("preview", [f"repo:{REPOSITORY}:pull_request", f"repo:{REPOSITORY}:ref:refs/heads/main"]),
        ("operator", [f"repo:{REPOSITORY}:environment:dev-identity-ops"]),
        ("planner", [f"repo:{REPOSITORY}:environment:dev-identity-ops-dry-run"]),
    ],
)
def test_each_role_trusts_only_github_tokens_for_sts_with_exact_subjects(
    run: ProgramRun, purpose: str, subjects: list[str]
) -> None:
    statement = trust(run, purpose)
    provider_arn = run.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {
        "Federated": f"arn:aws:iam:{REGION}:{ACCOUNT}:{provider_arn.name}"
    }
    assert statement["Condition"] == {
        "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": sorted(subjects)}
    }


def test_the_deploy_role_can_never_rewrite_the_pipeline_roles(run: ProgramRun) -> None:
    names = {
        purpose: role(run, purpose).inputs["name"]
        for purpose in ("deploy", "preview", "operator", "planner")
    }
    assert names == {p: f"gha-ei-dev-{p}" for p in names}
    (managed,) = [s for s in permissions(run, "deploy") if s["Sid"] == "StackRoles"]
    assert managed["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/ei-dev-*"
    assert not any(name.startswith("ei-dev-") for name in names.values())
    # ...while every other role the program creates is under the prefix it manages.
    program_roles = [r for r in run.of_type("aws:iam/role:Role") if "Pipeline" not in r.parent]
    assert program_roles
    assert all(r.name.startswith("ei-dev-") and "name" not in r.inputs for r in program_roles)


def test_the_deploy_role_passes_roles_only_to_cognito_and_lambda_and_attaches_only_configured_policies(
    run: ProgramRun,
) -> None:
    by_sid = {s["Sid"]: s for s in permissions(run, "deploy")}
    assert by_sid["PassStackRolesToTheirServices"]["Condition"] == {
        "StringEquals": {
            "iam:PassedToService": [
                "cognito-identity.amazonaws.com",
                "cognito-idp.amazonaws.com",
                "lambda.amazonaws.com",
            ]
        }
    }
    attach = by_sid["AttachOnlyConfiguredPolicies"]
    attached = sorted(
        {
            r.inputs["policyArn"]
            for r in run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        }
    )
    assert attach["Condition"] == {"ArnEquals": {"iam:PolicyARN": attached}}
    iam_actions = [
        a for s in permissions(run, "deploy") for a in actions(s) if a.startswith("iam:")
    ]
    assert "iam:*" not in iam_actions
    assert "iam:CreateOpenIDConnectProvider" not in iam_actions


def test_the_deploy_role_can_create_update_and_delete_the_platform_functions(
    run: ProgramRun,
) -> None:
    """dev deploys the tenant chain's functions: `pulumi up` creates, updates and deletes them,
    and a refresh preview reads them."""
    assert run.of_type("aws:lambda/function:Function")
    deploy = {a for s in permissions(run, "deploy") for a in actions(s)}
    preview = {a for s in permissions(run, "preview") for a in actions(s)}
    assert {
        "lambda:CreateFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:DeleteFunction",
        "lambda:GetFunction",
        "lambda:AddPermission",
    } <= deploy
    assert "lambda:GetFunction" in preview


def test_the_deploy_role_covers_every_service_the_program_deploys(run: ProgramRun) -> None:
    granted = {a.split(":")[0] for s in permissions(run, "deploy") for a in actions(s)}
    used = {
        service_of(r.type).iam_prefix
        for r in run.resources
        if r.type in aws_resource_types({r.type})
    }
    assert used - granted == set()


def test_the_preview_role_only_reads_and_never_reads_users(run: ProgramRun) -> None:
    for statement in permissions(run, "preview"):
        if statement["Sid"] == "StateWrite":
            # The stack's own lock is the one thing a preview writes.
            assert statement["Resource"] == [
                "arn:aws:s3:::acme-pulumi-state/.pulumi/locks/enterprise-identity/dev/*"
            ]
            continue
        for action in actions(statement):
            verb = action.split(":")[1]
            assert verb.startswith(("Describe", "Get", "List")) or action == "kms:Decrypt", action
            assert not verb.startswith("Admin"), action
            assert verb not in {"ListUsers", "ListUsersInGroup", "ListDevices"}, action


STATE_BUCKET = "arn:aws:s3:::acme-pulumi-state"


@pytest.mark.parametrize("purpose", ["preview", "deploy"])
def test_state_access_is_this_stacks_objects_only(run: ProgramRun, purpose: str) -> None:
    """A role of dev can read and write dev's state, never another stack's in the same bucket."""
    state = [s for s in permissions(run, purpose) if s["Sid"] in {"StateRead", "StateWrite"}]
    assert state
    for statement in state:
        for resource in statement["Resource"]:
            assert resource.startswith(f"{STATE_BUCKET}/.pulumi/"), resource
            if not resource.endswith("/meta.yaml"):
                assert "/enterprise-identity/dev" in resource, resource
                assert "/prod" not in resource
    read = next(s for s in state if s["Sid"] == "StateRead")["Resource"]
    assert f"{STATE_BUCKET}/.pulumi/stacks/enterprise-identity/dev.json*" in read
    assert f"{STATE_BUCKET}/*" not in read


def test_pull_requests_cannot_assume_the_preview_role_unless_the_stack_opts_in() -> None:
    """Secure by default: PR code runs with the role, so only an explicit opt-in trusts it."""
    section = {**PIPELINES, "preview": {"branches": ["main"]}}
    subjects = trust(run_with_pipelines(section), "preview")["Condition"]["StringEquals"][
        f"{GITHUB}:sub"
    ]
    assert subjects == [f"repo:{REPOSITORY}:ref:refs/heads/main"]


# identity_ops/paging.py's helpers take the operation by its API name (`items(client,
# "ListUsers", ...)`): botocore's paginator sends it.
PAGING_HELPERS = frozenset({"pages", "items", "largest_page"})


def identity_ops_cognito_actions() -> set[str]:
    """IAM actions for every Cognito user-pool operation identity_ops/ calls: a client method
    (`cognito.admin_get_user`) or an operation handed to a paging helper."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    operations = {xform_name(name): name for name in model.operation_names}
    used: set[str] = set()
    for path in (ROOT / "identity_ops").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            word = node.attr if isinstance(node, ast.Attribute) else getattr(node, "value", None)
            if isinstance(word, str) and word in operations:
                used.add(operations[word])
            if _paged_operation(node) in model.operation_names:
                used.add(str(_paged_operation(node)))
    return {f"cognito-idp:{name}" for name in used - TOKEN_AUTHORIZED}


def _paged_operation(node: ast.AST) -> str | None:
    """`"ListUsers"` in `items(cognito, "ListUsers", "Users", ...)`."""
    if not isinstance(node, ast.Call) or len(node.args) < 2:
        return None
    name = node.func.id if isinstance(node.func, ast.Name) else None
    operation = node.args[1]
    if name in PAGING_HELPERS and isinstance(operation, ast.Constant):
        return str(operation.value)
    return None


def test_the_operator_role_allows_exactly_identity_ops_calls_on_this_pool_only(
    run: ProgramRun,
) -> None:
    (statement,) = permissions(run, "operator")
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == POOL_ARN
    assert sorted(actions(statement)) == sorted(OPERATOR_COGNITO_ACTIONS)
    assert set(OPERATOR_COGNITO_ACTIONS) == identity_ops_cognito_actions()


def test_the_planner_role_reads_users_and_import_files_and_changes_nothing(
    run: ProgramRun,
) -> None:
    """The unreviewed dry run holds this role: only identity-ops' reads, on this pool only."""
    statements = {s["Sid"]: s for s in permissions(run, "planner")}
    users = statements["ReadUsersOfThisPool"]
    assert users["Resource"] == POOL_ARN
    assert sorted(actions(users)) == sorted(PLANNER_COGNITO_ACTIONS)
    assert set(PLANNER_COGNITO_ACTIONS) < set(OPERATOR_COGNITO_ACTIONS)
    for action in PLANNER_COGNITO_ACTIONS:
        assert action.split(":")[1].startswith(("Describe", "Get", "List", "AdminGet", "AdminList"))
    writes = set(OPERATOR_COGNITO_ACTIONS) - set(PLANNER_COGNITO_ACTIONS)
    assert {"cognito-idp:AdminCreateUser", "cognito-idp:AdminDeleteUser"} <= writes
    imports = statements["ReadImportFiles"]
    assert imports["Action"] == "s3:GetObject"
    assert imports["Resource"] == "arn:aws:s3:::acme-identity-imports/identity-ops-imports/*"
    assert statements["DecryptImportFiles"]["Action"] == "kms:Decrypt"


def test_an_existing_github_provider_is_used_instead_of_creating_one() -> None:
    existing = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
    reused = run_with_pipelines({**PIPELINES, "oidcProviderArn": existing})
    assert reused.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider") == []
    assert trust(reused, "deploy")["Principal"] == {"Federated": existing}


@cache
def config_error(section: str) -> str:
    with pytest.raises(StackConfigError) as error:
        run_with_pipelines(json.loads(section))
    return str(error.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"deploy": {"environment": "dev", "branch": "main"}},
            "enterprise-identity:pipelines.deploy: must name exactly one of environment",
        ),
        (
            {"operator": {"environments": ["dev"]}},
            'enterprise-identity:pipelines.operator.environments: "dev" is the deploy environment',
        ),
        (
            {"planner": {"environments": ["dev-identity-ops"]}},
            'enterprise-identity:pipelines.planner.environments: "dev-identity-ops" is also a deploy or operator environment',
        ),
        (
            {"planner": None},
            "enterprise-identity:pipelines.imports: needs `planner`",
        ),
        ({"repository": "acme/*"}, "enterprise-identity:pipelines.repository"),
        ({"deploy": {"branch": "release/*"}}, "enterprise-identity:pipelines.deploy.branch"),
        (
            {"preview": {"branches": [], "pullRequests": False}},
            "enterprise-identity:pipelines.preview: must allow pull requests, at least one branch",
        ),
    ],
)
def test_unsafe_pipeline_settings_stop_with_the_key_that_is_wrong(
    change: dict[str, Any], expected: str
) -> None:
    message = config_error(json.dumps({**PIPELINES, **change}, sort_keys=True))
    assert "Pulumi.dev.yaml" in message
    assert expected in message


def iter_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_strings(item)


def test_no_trust_policy_uses_a_wildcard_subject(run: ProgramRun) -> None:
    for purpose in ("deploy", "preview", "operator", "planner"):
        condition = trust(run, purpose)["Condition"]
        assert "StringLike" not in condition
        assert not any("*" in s for s in iter_strings(condition)), purpose


def test_ci_docs_document_the_section_the_settings_accept() -> None:
    readme = Path(ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for key in (
        "enterprise-identity:pipelines:",
        "oidcProviderArn",
        "stateBackend",
        "maxSessionHours",
    ):
        assert key in readme

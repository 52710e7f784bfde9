"""The CI threat model, enforced: which job can assume which role, checked against real trust.

Each workflow job that assumes an AWS role is derived from the workflow files: its trigger, its
GitHub environment, the role it asks for, and hence the `sub` claim GitHub puts in its OIDC token.
The roles are the ones the real program creates (`enterprise-identity:pipelines`) for dev and
prod, under the SDK's mock runtime. The tests then check what a security reviewer asks:

- every job can assume the role it asks for (its subject is in that role's trust policy);
- no job that a pull request can trigger gets a role that reads prod state, prod secrets or any
  stack's users, and no pull-request subject is trusted by a prod role at all;
- the docs' threat-model table lists every such job.

GitHub's subject format: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from tests.delivery.repo import Job, jobs, steps_using, workflow, workflow_files
from tests.infra.harness import ProgramRun, run_program, stack_document, to_raw
from tests.repo import ROOT

REPOSITORY = "acme/enterprise-identity"
ASSUME_ROLE = "aws-actions/configure-aws-credentials"
GITHUB_SUB = "token.actions.githubusercontent.com:sub"

# The pipelines section a team sets per stack (docs/ci.md). Only dev lets pull requests preview.
PIPELINES: dict[str, dict[str, Any]] = {
    "dev": {
        "repository": REPOSITORY,
        "deploy": {"environment": "dev"},
        "preview": {"pullRequests": True, "branches": ["main"]},
        "operator": {"environments": ["dev-identity-ops"]},
        "planner": {"environments": ["dev-identity-ops-dry-run"]},
        "stateBackend": {"bucket": "acme-pulumi-state"},
    },
    "prod": {
        "repository": REPOSITORY,
        "deploy": {"environment": "prod"},
        "operator": {"environments": ["prod-identity-ops"]},
        "planner": {"environments": ["prod-identity-ops-dry-run"]},
        "imports": {"bucket": "acme-identity-imports"},
        "stateBackend": {"bucket": "acme-pulumi-state"},
    },
}

# Role variables as the workflows name them -> (stack, role purpose). Environment-scoped
# variables (AWS_DEPLOY_ROLE_ARN, AWS_OPERATOR_ROLE_ARN) hold the role of that environment's stack.
REPOSITORY_ROLE_VARIABLES = {
    "AWS_PREVIEW_ROLE_ARN_DEV": ("dev", "preview"),
    "AWS_PREVIEW_ROLE_ARN_PROD": ("prod", "preview"),
}
ENVIRONMENT_ROLE_VARIABLES = {
    "AWS_DEPLOY_ROLE_ARN": "deploy",
    "AWS_OPERATOR_ROLE_ARN": "operator",
    "AWS_PLANNER_ROLE_ARN": "planner",
}


@dataclass(frozen=True)
class RoleUse:
    """One job assuming one stack's role: what GitHub knows about the run, and what it asks for."""

    workflow: str
    job: str
    triggers: frozenset[str]
    environment: str | None
    stack: str
    purpose: str

    def subjects(self) -> set[str]:
        """The `sub` claims GitHub may issue to this job, one per way it can be triggered."""
        if self.environment is not None:
            return {f"repo:{REPOSITORY}:environment:{self.environment}"}
        found = set()
        for trigger in self.triggers:
            if trigger == "pull_request":
                found.add(f"repo:{REPOSITORY}:pull_request")
            else:  # push to main, schedule (default branch), dispatch from main
                found.add(f"repo:{REPOSITORY}:ref:refs/heads/main")
        return found


def _variable(expression: str) -> str:
    match = re.fullmatch(r"\$\{\{\s*vars\.([A-Z0-9_]+)\s*\}\}", expression.strip())
    assert match, f"a role must come from a repository or environment variable: {expression}"
    return match.group(1)


def _role_expressions(job: Job) -> list[str]:
    return [str(s["with"]["role-to-assume"]) for s in steps_using(job, ASSUME_ROLE)]


def _uses_for(
    workflow_name: str,
    job_name: str,
    job: Job,
    triggers: frozenset[str],
    bindings: dict[str, str],
) -> list[RoleUse]:
    """Every (stack, role) the job can assume; `bindings` resolves `inputs.*` and the stack."""
    uses = []
    for expression in _role_expressions(job):
        for stack, role_expression, environment in _expand(job, expression, bindings):
            variable = _variable(role_expression)
            if variable in REPOSITORY_ROLE_VARIABLES:
                role_stack, purpose = REPOSITORY_ROLE_VARIABLES[variable]
                assert role_stack == stack, f"{workflow_name}/{job_name}: {variable} for {stack}"
            else:
                purpose = ENVIRONMENT_ROLE_VARIABLES[variable]
                assert environment is not None, f"{variable} only exists in an environment"
            uses.append(RoleUse(workflow_name, job_name, triggers, environment, stack, purpose))
    return uses


def _expand(
    job: Job, expression: str, bindings: dict[str, str]
) -> list[tuple[str, str, str | None]]:
    """(stack, role expression, environment) for each matrix entry or input binding."""
    environment = (job.get("environment") or {}).get("name")
    if "matrix." in expression:
        rows = job["strategy"]["matrix"]["include"]
        return [(str(row["stack"]), str(row["role-arn"]), environment) for row in rows]
    if "inputs.preview-role-arn" in expression:
        return [(bindings["stack"], bindings["preview-role-arn"], None)]
    stacks = [bindings["stack"]] if "stack" in bindings else sorted(PIPELINES)
    found = []
    for stack in stacks:
        env = environment
        if env is not None:
            env = env.replace("${{ inputs.environment }}", bindings.get("environment", stack))
            env = env.replace("${{ inputs.stack || 'prod' }}", stack)
            env = env.replace("${{ inputs.stack }}", stack)
        found.append((stack, expression, env))
    return found


def _triggers(name: str) -> frozenset[str]:
    on = workflow(name)["on"]
    return frozenset(on if isinstance(on, dict) else [on])


@cache
def role_uses() -> tuple[RoleUse, ...]:
    """Every role assumption in every workflow, reusable workflows resolved through callers."""
    uses: list[RoleUse] = []
    for path in workflow_files():
        name = path.name
        triggers = _triggers(name)
        if "workflow_call" in triggers:
            continue  # resolved where it is called
        for job_name, job in jobs(workflow(name)).items():
            called = job.get("uses", "")
            if called.startswith(("./.github/workflows/", "$/.github/workflows/")):
                callee = called.rsplit("/", 1)[1]
                bindings = {k: str(v) for k, v in job["with"].items()}
                for inner_name, inner in jobs(workflow(callee)).items():
                    uses += _uses_for(callee, inner_name, inner, triggers, bindings)
            else:
                uses += _uses_for(name, job_name, job, triggers, {})
    return tuple(uses)


@cache
def program_run(stack: str) -> ProgramRun:
    raw, secret_keys = to_raw(stack_document(stack))
    raw["enterprise-identity:pipelines"] = json.dumps(PIPELINES[stack])
    return run_program(stack, raw, secret_keys)


def _role_inputs(stack: str, purpose: str) -> dict[str, Any]:
    roles = [
        r
        for r in program_run(stack).resources
        if r.type == "aws:iam/role:Role"
        and r.name.endswith(f"-{purpose}")
        and "assumeRolePolicy" in r.inputs
        and GITHUB_SUB in r.inputs["assumeRolePolicy"]
    ]
    assert len(roles) == 1, f"{stack} {purpose}: {[r.name for r in roles]}"
    return roles[0].inputs


def trusted_subjects(stack: str, purpose: str) -> set[str]:
    (statement,) = json.loads(_role_inputs(stack, purpose)["assumeRolePolicy"])["Statement"]
    return set(statement["Condition"]["StringEquals"][GITHUB_SUB])


def test_every_role_assuming_job_is_found() -> None:
    found = {(u.workflow, u.job, u.stack, u.purpose) for u in role_uses()}
    assert {
        ("pull-request.yml", "preview", "dev", "preview"),
        ("deploy-stack.yml", "preview", "dev", "preview"),
        ("deploy-stack.yml", "preview", "prod", "preview"),
        ("deploy-stack.yml", "up", "dev", "deploy"),
        ("deploy-stack.yml", "up", "prod", "deploy"),
        ("drift.yml", "check", "prod", "preview"),
        ("user-management.yml", "plan", "prod", "planner"),
        ("user-management.yml", "apply", "prod", "operator"),
    } <= found


@pytest.mark.parametrize("use", role_uses(), ids=lambda u: f"{u.workflow}:{u.job}:{u.stack}")
def test_each_job_can_assume_the_role_it_asks_for(use: RoleUse) -> None:
    missing = use.subjects() - trusted_subjects(use.stack, use.purpose)
    assert not missing, (
        f"{use.workflow}/{use.job} gets tokens the {use.stack} {use.purpose} role refuses"
    )


def test_no_pull_request_job_gets_prod_or_user_data_or_write_access() -> None:
    for use in role_uses():
        if "pull_request" in use.triggers:
            assert use.stack != "prod", use
            assert use.purpose == "preview", use


def test_the_unreviewed_plan_job_can_only_read_users() -> None:
    """The user-management dry run needs no approval, so its role must not change anyone."""
    (plan,) = [u for u in role_uses() if u.workflow == "user-management.yml" and u.job == "plan"][
        :1
    ]
    assert plan.purpose == "planner"
    policy = json.loads(_policy_of(plan.stack, "planner"))
    actions = [
        a
        for s in policy["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    ]
    assert actions
    for action in actions:
        verb = action.split(":")[1]
        assert verb.startswith(("Describe", "Get", "List", "AdminGet", "AdminList")) or action in {
            "kms:Decrypt"
        }, action


def _policy_of(stack: str, purpose: str) -> str:
    (policy,) = [
        r
        for r in program_run(stack).resources
        if r.type == "aws:iam/rolePolicy:RolePolicy" and r.name.endswith(f"-{purpose}-policy")
    ]
    return str(policy.inputs["policy"])


@pytest.mark.parametrize("purpose", ["preview", "deploy", "operator", "planner"])
def test_no_prod_role_trusts_pull_requests(purpose: str) -> None:
    assert f"repo:{REPOSITORY}:pull_request" not in trusted_subjects("prod", purpose)


def test_the_docs_threat_model_lists_every_role_assuming_job() -> None:
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for use in role_uses():
        assert f"`{use.workflow}` {use.job}" in docs, use

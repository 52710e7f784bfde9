"""The GitHub workflows: valid, hardened, and wired to the project as the README says.

The two external checks (GitHub's workflow schema and zizmor's offline audits) run the pinned
tools from the venv; the rest are the properties a reviewer of a pipeline looks for first.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.delivery.repo import (
    SCRIPTS_DIR,
    WORKFLOWS_DIR,
    Job,
    cloud_stacks,
    jobs,
    load_workflow,
    matrix_values,
    stack_files,
    steps,
    steps_using,
    venv_tool,
    workflow,
    workflow_files,
)
from tests.repo import ROOT

WORKFLOW_NAMES = [p.name for p in workflow_files()]
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s+(?P<ref>[^\s#]+)\s*(?P<comment>#.*)?$")
FULL_SHA = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^#\s*v\d+\.\d+\.\d+$")
ASSUME_ROLE = "aws-actions/configure-aws-credentials"
PULUMI_ACTION = "pulumi/actions"
# GitHub's self-repository form for a reusable workflow of this repository (zizmor: self-repository).
REUSABLE_DEPLOY = "$/.github/workflows/deploy-stack.yml"


def test_the_four_workflows_exist() -> None:
    assert {
        "pull-request.yml",
        "deploy.yml",
        "drift.yml",
        "user-management.yml",
    } <= set(WORKFLOW_NAMES)


def test_every_workflow_matches_githubs_workflow_schema() -> None:
    result = subprocess.run(
        [
            str(venv_tool("check-jsonschema")),
            "--builtin-schema",
            "vendor.github-workflows",
            *[str(p) for p in workflow_files()],
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_at_low_or_above() -> None:
    result = subprocess.run(
        [str(venv_tool("zizmor")), "--offline", "--format", "json", str(WORKFLOWS_DIR)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    # zizmor exits 0 when clean and 10 + the highest severity otherwise; anything else is a crash.
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr
    findings = json.loads(result.stdout)
    serious = [
        f"{f['ident']} ({f['determinations']['severity']}): {f['desc']}"
        for f in findings
        if f["determinations"]["severity"] not in ("Informational", "Unknown")
    ]
    assert serious == []


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_nothing_is_granted_by_default(name: str) -> None:
    assert workflow(name)["permissions"] == {}


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_job_states_its_permissions_and_a_timeout(name: str) -> None:
    for job_id, job in jobs(workflow(name)).items():
        assert "permissions" in job, f"{name}: job {job_id} has no permissions"
        if "uses" in job:
            # A job that calls a reusable workflow cannot set a timeout: the called jobs do.
            called = load_workflow(ROOT / job["uses"].removeprefix("$/"))
            assert all("timeout-minutes" in j for j in jobs(called).values())
        else:
            assert 0 < job["timeout-minutes"] <= 360, f"{name}: job {job_id}"


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(name: str) -> None:
    text = (WORKFLOWS_DIR / name).read_text(encoding="utf-8")
    for line in text.splitlines():
        match = PINNED_USES.match(line)
        if not match or match["ref"].startswith(("./", "$/")):
            continue
        assert FULL_SHA.match(match["ref"]), f"{name}: not pinned to a commit: {line.strip()}"
        comment = (match["comment"] or "").strip()
        assert VERSION_COMMENT.match(comment), f"{name}: no `# vX.Y.Z` comment: {line.strip()}"


def test_one_action_is_pinned_to_one_commit_everywhere() -> None:
    seen: dict[str, set[str]] = {}
    for path in workflow_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            match = PINNED_USES.match(line)
            if match and "@" in match["ref"]:
                action, ref = match["ref"].split("@")
                seen.setdefault(action, set()).add(ref)
    assert {a: refs for a, refs in seen.items() if len(refs) > 1} == {}


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_checkouts_never_keep_the_token_on_disk(name: str) -> None:
    for job in jobs(workflow(name)).values():
        for step in steps_using(job, "actions/checkout"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_no_long_lived_aws_keys(name: str) -> None:
    text = (WORKFLOWS_DIR / name).read_text(encoding="utf-8")
    assert "aws-access-key-id" not in text
    assert "AWS_SECRET_ACCESS_KEY" not in text


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_oidc_tokens_only_where_a_role_is_assumed(name: str) -> None:
    for job_id, job in jobs(workflow(name)).items():
        wants_token = job["permissions"].get("id-token") == "write"
        assumes_role = bool(steps_using(job, ASSUME_ROLE)) or job.get("uses") == REUSABLE_DEPLOY
        assert wants_token == assumes_role, f"{name}: job {job_id}"


def test_the_gate_runs_for_every_stack_file_with_an_existing_policy_config() -> None:
    gate = jobs(workflow("pull-request.yml"))["gate"]
    assert sorted(matrix_values(gate, "stack")) == sorted(stack_files())
    for config in matrix_values(gate, "policy-config"):
        assert (ROOT / config).is_file(), f"the gate's policy config {config} does not exist"


def test_the_gate_publishes_sarif_summary_and_comment_whatever_its_verdict() -> None:
    pr = jobs(workflow("pull-request.yml"))
    gate_steps = steps(pr["gate"])
    names = [s.get("name", "") for s in gate_steps]
    fail_step = names.index("Fail when the stack has a mandatory violation or cannot be evaluated")
    (sarif,) = steps_using(pr["gate"], "github/codeql-action/upload-sarif")
    assert sarif["if"].startswith("always()")
    assert gate_steps.index(sarif) < fail_step
    summary = next(s for s in gate_steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"] == "always()"
    assert pr["gate"]["permissions"]["security-events"] == "write"
    comment = pr["comment"]
    assert comment["needs"] == "gate"
    assert "always()" in comment["if"]
    assert comment["permissions"] == {"contents": "read", "pull-requests": "write"}
    (checkout,) = steps_using(comment, "actions/checkout")
    assert checkout["with"] == {"persist-credentials": False, "sparse-checkout": ".github/scripts"}
    script = steps_using(comment, "actions/github-script")[0]["with"]["script"]
    assert "upsertComment(" in script  # what it posts: tests/delivery/test_pr_comment.py


def test_checks_run_the_readme_test_command_without_credentials() -> None:
    checks = jobs(workflow("pull-request.yml"))["checks"]
    assert checks["permissions"] == {"contents": "read"}
    assert any(s.get("run") == "make test" for s in steps(checks))


def pulumi_command_step(job: Job, command: str) -> dict[str, object]:
    (step,) = [s for s in steps_using(job, PULUMI_ACTION) if s["with"].get("command") == command]
    return step


def assert_cli_and_dependencies_installed_before(job: Job, step: dict[str, object]) -> None:
    job_steps = steps(job)
    at = job_steps.index(step)
    install_cli = [s for s in steps_using(job, PULUMI_ACTION) if "command" not in s["with"]]
    assert install_cli
    assert job_steps.index(install_cli[0]) < at
    assert_program_and_pack_installed(job_steps[:at])


def assert_program_and_pack_installed(before: list[dict[str, Any]]) -> None:
    """The program's venv from the lock (make setup, uv on PATH for Pulumi's uv toolchain) and
    the pack's own venv (`pulumi install` in policies/, from its hashed requirements)."""
    program = [s for s in before if s.get("run", "").startswith("make setup")]
    assert program, "the program's venv is never built"
    assert '.venv/bin" >> "$GITHUB_PATH"' in program[0]["run"]
    pack = [
        s.get("working-directory", ".")
        for s in before
        if s.get("run", "").strip() == "pulumi install"
    ]
    assert pack in ([], ["policies"])


def assert_installed_before_credentials(job: Job) -> None:
    """Every install (CLI, program, pack, venv) runs before the job holds any AWS credential."""
    job_steps = steps(job)
    (assume,) = steps_using(job, ASSUME_ROLE)
    at = job_steps.index(assume)
    for step in job_steps[at:]:
        run = step.get("run", "")
        assert "pulumi install" not in run, step.get("name")
        assert "make setup" not in run, step.get("name")
        assert "pip install" not in run, step.get("name")
    assert_program_and_pack_installed(job_steps[:at])


def assert_real_preview_published_whatever_its_result(job: Job, stack: str) -> None:
    """The preview runs the pack with the stack's policy config and publishes pass or failure."""
    job_steps = steps(job)
    (preview,) = [s for s in job_steps if "cloud-preview.sh" in s.get("run", "")]
    assert preview["run"].endswith('"$STACK" "policies/config/$STACK.json" cloud-preview')
    assert preview["env"]["STACK"] == stack
    summary = next(s for s in job_steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"] == "always()"
    fail = job_steps[-1]
    assert "steps.preview.outputs.status" in fail["env"]["STATUS"]
    assert job_steps.index(summary) < job_steps.index(fail)
    script = (SCRIPTS_DIR / "cloud-preview.sh").read_text(encoding="utf-8")
    assert "--policy-pack policies --policy-pack-config" in script


def test_pull_requests_get_a_real_preview_only_of_stacks_whose_role_prs_may_hold() -> None:
    """PR code runs with the role: only dev is previewed for real; prod waits for the merge."""
    preview = jobs(workflow("pull-request.yml"))["preview"]
    assert matrix_values(preview, "stack") == ["dev"]
    assert matrix_values(preview, "role-arn") == ["${{ vars.AWS_PREVIEW_ROLE_ARN_DEV }}"]
    assert "PROD" not in json.dumps(workflow("pull-request.yml"))
    assert_installed_before_credentials(preview)
    assert_real_preview_published_whatever_its_result(preview, "${{ matrix.stack }}")
    assert preview["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "pull-requests": "write",
    }
    (comment,) = steps_using(preview, "actions/github-script")
    assert comment["if"] == "always() && !cancelled()"
    script = comment["with"]["script"]
    assert "cloud-preview:${stack}" in script  # one comment per stack, found by its marker
    assert "upsertComment(" in script  # what it posts: tests/delivery/test_pr_comment.py
    for stack in cloud_stacks():
        assert (ROOT / "policies" / "config" / f"{stack}.json").is_file()


def test_a_failed_preview_still_writes_its_report(tmp_path: Path) -> None:
    """cloud-preview.sh keeps the CLI's error text for the comment and exits 0 itself."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pulumi"
    fake.write_text(
        "#!/usr/bin/env bash\necho 'error: preview failed: AccessDenied on cognito-idp'\nexit 255\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    out = tmp_path / "out"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(tmp_path / "o"),
    }
    env.pop("PULUMI_BACKEND_URL", None)
    result = subprocess.run(
        [str(SCRIPTS_DIR / "cloud-preview.sh"), "dev", "policies/config/dev.json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0
    report = (out / "dev.md").read_text(encoding="utf-8")
    assert "failed (exit 255)" in report
    assert "AccessDenied on cognito-idp" in report
    assert (tmp_path / "o").read_text(encoding="utf-8") == "status=255\n"


def test_deploy_goes_to_dev_then_to_prod_behind_its_environment() -> None:
    deploy = jobs(workflow("deploy.yml"))
    assert workflow("deploy.yml")["on"]["push"]["branches"] == ["main"]
    for stack in ("dev", "prod"):
        assert deploy[stack]["with"]["stack"] == stack
        assert deploy[stack]["with"]["environment"] == stack
    assert deploy["prod"]["needs"] == "dev"
    assert {j["with"]["stack"] for j in deploy.values()} == cloud_stacks()
    assert {j["uses"] for j in deploy.values()} == {REUSABLE_DEPLOY}


def test_each_deployment_previews_then_enforces_the_pack_and_smoke_tests_the_stack() -> None:
    deploy_jobs = jobs(workflow("deploy-stack.yml"))
    assert set(deploy_jobs) == {"preview", "up"}
    preview, up = deploy_jobs["preview"], deploy_jobs["up"]
    # The real preview runs on merged code with the read-only role, outside the environment, so
    # the environment's reviewers read it before they approve `up`.
    assert "environment" not in preview
    assert up["needs"] == "preview"
    assert_installed_before_credentials(preview)
    assert_real_preview_published_whatever_its_result(preview, "${{ inputs.stack }}")
    (assume,) = steps_using(preview, ASSUME_ROLE)
    assert assume["with"]["role-to-assume"] == "${{ inputs.preview-role-arn }}"
    callers = jobs(workflow("deploy.yml"))
    for stack in cloud_stacks():
        role = callers[stack]["with"]["preview-role-arn"]
        assert role == f"${{{{ vars.AWS_PREVIEW_ROLE_ARN_{stack.upper()} }}}}"

    assert up["environment"]["name"] == "${{ inputs.environment }}"
    assert up["concurrency"] == {
        "group": "deploy-${{ inputs.stack }}",
        "cancel-in-progress": False,
    }
    step = pulumi_command_step(up, "up")
    assert_cli_and_dependencies_installed_before(up, step)
    assert_installed_before_credentials(up)
    inputs = step["with"]
    assert isinstance(inputs, dict)
    assert inputs["policyPacks"] == "policies"
    assert inputs["policyPackConfigs"] == "policies/config/${{ inputs.stack }}.json"
    job_steps = steps(up)
    smoke = next(s for s in job_steps if "auth-smoke.sh" in s.get("run", ""))
    assert job_steps.index(smoke) > job_steps.index(step)


def test_drift_is_checked_daily_for_every_cloud_stack_and_reported_as_issues() -> None:
    drift = workflow("drift.yml")
    assert drift["on"]["schedule"]
    check = jobs(drift)["check"]
    assert set(matrix_values(check, "stack")) == cloud_stacks()
    assert check["concurrency"]["group"] == "drift-${{ matrix.stack }}"
    assert any("drift-check.sh" in s.get("run", "") for s in steps(check))
    report = jobs(drift)["issues"]
    assert report["permissions"] == {"issues": "write"}
    assert "always()" in report["if"]


def test_drift_skips_a_stack_without_a_preview_role_with_a_notice() -> None:
    """An unset role is a notice and a `skipped` status, not a failed run (docs/ci.md says so)."""
    check = jobs(workflow("drift.yml"))["check"]
    gate = steps(check)[0]
    assert "::notice::" in gate["run"]
    assert "exit 1" not in gate["run"]
    assert "skipped" in gate["run"]
    later = steps(check)[1:]
    role_steps = [s for s in later if s.get("uses", "").startswith(ASSUME_ROLE)]
    assert role_steps
    for step in later:
        if step.get("name", "").startswith(("Write the result", "Hand the result")):
            continue
        assert step.get("if") == "steps.configured.outputs.ready == 'true'", step.get("name")
    script = jobs(workflow("drift.yml"))["issues"]["steps"][-1]["with"]["script"]
    assert "status === 'skipped'" in script


def test_user_management_plans_read_only_and_applies_the_reviewed_plan() -> None:
    um = workflow("user-management.yml")
    options = um["on"]["workflow_dispatch"]["inputs"]["job"]["options"]
    assert set(options) == {
        "import-users",
        "disable-inactive-users",
        "cleanup-disabled-users",
        "analytics-report",
        "enforce-mfa",
        "export-backup",
    }
    plan, apply = jobs(um)["plan"], jobs(um)["apply"]
    # The plan job reads with the planner role; only the reviewed apply job holds the operator role.
    (plan_role,) = steps_using(plan, ASSUME_ROLE)
    assert plan_role["with"]["role-to-assume"] == "${{ vars.AWS_PLANNER_ROLE_ARN }}"
    (apply_role,) = steps_using(apply, ASSUME_ROLE)
    assert apply_role["with"]["role-to-assume"] == "${{ vars.AWS_OPERATOR_ROLE_ARN }}"
    assert plan["environment"]["name"] == "${{ inputs.stack || 'prod' }}-identity-ops-dry-run"
    assert apply["environment"]["name"] == "${{ inputs.stack || 'prod' }}-identity-ops"
    assert apply["needs"] == "plan"
    assert apply["if"] == "inputs.apply || github.event_name == 'schedule'"
    run = next(s for s in steps(plan) if "identity-ops-job.sh" in s.get("run", ""))
    assert '"$JOB" dry-run ' in run["run"]
    # Import files come from S3, fetched with the read-only role, never from the repository.
    fetch = next(s for s in steps(plan) if "fetch-import.sh" in s.get("run", ""))
    assert steps(plan).index(fetch) > steps(plan).index(plan_role)
    (upload,) = steps_using(plan, "actions/upload-artifact")
    (download,) = steps_using(apply, "actions/download-artifact")
    assert upload["with"]["name"] == download["with"]["name"]
    applied = next(s for s in steps(apply) if "identity-ops-job.sh" in s.get("run", ""))
    assert applied["env"]["PLAN_FILE"] == f"{download['with']['path']}/plan.jsonl"
    assert '"$JOB" apply ' in applied["run"]
    assert steps(apply).index(download) < steps(apply).index(applied)
    for job in (plan, apply):
        assert job["concurrency"]["group"] == "identity-ops-${{ inputs.stack || 'prod' }}"
        assert_installed_before_credentials_any_role(job)


def test_a_weekly_inactive_user_review_plans_and_waits_for_approval() -> None:
    um = workflow("user-management.yml")
    (schedule,) = um["on"]["schedule"]
    assert schedule["cron"].split()[4] == "1"  # weekly, on Mondays
    assert um["env"]["JOB"] == "${{ inputs.job || 'disable-inactive-users' }}"
    assert um["env"]["STACK"] == "${{ inputs.stack || 'prod' }}"
    assert "github.event_name == 'schedule'" in jobs(um)["apply"]["if"]


def assert_installed_before_credentials_any_role(job: Job) -> None:
    job_steps = steps(job)
    (assume,) = steps_using(job, ASSUME_ROLE)
    for step in job_steps[job_steps.index(assume) :]:
        assert "make setup" not in step.get("run", ""), step.get("name")


def test_pulumi_cli_version_matches_the_sdk_pin() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = dict(dependency.split("==", 1) for dependency in project["dependencies"])
    versions = [
        version
        for path in workflow_files()
        if (version := load_workflow(path).get("env", {}).get("PULUMI_VERSION")) is not None
    ]
    assert versions
    assert set(versions) == {pins["pulumi"]}


@pytest.mark.parametrize("script", sorted((ROOT / ".github" / "scripts").glob("*.sh")))
def test_helper_scripts_are_executable_and_parse(script: Path) -> None:
    assert script.stat().st_mode & 0o111
    subprocess.run(["bash", "-n", str(script)], check=True)

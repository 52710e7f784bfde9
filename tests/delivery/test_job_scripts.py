"""The scripts the user-management and deploy workflows run around identity-ops.

A stand-in `identity-ops` records its arguments, so each test checks the exact command a
workflow job would run: the right subcommand, the dry run first, the report where the artifact
step looks for it, and refusals for inputs that must never reach identity-ops.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import typer.testing

from identity_ops.cli import app
from tests.delivery.repo import SCRIPTS_DIR, workflow
from tests.repo import ROOT

JOBS = workflow("user-management.yml")["on"]["workflow_dispatch"]["inputs"]["job"]["options"]
"""The jobs the workflow offers; every one is covered by the tests below."""


def fake_identity_ops(tmp_path: Path) -> Path:
    script = tmp_path / "identity-ops"
    script.write_text(
        "#!/usr/bin/env bash\n"
        'printf "%s\\n" "$*" >> "$(dirname "$0")/calls.txt"\n'
        'env | grep -E "^(IDENTITY_OPS_STACK_DIR|SMOKE_PASSWORD)=" >> "$(dirname "$0")/env.txt" || true\n'
        "echo '{\"ok\": true}'\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def run_script(
    tmp_path: Path, name: str, *args: str, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    ops = fake_identity_ops(tmp_path)
    result = subprocess.run(
        [str(SCRIPTS_DIR / name), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "IDENTITY_OPS": str(ops),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            **env,
        },
        check=False,
    )
    calls_file = tmp_path / "calls.txt"
    calls = calls_file.read_text(encoding="utf-8").splitlines() if calls_file.exists() else []
    return result, calls


PLAN_JOBS = {
    "import-users": "users import {import_file} --dry-run --plan {out}/plan.jsonl",
    "disable-inactive-users": "users disable-inactive --days 45 --dry-run --plan {out}/plan.jsonl",
    "cleanup-disabled-users": "users cleanup --disabled-for-days 30 --dry-run --plan {out}/plan.jsonl",
    "enforce-mfa": "mfa enforce --dry-run --plan {out}/plan.jsonl",
}
READ_ONLY_JOBS = {"analytics-report": "report analytics --output json"}


def run_job(
    tmp_path: Path, job: str, mode: str, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str], Path]:
    """identity-ops-job.sh with an import file fetched into a private folder, as the workflow does."""
    imports = tmp_path / "imports"
    imports.mkdir(exist_ok=True)
    (imports / "new-hires.csv").write_bytes(
        (ROOT / "tests" / "delivery" / "fixtures" / "new-hires.csv").read_bytes()
    )
    out = tmp_path / "report"
    result, calls = run_script(
        tmp_path,
        "identity-ops-job.sh",
        job,
        mode,
        str(out),
        **{
            "IMPORT_DIR": str(imports),
            "IMPORT_FILE": str(imports / "new-hires.csv"),
            "INACTIVE_DAYS": "45",
            "DISABLED_DAYS": "30",
            **env,
        },
    )
    return result, calls, out


@pytest.mark.parametrize("job", sorted(PLAN_JOBS))
def test_the_dry_run_of_a_job_that_changes_users_writes_its_plan(tmp_path: Path, job: str) -> None:
    result, calls, out = run_job(tmp_path, job, "dry-run")
    assert result.returncode == 0, result.stderr
    (call,) = calls
    expected = PLAN_JOBS[job].format(import_file=tmp_path / "imports" / "new-hires.csv", out=out)
    assert call.startswith(expected)
    assert "--yes" not in call.split()
    assert "--output json" in call
    assert json.loads((out / f"{job}-dry-run.json").read_text(encoding="utf-8")) == {"ok": True}
    assert f"identity-ops {job} (dry-run)" in (tmp_path / "summary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("job", sorted(PLAN_JOBS))
def test_apply_runs_exactly_the_reviewed_plan_never_a_recomputation(
    tmp_path: Path, job: str
) -> None:
    plan = tmp_path / "approved" / "plan.jsonl"
    plan.parent.mkdir()
    plan.write_text("{}\n", encoding="utf-8")
    result, calls, _ = run_job(tmp_path, job, "apply", PLAN_FILE=str(plan))
    assert result.returncode == 0, result.stderr
    assert calls == [f"apply {plan} --yes --output json"]
    missing, calls, _ = run_job(tmp_path, job, "apply", PLAN_FILE=str(tmp_path / "none.jsonl"))
    assert missing.returncode == 2
    assert "applies only a reviewed plan" in missing.stderr
    assert calls == [f"apply {plan} --yes --output json"]  # nothing more was run


@pytest.mark.parametrize("mode", ["dry-run", "apply"])
def test_read_only_jobs_run_the_same_in_both_modes(tmp_path: Path, mode: str) -> None:
    result, calls, _ = run_job(tmp_path, "analytics-report", mode)
    assert result.returncode == 0, result.stderr
    assert calls == [READ_ONLY_JOBS["analytics-report"]]


def test_a_dry_run_writes_no_user_data(tmp_path: Path) -> None:
    """An export is every user's data: only the approved apply job writes one."""
    result, calls, out = run_job(tmp_path, "export-backup", "dry-run")
    assert result.returncode == 0, result.stderr
    assert calls == []
    assert not (out / "users-backup.csv").exists()
    applied, calls, out = run_job(tmp_path, "export-backup", "apply")
    assert applied.returncode == 0, applied.stderr
    assert calls == [f"users export --output json --format csv --out {out}/users-backup.csv"]


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        ("", "needs IMPORT_DIR and IMPORT_FILE"),
        ("/etc/passwd", "resolves outside the import folder"),
        ("{imports}/../../etc/passwd", "resolves outside the import folder"),
        ("{imports}/nobody.csv", "does not exist"),
    ],
)
def test_import_reads_only_the_file_fetched_into_the_import_folder(
    tmp_path: Path, file: str, reason: str
) -> None:
    result, calls, _ = run_job(
        tmp_path, "import-users", "dry-run", IMPORT_FILE=file.format(imports=tmp_path / "imports")
    )
    assert result.returncode == 2
    assert reason in result.stderr
    assert calls == []


def fake_aws(tmp_path: Path) -> Path:
    """An `aws` CLI that records its arguments and writes the object it is asked to copy."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "aws"
    script.write_text(
        "#!/usr/bin/env bash\n"
        'printf "%s\\n" "$*" >> "$(dirname "$0")/aws-calls.txt"\n'
        'echo "username,email" > "${@: -1}"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("new-hires-2026-12.csv", True),
        ("batch_7.jsonl", True),
        ("", False),
        ("../secrets.csv", False),
        ("sub/dir.csv", False),
        ("/etc/passwd", False),
        ("users.xlsx", False),
        ("..csv", False),
    ],
)
def test_import_files_come_only_from_the_import_prefix(tmp_path: Path, key: str, ok: bool) -> None:
    bin_dir = fake_aws(tmp_path)
    dest = tmp_path / "fetched"
    result = subprocess.run(
        [
            str(SCRIPTS_DIR / "fetch-import.sh"),
            "acme-imports",
            "identity-ops-imports/",
            key,
            str(dest),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        check=False,
    )
    calls_file = bin_dir / "aws-calls.txt"
    calls = calls_file.read_text(encoding="utf-8").splitlines() if calls_file.exists() else []
    if ok:
        assert result.returncode == 0, result.stderr
        assert calls == [
            f"s3 cp --only-show-errors s3://acme-imports/identity-ops-imports/{key} {dest / key}"
        ]
        assert (dest / key).is_file()
        assert oct(dest.stat().st_mode & 0o777) == "0o700"
    else:
        assert result.returncode == 2
        assert calls == []


def test_the_commands_the_jobs_run_exist_in_identity_ops() -> None:
    """Each subcommand and flag the scripts pass is one the real CLI accepts."""
    runner = typer.testing.CliRunner()
    commands = {
        **{job: command.split(" {")[0] for job, command in PLAN_JOBS.items()},
        **READ_ONLY_JOBS,
        "export-backup": "users export --output --format --out",
        "apply": "apply --yes --output",
        "smoke": "auth smoke --output",
    }
    for job, command in commands.items():
        words = [w for w in command.split() if not w.startswith("--") and not w.isdigit()]
        words = [w for w in words if w != "tests/delivery/fixtures/new-hires.csv"]
        result = runner.invoke(app, [*words, "--help"], terminal_width=200)
        assert result.exit_code == 0, f"identity-ops {' '.join(words)}: {result.output}"
        flags = [w for w in command.split() if w.startswith("--")]
        if job in PLAN_JOBS:
            flags += ["--dry-run", "--plan", "--output"]
        for flag in flags:
            assert flag in result.output, f"identity-ops {' '.join(words)} has no {flag}"


def saved_outputs(tmp_path: Path) -> Path:
    outputs = tmp_path / "stack-outputs" / "prod.json"
    outputs.parent.mkdir()
    outputs.write_text(
        json.dumps(
            {"userPoolId": "eu-west-1_Abc", "clientIds": {"console": "3n4b5urk1ft4fl3mg5e62d9ado"}}
        ),
        encoding="utf-8",
    )
    return outputs


def test_the_smoke_test_signs_in_with_the_named_client_of_the_saved_outputs(tmp_path: Path) -> None:
    outputs = saved_outputs(tmp_path)
    result, calls = run_script(
        tmp_path,
        "auth-smoke.sh",
        "prod",
        str(outputs),
        str(tmp_path / "smoke"),
        SMOKE_USERNAME="smoke-test@example.com",
        SMOKE_CLIENT="console",
        SMOKE_PASSWORD="not-a-real-password",
        SMOKE_TOTP_SECRET="JBSWY3DPEHPK3PXP",
    )
    assert result.returncode == 0, result.stderr
    (call,) = calls
    assert call.split() == [
        "auth", "smoke", "--stack", "prod", "--username", "smoke-test@example.com",
        "--client-id", "3n4b5urk1ft4fl3mg5e62d9ado", "--password-env", "SMOKE_PASSWORD",
        "--output", "json", "--totp-secret-env", "SMOKE_TOTP_SECRET",
    ]  # fmt: skip
    assert "not-a-real-password" not in call
    env = (tmp_path / "env.txt").read_text(encoding="utf-8")
    assert f"IDENTITY_OPS_STACK_DIR={outputs.parent}" in env


def test_an_unknown_smoke_client_fails_naming_the_clients(tmp_path: Path) -> None:
    result, calls = run_script(
        tmp_path, "auth-smoke.sh", "prod", str(saved_outputs(tmp_path)), str(tmp_path / "smoke"),
        SMOKE_USERNAME="smoke-test@example.com", SMOKE_CLIENT="portal", SMOKE_PASSWORD="x",
    )  # fmt: skip
    assert result.returncode != 0
    assert "no app client 'portal'" in result.stderr
    assert "console" in result.stderr
    assert calls == []


def test_a_stack_without_a_smoke_user_is_reported_as_not_smoke_tested(tmp_path: Path) -> None:
    env = dict.fromkeys(("SMOKE_USERNAME", "SMOKE_CLIENT", "SMOKE_PASSWORD"), "")
    report_dir = tmp_path / "smoke"  # never the default ./smoke-report: that is the repository
    result, calls = run_script(
        tmp_path, "auth-smoke.sh", "dev", str(saved_outputs(tmp_path)), str(report_dir), **env
    )
    assert result.returncode == 0
    assert report_dir.is_dir()
    assert "::warning::dev was deployed but not smoke-tested" in result.stdout
    assert "not smoke-tested" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert calls == []


def test_every_job_the_workflow_offers_is_covered_here() -> None:
    assert set(JOBS) == {*PLAN_JOBS, *READ_ONLY_JOBS, "export-backup"}

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
from tests.delivery.repo import ROOT, SCRIPTS_DIR, workflow

JOBS = workflow("user-management.yml")["on"]["workflow_dispatch"]["inputs"]["job"]["options"]


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


EXPECTED_COMMANDS = {
    "import-users": "users import tests/delivery/fixtures/new-hires.csv",
    "disable-inactive-users": "users disable-inactive --days 45",
    "analytics-report": "report analytics",
    "enforce-mfa": "mfa enforce",
    "export-backup": "users export",
}


@pytest.mark.parametrize("job", JOBS)
@pytest.mark.parametrize(("mode", "flag"), [("dry-run", "--dry-run"), ("apply", "--yes")])
def test_each_admin_job_runs_its_identity_ops_command(
    tmp_path: Path, job: str, mode: str, flag: str
) -> None:
    out = tmp_path / "report"
    result, calls = run_script(
        tmp_path,
        "identity-ops-job.sh",
        job,
        mode,
        str(out),
        IMPORT_FILE="tests/delivery/fixtures/new-hires.csv",
        INACTIVE_DAYS="45",
    )
    assert result.returncode == 0, result.stderr
    (call,) = calls
    assert call.startswith(EXPECTED_COMMANDS[job])
    assert flag in call.split()
    assert "--output json" in call
    assert json.loads((out / f"{job}-{mode}.json").read_text(encoding="utf-8")) == {"ok": True}
    assert f"identity-ops {job} ({mode})" in (tmp_path / "summary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        ("", "needs the 'file' input"),
        ("/etc/passwd", "must be relative"),
        ("../../etc/passwd", "resolves outside the repository"),
        ("../no-such-file-above-the-checkout.csv", "resolves outside the repository"),
        ("users/nobody.csv", "does not exist in this repository"),
    ],
)
def test_import_takes_only_a_file_committed_to_the_repository(
    tmp_path: Path, file: str, reason: str
) -> None:
    result, calls = run_script(
        tmp_path,
        "identity-ops-job.sh",
        "import-users",
        "dry-run",
        str(tmp_path / "r"),
        IMPORT_FILE=file,
    )
    assert result.returncode == 2
    assert reason in result.stderr
    assert calls == []


def test_a_path_that_leaves_the_repository_is_refused(tmp_path: Path) -> None:
    escape = os.path.relpath(tmp_path / "outside.csv", ROOT)
    (tmp_path / "outside.csv").write_text("username\nmallory\n", encoding="utf-8")
    result, calls = run_script(
        tmp_path,
        "identity-ops-job.sh",
        "import-users",
        "apply",
        str(tmp_path / "r"),
        IMPORT_FILE=escape,
    )
    assert result.returncode == 2
    assert "resolves outside the repository" in result.stderr
    assert calls == []


def test_the_commands_the_jobs_run_exist_in_identity_ops() -> None:
    """Each subcommand and flag the scripts pass is one the real CLI accepts."""
    runner = typer.testing.CliRunner()
    for command in {*EXPECTED_COMMANDS.values(), "auth smoke"}:
        words = [
            w for w in command.split() if not w.startswith(("--", "tests/")) and not w.isdigit()
        ]
        result = runner.invoke(app, [*words, "--help"], terminal_width=200)
        assert result.exit_code == 0, f"identity-ops {' '.join(words)}: {result.output}"
        for flag in ("--dry-run", "--yes", "--output"):
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

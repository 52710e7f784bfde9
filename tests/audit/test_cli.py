"""`python -m gate audit` as a user runs it: bad input is one `error:` line and exit 2, never a
traceback; a run against moto's real gaps is INCOMPLETE (exit 2) unless --allow-partial, and its
JSON report keeps the gate's schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.audit.conftest import PROD_PROFILE, REGION
from tests.repo import ROOT

REPORT_SCHEMA = ROOT / "gate" / "report.schema.json"


def _gate_audit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gate", "audit", "--region", REGION, "--max-attempts", "1"]
    return subprocess.run(
        [*command, "--policy-pack-config", str(PROD_PROFILE), *args],
        cwd=ROOT,
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _assert_one_error_line(process: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert process.returncode == 2, process.stderr
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    assert lines[0].startswith("error: "), process.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert process.stdout == ""


@pytest.fixture
def no_aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty AWS config and credential files, no instance metadata: nothing to fall back on."""
    for name in ("config", "credentials"):
        (tmp_path / name).write_text("", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in (
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("aws_env", "no_aws_files")
def test_unknown_profile() -> None:
    _assert_one_error_line(_gate_audit("--profile", "nope"), "--profile 'nope'")


@pytest.mark.usefixtures("aws_env", "no_aws_files")
def test_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    _assert_one_error_line(_gate_audit(), "no AWS credentials")


@pytest.mark.usefixtures("aws_env")
def test_a_pool_id_that_does_not_exist() -> None:
    _assert_one_error_line(
        _gate_audit("--pool-id", f"{REGION}_doesnotexist"),
        f"--pool-id {REGION}_doesnotexist: no such user pool",
    )


@pytest.mark.usefixtures("aws_env")
def test_a_missing_profile_file() -> None:
    process = _gate_audit("--policy-pack-config", "policies/config/nope.json")
    _assert_one_error_line(process, "nope.json: no such file")


def test_moto_gaps_make_the_run_incomplete_unless_partial_is_allowed(
    aws: Callable[[str], Any],
) -> None:
    """moto answers DescribeRiskConfiguration and GetLogDeliveryConfiguration with HTTP 500."""
    pool_id = aws("cognito-idp").create_user_pool(PoolName="defaults")["UserPool"]["Id"]

    incomplete = _gate_audit("--format", "json")
    partial = _gate_audit("--format", "json", "--allow-partial")

    assert incomplete.returncode == 2, incomplete.stderr
    document = json.loads(incomplete.stdout)
    jsonschema.validate(document, json.loads(REPORT_SCHEMA.read_text(encoding="utf-8")))
    assert {entry["api"] for entry in document["notJudged"]} == {
        "cognito-idp:DescribeRiskConfiguration",
        "cognito-idp:GetLogDeliveryConfiguration",
    }
    assert all(entry["resource"] == pool_id for entry in document["notJudged"])
    assert document["summary"]["verdict"].startswith("INCOMPLETE")
    assert partial.returncode == 1, partial.stderr  # MFA off etc. are still violations
    assert json.loads(partial.stdout)["summary"]["exitCode"] == 1

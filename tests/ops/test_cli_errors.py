"""Mistakes a person makes get a readable message and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ops.conftest import invoke, run_cli, write_csv


@pytest.mark.usefixtures("aws_env")
def test_unknown_pool(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "u.csv", ["username"], [["a"]])
    result = invoke("users", "import", str(source), "--pool-id", "eu-west-1_doesnotexist")
    assert result.exit_code == 3
    assert "user pool 'eu-west-1_doesnotexist' not found" in result.output


@pytest.mark.usefixtures("aws_env")
def test_no_pool_given_and_bad_flags() -> None:
    assert "give --pool-id POOL_ID or --stack NAME" in invoke("report", "analytics").output
    bad_rate = invoke("report", "analytics", "--pool-id", "x", "--rate", "Bogus=3")
    assert bad_rate.exit_code == 2
    assert "CATEGORY one of UserCreation" in bad_rate.output
    bad_output = invoke("report", "analytics", "--pool-id", "x", "-o", "yaml")
    assert bad_output.exit_code == 2


def test_stack_outputs_file(pool_id: str, tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    missing = invoke("report", "analytics", "--stack", "prod")
    assert missing.exit_code == 2
    assert f"no saved outputs at {stacks / 'prod.json'}" in missing.output
    assert "pulumi stack output --json --stack prod" in missing.output
    stacks.mkdir()
    (stacks / "prod.json").write_text(
        json.dumps({"userPoolId": pool_id, "region": "eu-west-1"}), encoding="utf-8"
    )
    result = invoke("report", "analytics", "--stack", "prod", "-o", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pool_id"] == pool_id
    (stacks / "dev.json").write_text(json.dumps({"other": 1}), encoding="utf-8")
    assert (
        "has no pool id under userPoolId" in invoke("report", "analytics", "--stack", "dev").output
    )


@pytest.mark.usefixtures("aws_env")
def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    result = run_cli("users", "import", str(tmp_path / "missing.csv"), "--pool-id", "eu-west-1_x")
    assert result.returncode == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout

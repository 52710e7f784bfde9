"""The gate on Pulumi programs that are not this project's, written the way people write them.

Each program lives in `tests/gate/fixtures/foreign/<name>/` and is gated with the real pack, as
`python -m gate preview --cwd <program> --policy-pack policies` does for a user.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.gate.conftest import FIXTURES, REPO, run_cli

FOREIGN = FIXTURES / "foreign"
ACCOUNT = "123456789012"


def gate_json(program: str, *args: str) -> tuple[int, dict[str, Any], str]:
    run = run_cli(
        "--stack",
        "dev",
        "--cwd",
        str(FOREIGN / program),
        "--policy-pack",
        str(REPO / "policies"),
        "--format",
        "json",
        *args,
    )
    report = json.loads(run.stdout) if run.stdout.strip() else {}
    return run.returncode, report, run.stderr


def inputs_of(report: dict[str, Any], name: str) -> dict[str, Any]:
    (resource,) = [r for r in report["plan"]["resources"] if r["name"] == name]
    inputs: dict[str, Any] = resource["inputs"]
    return inputs


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_common_data_sources_get_answers_in_the_providers_shape(mode: str) -> None:
    code, report, stderr = gate_json("data_sources", "--mode", mode)
    assert code in (0, 1), stderr  # evaluated: a verdict, not "cannot be evaluated"
    assert inputs_of(report, "pool")["name"] == f"app-{ACCOUNT}-eu-west-1"
    trust = json.loads(inputs_of(report, "app-role")["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {
            "cognito-identity.amazonaws.com:aud": "eu-west-1:00000000-0000-0000-0000-000000000000"
        }
    }
    outputs = report["plan"]["outputs"]
    assert outputs["zones"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert outputs["partition"] == "aws"


def test_a_data_source_the_gate_cannot_answer_is_named_with_the_programs_line() -> None:
    code, _, stderr = gate_json("unanswered_invoke")
    assert code == 2
    lines = stderr.strip().splitlines()
    assert lines[0].startswith("error: the program failed at __main__.py:5 in <module>: ")
    assert (
        "the program calls aws:ec2/getVpc:getVpc, which the offline gate cannot answer" in lines[0]
    )
    assert "Traceback" not in stderr
    assert "TypeError" not in stderr


def test_the_foreign_programs_are_not_this_projects() -> None:
    for program in FOREIGN.iterdir():
        text = (program / "__main__.py").read_text(encoding="utf-8")
        assert "components" not in text
        assert "settings" not in text
        assert Path(program / "Pulumi.yaml").is_file()

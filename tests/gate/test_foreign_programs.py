"""The gate on Pulumi programs that are not this project's, written the way people write them.

Each program lives in `tests/gate/fixtures/foreign/<name>/` and is gated with the real pack, as
`python -m gate preview --cwd <program> --policy-pack policies` does for a user.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.gate.conftest import FIXTURES, run_cli
from tests.repo import ROOT

FOREIGN = FIXTURES / "foreign"
ACCOUNT = "123456789012"


def gate_json(program: str, *args: str) -> tuple[int, dict[str, Any], str]:
    run = run_cli(
        "--stack",
        "dev",
        "--cwd",
        str(FOREIGN / program),
        "--policy-pack",
        str(ROOT / "policies"),
        "--format",
        "json",
        *args,
    )
    report = json.loads(run.stdout) if run.stdout.strip() else {}
    return run.returncode, report, run.stderr


def line_of(path: str, text: str) -> int:
    """The 1-based line of the fixture file that contains `text` (first match)."""
    lines = (FOREIGN / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


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


def sarif_locations(program: str) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(policy, resource name) -> the SARIF result's physical locations, primary first."""
    run = run_cli(
        "--stack",
        "dev",
        "--cwd",
        str(FOREIGN / program),
        "--policy-pack",
        str(ROOT / "policies"),
        "--format",
        "sarif",
    )
    (sarif_run,) = json.loads(run.stdout)["runs"]
    found = {}
    for result in sarif_run["results"]:
        name = result["locations"][0]["logicalLocations"][0]["name"]
        found[(result["ruleId"], name)] = [
            (
                location["physicalLocation"]["artifactLocation"]["uri"],
                location["physicalLocation"]["region"]["startLine"],
            )
            for location in result["locations"]
        ]
    return found


def test_hard_coded_resources_point_at_the_program_line_not_the_config_file() -> None:
    code, report, stderr = gate_json("plain_resources")
    assert code in (0, 1), stderr
    by_resource = {(v["policy"], v["resource"]["name"]): v for v in report["violations"]}
    mfa = by_resource[("cognito-user-pool-mfa-required", "pool")]["location"]
    assert mfa["declaredAt"] == [{"file": "__main__.py", "line": 5}]
    assert mfa["fromConfig"] is False
    implicit = by_resource[("cognito-client-no-implicit-grant", "web")]["location"]
    assert implicit["declaredAt"] == [{"file": "__main__.py", "line": 6}]
    locations = sarif_locations("plain_resources")
    assert locations[("cognito-user-pool-mfa-required", "pool")] == [("__main__.py", 5)]
    table = run_cli(
        "--stack",
        "dev",
        "--cwd",
        str(FOREIGN / "plain_resources"),
        "--policy-pack",
        str(ROOT / "policies"),
    ).stdout
    assert "declared at: __main__.py:5" in table
    assert "configured in:" not in table


def test_config_numbers_print_as_integers_in_messages() -> None:
    _, report, _ = gate_json("plain_resources")
    messages = [v["message"] for v in report["violations"]]
    assert any("at least 12 " in message for message in messages), messages
    assert not [m for m in messages if re.search(r"\b\d+\.0\b", m)]


def test_a_component_librarys_resources_name_their_line_and_the_line_that_built_them() -> None:
    code, report, stderr = gate_json("component_library")
    assert code in (0, 1), stderr
    by_resource = {(v["policy"], v["resource"]["name"]): v for v in report["violations"]}
    orders = by_resource[("cognito-password-min-length", "orders-pool")]["location"]
    assert orders["declaredAt"] == [
        {
            "file": "lib/identity.py",
            "line": line_of("component_library/lib/identity.py", "UserPool("),
        },
        {
            "file": "__main__.py",
            "line": line_of("component_library/__main__.py", "AppIdentity(app)"),
        },
    ]
    # The loop runs over the `apps` config list: each pool also points at its own list item.
    assert orders["fromConfig"] is True
    assert (orders["file"], orders["line"]) == ("Pulumi.dev.yaml", 4)
    billing = by_resource[("cognito-password-min-length", "billing-pool")]["location"]
    assert billing["line"] == 5
    locations = sarif_locations("component_library")
    assert locations[("cognito-password-min-length", "orders-pool")] == [
        ("Pulumi.dev.yaml", 4),
        ("lib/identity.py", line_of("component_library/lib/identity.py", "UserPool(")),
    ]
    (client,) = [r for r in report["plan"]["resources"] if r["name"] == "orders-client"]
    (pool,) = [r for r in report["plan"]["resources"] if r["name"] == "orders-pool"]
    assert pool["urn"] in client["dependencies"]  # depends_on reaches the engine's record


def test_stack_reference_outputs_are_unknown_and_secrets_stay_secret() -> None:
    """Another stack's outputs cannot be read offline: unknown, as at a preview of a new stack.
    A secret from config is shown as `[secret]` in every format, never its value."""
    code, report, stderr = gate_json("stack_reference_secrets")
    assert code == 0, stderr
    inputs = inputs_of(report, "google")
    assert inputs["userPoolId"] == "[unknown]"
    assert inputs["providerDetails"]["client_secret"] == "[secret]"
    for report_format in ("table", "json", "sarif", "markdown"):
        run = run_cli(
            "--stack",
            "dev",
            "--cwd",
            str(FOREIGN / "stack_reference_secrets"),
            "--policy-pack",
            str(ROOT / "policies"),
            "--format",
            report_format,
        )
        assert "placeholder-for-tests" not in run.stdout + run.stderr, report_format

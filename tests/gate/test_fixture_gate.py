"""The gate end to end on a small fixture program and pack: modes, exit codes, error messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from gate.result import GateResult

from .conftest import FIXTURE_PACK, FIXTURE_PROJECT, fixture_cli, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def ok_preview(reports_dir: Path) -> subprocess.CompletedProcess[str]:
    return fixture_cli("ok", "--format", "json", "--also", f"markdown={reports_dir / 'ok.md'}")


def test_also_writes_another_format_from_the_same_run(
    ok_preview: subprocess.CompletedProcess[str], reports_dir: Path
) -> None:
    markdown = (reports_dir / "ok.md").read_text(encoding="utf-8")
    assert markdown.startswith("#### :tropical_drink: `preview` on gate-fixture/ok — ✅ passed")
    assert "PASSED: gate-fixture/ok (preview)" in ok_preview.stderr  # the verdict, for the log
    assert json.loads(ok_preview.stdout)["summary"]["passed"] is True


def test_preview_passes_and_reports_the_remediation_it_applied(
    ok_preview: subprocess.CompletedProcess[str],
) -> None:
    assert ok_preview.returncode == 0, ok_preview.stderr
    document = json.loads(ok_preview.stdout)
    assert document["summary"]["passed"] is True
    assert document["violations"] == []
    assert document["autofixes"] == [
        {
            "policy": "fixture-token-revocation",
            "urn": "urn:pulumi:ok::gate-fixture::gate-fixture:cognito:Directory$aws:cognito/userPoolClient:UserPoolClient::directory-web",
            "changedKeys": ["enableTokenRevocation"],
        }
    ]


def test_preview_sees_unknown_outputs_and_secrets_as_the_engine_sends_them(
    ok_preview: subprocess.CompletedProcess[str],
) -> None:
    document = json.loads(ok_preview.stdout)
    resources = {r["name"]: r for r in document["plan"]["resources"]}
    assert resources["directory-web"]["inputs"]["userPoolId"] == "[unknown]"
    assert resources["directory-pool"]["protect"] is True
    assert document["plan"]["outputs"] == {"clientName": "[secret]", "poolArn": "[unknown]"}
    provider = resources["default_7_51_1"]
    assert provider["inputs"] == {"region": "eu-west-1", "version": "7.51.1"}


def test_up_mode_knows_outputs_and_says_a_violation_only_blocks_at_up(
    fixture_up_result: GateResult,
) -> None:
    assert fixture_up_result.exit_code == 1
    [finding] = fixture_up_result.analysis.findings
    assert finding.policy_name == "fixture-pool-in-us"
    assert finding.blocks_at == "up"
    assert finding.severity == "critical"
    client = next(r for r in fixture_up_result.plan.resources if r.name == "directory-web")
    assert str(client.inputs["userPoolId"]).startswith("eu-west-1_")


def test_broken_stack_fails_with_mandatory_and_lists_advisory() -> None:
    run = fixture_cli("weak", "--format", "json")
    assert run.returncode == 1
    document = json.loads(run.stdout)
    by_policy = {v["policy"]: v for v in document["violations"]}
    assert by_policy["fixture-password-length"]["mandatory"] is True
    assert by_policy["fixture-password-length"]["blocksAt"] == "preview"
    assert (
        "Password minimum length 8 is below 14" in by_policy["fixture-password-length"]["message"]
    )
    assert by_policy["fixture-mfa-required"]["enforcementLevel"] == "advisory"
    assert by_policy["fixture-password-length"]["controls"] == [
        "pci-dss-4.0:8.3.6",
        "securityhub:Cognito.2",
    ]


def test_policy_config_file_changes_the_threshold(tmp_path: pytest.TempPathFactory) -> None:
    config = tmp_path / "strict.json"  # type: ignore[operator]
    config.write_text(json.dumps({"fixture-password-length": {"minimumLength": 20}}))
    run = fixture_cli("ok", "--format", "json", "--policy-pack-config", str(config))
    assert run.returncode == 1
    assert "below 20" in json.loads(run.stdout)["violations"][0]["message"]


def test_invalid_policy_config_exits_2_naming_the_key(tmp_path: pytest.TempPathFactory) -> None:
    config = tmp_path / "bad.json"  # type: ignore[operator]
    config.write_text(json.dumps({"fixture-password-length": {"minimumLength": "long"}}))
    run = fixture_cli("ok", "--policy-pack-config", str(config))
    assert run.returncode == 2
    assert "fixture-password-length.minimumLength" in run.stderr
    assert "Traceback" not in run.stderr


def test_program_config_error_exits_2_with_the_programs_message() -> None:
    run = fixture_cli("tooshort")
    assert run.returncode == 2
    assert run.stderr.strip() == (
        "error: stack 'tooshort' has a config error: Pulumi.tooshort.yaml: "
        "gate-fixture:pool.minimumLength: 4 is below the AWS minimum 6"
    )


def test_program_bug_exits_2_with_where_it_happened_and_no_traceback() -> None:
    run = fixture_cli("crash")
    assert run.returncode == 2
    assert "the program failed at __main__.py:" in run.stderr
    assert "KeyError: 'crash'" in run.stderr
    assert "Traceback" not in run.stderr
    assert "run with --verbose for the full traceback" in run.stderr


def test_bad_yaml_and_unknown_stack_exit_2() -> None:
    bad = fixture_cli("badyaml")
    assert bad.returncode == 2
    assert "Pulumi.badyaml.yaml:4:" in bad.stderr
    assert "not valid YAML" in bad.stderr
    missing = fixture_cli("nope")
    assert missing.returncode == 2
    assert "unknown stack 'nope'" in missing.stderr


def test_bad_command_line_exits_2() -> None:
    run = fixture_cli("ok", "--format", "xml")
    assert run.returncode == 2
    assert "xml" in run.stderr
    also = fixture_cli("ok", "--also", "xml=report.xml")
    assert also.returncode == 2
    assert (
        "--also 'xml=report.xml': expected FORMAT=FILE with FORMAT one of table, json, sarif, markdown"
        in also.stderr
    )


def test_a_pack_that_cannot_start_exits_2_with_its_own_error(tmp_path: Path) -> None:
    """The pack starts beside the program; when it dies before serving, the gate says why (the
    pack's stderr) and stops the program it already started."""
    pack = tmp_path / "broken-pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n", encoding="utf-8")
    (pack / "__main__.py").write_text(
        'raise SystemExit("the broken pack refuses to start")\n', encoding="utf-8"
    )
    run = run_cli("--stack", "ok", "--cwd", str(FIXTURE_PROJECT), "--policy-pack", str(pack))
    assert run.returncode == 2
    assert f"the policy pack in {pack} failed: policy pack did not print its port" in run.stderr
    assert "the broken pack refuses to start" in run.stderr
    assert "Traceback (most recent call last):\n  File" not in run.stderr.split("stderr:")[0]


def test_a_pack_whose_project_file_is_not_valid_yaml_exits_2_naming_the_line(
    tmp_path: Path,
) -> None:
    """The gate reads PulumiPolicy.yaml as the CLI does (for the pack's version); a broken one
    is named with its line and column, not a traceback."""
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    (pack / "PulumiPolicy.yaml").write_text(
        "runtime: python\nversion: 0.0.1\ndescription: [unclosed\n", encoding="utf-8"
    )
    run = run_cli("--stack", "ok", "--cwd", str(FIXTURE_PROJECT), "--policy-pack", str(pack))
    assert run.returncode == 2
    assert (
        f"the policy pack in {pack} failed: PulumiPolicy.yaml:4:1: not valid YAML" in run.stderr
    ), run.stderr
    assert "Traceback" not in run.stderr


def _processes_with(marker: str) -> list[int]:
    """Processes whose environment carries `marker` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            continue
    return found


@pytest.mark.parametrize(
    "args",
    [("--stack", "nope"), ("--stack", "ok", "--format", "xml"), ("--help",)],
    ids=["unknown stack", "bad option", "help"],
)
def test_the_program_host_started_early_never_outlives_the_gate(
    args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`preview` starts a program host before the options are read; when the command ends
    without running the program, that host ends with it."""
    marker = f"GATE_EARLY_HOST_TEST={uuid.uuid4()}"
    name, value = marker.split("=")
    monkeypatch.setenv(name, value)
    run = run_cli("--cwd", str(FIXTURE_PROJECT), *args)
    assert run.returncode == (0 if args == ("--help",) else 2)
    deadline = time.monotonic() + 10
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == []

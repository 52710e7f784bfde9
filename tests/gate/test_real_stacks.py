"""The real program and the real cognito-guard pack: dev and prod pass with their own policy
configs; prod with settings broken the way the policies catch fails and names the policies;
a config mistake stops with the program's own message."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from gate.deferred_imports import unused_by_gate
from gate.preview import GateOptions, run_gate
from gate.program_runner import plan_of
from gate.reports import FORMATS, render
from gate.result import GateResult
from tests.repo import ROOT

from .conftest import mutated_stack, run_cli, run_python

pytestmark = pytest.mark.slow


def test_prod_passes_with_its_policy_config(prod_result: GateResult) -> None:
    assert prod_result.exit_code == 0, prod_result.mandatory_findings
    assert prod_result.policy_config_file is not None
    assert prod_result.policy_config_file.name == "prod.json"
    counts = prod_result.plan.counts_by_type()
    assert counts["aws:cognito/userPool:UserPool"] == 1
    assert counts["aws:cognito/userPoolClient:UserPoolClient"] >= 4


def test_prod_is_clean_with_its_waf_in_front_of_the_pool(prod_result: GateResult) -> None:
    """The WAF web ACL the stack configures satisfies the WAF and lockout-compensation rules."""
    assert [f.policy_name for f in prod_result.analysis.findings] == []
    assert prod_result.plan.counts_by_type()["aws:wafv2/webAclAssociation:WebAclAssociation"] == 1


def test_dev_passes_with_its_policy_config(dev_result: GateResult) -> None:
    assert dev_result.exit_code == 0, dev_result.mandatory_findings
    assert dev_result.plan.stack == "dev"


def test_prod_plan_carries_what_the_engine_sends(prod_result: GateResult) -> None:
    pool = next(r for r in prod_result.plan.resources if r.type == "aws:cognito/userPool:UserPool")
    assert pool.options.protect is True
    assert pool.inputs["mfaConfiguration"] == "ON"
    assert pool.inputs["passwordPolicy"]["minimumLength"] == 14.0
    assert pool.provider is not None
    assert pool.provider.startswith(
        "urn:pulumi:prod::enterprise-identity::pulumi:providers:aws::default_"
    )
    assert pool.parent is not None
    assert pool.parent.endswith("$enterprise-identity:cognito:UserPool::ei-prod")
    stack_file = (
        (Path(prod_result.stack_config.stack_file)).read_text(encoding="utf-8").splitlines()
    )
    location = prod_result.locations[pool.urn]
    assert stack_file[location.line - 1].strip() == "enterprise-identity:userPool:"


def test_judging_and_reporting_leave_every_resources_properties_as_the_program_made_them(
    prod_result: GateResult,
) -> None:
    """The gate shares decoded properties (a preview's outputs are its inputs, decoded once):
    nothing that judges or reports a resource may write to them."""
    for report_format in FORMATS:
        render(prod_result, report_format)
    fresh = plan_of(prod_result.stack_config, "preview")
    assert [(r.urn, r.inputs, r.outputs) for r in prod_result.plan.resources] == [
        (r.urn, r.inputs, r.outputs) for r in fresh.resources
    ]


def test_prod_in_the_old_key_spelling_points_at_the_same_sections(
    prod_result: GateResult, tmp_path: Path
) -> None:
    """`enterprise-identity:config:userPool` is Pulumi's old spelling of
    `enterprise-identity:userPool` (`config.ParseKey`): each resource points at the same section."""

    def old_spelling(config: dict[str, Any]) -> None:
        for key in [k for k in config if k.startswith("enterprise-identity:")]:
            config[key.replace(":", ":config:", 1)] = config.pop(key)

    path = mutated_stack(tmp_path, "prod", old_spelling)
    result = run_gate(GateOptions(stack="prod", project_dir=ROOT, config_file=path))

    def sections(run: GateResult) -> dict[str, str]:
        return {
            urn: where.key_path.replace(":config:", ":") for urn, where in run.locations.items()
        }

    assert sections(result) == sections(prod_result)
    assert len({where.key_path for where in result.locations.values()}) > 10


def _set(path: str, value: Any) -> Any:
    def edit(config: dict[str, Any]) -> None:
        head, *rest = path.split(".")
        node = config[f"enterprise-identity:{head}"]
        for key in rest[:-1]:
            node = node[key]
        node[rest[-1]] = value

    return edit


WEAKENINGS = [
    ("userPool.passwordPolicy.minimumLength", 8, "cognito-password-min-length"),
    ("userPool.mfa.mode", "OPTIONAL", "cognito-user-pool-mfa-required"),
    ("userPool.waf.mode", "off", "cognito-user-pool-waf-associated"),
]


def test_prod_with_weakened_settings_is_blocked_by_the_right_policies(tmp_path: Path) -> None:
    """One run, three weakened settings: each must be named by its own policy."""

    def weaken(config: dict[str, Any]) -> None:
        for setting, value, _ in WEAKENINGS:
            _set(setting, value)(config)

    stack_file = mutated_stack(tmp_path, "prod", weaken)
    run = run_cli("--stack", "prod", "--config-file", str(stack_file), "--format", "json")
    assert run.returncode == 1, run.stderr
    violations = json.loads(run.stdout)["violations"]
    blocking = {v["policy"] for v in violations if v["mandatory"]}
    assert {policy for _, _, policy in WEAKENINGS} <= blocking


def test_unknown_config_key_exits_2_with_the_programs_message(tmp_path: Path) -> None:
    stack_file = mutated_stack(
        tmp_path, "prod", _set("userPool.passwordPolcy", {"minimumLength": 8})
    )
    run = run_cli("--stack", "prod", "--config-file", str(stack_file))
    assert run.returncode == 2
    assert "passwordPolcy" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_config_file_error_names_that_file_line_and_column(tmp_path: Path) -> None:
    """With --config-file the program's error points into the file given, not Pulumi.prod.yaml."""
    candidate = tmp_path / "candidate"
    candidate.mkdir()
    stack_file = mutated_stack(candidate, "prod", _set("userPool.passwordPolicy.minimumLength", 5))
    run = run_cli("--stack", "prod", "--config-file", str(stack_file))
    assert run.returncode == 2
    (problem,) = [line for line in run.stderr.splitlines() if "minimumLength" in line]
    location = problem[problem.index(str(stack_file)) :].split(": ", 1)[0]
    file, line, column = location.rsplit(":", 2)
    assert file == str(stack_file)
    text = stack_file.read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert text[int(column) - 1 :].startswith("minimumLength: 5")
    assert "note:" not in run.stderr


# --- the gate's own process ------------------------------------------------------------

NOT_TRACING = {k: v for k, v in os.environ.items() if k != "TRACEPARENT"}
PROD_PREVIEW = ("preview", "--stack", "prod", "--format", "json")
GATE_THEN_REPORT = """
import json, os, sys
from gate import launch
from gate.deferred_imports import is_deferred
names = json.loads(sys.argv.pop(1))
def report(code):
    print(json.dumps({"code": code, "deferred": [name for name in names if is_deferred(name)],
                      "botocore": sorted(m for m in sys.modules if m.startswith("botocore"))}),
          file=sys.stderr, flush=True)
    os._exit(code)
launch.exit_now = report
launch.main()
"""


def test_the_gate_itself_runs_none_of_the_sdk_but_its_protocol() -> None:
    """Through a whole prod preview the gate reads the analyzer messages and calls the pack with
    gRPC's blocking client, and runs none of the SDK's own package code; it reads botocore's API
    models without importing botocore (`gate.api_shapes`)."""
    names = unused_by_gate(NOT_TRACING)
    done = run_python(["-c", GATE_THEN_REPORT, json.dumps(names), *PROD_PREVIEW], NOT_TRACING)
    report = json.loads(done.stderr.splitlines()[-1])
    assert report["code"] == 0
    assert json.loads(done.stdout)["summary"]["resources"] == 57
    assert report["deferred"] == [
        "pulumi",
        "pulumi.runtime",
        "pulumi.automation",
        "pulumi.dynamic",
        "pulumi.runtime._instrumentation",
        "grpc.aio",
    ]
    assert report["botocore"] == []

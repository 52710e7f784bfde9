"""Every report format on real results: JSON against its schema, SARIF against the SARIF 2.1.0
schema, markdown and the graphs for their content."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import jsonschema
import pytest

from gate.graph import render_graph
from gate.preview import GateOptions, run_gate
from gate.reports import render
from gate.result import GateResult
from tests.repo import ROOT

from .conftest import FIXTURE_PACK, FIXTURE_PROJECT, SARIF_SCHEMA, mutated_stack, run_python

REPORT_SCHEMA = ROOT / "gate" / "report.schema.json"


def _validate_report(document: object) -> None:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def _validate_sarif(document: object) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)


def test_json_report_of_prod_matches_its_schema(prod_result: GateResult) -> None:
    document = json.loads(render(prod_result, "json", graph="mermaid"))
    _validate_report(document)
    assert document["summary"]["exitCode"] == 0
    assert document["stackFile"] == "Pulumi.prod.yaml"
    assert document["policyPack"]["name"] == "cognito-guard"
    assert document["graph"]["text"].startswith("flowchart LR")


def test_json_report_with_violations_matches_its_schema(fixture_up_result: GateResult) -> None:
    document = json.loads(render(fixture_up_result, "json"))
    _validate_report(document)
    [violation] = document["violations"]
    assert violation["blocksAt"] == "up"
    assert violation["resource"]["name"] == "directory-pool"
    assert document["summary"]["blockingOnlyAtUp"] == 1


def test_json_report_never_shows_secrets(prod_result: GateResult) -> None:
    text = render(prod_result, "json")
    assert "offline-placeholder-secret" not in text


def test_sarif_of_prod_is_valid_and_has_one_rule_per_policy(prod_result: GateResult) -> None:
    document = json.loads(render(prod_result, "sarif"))
    _validate_sarif(document)
    run = document["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == [p.name for p in (*prod_result.info.policies, *prod_result.gate_checks)]
    assert "aws-api-model" in rules  # the gate's own check is a rule like the pack's policies
    assert len(run["results"]) == len(prod_result.analysis.findings)


@pytest.fixture(scope="module")
def short_password_prod(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    """Prod with 8-character passwords: a mandatory finding of the real pack (AWS allows 6-99)."""

    def shorten(config: dict[str, object]) -> None:
        pool = config["enterprise-identity:userPool"]
        assert isinstance(pool, dict)
        pool["passwordPolicy"]["minimumLength"] = 8

    path = mutated_stack(tmp_path_factory.mktemp("short-password"), "prod", shorten)
    return run_gate(GateOptions(stack="prod", project_dir=ROOT, config_file=path))


def test_sarif_marks_advisory_findings_as_warnings(dev_result: GateResult) -> None:
    results = json.loads(render(dev_result, "sarif"))["runs"][0]["results"]
    assert dev_result.mandatory_findings == []
    assert len(results) == len(dev_result.analysis.findings) >= 1  # findings to judge
    assert {result["level"] for result in results} == {"warning"}  # advisory only


def test_sarif_and_markdown_mark_a_mandatory_finding_as_blocking(
    short_password_prod: GateResult,
) -> None:
    mandatory = {f.policy_name for f in short_password_prod.mandatory_findings}
    assert mandatory  # the short password is judged mandatory in prod
    document = json.loads(render(short_password_prod, "sarif"))
    _validate_sarif(document)
    levels = {result["ruleId"]: result["level"] for result in document["runs"][0]["results"]}
    assert {levels[name] for name in mandatory} == {"error"}
    text = render(short_password_prod, "markdown")
    assert "— ❌ blocked" in text
    rows = text.split("**Violations**")[-1].split("<details>")[0]
    assert all(f"| mandatory | `{name}` |" in rows for name in mandatory)


def test_sarif_result_points_at_the_stack_line_of_the_component(
    fixture_up_result: GateResult,
) -> None:
    document = json.loads(render(fixture_up_result, "sarif"))
    _validate_sarif(document)
    [result] = document["runs"][0]["results"]
    assert result["ruleId"] == "fixture-pool-in-us"
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "Pulumi.ok.yaml"
    stack_lines = fixture_up_result.stack_config.stack_file.read_text().splitlines()
    assert stack_lines[location["region"]["startLine"] - 1].strip() == "gate-fixture:pool:"


def test_markdown_for_a_failing_stack_has_verdict_violations_and_plan(
    fixture_up_result: GateResult,
) -> None:
    text = render(fixture_up_result, "markdown", graph="mermaid")
    assert text.startswith("#### :tropical_drink: `up` on gate-fixture/ok — ❌ blocked")
    assert (
        "| 🟥 critical | mandatory | `fixture-pool-in-us` | directory-pool (aws:cognito/userPool:UserPool) | up |"
        in text
    )
    assert "Pulumi.ok.yaml:" in text
    assert "```mermaid" in text
    assert "<summary>Plan: 3 to create</summary>" in text


def test_markdown_for_prod_says_it_passed(prod_result: GateResult) -> None:
    text = render(prod_result, "markdown")
    assert "— ✅ passed" in text
    assert "| 0 |" in text.split("**Violations**")[0]  # no mandatory violation in the counts


def test_markdown_lists_advisory_rows_and_no_mandatory_row_for_a_passing_stack(
    dev_result: GateResult,
) -> None:
    text = render(dev_result, "markdown")
    assert "— ✅ passed" in text
    rows = text.split("**Violations**")[-1].split("<details>")[0]
    assert rows.count("| advisory |") == len(dev_result.analysis.findings) >= 1
    assert "mandatory |" not in rows


def test_table_has_tree_counts_and_verdict_without_colour(prod_result: GateResult) -> None:
    text = render(prod_result, "table")
    assert "\x1b[" not in text
    assert "aws:cognito/userPool:UserPool  ei-prod-pool  [protected]" in text
    assert "Resources to create, by type" in text
    assert text.rstrip().splitlines()[-1].startswith("PASSED: enterprise-identity/prod (preview)")


def test_mermaid_groups_resources_by_component_with_dependency_edges(
    fixture_up_result: GateResult,
) -> None:
    text = render_graph(fixture_up_result.plan, "mermaid")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "flowchart LR"
    component = next(line for line in lines if line.startswith("subgraph"))
    assert "directory<br/><i>Directory</i>" in component
    ids = {
        line.split("[")[0]: line
        for line in lines
        if "[" in line and not line.startswith("subgraph")
    }
    pool = next(node for node, line in ids.items() if "directory-pool" in line)
    client = next(node for node, line in ids.items() if "directory-web" in line)
    assert f"{client} --> {pool}" in lines


def test_dot_is_a_digraph_with_a_cluster_per_component(fixture_up_result: GateResult) -> None:
    text = render_graph(fixture_up_result.plan, "dot")
    assert text.startswith("digraph gate_fixture_ok {")
    assert text.count("subgraph cluster_") == 1
    assert "->" in text


MFA_PAGE = "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html"
DELETION_PROTECTION_PAGE = "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-deletion-protection.html"


def test_sarif_rules_carry_the_aws_pages_and_peer_checks_of_the_pack(
    prod_result: GateResult,
) -> None:
    """The references reach SARIF through the pack's analyzer info (the real pack over gRPC)."""
    document = json.loads(render(prod_result, "sarif"))
    _validate_sarif(document)
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    mfa = rules["cognito-user-pool-mfa-required"]
    assert mfa["helpUri"] == MFA_PAGE
    assert mfa["properties"]["awsDocumentation"] == [MFA_PAGE]
    assert {"securityhub:Cognito.5", "prowler:cognito_user_pool_mfa_enabled"} <= set(
        mfa["properties"]["peerChecks"]
    )
    assert "cdk-nag:AwsSolutions-COG2" in mfa["properties"]["tags"]
    assert MFA_PAGE in mfa["help"]["markdown"]
    for rule in rules.values():
        pages = rule["properties"]["awsDocumentation"]
        assert rule.get("helpUri") == (pages[0] if pages else None), rule["id"]
        assert not [tag for tag in rule["properties"]["tags"] if tag.startswith("aws-doc:")]


def test_markdown_table_and_json_name_the_aws_pages_apart_from_the_controls(
    dev_result: GateResult,
) -> None:
    """Dev keeps deletion protection advisory, so its finding is in the report with its page."""
    policy = dev_result.policy("cognito-user-pool-deletion-protection")
    assert policy is not None
    text = render(dev_result, "markdown")
    [entry] = [block for block in text.split("\n- **") if block.startswith(policy.display_name)]
    link = f"[user-pool-settings-deletion-protection]({DELETION_PROTECTION_PAGE})"
    assert f"_AWS documentation:_ {link}" in entry
    assert "securityhub:Cognito.6" in entry.split("_Controls:_")[1]
    assert "aws-doc:" not in text
    table = render(dev_result, "table").splitlines()
    assert f"        {DELETION_PROTECTION_PAGE}" in table  # whole, on its own line
    [violation] = [
        v
        for v in json.loads(render(dev_result, "json"))["violations"]
        if v["policy"] == "cognito-user-pool-deletion-protection"
    ]
    assert "securityhub:Cognito.6" in violation["controls"]
    assert not [c for c in violation["controls"] if c.startswith("aws-doc:")]


RUN_THEN_RENDER = """
import json, sys, threading
from pathlib import Path
from gate.preview import GateOptions, run_gate
from gate.reports import FORMATS, render

formats = tuple(json.loads(sys.argv[1]))
project, pack = Path(sys.argv[2]), Path(sys.argv[3])
result = run_gate(GateOptions(stack="ok", project_dir=project, policy_pack=pack,
                              report_formats=formats))
for thread in threading.enumerate():
    if thread.name == "prepare":
        thread.join()
loaded = set(sys.modules)
for report_format in FORMATS:
    render(result, report_format)
print(json.dumps({"loaded": sorted(m for m in loaded if m.startswith("gate.reports.")),
                  "new": sorted(set(sys.modules) - loaded)}))
"""


@pytest.mark.parametrize("formats", [["table", "json", "sarif", "markdown"], []])
def test_the_writers_of_the_formats_asked_for_load_while_the_program_runs(
    formats: list[str],
) -> None:
    """The CLI names the formats it will write (`--format`, `--also`); the gate imports their
    writers while the program runs, so rendering then imports nothing. Without formats, nothing
    is loaded ahead and rendering imports the writers itself."""
    done = run_python(
        ["-c", RUN_THEN_RENDER, json.dumps(formats), str(FIXTURE_PROJECT), str(FIXTURE_PACK)],
        dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    if formats:
        assert report["new"] == []
        assert {"gate.reports.table", "gate.reports.json_report"} <= set(report["loaded"])
    else:
        assert "gate.reports.table" in report["new"]
        assert "gate.reports.table" not in report["loaded"]


def test_table_prints_names_as_written_not_as_markup(dev_result: GateResult) -> None:
    """Type tokens and names are text: a component type such as `acme:lock:Vault` or
    `acme:[bold]x:Y` keeps its colons and brackets (rich would read `:lock:` as an emoji code
    and `[bold]` as a style)."""
    plan = dev_result.plan
    first, *rest = (r for r in plan.resources if r.custom)
    odd = [replace(first, type="acme:lock:Vault"), replace(rest[0], type="acme:[bold]x:Y")]
    others = [r for r in plan.resources if r.urn not in {first.urn, rest[0].urn}]
    result = replace(dev_result, plan=replace(plan, resources=(*others, *odd)))
    counts = render(result, "table").partition("Resources to create, by type")[2]
    rows = [line.split() for line in counts.splitlines()]
    assert ["acme:lock:Vault", "│", "1"] in rows
    assert ["acme:[bold]x:Y", "│", "1"] in rows

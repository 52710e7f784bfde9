"""Every report format on real results: JSON against its schema, SARIF against the SARIF 2.1.0
schema, markdown and the graphs for their content."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from gate.graph import render_graph
from gate.reports import render
from gate.result import GateResult

from .conftest import SARIF_SCHEMA

REPORT_SCHEMA = Path(__file__).resolve().parents[2] / "gate" / "report.schema.json"


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
    assert len(run["tool"]["driver"]["rules"]) == len(prod_result.info.policies)
    assert len(run["results"]) == len(prod_result.analysis.findings)
    assert all(result["level"] == "warning" for result in run["results"])  # advisory only


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
    assert "mandatory |" not in text.split("**Violations**")[-1].split("<details>")[0]


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

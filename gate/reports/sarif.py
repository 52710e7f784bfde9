"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps): one rule per policy of the pack, one
result per violation, located at the line of `Pulumi.<stack>.yaml` that configures the offending
resource's component, with the resource URN as logical location."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from gate.analysis import Finding
from gate.analyzer import PolicyMeta
from gate.reports.common import location_of, relative_file, remediation_of
from gate.result import GateResult, SourceLocation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub ranks code-scanning alerts by `security-severity` (0-10).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
SRCROOT = "%SRCROOT%"


def render_sarif(result: GateResult) -> str:
    return json.dumps(build_sarif(result), indent=2, ensure_ascii=False) + "\n"


def build_sarif(result: GateResult) -> dict[str, Any]:
    policies = [*result.info.policies, *result.gate_checks]
    rule_index = {policy.name: index for index, policy in enumerate(policies)}
    findings = [f for _, group in result.findings_by_severity() for f in group]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": result.info.name,
                "version": result.info.version or "0.0.0",
                "informationUri": "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
                "rules": [_rule(policy) for policy in policies],
            }
        },
        "automationDetails": {"id": f"enterprise-identity-gate/{result.plan.stack}/"},
        "originalUriBaseIds": {SRCROOT: {"uri": result.stack_config.project.root.as_uri() + "/"}},
        "invocations": [_invocation(result)],
        "results": [_result(result, finding, rule_index) for finding in findings],
        "properties": {"mode": result.mode, "verdict": result.verdict()},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _invocation(result: GateResult) -> dict[str, Any]:
    """The run; a live audit lists each read it could not make as a notification."""
    command = (
        "python -m gate audit --format sarif"
        if result.mode == "audit"
        else f"python -m gate preview --stack {result.plan.stack} --mode {result.mode} --format sarif"
    )
    invocation: dict[str, Any] = {
        "executionSuccessful": not result.incomplete,
        "commandLine": command,
    }
    if result.not_judged:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error" if entry.required else "warning",
                "message": {
                    "text": f"not judged: {entry.api} on {entry.resource}: {entry.reason}"
                    + (f" (policies: {', '.join(entry.policies)})" if entry.policies else "")
                },
            }
            for entry in result.not_judged
        ]
    return invocation


def _rule(policy: PolicyMeta) -> dict[str, Any]:
    """One reportingDescriptor; its references come from the analyzer info: `helpUri` is the
    policy's primary AWS page, `properties` list every AWS page and the peer checks it covers."""
    rule: dict[str, Any] = {
        "id": policy.name,
        "shortDescription": {"text": policy.display_name or policy.name},
        "fullDescription": {"text": policy.description or policy.name},
        "defaultConfiguration": {"level": _level(policy.enforcement_level)},
        "properties": {
            "tags": list(dict.fromkeys(["security", *policy.control_tags])),
            "awsDocumentation": list(policy.aws_documentation),
            "peerChecks": list(policy.peer_checks),
        },
    }
    if policy.name:
        rule["name"] = "".join(part.capitalize() for part in policy.name.split("-"))
    help_ = _help(policy)
    if help_:
        rule["help"] = help_
    if policy.severity in SECURITY_SEVERITY:
        rule["properties"]["security-severity"] = SECURITY_SEVERITY[policy.severity]
    if policy.url:
        rule["helpUri"] = policy.url
    return rule


def _help(policy: PolicyMeta) -> dict[str, str] | None:
    """Remediation steps, then the AWS pages (code scanning shows `help` on every alert)."""
    pages = policy.aws_documentation
    if not (policy.remediation_steps or pages):
        return None
    text = [policy.remediation_steps] if policy.remediation_steps else []
    markdown = list(text)
    if pages:
        text.append("AWS documentation: " + " ".join(pages))
        markdown.append("AWS documentation: " + ", ".join(f"<{page}>" for page in pages))
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)}


def _result(result: GateResult, finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    resource = result.resource(finding.urn)
    location = location_of(result, finding.urn)
    logical = [
        {
            "fullyQualifiedName": finding.urn,
            "name": resource.name if resource else finding.urn,
            "kind": "resource",
        }
    ]
    locations = [
        {"physicalLocation": physical, "logicalLocations": logical}
        for physical in _physical_locations(result, location)
    ]
    remediation = remediation_of(result, finding)
    text = finding.message.strip()
    if remediation:
        text += f"\nRemediation: {remediation}"
    sarif_result: dict[str, Any] = {
        "ruleId": finding.policy_name,
        "level": _level(finding.enforcement_level),
        "message": {"text": text},
        "locations": locations,
        "partialFingerprints": {
            "gateFinding/v1": hashlib.sha256(
                f"{finding.policy_name}|{finding.urn}".encode()
            ).hexdigest()
        },
        "properties": {
            "blocksAt": finding.blocks_at,
            "severity": finding.severity or "unspecified",
            "resourceType": resource.type if resource else None,
            "configKey": location.key_path if location else None,
            "controls": result.controls(finding),
        },
    }
    if finding.policy_name in rule_index:
        sarif_result["ruleIndex"] = rule_index[finding.policy_name]
    return sarif_result


def _level(enforcement_level: str) -> str:
    """Mandatory (and remediate) violations block: `error`; advisory ones warn: `warning`."""
    return {"mandatory": "error", "remediate": "error", "advisory": "warning"}.get(
        enforcement_level, "none"
    )


def _physical_locations(
    result: GateResult, location: SourceLocation | None
) -> list[dict[str, Any]]:
    """Where code scanning annotates the finding, the first location being the primary one.

    A resource a config key drives is fixed in the stack file, so its stack line comes first and
    the program line that declared it second; a resource the program hard-codes points at its
    declaring line (the stack file's `config:` line would say nothing). Without either, the
    stack file's first line.
    """
    stack_line = _physical(
        result,
        location.file if location else result.stack_config.stack_file,
        location.line if location else 1,
    )
    program = (
        [_physical(result, location.declared_at[0].file, location.declared_at[0].line)]
        if location and location.declared_at
        else []
    )
    if location is not None and not location.from_config and program:
        return program
    return [stack_line, *program]


def _physical(result: GateResult, file: Path, line: int) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": relative_file(result, file), "uriBaseId": SRCROOT},
        "region": {"startLine": line},
    }

"""The JSON document: one stable shape (plan, violations, summary) for other tools, described by
`gate/report.schema.json`. Secrets appear only as `[secret]`, unknowns as `[unknown]`."""

from __future__ import annotations

import json
from typing import Any

from gate.graph import render_graph
from gate.key_settings import key_settings
from gate.plan import PlannedResource
from gate.reports.common import level_label, location_of, relative_file, remediation_of
from gate.result import GateResult
from gate.values import to_json

SCHEMA_VERSION = "1.0"


def build_document(result: GateResult, graph: str | None = None) -> dict[str, Any]:
    """The report as plain data (also what the JSON schema validates)."""
    document: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "project": result.plan.project,
        "stack": result.plan.stack,
        "mode": result.mode,
        "stackFile": relative_file(result, result.stack_config.stack_file),
        "policyPack": {
            "name": result.info.name,
            "version": result.info.version,
            "policies": len(result.info.policies),
            "config": (
                relative_file(result, result.policy_config_file)
                if result.policy_config_file
                else None
            ),
        },
        "plan": {
            "resources": [_resource(result, r) for r in result.plan.resources],
            "countsByType": dict(sorted(result.plan.counts_by_type().items())),
            "outputs": to_json(result.plan.outputs),
        },
        "violations": [
            _violation(result, f) for _, group in result.findings_by_severity() for f in group
        ],
        "deferred": [
            {"policy": d.policy_name, "urn": d.urn, "message": d.message}
            for d in result.analysis.deferred
        ],
        "autofixes": [
            {"policy": a.policy_name, "urn": a.urn, "changedKeys": list(a.changed_keys)}
            for a in result.analysis.autofixes
        ],
        "summary": {
            "passed": result.passed,
            "exitCode": result.exit_code,
            "verdict": result.verdict(),
            "elapsedSeconds": round(result.elapsed_seconds, 3),
            **result.counts(),
        },
    }
    if result.not_judged:
        document["notJudged"] = [
            {
                "api": entry.api,
                "resource": entry.resource,
                "reason": entry.reason,
                "required": entry.required,
                "policies": list(entry.policies),
            }
            for entry in result.not_judged
        ]
    if graph:
        document["graph"] = {"format": graph, "text": render_graph(result.plan, graph)}
    return document


def render_json(result: GateResult, graph: str | None = None) -> str:
    return json.dumps(build_document(result, graph), indent=2, ensure_ascii=False) + "\n"


def _location(result: GateResult, urn: str) -> dict[str, Any] | None:
    location = location_of(result, urn)
    if location is None:
        return None
    return {
        "file": relative_file(result, location.file),
        "line": location.line,
        "keyPath": location.key_path,
        "fromConfig": location.from_config,
        "declaredAt": [
            {"file": relative_file(result, line.file), "line": line.line}
            for line in location.declared_at
        ],
    }


def _resource(result: GateResult, resource: PlannedResource) -> dict[str, Any]:
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "kind": resource.kind,
        "parent": resource.parent,
        "provider": resource.provider,
        "protect": resource.options.protect,
        "deleteBeforeReplace": resource.options.delete_before_replace,
        "dependencies": list(resource.dependencies),
        "keySettings": key_settings(resource),
        "inputs": to_json(resource.inputs),
        "location": _location(result, resource.urn),
    }


def _violation(result: GateResult, finding: Any) -> dict[str, Any]:
    policy = result.policy(finding.policy_name)
    resource = result.resource(finding.urn)
    return {
        "policy": finding.policy_name,
        "displayName": policy.display_name if policy else "",
        "description": policy.description if policy else "",
        "severity": finding.severity or "unspecified",
        "enforcementLevel": level_label(finding),
        "mandatory": finding.mandatory,
        "blocksAt": finding.blocks_at,
        "message": finding.message,
        "resource": {
            "urn": finding.urn,
            "type": resource.type if resource else None,
            "name": resource.name if resource else None,
        },
        "location": _location(result, finding.urn),
        "remediationSteps": remediation_of(result, finding),
        "controls": result.controls(finding),
    }

"""Drives the policy pack over a plan exactly as the engine does during a deployment: per resource
`Remediate` then `Analyze` on its inputs (remediated inputs replace the originals; `Remediate`
is left out while no policy is at the `remediate` level, see `AnalyzerClient.remediate`), then
one `AnalyzeStack` over every resource's outputs; and sorts what comes back into findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from gate.analyzer import (
    AnalyzerClient,
    AnalyzerInfo,
    AnalyzerResource,
    PolicyMeta,
    ProviderRef,
    Violation,
)
from gate.plan import Plan, PlannedResource
from gate.registrations import provider_reference_urn

PREVIEW_ONLY_MARKER = "during preview:"


@dataclass(frozen=True)
class Finding:
    """A policy violation on one resource, with what a reviewer needs to act on it."""

    policy_name: str
    message: str
    urn: str
    enforcement_level: str
    severity: str
    blocks_at: str  # "preview" (seen by `pulumi preview`) or "up" (only once outputs are known)

    @property
    def mandatory(self) -> bool:
        return self.enforcement_level in ("mandatory", "remediate")


@dataclass(frozen=True)
class Deferred:
    """A policy the pack could not run during preview because a value it reads is unknown."""

    policy_name: str
    urn: str
    message: str


@dataclass(frozen=True)
class AutoFix:
    """A remediation the pack applied to a resource's inputs (what `pulumi up` would deploy)."""

    policy_name: str
    urn: str
    changed_keys: tuple[str, ...]


@dataclass(frozen=True)
class PhaseAnalysis:
    """What the pack reported for one program run (one mode)."""

    findings: tuple[Finding, ...]
    deferred: tuple[Deferred, ...]
    autofixes: tuple[AutoFix, ...]


def analyze_plan(
    client: AnalyzerClient,
    plan: Plan,
    blocks_at: str,
    judged: Mapping[str, PhaseAnalysis] | None = None,
) -> PhaseAnalysis:
    """Every Remediate/Analyze call for the plan's resources, then AnalyzeStack.

    `judged` holds what `judge_resources` already got for resources while the program ran; the
    rest are judged now. Either way the findings come in the plan's order."""
    providers = plan.by_urn()
    done = judged or {}
    per_resource = [
        done[resource.urn]
        if resource.urn in done
        else judge_resource(client, resource, providers, blocks_at)
        for resource in plan.resources
    ]
    findings = [finding for analysis in per_resource for finding in analysis.findings]
    deferred = [note for analysis in per_resource for note in analysis.deferred]
    autofixes = [fix for analysis in per_resource for fix in analysis.autofixes]
    stack_urn = plan.root.urn if plan.root else ""
    stack_resources = [to_analyzer_resource(r, providers, r.outputs) for r in plan.resources]
    _sort(client.analyze_stack(stack_resources), stack_urn, blocks_at, findings, deferred)
    return PhaseAnalysis(tuple(findings), tuple(deferred), tuple(autofixes))


def judge_resources(
    client: AnalyzerClient, resources: Iterable[PlannedResource], blocks_at: str
) -> dict[str, PhaseAnalysis]:
    """Remediate and Analyze each resource as it arrives (the engine calls the pack during step
    generation, resource by resource, not after the program): the pack works while the program
    is still registering. Providers arrive before the resources that use them."""
    seen: dict[str, PlannedResource] = {}
    judged: dict[str, PhaseAnalysis] = {}
    for resource in resources:
        seen[resource.urn] = resource
        judged[resource.urn] = judge_resource(client, resource, seen, blocks_at)
    return judged


def judge_resource(
    client: AnalyzerClient,
    resource: PlannedResource,
    providers: Mapping[str, PlannedResource],
    blocks_at: str,
) -> PhaseAnalysis:
    """Remediate then Analyze one resource's inputs (remediated inputs replace the originals)."""
    findings: list[Finding] = []
    deferred: list[Deferred] = []
    autofixes: list[AutoFix] = []
    wire = to_analyzer_resource(resource, providers, resource.inputs)
    for remediation in client.remediate(wire):
        if remediation.properties is not None:
            autofixes.append(
                AutoFix(
                    remediation.policy_name,
                    resource.urn,
                    _changed(wire.properties, remediation.properties),
                )
            )
            wire = replace(wire, properties=remediation.properties)
        elif remediation.diagnostic:
            deferred.append(Deferred(remediation.policy_name, resource.urn, remediation.diagnostic))
    own = [replace(v, urn=resource.urn) for v in client.analyze(wire)]  # as the engine does
    _sort(own, resource.urn, blocks_at, findings, deferred)
    return PhaseAnalysis(tuple(findings), tuple(deferred), tuple(autofixes))


def merge_phases(preview: PhaseAnalysis, up: PhaseAnalysis) -> PhaseAnalysis:
    """Up-mode findings, each marked `preview` when `pulumi preview` already reports it."""
    seen_at_preview = {(f.policy_name, f.urn) for f in preview.findings}
    findings = [
        replace(f, blocks_at="preview" if (f.policy_name, f.urn) in seen_at_preview else "up")
        for f in up.findings
    ]
    seen_at_up = {(f.policy_name, f.urn) for f in up.findings}
    findings += [f for f in preview.findings if (f.policy_name, f.urn) not in seen_at_up]
    return PhaseAnalysis(tuple(findings), up.deferred, up.autofixes)


def to_analyzer_resource(
    resource: PlannedResource, index: Mapping[str, PlannedResource], properties: Mapping[str, Any]
) -> AnalyzerResource:
    """The resource as the engine describes it to a pack, with its provider resolved."""
    provider_urn = provider_reference_urn(resource.provider)
    provider = index.get(provider_urn) if provider_urn else None
    return AnalyzerResource(
        urn=resource.urn,
        type=resource.type,
        name=resource.name,
        properties=properties,
        options=resource.options,
        provider=(
            ProviderRef(provider.urn, provider.type, provider.name, provider.inputs)
            if provider
            else None
        ),
        parent=resource.parent,
        dependencies=resource.dependencies,
        property_dependencies=resource.property_dependencies,
    )


def controls_of(policy: PolicyMeta | None) -> list[str]:
    """The compliance controls a policy maps to: its framework reference and its tags but the
    AWS pages (areas, peer checks, standards)."""
    if policy is None:
        return []
    controls: list[str] = []
    if policy.framework:
        framework = " ".join(
            part
            for part in (
                policy.framework.get("name"),
                policy.framework.get("version"),
                policy.framework.get("reference"),
            )
            if part
        )
        if framework:
            controls.append(framework)
    controls.extend(tag for tag in policy.control_tags if tag not in controls)
    return controls


def policy_index(info: AnalyzerInfo) -> dict[str, PolicyMeta]:
    return {policy.name: policy for policy in info.policies}


def _sort(
    violations: Iterable[Violation],
    default_urn: str,
    blocks_at: str,
    findings: list[Finding],
    deferred: list[Deferred],
) -> None:
    """Violations become findings, except the SDK's "can't run ... during preview" notes."""
    for violation in violations:
        urn = violation.urn or default_urn
        if _is_preview_only_note(violation):
            deferred.append(Deferred(violation.policy_name, urn, violation.message))
            continue
        findings.append(
            Finding(
                policy_name=violation.policy_name,
                message=violation.message or violation.description,
                urn=urn,
                enforcement_level=violation.enforcement_level,
                severity=violation.severity,
                blocks_at=blocks_at,
            )
        )


def _is_preview_only_note(violation: Violation) -> bool:
    """The policy SDK's advisory note for a policy that read a value unknown during preview."""
    return (
        violation.enforcement_level == "advisory"
        and violation.message.startswith("can't run")
        and PREVIEW_ONLY_MARKER in violation.message
    )


def _changed(before: Mapping[str, object], after: Mapping[str, object]) -> tuple[str, ...]:
    keys = set(before) | set(after)
    return tuple(sorted(key for key in keys if before.get(key) != after.get(key)))

"""One audit run: read every target (profile x Region), turn each into a plan of live resources
with synthetic URNs, judge it with the policy pack over its gRPC protocol exactly as the gate does
(`gate.analysis.analyze_plan`: Analyze per resource, AnalyzeStack with property dependencies), and
return a `GateResult` the gate's reports format unchanged."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from gate.analysis import Finding, PhaseAnalysis, analyze_plan
from gate.analyzer import AnalyzerClient, AnalyzerError, AnalyzerInfo, ResourceOptionsWire
from gate.errors import PolicyPackError, StackFileError
from gate.live.drift import DRIFT_CHECK, drift_findings, planned_resources
from gate.live.inventory import Inventory, LiveResource, read_inventory
from gate.live.reader import LiveReader
from gate.plan import STACK_TYPE, Plan, PlannedResource
from gate.policy_config import PolicyConfigError, load_policy_config
from gate.result import GateResult, NotJudged
from gate.source_map import SourceMap
from gate.stack import Project, StackConfig, find_project

PROJECT: Final = "live"
MODE: Final = "audit"
BLOCKS_AT: Final = "up"  # live values are all known, as the engine's outputs at `pulumi up`
PACK_STARTUP_TIMEOUT_SECONDS: Final = 300.0


@dataclass(frozen=True)
class AuditOptions:
    """Where to read and how to judge."""

    region: str
    policy_pack_config: Path
    profiles: tuple[str | None, ...] = (None,)
    pool_ids: tuple[str, ...] = ()
    endpoint_url: str | None = None
    policy_pack: Path | None = None
    project_dir: Path = Path()
    allow_partial: bool = False
    max_attempts: int = 5
    stack: str | None = None  # compare with what this stack would deploy (drift)


@dataclass(frozen=True)
class Target:
    """One account and Region as read, its plan and what could not be read."""

    inventory: Inventory
    plan: Plan
    not_judged: tuple[NotJudged, ...]


def run_audit(options: AuditOptions) -> GateResult:
    """Reads and judges every target; raises a `GateError` when the audit cannot run at all."""
    started = time.perf_counter()
    project = _project(options.project_dir)
    pack_dir = (options.policy_pack or project.root / "policies").resolve()
    if not (pack_dir / "PulumiPolicy.yaml").is_file():
        raise PolicyPackError(f"no policy pack in {pack_dir} (PulumiPolicy.yaml is missing)")
    if not options.policy_pack_config.is_file():
        raise PolicyPackError(f"--policy-pack-config {options.policy_pack_config}: no such file")
    targets = _read_targets(options)
    info, analyses = _judge(pack_dir, options.policy_pack_config, targets)
    plan = _merged_plan(targets)
    analysis = _merged_analysis(analyses)
    if options.stack:
        analysis = replace(
            analysis, findings=(*analysis.findings, *_drift(options.stack, project, targets))
        )
    return GateResult(
        stack_config=_stack_config(project, plan.stack, options.policy_pack_config),
        plan=plan,
        analysis=analysis,
        info=info,
        policy_config_file=options.policy_pack_config,
        elapsed_seconds=time.perf_counter() - started,
        not_judged=tuple(entry for target in targets for entry in target.not_judged),
        allow_partial=options.allow_partial,
        extra_checks=(DRIFT_CHECK,) if options.stack else (),
    )


def _drift(stack: str, project: Project, targets: list[Target]) -> list[Finding]:
    """Drift findings of every target against the stack's offline plan."""
    planned = planned_resources(stack, project.root)
    return [f for target in targets for f in drift_findings(stack, planned, target.plan)]


def _project(folder: Path) -> Project:
    """The project around `folder` (for relative paths in reports), or the folder itself: an
    audit needs no Pulumi project."""
    try:
        return find_project(folder)
    except StackFileError:
        return Project(folder.resolve(), PROJECT, {})


def _read_targets(options: AuditOptions) -> list[Target]:
    """One target per account: a second profile for an account already read adds nothing."""
    targets: list[Target] = []
    seen: set[str] = set()
    for profile in dict.fromkeys(options.profiles):
        reader = LiveReader(
            region=options.region,
            profile=profile,
            endpoint_url=options.endpoint_url,
            max_attempts=options.max_attempts,
        )
        account = reader.account()
        if account in seen:
            continue
        seen.add(account)
        inventory = read_inventory(reader, account, options.pool_ids)
        targets.append(Target(inventory, to_plan(inventory), tuple(reader.not_judged)))
    return targets


def stack_name(inventory: Inventory) -> str:
    return f"{inventory.account}-{inventory.region}"


def urn(inventory: Inventory, key: str) -> str:
    """`urn:pulumi:live::<account>-<region>::<type>::<id>` for a resource key `<type>::<id>`."""
    return f"urn:pulumi:{PROJECT}::{stack_name(inventory)}::{key}"


def to_plan(inventory: Inventory) -> Plan:
    """The live resources as the engine would register them, each reference a property
    dependency (and a dependency) on the resource it names."""
    stack = stack_name(inventory)
    root = PlannedResource(
        urn=urn(inventory, f"{STACK_TYPE}::{stack}"),
        type=STACK_TYPE,
        name=stack,
        custom=False,
        parent=None,
        provider=None,
        dependencies=(),
        property_dependencies={},
        options=ResourceOptionsWire(),
        inputs={},
    )
    resources = [
        _planned(inventory, resource, root.urn) for resource in inventory.resources.values()
    ]
    return Plan(PROJECT, stack, MODE, (root, *resources))


def _planned(inventory: Inventory, resource: LiveResource, root_urn: str) -> PlannedResource:
    property_dependencies = {
        prop: tuple(urn(inventory, key) for key in keys if inventory.has(key))
        for prop, keys in resource.references.items()
    }
    dependencies = tuple(dict.fromkeys(u for urns in property_dependencies.values() for u in urns))
    parent = urn(inventory, resource.parent) if resource.parent else root_urn
    return PlannedResource(
        urn=urn(inventory, resource.key),
        type=resource.type,
        name=resource.label,
        custom=True,
        parent=parent,
        provider=None,
        dependencies=dependencies,
        property_dependencies={k: v for k, v in property_dependencies.items() if v},
        options=ResourceOptionsWire(parent=parent),
        inputs=resource.inputs,
        outputs={**resource.inputs, **{k: v for k, v in resource.outputs.items() if v is not None}},
    )


def _judge(
    pack_dir: Path, config_file: Path, targets: list[Target]
) -> tuple[AnalyzerInfo, list[PhaseAnalysis]]:
    """The pack, started once, configured from the profile, run over every target's plan."""
    try:
        with AnalyzerClient.start(
            pack_dir,
            project=PROJECT,
            stack="+".join(t.plan.stack for t in targets) or PROJECT,
            dry_run=False,
            startup_timeout=PACK_STARTUP_TIMEOUT_SECONDS,
        ) as client:
            info = client.info()
            try:
                config = load_policy_config(config_file, info)
            except PolicyConfigError as error:
                raise PolicyPackError(f"invalid policy config: {error}") from None
            client.configure(report_remediations(config))
            analyses = [
                _withdraw(analyze_plan(client, target.plan, BLOCKS_AT), target.not_judged)
                for target in targets
            ]
    except AnalyzerError as error:
        raise PolicyPackError(f"the policy pack in {pack_dir} failed: {error}") from None
    return info, analyses


def report_remediations(
    config: Mapping[str, Mapping[str, object]],
) -> dict[str, dict[str, object]]:
    """The profile with `remediate` turned into `mandatory`.

    A deployment remediates a resource's inputs before creating it; a deployed resource is not
    changed by the audit, so what a remediation would fix is a violation to report."""
    return {
        name: {
            **entry,
            "enforcementLevel": "mandatory"
            if entry.get("enforcementLevel") == "remediate"
            else entry.get("enforcementLevel"),
        }
        for name, entry in config.items()
    }


def _withdraw(analysis: PhaseAnalysis, not_judged: Iterable[NotJudged]) -> PhaseAnalysis:
    """Findings of policies that depend on a read that failed are not verdicts: the missing answer
    may be exactly what the policy looks for (a WAF, a risk configuration), so they are dropped and
    the `NotJudged` entry names the policies instead."""
    unjudged = {policy for entry in not_judged for policy in entry.policies}
    findings = tuple(f for f in analysis.findings if f.policy_name not in unjudged)
    return replace(analysis, findings=findings)


def _merged_plan(targets: list[Target]) -> Plan:
    resources = tuple(r for target in targets for r in target.plan.resources)
    stack = "+".join(target.plan.stack for target in targets)
    return Plan(PROJECT, stack, MODE, resources)


def _merged_analysis(analyses: list[PhaseAnalysis]) -> PhaseAnalysis:
    findings: tuple[Finding, ...] = tuple(f for a in analyses for f in a.findings)
    return PhaseAnalysis(
        findings=findings,
        deferred=tuple(d for a in analyses for d in a.deferred),
        autofixes=tuple(x for a in analyses for x in a.autofixes),
    )


def _stack_config(project: Project, stack: str, config_file: Path) -> StackConfig:
    """The reports' frame: the project root for relative paths; the "stack file" of an audit is
    the policy profile it was judged with (no stack file describes live resources)."""
    return StackConfig(
        project=project,
        stack=stack,
        stack_file=config_file,
        values={},
        secret_keys=(),
        source=SourceMap(config_file),
    )

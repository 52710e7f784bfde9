"""The gate's verdict: the plan, the findings sorted for people, the exit code and the summary
numbers every report format shares."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gate.analysis import Finding, PhaseAnalysis, controls_of, policy_index
from gate.analyzer import AnalyzerInfo, PolicyMeta
from gate.plan import Plan, PlannedResource
from gate.stack import StackConfig

SEVERITY_ORDER = ("critical", "high", "medium", "low", "")
EXIT_PASS = 0
EXIT_MANDATORY_VIOLATION = 1
EXIT_CANNOT_EVALUATE = 2


@dataclass(frozen=True)
class SourceLocation:
    """Where in the stack file the resource's component is configured."""

    file: Path
    line: int
    key_path: str


@dataclass(frozen=True)
class GateResult:
    """Everything one gate run found; reports only format it."""

    stack_config: StackConfig
    plan: Plan
    analysis: PhaseAnalysis
    info: AnalyzerInfo
    policy_config_file: Path | None
    elapsed_seconds: float
    locations: dict[str, SourceLocation] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        return self.plan.mode

    @property
    def mandatory_findings(self) -> list[Finding]:
        return [f for f in self.analysis.findings if f.mandatory]

    @property
    def exit_code(self) -> int:
        return EXIT_MANDATORY_VIOLATION if self.mandatory_findings else EXIT_PASS

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_PASS

    def policy(self, name: str) -> PolicyMeta | None:
        return policy_index(self.info).get(name)

    def controls(self, finding: Finding) -> list[str]:
        return controls_of(self.policy(finding.policy_name))

    def resource(self, urn: str) -> PlannedResource | None:
        return self.plan.by_urn().get(urn)

    def findings_by_severity(self) -> list[tuple[str, list[Finding]]]:
        """Findings grouped by severity, most severe first; mandatory before advisory inside."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.analysis.findings:
            severity = finding.severity if finding.severity in SEVERITY_ORDER else ""
            groups.setdefault(severity, []).append(finding)
        return [
            (
                severity or "unspecified",
                sorted(groups[severity], key=lambda f: (not f.mandatory, f.policy_name, f.urn)),
            )
            for severity in SEVERITY_ORDER
            if severity in groups
        ]

    def counts(self) -> dict[str, int]:
        """The summary numbers: resources, violations by level and by phase."""
        levels = Counter(
            "mandatory" if f.mandatory else f.enforcement_level for f in self.analysis.findings
        )
        kinds = Counter(r.kind for r in self.plan.resources)
        return {
            "resources": kinds["resource"],
            "components": kinds["component"],
            "policies": len(self.info.policies),
            "mandatory": levels["mandatory"],
            "advisory": levels["advisory"],
            "blockingAtPreview": sum(
                1 for f in self.mandatory_findings if f.blocks_at == "preview"
            ),
            "blockingOnlyAtUp": sum(1 for f in self.mandatory_findings if f.blocks_at == "up"),
            "deferred": len(self.analysis.deferred),
            "autofixes": len(self.analysis.autofixes),
        }

    def verdict(self) -> str:
        """One line a reviewer reads first."""
        counts = self.counts()
        state = "PASSED" if self.passed else "FAILED"
        return (
            f"{state}: {self.plan.project}/{self.plan.stack} ({self.mode}) - "
            f"{counts['resources']} resources, {counts['mandatory']} mandatory and "
            f"{counts['advisory']} advisory violations from {counts['policies']} policies "
            f"of {self.info.name} {self.info.version}, in {self.elapsed_seconds:.2f} s"
        )

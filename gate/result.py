"""The gate's verdict: the plan, the findings sorted for people, the exit code and the summary
numbers every report format shares."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from gate.analysis import Finding, PhaseAnalysis, controls_of, policy_index
from gate.analyzer import AnalyzerInfo, PolicyMeta
from gate.api_check import GATE_CHECKS
from gate.plan import Plan, PlannedResource, ProgramLine
from gate.stack import StackConfig

SEVERITY_ORDER = ("critical", "high", "medium", "low", "")
EXIT_PASS = 0
EXIT_MANDATORY_VIOLATION = 1
EXIT_CANNOT_EVALUATE = 2


@dataclass(frozen=True)
class SourceLocation:
    """Where a resource comes from: the program lines that declared it and its config line.

    `declared_at` runs from the resource's own declaration out through its components (for a
    child of a component: the component module's line, then the line that built the component);
    only lines of the project's own files count. `file`/`line`/`key_path` is the line of the stack
    file that configures it, and `from_config` says whether a config key drives it at all (a
    program that hard-codes its resources only has the file's `config:` line).
    """

    file: Path
    line: int
    key_path: str
    declared_at: tuple[ProgramLine, ...] = ()
    from_config: bool = True


@dataclass(frozen=True)
class NotJudged:
    """A read the live audit could not make (`gate audit`): what it concerned, why, and the
    policies whose verdict depends on it. Never a pass: a required one makes the run incomplete."""

    api: str
    resource: str
    reason: str
    required: bool = True
    policies: tuple[str, ...] = ()


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
    not_judged: tuple[NotJudged, ...] = ()
    allow_partial: bool = False
    extra_checks: tuple[PolicyMeta, ...] = ()  # checks of this run only (`gate audit --stack`)

    @property
    def mode(self) -> str:
        return self.plan.mode

    @property
    def mandatory_findings(self) -> list[Finding]:
        return [f for f in self.analysis.findings if f.mandatory]

    @property
    def incomplete(self) -> bool:
        """Something required could not be judged and the caller did not accept a partial run."""
        return not self.allow_partial and any(entry.required for entry in self.not_judged)

    @property
    def exit_code(self) -> int:
        if self.incomplete:
            return EXIT_CANNOT_EVALUATE
        return EXIT_MANDATORY_VIOLATION if self.mandatory_findings else EXIT_PASS

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_PASS

    @property
    def gate_checks(self) -> tuple[PolicyMeta, ...]:
        """The checks the gate runs itself besides the pack's policies (`aws-api-model`)."""
        return (*GATE_CHECKS, *self.extra_checks)

    @cached_property
    def _policies(self) -> dict[str, PolicyMeta]:
        """Pack policies and gate checks by name, built once: every report looks policies up
        several times per finding."""
        return {check.name: check for check in self.gate_checks} | policy_index(self.info)

    def policy(self, name: str) -> PolicyMeta | None:
        """A pack policy or a gate check, by name."""
        return self._policies.get(name)

    def controls(self, finding: Finding) -> list[str]:
        """The finding's framework, area, peer checks and standards (its AWS pages aside)."""
        return controls_of(self.policy(finding.policy_name))

    def aws_documentation(self, finding: Finding) -> tuple[str, ...]:
        """The AWS pages the finding's policy rests on, primary first (from the analyzer info)."""
        policy = self.policy(finding.policy_name)
        return policy.aws_documentation if policy else ()

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
            "notJudged": len(self.not_judged),
        }

    def verdict(self) -> str:
        """One line a reviewer reads first."""
        counts = self.counts()
        state = "INCOMPLETE" if self.incomplete else "PASSED" if self.passed else "FAILED"
        unread = f", {counts['notJudged']} reads not judged" if self.not_judged else ""
        return (
            f"{state}: {self.plan.project}/{self.plan.stack} ({self.mode}) - "
            f"{counts['resources']} resources, {counts['mandatory']} mandatory and "
            f"{counts['advisory']} advisory violations from {counts['policies']} policies "
            f"of {self.info.name} {self.info.version}{unread}, in {self.elapsed_seconds:.2f} s"
        )

"""Facts every report format shows the same way: where a finding points, its resource's label,
the display name of its policy."""

from __future__ import annotations

import functools
from pathlib import Path

from gate.analysis import Finding
from gate.result import GateResult, SourceLocation


def location_of(result: GateResult, urn: str) -> SourceLocation | None:
    return result.locations.get(urn)


def relative_file(result: GateResult, path: Path) -> str:
    """The file relative to the project root (as a reviewer sees it in the repository)."""
    return _relative_to(path, result.stack_config.project.root)


@functools.lru_cache(maxsize=64)
def _relative_to(path: Path, root: Path) -> str:
    """Cached: every resource of a report points into the same one or two files, and resolving a
    path is a handful of system calls each time."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def where(result: GateResult, urn: str) -> str:
    """`Pulumi.prod.yaml:12 (enterprise-identity:userPool)`, or an empty string when no config
    key drives the resource (a program that hard-codes it has nothing to point at there)."""
    location = location_of(result, urn)
    if location is None or not location.from_config:
        return ""
    return f"{relative_file(result, location.file)}:{location.line} ({location.key_path})"


def declared(result: GateResult, urn: str) -> str:
    """`components/user_pool.py:120 <- __main__.py:38`: the resource's declaration, then each
    enclosing component's; an empty string when the SDK sent no position."""
    location = location_of(result, urn)
    if location is None:
        return ""
    return " <- ".join(
        f"{relative_file(result, line.file)}:{line.line}" for line in location.declared_at
    )


def resource_label(result: GateResult, urn: str) -> str:
    """`name (type)` for a URN of the plan, the URN itself otherwise."""
    resource = result.resource(urn)
    return f"{resource.name} ({resource.type})" if resource else urn


def policy_title(result: GateResult, finding: Finding) -> str:
    policy = result.policy(finding.policy_name)
    return policy.display_name if policy and policy.display_name else finding.policy_name


def remediation_of(result: GateResult, finding: Finding) -> str:
    policy = result.policy(finding.policy_name)
    return policy.remediation_steps.strip() if policy else ""


def level_label(finding: Finding) -> str:
    return "mandatory" if finding.mandatory else finding.enforcement_level

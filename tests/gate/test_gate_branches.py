"""Each branch of the gate's verdict: what blocks, what never blocks, and in which phase.

The fixture program and pack (``tests/gate/fixtures``) run for real, with policy configs that move
one policy between enforcement levels, so every test has findings to judge (none of them passes on
an empty list). Levels as Pulumi defines them: ``mandatory`` and ``remediate`` stop a deployment,
``advisory`` only warns, ``disabled`` does not run:
https://www.pulumi.com/docs/iac/crossguard/core-concepts/ ("remediate is stronger than both",
https://github.com/pulumi/pulumi-policy)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from gate.analysis import Finding
from gate.preview import GateOptions, run_gate
from gate.result import EXIT_MANDATORY_VIOLATION, EXIT_PASS, GateResult

from .conftest import FIXTURE_PACK, FIXTURE_PROJECT

pytestmark = pytest.mark.slow

POOL_URN = "urn:pulumi:{stack}::gate-fixture::gate-fixture:cognito:Directory$aws:cognito/userPool:UserPool::directory-pool"


def _gate(
    stack: str, tmp_path: Path, policy_config: Mapping[str, object], mode: str = "preview"
) -> GateResult:
    config = tmp_path / f"{stack}-{mode}.json"
    config.write_text(json.dumps(policy_config), encoding="utf-8")
    options = GateOptions(
        stack=stack,
        mode=mode,
        project_dir=FIXTURE_PROJECT,
        policy_pack=FIXTURE_PACK,
        policy_pack_config=config,
    )
    return run_gate(options)


def _levels(result: GateResult) -> dict[str, str]:
    return {f.policy_name: f.enforcement_level for f in result.analysis.findings}


@pytest.fixture(scope="module")
def weak_all_advisory(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    """The weak stack (short passwords, MFA off) with every validating policy advisory."""
    levels = {"fixture-password-length": "advisory", "fixture-mfa-required": "advisory"}
    return _gate("weak", tmp_path_factory.mktemp("advisory"), levels)


@pytest.fixture(scope="module")
def weak_up(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    """The weak stack in up mode: the same findings in both phases."""
    return _gate("weak", tmp_path_factory.mktemp("up"), {}, mode="up")


def test_advisory_findings_never_block(weak_all_advisory: GateResult) -> None:
    assert _levels(weak_all_advisory) == {
        "fixture-password-length": "advisory",
        "fixture-mfa-required": "advisory",
    }
    assert weak_all_advisory.mandatory_findings == []
    assert weak_all_advisory.exit_code == EXIT_PASS
    assert weak_all_advisory.counts()["advisory"] == 2
    assert weak_all_advisory.verdict().startswith("PASSED: gate-fixture/weak (preview)")


def test_a_mandatory_finding_blocks(weak_up: GateResult) -> None:
    assert _levels(weak_up)["fixture-password-length"] == "mandatory"
    assert weak_up.exit_code == EXIT_MANDATORY_VIOLATION
    assert weak_up.verdict().startswith("FAILED: gate-fixture/weak (up)")


def test_a_remediate_level_violation_blocks(weak_all_advisory: GateResult) -> None:
    """A pack may send a violation at level ``remediate`` (a remediation that did not fix it).

    The Python policy SDK reports such violations as ``mandatory`` itself, so this one is put in
    the analysis of a real run directly: the level exists on the analyzer protocol and the gate
    must treat it as blocking, as ``pulumi preview`` does.
    """
    advisory = weak_all_advisory.analysis.findings[0]
    remediate = replace(advisory, enforcement_level="remediate")
    result = replace(
        weak_all_advisory, analysis=replace(weak_all_advisory.analysis, findings=(remediate,))
    )
    assert remediate.mandatory
    assert result.mandatory_findings == [remediate]
    assert result.exit_code == EXIT_MANDATORY_VIOLATION
    assert result.counts()["mandatory"] == 1
    assert result.counts()["blockingAtPreview"] == 1
    assert result.verdict().startswith("FAILED")


def test_a_disabled_policy_reports_nothing(tmp_path: Path) -> None:
    result = _gate(
        "weak",
        tmp_path,
        {"fixture-password-length": "disabled", "fixture-mfa-required": "advisory"},
    )
    assert _levels(result) == {"fixture-mfa-required": "advisory"}
    assert result.exit_code == EXIT_PASS


def test_up_mode_reports_a_finding_seen_in_both_phases_once_as_blocking_at_preview(
    weak_up: GateResult,
) -> None:
    urn = POOL_URN.format(stack="weak")
    password = [f for f in weak_up.analysis.findings if f.policy_name == "fixture-password-length"]
    assert len(password) == 1  # one finding, not one per phase
    assert "Password minimum length 8 is below 14" in password[0].message
    assert replace(password[0], message="") == Finding(
        policy_name="fixture-password-length",
        message="",
        urn=urn,
        enforcement_level="mandatory",
        severity="high",
        blocks_at="preview",
    )
    assert weak_up.counts()["blockingAtPreview"] == 1
    assert weak_up.counts()["blockingOnlyAtUp"] == 0


def test_a_finding_that_needs_outputs_blocks_only_at_up(tmp_path: Path) -> None:
    preview = _gate("ok", tmp_path, {})
    up = _gate("ok", tmp_path, {}, mode="up")
    # preview: the pool's ARN is unknown, so the stack policy has nothing to judge and it passes
    assert preview.exit_code == EXIT_PASS
    assert "fixture-pool-in-us" not in _levels(preview)
    # up: the ARN is known (eu-west-1), the finding blocks, and only the up phase saw it
    assert up.exit_code == EXIT_MANDATORY_VIOLATION
    [finding] = up.mandatory_findings
    assert (finding.policy_name, finding.blocks_at) == ("fixture-pool-in-us", "up")
    assert up.counts()["blockingOnlyAtUp"] == 1
    assert up.counts()["blockingAtPreview"] == 0

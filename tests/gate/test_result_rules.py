"""The gate's verdict (``gate/result.py``; mutation-tested): exit codes, the verdict line, the
summary counts, findings grouped by severity, and each finding's controls and AWS pages.

Every result comes from a real gate run: the fixture program in both phases, judged by the probe
pack of ``test_analysis_rules.py`` over gRPC. Its weak stack (passwords of 8, MFA off) gives, in up
mode: a critical mandatory finding seen at preview only, a high mandatory one (MFA), a medium
advisory one (password length), a low mandatory one that needs outputs (blocks only at up) beside
five low advisory echoes, and two echoes without severity. Exit codes are the gate's documented
ones: 0 pass, 1 a mandatory (or remediate) violation, 2 cannot evaluate; levels as Pulumi defines
them (https://www.pulumi.com/docs/iac/crossguard/core-concepts/).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from gate.analysis import Finding
from gate.api_check import API_MODEL_CHECK
from gate.preview import GateOptions, run_gate
from gate.result import (
    EXIT_CANNOT_EVALUATE,
    EXIT_MANDATORY_VIOLATION,
    EXIT_PASS,
    GateResult,
    NotJudged,
)

from .conftest import FIXTURE_PROJECT
from .test_analysis_rules import CLIENT_URN, POOL_URN, STACK, write_probe_pack

MFA_PAGE = "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html"
CREATE_USER_POOL_PAGE = (
    "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"
    "API_CreateUserPool.html"
)


def _short(finding: Finding) -> tuple[str, str, bool]:
    return finding.policy_name, finding.urn.rsplit("::", 1)[1], finding.mandatory


def _gate(folder: Path, mode: str, levels: dict[str, str] | None = None) -> GateResult:
    options = GateOptions(
        stack=STACK, mode=mode, project_dir=FIXTURE_PROJECT, policy_pack=write_probe_pack(folder)
    )
    if levels is not None:
        config = folder / "levels.json"
        config.write_text(json.dumps(levels), encoding="utf-8")
        options = replace(options, policy_pack_config=config)
    return replace(run_gate(options), elapsed_seconds=1.234)


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    return _gate(tmp_path_factory.mktemp("up"), "up")


@pytest.fixture(scope="module")
def advisory_preview(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    """Preview with every policy that reports here made advisory: nothing blocks."""
    levels = {"probe-pool-id-literal": "advisory", "probe-mfa-on": "advisory"}
    return _gate(tmp_path_factory.mktemp("advisory"), "preview", levels)


def test_counts_sum_up_resources_levels_and_phases(up: GateResult) -> None:
    assert up.counts() == {
        "resources": 2,  # the pool and the client; the component is counted apart
        "components": 1,
        "policies": 12,
        "mandatory": 3,
        "advisory": 8,
        "blockingAtPreview": 2,  # the pool ID (preview only) and MFA (both phases)
        "blockingOnlyAtUp": 1,  # the pool's region, known from its ARN at up
        "deferred": 0,
        "autofixes": 3,
        "notJudged": 0,
    }


def test_exit_codes_are_the_documented_numbers() -> None:
    """What CI scripts test for (docs/gate.md "Exit codes", `gate/cli.py`)."""
    assert (EXIT_PASS, EXIT_MANDATORY_VIOLATION, EXIT_CANNOT_EVALUATE) == (0, 1, 2)


def test_a_mandatory_finding_fails_the_gate(up: GateResult) -> None:
    assert [_short(f) for f in up.mandatory_findings] == [
        ("probe-mfa-on", "directory-pool", True),
        ("probe-pool-in-us-arn", "directory-pool", True),
        ("probe-pool-id-literal", "directory-web", True),
    ]
    assert (up.exit_code, up.passed, up.incomplete) == (EXIT_MANDATORY_VIOLATION, False, False)
    assert up.verdict() == (
        "FAILED: gate-fixture/weak (up) - 2 resources, 3 mandatory and 8 advisory violations "
        "from 12 policies of probe-guard 0.3.0, in 1.23 s"
    )


def test_advisory_findings_pass_the_gate_and_preview_counts_what_waits(
    advisory_preview: GateResult,
) -> None:
    assert advisory_preview.mandatory_findings == []
    assert (advisory_preview.exit_code, advisory_preview.passed) == (EXIT_PASS, True)
    assert advisory_preview.counts() == {
        "resources": 2,
        "components": 1,
        "policies": 12,
        "mandatory": 0,
        "advisory": 10,
        "blockingAtPreview": 0,
        "blockingOnlyAtUp": 0,
        "deferred": 3,  # the client's pool ID is unknown: two policies and a remediation wait
        "autofixes": 2,
        "notJudged": 0,
    }
    assert advisory_preview.verdict() == (
        "PASSED: gate-fixture/weak (preview) - 2 resources, 0 mandatory and 10 advisory "
        "violations from 12 policies of probe-guard 0.3.0, in 1.23 s"
    )


def test_a_remediate_level_finding_blocks_and_counts_as_mandatory(
    advisory_preview: GateResult,
) -> None:
    findings = advisory_preview.analysis.findings
    mfa = next(f for f in findings if f.policy_name == "probe-mfa-on")
    remediate = replace(mfa, enforcement_level="remediate")
    result = replace(
        advisory_preview,
        analysis=replace(
            advisory_preview.analysis,
            findings=tuple(remediate if f is mfa else f for f in findings),
        ),
    )
    assert result.mandatory_findings == [remediate]
    assert result.exit_code == EXIT_MANDATORY_VIOLATION
    counts = result.counts()
    assert (counts["mandatory"], counts["advisory"], counts["blockingAtPreview"]) == (1, 9, 1)
    assert result.verdict().startswith("FAILED: ")


def test_a_required_read_not_judged_makes_the_run_incomplete(up: GateResult) -> None:
    unread = NotJudged(
        api="DescribeRiskConfiguration",
        resource=POOL_URN,
        reason="AccessDeniedException",
        policies=("probe-mfa-on",),
    )
    incomplete = replace(up, not_judged=(unread,))
    assert (incomplete.incomplete, incomplete.exit_code) == (True, EXIT_CANNOT_EVALUATE)
    assert not incomplete.passed
    assert incomplete.counts()["notJudged"] == 1
    assert incomplete.verdict() == (
        "INCOMPLETE: gate-fixture/weak (up) - 2 resources, 3 mandatory and 8 advisory violations "
        "from 12 policies of probe-guard 0.3.0, 1 reads not judged, in 1.23 s"
    )


def test_a_partial_run_or_an_optional_read_is_judged_on_its_findings(
    up: GateResult, advisory_preview: GateResult
) -> None:
    required = NotJudged("DescribeUserPool", POOL_URN, "throttled")
    optional = NotJudged("GetLogDeliveryConfiguration", POOL_URN, "throttled", required=False)
    accepted = replace(up, not_judged=(required,), allow_partial=True)
    assert (accepted.incomplete, accepted.exit_code) == (False, EXIT_MANDATORY_VIOLATION)
    assert accepted.verdict().startswith("FAILED: ")
    assert accepted.verdict().endswith(", 1 reads not judged, in 1.23 s")
    passing = replace(advisory_preview, not_judged=(optional,))
    assert (passing.incomplete, passing.exit_code) == (False, EXIT_PASS)
    assert passing.verdict().startswith("PASSED: ")
    both = replace(advisory_preview, not_judged=(optional, required))
    assert (both.incomplete, both.exit_code) == (True, EXIT_CANNOT_EVALUATE)
    assert both.verdict().startswith("INCOMPLETE: ")


def test_findings_come_most_severe_first_mandatory_first_then_by_policy_and_resource(
    up: GateResult,
) -> None:
    groups = [
        (severity, [_short(f) for f in found]) for severity, found in up.findings_by_severity()
    ]
    assert groups == [
        ("critical", [("probe-pool-id-literal", "directory-web", True)]),
        ("high", [("probe-mfa-on", "directory-pool", True)]),
        ("medium", [("probe-password-length", "directory-pool", False)]),
        (
            "low",
            [
                ("probe-pool-in-us-arn", "directory-pool", True),  # mandatory before advisory
                ("probe-echo-stack", "directory-pool", False),  # then by URN
                ("probe-echo-stack", "directory-web", False),
                ("probe-echo-stack", "default_7_51_1", False),
                ("probe-echo-stack", "directory", False),
                ("probe-echo-stack", "gate-fixture-weak", False),  # the stack itself
            ],
        ),
        (
            "unspecified",
            [
                ("probe-echo-resource", "directory-pool", False),
                ("probe-echo-resource", "directory-web", False),
            ],
        ),
    ]


def test_a_severity_the_gate_does_not_know_is_listed_as_unspecified(up: GateResult) -> None:
    odd = replace(up.analysis.findings[0], severity="urgent")
    result = replace(up, analysis=replace(up.analysis, findings=(odd,)))
    assert result.findings_by_severity() == [("unspecified", [odd])]


def test_a_finding_names_its_controls_apart_from_its_aws_pages(up: GateResult) -> None:
    mfa = next(f for f in up.analysis.findings if f.policy_name == "probe-mfa-on")
    assert up.aws_documentation(mfa) == (MFA_PAGE, CREATE_USER_POOL_PAGE)
    assert up.controls(mfa) == [
        "cis-aws 3.0",
        "prowler:cognito_user_pool_mfa_enabled",
        "pci-dss-4.0.1:8.4.2",
    ]
    echo = next(f for f in up.analysis.findings if f.policy_name == "probe-echo-resource")
    assert (up.controls(echo), up.aws_documentation(echo)) == ([], ())


def test_gate_checks_are_found_beside_the_packs_policies(up: GateResult) -> None:
    finding = replace(up.analysis.findings[0], policy_name=API_MODEL_CHECK.name)
    assert up.gate_checks == (API_MODEL_CHECK,)
    assert up.policy(API_MODEL_CHECK.name) == API_MODEL_CHECK
    assert up.aws_documentation(finding) == API_MODEL_CHECK.aws_documentation
    assert up.aws_documentation(finding)  # the API model check rests on AWS's API reference
    audit_check = replace(API_MODEL_CHECK, name="aws-live-read", tags=("audit",), framework=None)
    audit = replace(up, extra_checks=(audit_check,))
    assert audit.gate_checks == (API_MODEL_CHECK, audit_check)
    assert audit.policy("aws-live-read") == audit_check
    assert audit.policy("probe-mfa-on") == up.info.policy("probe-mfa-on")
    assert audit.controls(replace(finding, policy_name="aws-live-read")) == ["audit"]
    assert up.policy("aws-live-read") is None
    assert up.policy("no-such-policy") is None
    # a finding of a check this run does not know (an `extra_checks` one read without them)
    unknown = replace(finding, policy_name="aws-live-read")
    assert (up.controls(unknown), up.aws_documentation(unknown)) == ([], ())


def test_a_finding_leads_to_the_resource_it_is_on(up: GateResult) -> None:
    pool = up.resource(POOL_URN)
    client = up.resource(CLIENT_URN)
    assert pool is not None
    assert client is not None
    assert (pool.type, client.type) == (
        "aws:cognito/userPool:UserPool",
        "aws:cognito/userPoolClient:UserPoolClient",
    )
    assert up.resource(POOL_URN + "-gone") is None
    assert up.mode == "up"

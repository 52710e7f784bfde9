"""How the gate sorts what a policy pack answers into findings, deferred policies and autofixes,
and in which phase a finding blocks (``gate/analysis.py``; mutation-tested).

The fixture program (``tests/gate/fixtures/project``) runs for real in both phases; a probe pack,
written here and started as the Pulumi CLI starts a Python pack, answers over the real gRPC
Analyzer protocol. Each probe policy drives one branch: a remediation that changes inputs, one that
reads a value unknown during preview, a check of the remediated inputs, a stack policy that needs
outputs, and echoes of what the pack received, so that a wrong sort shows as a wrong finding.
No server, no cloud: one module takes a few seconds, so mutmut runs it for every mutant.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from gate.analysis import (
    AutoFix,
    Deferred,
    Finding,
    PhaseAnalysis,
    analyze_plan,
    controls_of,
    judge_resources,
    merge_phases,
    policy_index,
    to_analyzer_resource,
)
from gate.analyzer import AnalyzerClient, AnalyzerInfo, EncodedOnce, encode_properties
from gate.plan import Plan
from gate.program_runner import start_program
from gate.registrations import provider_reference_urn
from gate.stack import find_project, load_stack

from .conftest import FIXTURE_PROJECT

PROBE_PACK_NAME = "probe-guard"
PROBE_PACK_VERSION = "0.3.0"
SDK_PACK_VERSION = (
    "0.0.1"  # the policy SDK names the pack in its notes with its own default version
)
UNKNOWN_POOL_ID = "string value at .userPoolId can't be known during preview"
STACK = "weak"
STACK_URN = f"urn:pulumi:{STACK}::gate-fixture::pulumi:pulumi:Stack::gate-fixture-{STACK}"
POOL_URN = (
    f"urn:pulumi:{STACK}::gate-fixture::gate-fixture:cognito:Directory"
    "$aws:cognito/userPool:UserPool::directory-pool"
)
CLIENT_URN = (
    f"urn:pulumi:{STACK}::gate-fixture::gate-fixture:cognito:Directory"
    "$aws:cognito/userPoolClient:UserPoolClient::directory-web"
)
TOKEN_REVOCATION_PAGE = (
    "https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html"
)

# The probe pack. AWS facts behind its policies: a client made by CreateUserPoolClient has token
# revocation on unless `EnableTokenRevocation` says otherwise, and only a client with it on can
# revoke refresh tokens (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html);
# CreateUserPool leaves `DeletionProtection` inactive unless set to ACTIVE
# (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-deletion-protection.html);
# `MfaConfiguration` ON makes every user sign in with a second factor, OFF never asks for one
# (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html,
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html);
# `PasswordPolicy.MinimumLength` is the shortest password a user may set
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html).
PROBE_PACK = textwrap.dedent(
    """
    import json

    from pulumi_policy import (
        EnforcementLevel,
        PolicyComplianceFramework,
        PolicyPack,
        ResourceValidationPolicy,
        Severity,
        StackValidationPolicy,
    )
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

    POOL = "aws:cognito/userPool:UserPool"
    CLIENT = "aws:cognito/userPoolClient:UserPoolClient"


    def _revocation_on(args):
        if args.resource_type == CLIENT and "enableTokenRevocation" not in args.props:
            return {**args.props, "enableTokenRevocation": True}
        return None


    def _deletion_protected(args):
        if args.resource_type == POOL and args.props.get("deletionProtection") != "ACTIVE":
            kept = {k: v for k, v in args.props.items() if k != "mfaConfiguration"}
            return {**kept, "deletionProtection": "ACTIVE"}
        return None


    def _client_named_after_pool(args):
        if args.resource_type == CLIENT and "name" not in args.props:
            pool_id = args.props["userPoolId"]
            if pool_id == UNKNOWN_STRING_VALUE:
                # Remediate hands policies a secrets proxy that skips the SDK's unknown check, so
                # the policy raises what that check raises for Analyze
                raise UnknownValueError(pool_id, ["userPoolId"])
            return {**args.props, "name": pool_id + "-web"}
        return None


    def _revocation_checked(args, report_violation):
        if args.resource_type == CLIENT and args.props.get("enableTokenRevocation") is not True:
            report_violation("Token revocation is off.")


    def _pool_id_known(args, report_violation):
        if args.resource_type == CLIENT and not args.props["userPoolId"].startswith("us-"):
            report_violation("The client's pool is outside the US.")


    def _pool_id_literal(args, report_violation):
        if args.resource_type == CLIENT:
            try:
                args.props["userPoolId"]
            except UnknownValueError:
                report_violation("The client's pool ID is unknown during preview: it is decided at deployment.")


    def _mfa_on(args, report_violation):
        if args.resource_type == POOL and args.props.get("mfaConfiguration") != "ON":
            report_violation("MFA is not required.")


    def _password_length(args, report_violation):
        if args.resource_type == POOL and args.props["passwordPolicy"]["minimumLength"] < 14:
            report_violation("Passwords may be shorter than 14 characters.")


    def _echo_resource(args, report_violation):
        if args.resource_type not in (POOL, CLIENT):
            return
        seen = {
            "name": args.name,
            "protect": args.opts.protect,
            "provider": args.provider.urn if args.provider else None,
            "providerType": args.provider.resource_type if args.provider else None,
            "providerName": args.provider.name if args.provider else None,
            "region": args.provider.props.get("region") if args.provider else None,
        }
        # reported against the provider: the engine files a resource policy's violations under
        # the resource it analyzed whatever URN the policy names
        report_violation(json.dumps(seen, sort_keys=True), args.provider.urn if args.provider else None)


    def _echo_stack(args, report_violation):
        for resource in args.resources:
            if resource.resource_type == "pulumi:pulumi:Stack":
                continue
            seen = {
                "type": resource.resource_type,
                "name": resource.name,
                "keys": sorted(resource.props),
                "parent": resource.parent.urn if resource.parent else None,
                "dependencies": [d.urn for d in resource.dependencies],
                "propertyDependencies": {
                    k: [d.urn for d in v] for k, v in resource.property_dependencies.items()
                },
                "provider": resource.provider.urn if resource.provider else None,
                "protect": resource.opts.protect,
            }
            report_violation(json.dumps(seen, sort_keys=True), resource.urn)
        report_violation(f"{len(args.resources)} resources")


    def _stack_client_pool_known(args, report_violation):
        for resource in args.resources:
            if resource.resource_type == CLIENT and not resource.props["userPoolId"]:
                report_violation("A client has no pool.", resource.urn)


    def _pool_arn_in_us(args, report_violation):
        for resource in args.resources:
            arn = resource.props.get("arn") if resource.resource_type == POOL else None
            if arn and arn.startswith("arn:aws:cognito-idp:us-"):
                report_violation("The user pool is in a US region.", resource.urn)


    PolicyPack(
        name="probe-guard",
        enforcement_level=EnforcementLevel.MANDATORY,
        policies=[
            ResourceValidationPolicy(
                name="probe-revocation-on",
                description="Clients can revoke tokens.",
                remediate=_revocation_on,
                enforcement_level=EnforcementLevel.REMEDIATE,
                severity=Severity.LOW,
                url="https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html",
                tags=[
                    "aws-doc:https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html",
                    "sessions",
                    "prowler:cognito_user_pool_client_token_revocation_enabled",
                ],
                framework=PolicyComplianceFramework(
                    name="cis-aws", version="3.0", reference="1.22", specification="x"
                ),
            ),
            ResourceValidationPolicy(
                name="probe-deletion-protected",
                description="User pools are protected against deletion.",
                remediate=_deletion_protected,
                enforcement_level=EnforcementLevel.REMEDIATE,
                severity=Severity.MEDIUM,
                framework=PolicyComplianceFramework(name="", version="", reference="DP-1"),
                tags=["DP-1", "resilience", "DP-1"],
            ),
            ResourceValidationPolicy(
                name="probe-client-named",
                description="Clients are named after their pool.",
                remediate=_client_named_after_pool,
                enforcement_level=EnforcementLevel.REMEDIATE,
                framework=PolicyComplianceFramework(name="", version="", reference=""),
            ),
            ResourceValidationPolicy(
                name="probe-revocation-checked",
                description="Token revocation is on.",
                validate=_revocation_checked,
                severity=Severity.HIGH,
            ),
            ResourceValidationPolicy(
                name="probe-pool-in-us",
                description="Clients use a US pool.",
                validate=_pool_id_known,
                severity=Severity.HIGH,
            ),
            ResourceValidationPolicy(
                name="probe-pool-id-literal",
                description="Client pool IDs are known before deployment.",
                validate=_pool_id_literal,
                severity=Severity.CRITICAL,
            ),
            ResourceValidationPolicy(
                name="probe-mfa-on",
                description="User pools require MFA.",
                validate=_mfa_on,
                severity=Severity.HIGH,
                url="https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html",
                tags=[
                    "aws-doc:https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html",
                    "aws-doc:https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html",
                    "prowler:cognito_user_pool_mfa_enabled",
                    "pci-dss-4.0.1:8.4.2",
                ],
                framework=PolicyComplianceFramework(name="cis-aws", version="3.0"),
            ),
            ResourceValidationPolicy(
                name="probe-password-length",
                description="User pool passwords are long.",
                validate=_password_length,
                enforcement_level=EnforcementLevel.ADVISORY,
                severity=Severity.MEDIUM,
            ),
            ResourceValidationPolicy(
                name="probe-echo-resource",
                description="What the pack received.",
                validate=_echo_resource,
                enforcement_level=EnforcementLevel.ADVISORY,
            ),
            StackValidationPolicy(
                name="probe-echo-stack",
                description="What the pack received for the stack.",
                validate=_echo_stack,
                enforcement_level=EnforcementLevel.ADVISORY,
                severity=Severity.LOW,
            ),
            StackValidationPolicy(
                name="probe-clients-have-pools",
                description="Every client has a pool.",
                validate=_stack_client_pool_known,
            ),
            StackValidationPolicy(
                name="probe-pool-in-us-arn",
                description="User pools are in the US.",
                validate=_pool_arn_in_us,
                severity=Severity.LOW,
            ),
        ],
    )
    """
)


def write_probe_pack(folder: Path) -> Path:
    """The probe pack as a folder the gate (or the Pulumi CLI) can run."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PulumiPolicy.yaml").write_text(
        f"runtime: python\nversion: {PROBE_PACK_VERSION}\ndescription: Probe pack of the gate's tests.\n",
        encoding="utf-8",
    )
    (folder / "__main__.py").write_text(PROBE_PACK, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def probe_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_probe_pack(tmp_path_factory.mktemp("probe") / "pack")


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    """The weak fixture stack as the program registers it in each phase."""
    config = load_stack(find_project(FIXTURE_PROJECT), STACK, None)
    runs = {phase: start_program(config, phase) for phase in ("preview", "up")}
    return {phase: run.plan() for phase, run in runs.items()}


@pytest.fixture(scope="module")
def client(probe_pack: Path) -> Iterator[AnalyzerClient]:
    """The probe pack over gRPC, configured with its defaults, as `gate preview --mode up` has it."""
    with AnalyzerClient.start(
        probe_pack, project="gate-fixture", stack=STACK, dry_run=False
    ) as pack:
        info = pack.info()
        pack.configure(
            {
                policy.name: {"enforcementLevel": policy.enforcement_level}
                for policy in info.policies
            }
        )
        yield pack


# The analyses are made for each test (a few milliseconds each): mutmut runs for a mutant only
# the tests that called the mutated function, and a module-wide result would be made in the first
# test's setup only.
@pytest.fixture
def preview(client: AnalyzerClient, plans: dict[str, Plan]) -> PhaseAnalysis:
    return analyze_plan(client, plans["preview"], "preview")


@pytest.fixture
def up(client: AnalyzerClient, plans: dict[str, Plan]) -> PhaseAnalysis:
    return analyze_plan(client, plans["up"], "up")


def _keyed(findings: tuple[Finding, ...]) -> dict[tuple[str, str], Finding]:
    keyed = {(f.policy_name, f.urn): f for f in findings}
    assert len(keyed) == len(findings), "one finding per policy and resource"
    return keyed


def _echo(findings: tuple[Finding, ...], policy: str) -> dict[str, dict[str, object]]:
    """The probe's echo findings: what the pack received, by resource URN."""
    echoes: dict[str, dict[str, object]] = {}
    for finding in findings:
        if finding.policy_name == policy and finding.message.startswith("What"):
            _, _, seen = finding.message.partition("\n")
            if seen.startswith("{"):
                echoes[finding.urn] = json.loads(seen)
    return echoes


def test_preview_findings_carry_level_severity_resource_and_the_pack_message(
    preview: PhaseAnalysis,
) -> None:
    """A mandatory violation whose text says "during preview:" is a finding all the same: only the
    SDK's advisory "can't run ..." note is set aside as deferred."""
    findings = _keyed(preview.findings)
    assert findings[("probe-pool-id-literal", CLIENT_URN)] == Finding(
        policy_name="probe-pool-id-literal",
        message=(
            "Client pool IDs are known before deployment.\n"
            "The client's pool ID is unknown during preview: it is decided at deployment."
        ),
        urn=CLIENT_URN,
        enforcement_level="mandatory",
        severity="critical",
        blocks_at="preview",
    )
    echo = findings[("probe-echo-resource", POOL_URN)]
    assert (echo.enforcement_level, echo.severity, echo.blocks_at) == ("advisory", "", "preview")
    assert not echo.mandatory
    assert findings[("probe-pool-id-literal", CLIENT_URN)].mandatory


def test_remediated_inputs_replace_the_originals_before_analyze(
    preview: PhaseAnalysis, up: PhaseAnalysis
) -> None:
    """The client sets no `enableTokenRevocation`; the remediation turns it on, so the check of
    the same resource passes in both phases, as it does under `pulumi preview`/`up`."""
    for phase in (preview, up):
        assert "probe-revocation-checked" not in {f.policy_name for f in phase.findings}
        assert AutoFix("probe-revocation-on", CLIENT_URN, ("enableTokenRevocation",)) in (
            phase.autofixes
        )
    echoed_pool = _echo(up.findings, "probe-echo-resource")[POOL_URN]
    assert echoed_pool["name"] == "directory-pool"


def test_an_autofix_names_every_key_it_added_changed_or_removed_in_order(up: PhaseAnalysis) -> None:
    assert up.autofixes == (
        AutoFix("probe-deletion-protected", POOL_URN, ("deletionProtection", "mfaConfiguration")),
        AutoFix("probe-revocation-on", CLIENT_URN, ("enableTokenRevocation",)),
        AutoFix("probe-client-named", CLIENT_URN, ("name",)),
    )


def test_a_remediation_that_reads_an_unknown_value_is_deferred_not_an_autofix(
    preview: PhaseAnalysis,
) -> None:
    assert ("probe-client-named", CLIENT_URN) not in {
        (a.policy_name, a.urn) for a in preview.autofixes
    }
    deferred = {(d.policy_name, d.urn): d.message for d in preview.deferred}
    assert deferred[("probe-client-named", CLIENT_URN)] == (
        f"can't run remediation 'probe-client-named' from policy pack "
        f"'{PROBE_PACK_NAME}@v{SDK_PACK_VERSION}' during preview: {UNKNOWN_POOL_ID}"
    )


def test_a_policy_that_reads_an_unknown_value_is_deferred_not_a_finding(
    preview: PhaseAnalysis, up: PhaseAnalysis
) -> None:
    """The SDK's advisory "can't run ... during preview" note is no violation: the policy runs at up."""
    assert ("probe-pool-in-us", CLIENT_URN) not in _keyed(preview.findings)
    deferred = {(d.policy_name, d.urn): d.message for d in preview.deferred}
    assert deferred[("probe-pool-in-us", CLIENT_URN)] == (
        f"can't run policy 'probe-pool-in-us' from policy pack "
        f"'{PROBE_PACK_NAME}@v{SDK_PACK_VERSION}' during preview: {UNKNOWN_POOL_ID}"
    )
    assert set(deferred) == {
        ("probe-client-named", CLIENT_URN),
        ("probe-pool-in-us", CLIENT_URN),
        ("probe-clients-have-pools", STACK_URN),  # a stack policy's note names no resource
    }
    assert deferred[("probe-clients-have-pools", STACK_URN)] == (
        f"can't run policy 'probe-clients-have-pools' from policy pack "
        f"'{PROBE_PACK_NAME}@v{SDK_PACK_VERSION}' during preview: {UNKNOWN_POOL_ID}"
    )
    assert up.deferred == ()


def test_a_resource_policy_finding_is_filed_under_the_resource_analyzed(up: PhaseAnalysis) -> None:
    """The echo names the provider's URN; the finding still belongs to the pool and the client."""
    urns = {f.urn for f in up.findings if f.policy_name == "probe-echo-resource"}
    assert urns == {POOL_URN, CLIENT_URN}


def test_the_pack_receives_each_resource_with_its_provider_and_options(
    plans: dict[str, Plan], up: PhaseAnalysis
) -> None:
    plan = plans["up"]
    echoes = _echo(up.findings, "probe-echo-resource")
    for urn in (POOL_URN, CLIENT_URN):
        resource = plan.by_urn()[urn]
        provider = plan.by_urn()[str(provider_reference_urn(resource.provider))]
        assert echoes[urn] == {
            "name": resource.name,
            "protect": resource.options.protect,
            "provider": provider.urn,
            "providerType": provider.type,
            "providerName": provider.name,
            "region": provider.inputs["region"],
        }
    assert echoes[POOL_URN]["protect"] is True


def test_the_stack_policy_sees_outputs_parents_and_dependencies(
    plans: dict[str, Plan], up: PhaseAnalysis
) -> None:
    plan = plans["up"]
    echoes = _echo(up.findings, "probe-echo-stack")
    stackless = [r for r in plan.resources if r.urn != STACK_URN]
    assert set(echoes) == {r.urn for r in stackless}
    for resource in stackless:
        provider = provider_reference_urn(resource.provider)
        assert echoes[resource.urn] == {
            "type": resource.type,
            "name": resource.name,
            "keys": sorted(resource.outputs),
            "parent": resource.parent,
            "dependencies": list(resource.dependencies),
            "propertyDependencies": {  # the engine sends only keys that have dependencies
                key: list(urns) for key, urns in resource.property_dependencies.items() if urns
            },
            "provider": provider,
            "protect": resource.options.protect,
        }
    client_seen = echoes[CLIENT_URN]
    assert client_seen["dependencies"] == [POOL_URN]
    assert client_seen["keys"] == ["clientSecret", "generateSecret", "id", "userPoolId"]  # outputs


def test_a_stack_violation_without_a_resource_is_filed_under_the_stack(
    plans: dict[str, Plan], up: PhaseAnalysis
) -> None:
    findings = _keyed(up.findings)
    summary = findings[("probe-echo-stack", STACK_URN)]
    assert summary.message == (
        f"What the pack received for the stack.\n{len(plans['up'].resources)} resources"
    )
    assert (summary.enforcement_level, summary.severity, summary.blocks_at) == (
        "advisory",
        "low",
        "up",
    )


def test_a_finding_that_needs_outputs_appears_only_at_up(
    preview: PhaseAnalysis, up: PhaseAnalysis
) -> None:
    assert ("probe-pool-in-us-arn", POOL_URN) not in _keyed(preview.findings)
    assert _keyed(up.findings)[("probe-pool-in-us-arn", POOL_URN)] == Finding(
        policy_name="probe-pool-in-us-arn",
        message="User pools are in the US.\nThe user pool is in a US region.",
        urn=POOL_URN,
        enforcement_level="mandatory",
        severity="low",
        blocks_at="up",
    )


def test_merged_phases_say_where_each_finding_first_blocks(
    preview: PhaseAnalysis, up: PhaseAnalysis
) -> None:
    merged = merge_phases(preview, up)
    blocks_at = {(f.policy_name, f.urn): f.blocks_at for f in merged.findings}
    assert blocks_at[("probe-pool-in-us-arn", POOL_URN)] == "up"  # needs outputs
    assert blocks_at[("probe-echo-resource", POOL_URN)] == "preview"  # both phases
    assert blocks_at[("probe-echo-stack", STACK_URN)] == "preview"
    # seen at preview only (the pool ID is known at up): kept, blocking at preview
    assert blocks_at[("probe-pool-id-literal", CLIENT_URN)] == "preview"
    assert len(merged.findings) == len(blocks_at)
    assert set(blocks_at) == set(_keyed(preview.findings)) | set(_keyed(up.findings))
    # the up run's message wins for a finding of both phases: it has the outputs
    stack_echo = _keyed(merged.findings)[("probe-echo-stack", CLIENT_URN)]
    assert stack_echo == replace(
        _keyed(up.findings)[("probe-echo-stack", CLIENT_URN)], blocks_at="preview"
    )
    assert stack_echo != replace(
        _keyed(preview.findings)[("probe-echo-stack", CLIENT_URN)], blocks_at="preview"
    )


def test_merged_phases_keep_the_up_runs_deferred_and_autofixes(
    preview: PhaseAnalysis, up: PhaseAnalysis
) -> None:
    merged = merge_phases(preview, up)
    assert preview.deferred
    assert preview.autofixes != up.autofixes
    assert (merged.deferred, merged.autofixes) == (up.deferred, up.autofixes)


def test_a_deferred_policy_keeps_the_resource_it_was_deferred_on(preview: PhaseAnalysis) -> None:
    assert Deferred in {type(d) for d in preview.deferred}
    assert {d.urn for d in preview.deferred} == {CLIENT_URN, STACK_URN}


@pytest.fixture(scope="module")
def info(client: AnalyzerClient) -> AnalyzerInfo:
    return client.info()


def test_controls_join_the_framework_and_add_each_tag_once_but_aws_pages(
    info: AnalyzerInfo,
) -> None:
    policies = policy_index(info)
    assert set(policies) == {policy.name for policy in info.policies}
    assert controls_of(policies["probe-revocation-on"]) == [
        "cis-aws 3.0 1.22",
        "sessions",
        "prowler:cognito_user_pool_client_token_revocation_enabled",
    ]
    # a framework with only a reference, and tags repeating it
    assert controls_of(policies["probe-deletion-protected"]) == ["DP-1", "resilience"]
    assert controls_of(policies["probe-pool-in-us"]) == []
    assert controls_of(policies["probe-client-named"]) == []  # a framework with no parts
    assert controls_of(None) == []


@pytest.mark.parametrize("phase", ["preview", "up"])
def test_judging_while_the_program_runs_gives_the_same_analysis(
    client: AnalyzerClient, plans: dict[str, Plan], phase: str
) -> None:
    """The gate has each resource judged as the program registers it; the result must be the
    one judging the finished plan gives, in the plan's order, providers resolved alike."""
    config = load_stack(find_project(FIXTURE_PROJECT), STACK, None)
    run = start_program(config, phase)
    streamed = list(run.resources())
    judged = judge_resources(client, streamed, phase)
    plan = run.plan()
    assert [r.urn for r in streamed] != [r.urn for r in plan.resources]  # registration order
    assert set(judged) == {r.urn for r in plan.resources}
    after = analyze_plan(client, plans[phase], phase)
    assert after.findings
    assert analyze_plan(client, plan, phase, judged) == after


def _counting_calls(client: AnalyzerClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the pack's methods the client calls from now on."""
    calls: list[str] = []
    real_call = client._call

    def call(method: str, request: object) -> object:
        calls.append(method)
        return real_call(method, request)

    monkeypatch.setattr(client, "_call", call)
    return calls


def test_each_resource_is_remediated_while_a_policy_is_at_remediate_level(
    client: AnalyzerClient, plans: dict[str, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_calls(client, monkeypatch)
    assert analyze_plan(client, plans["up"], "up").autofixes
    assert calls.count("Remediate") == calls.count("Analyze") == len(plans["up"].resources)


def test_with_no_policy_at_remediate_level_remediate_is_left_out_and_judges_alike(
    client: AnalyzerClient,
    plans: dict[str, Plan],
    info: AnalyzerInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A policy config moves the probe's remediations to `mandatory`: pulumi-policy's `Remediate`
    then runs none of them, so the gate leaves the call out (one round trip per resource); the
    analysis is the one the calls give. Configuring them back makes the calls again."""
    levels = {policy.name: policy.enforcement_level for policy in info.policies}
    assert "remediate" in levels.values()
    client.configure(
        {
            name: {"enforcementLevel": level.replace("remediate", "mandatory")}
            for name, level in levels.items()
        }
    )
    try:
        calls = _counting_calls(client, monkeypatch)
        left_out = analyze_plan(client, plans["up"], "up")
        assert "Remediate" not in calls
        assert calls.count("Analyze") == len(plans["up"].resources)
        known, client._levels = client._levels, None  # levels unknown: every call is made
        try:
            made = analyze_plan(client, plans["up"], "up")
        finally:
            client._levels = known
        assert calls.count("Remediate") == len(plans["up"].resources)
        assert left_out == made
        assert not made.autofixes
    finally:
        client.configure({name: {"enforcementLevel": level} for name, level in levels.items()})
    calls.clear()
    analyze_plan(client, plans["up"], "up")
    assert calls.count("Remediate") == len(plans["up"].resources)


def test_a_config_that_leaves_a_remediating_policy_out_keeps_it_remediating(
    client: AnalyzerClient,
    plans: dict[str, Plan],
    info: AnalyzerInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pulumi-policy falls back to a policy's own level for a policy its config does not name,
    so a config that names only a checking policy still leaves the remediations running."""
    levels = {policy.name: policy.enforcement_level for policy in info.policies}
    checking = next(name for name, level in levels.items() if level == "mandatory")
    client.configure({checking: {"enforcementLevel": "advisory"}})
    try:
        calls = _counting_calls(client, monkeypatch)
        assert analyze_plan(client, plans["up"], "up").autofixes
        assert calls.count("Remediate") == len(plans["up"].resources)
    finally:
        client.configure({name: {"enforcementLevel": level} for name, level in levels.items()})


def _requests_sent(
    client: AnalyzerClient, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, dict[str, object]]]:
    """Each call the client makes from now on, with the properties of its request."""
    sent: list[tuple[str, dict[str, object]]] = []
    real_call = client._call

    def call(method: str, request: object) -> object:
        sent.append((method, json_format.MessageToDict(request.properties)))  # type: ignore[attr-defined]
        return real_call(method, request)

    monkeypatch.setattr(client, "_call", call)
    return sent


@pytest.mark.parametrize("internal", [{"__defaults": ["name"]}, {}])
def test_remediate_keeps_internal_keys_and_analyze_leaves_them_out(
    client: AnalyzerClient,
    plans: dict[str, Plan],
    monkeypatch: pytest.MonkeyPatch,
    internal: dict[str, object],
) -> None:
    """As the engine marshals them (`SkipInternalKeys` false for `Remediate`, true for
    `Analyze`), also when the client sends one request for both."""
    plan = plans["preview"]
    resource = plan.by_urn()[POOL_URN]
    pool = to_analyzer_resource(resource, plan.by_urn(), {**resource.inputs, **internal})
    sent = _requests_sent(client, monkeypatch)
    client.remediate(pool)
    client.analyze(pool)
    inputs = json_format.MessageToDict(encode_properties(resource.inputs))
    assert sent == [("Remediate", {**inputs, **internal}), ("Analyze", inputs)]


def _whole_requests_sent(client: AnalyzerClient, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Each request the client sends from now on, as deterministic wire bytes."""
    sent: list[bytes] = []
    real_call = client._call

    def call(method: str, request: Any) -> object:
        sent.append(method.encode() + request.SerializeToString(deterministic=True))
        return real_call(method, request)

    monkeypatch.setattr(client, "_call", call)
    return sent


@pytest.mark.parametrize("phase", ["preview", "up"])
def test_each_mapping_of_properties_is_encoded_once_and_the_requests_are_unchanged(
    client: AnalyzerClient,
    plans: dict[str, Plan],
    monkeypatch: pytest.MonkeyPatch,
    phase: str,
) -> None:
    """Outputs that are the inputs, and a provider's properties sent with each of its resources,
    are encoded once per client; every request is byte for byte the one encoding each time
    gives."""
    plan = plans[phase]
    monkeypatch.setattr(client, "encode", EncodedOnce())
    once = _whole_requests_sent(client, monkeypatch)
    analyze_plan(client, plan, phase)
    monkeypatch.undo()

    monkeypatch.setattr(client, "encode", encode_properties)
    each_time = _whole_requests_sent(client, monkeypatch)
    analyze_plan(client, plan, phase)
    assert once == each_time

    asked: list[tuple[int, bool]] = []
    encoder = EncodedOnce()

    def counting(properties: Mapping[str, object], *, skip_internal_keys: bool = True) -> Any:
        # one encoding per mapping and per distinct result: skipping internal keys differs only
        # for a mapping that has some
        internal = any(key.startswith("__") for key in properties)
        asked.append((id(properties), skip_internal_keys and internal))
        return encoder(properties, skip_internal_keys=skip_internal_keys)

    monkeypatch.setattr(client, "encode", counting)
    analyze_plan(client, plan, phase)
    assert encoder.encoded == len(set(asked)) < len(asked)

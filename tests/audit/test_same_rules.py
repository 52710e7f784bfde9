"""One rule set, two inputs: the prod stack's user pool and app clients, created with boto3 from
the same settings the program reads, are judged by the audit exactly as the gate judges the
program's inputs for prod, policy by policy.

Not compared (the live side of this test does not have what they correlate with, or the gate's
plan has it only through resources the test does not create):
- `cognito-user-pool-waf-associated`, `cognito-user-pool-waf-rules`, `cognito-user-pool-alarms`,
  `cognito-user-pool-auth-event-logging`, `cognito-user-pool-risk-configuration`,
  `cognito-lockout-compensating-controls`: stack policies about the pool's web ACL, alarms, log
  export and risk configuration, which prod declares as separate resources;
- `cognito-client-idp-mapped-attributes-writable`: needs the identity providers, not created
  (moto, unlike AWS, accepts clients naming providers that do not exist).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pytest

from gate.live import inventory as types
from gate.preview import GateOptions, run_gate
from gate.result import GateResult
from tests.audit.conftest import Emulator, audit
from tests.audit.prod_pool import create_prod_pool, prod_settings
from tests.audit.test_findings import answer_moto_gaps
from tests.repo import ROOT

NOT_COMPARED: Final = frozenset(
    {
        "cognito-user-pool-waf-associated",
        "cognito-user-pool-waf-rules",
        "cognito-user-pool-alarms",
        "cognito-user-pool-auth-event-logging",
        "cognito-user-pool-risk-configuration",
        "cognito-lockout-compensating-controls",
        "cognito-client-idp-mapped-attributes-writable",
    }
)
PROFILES: Final = ("prod.json", "nist-800-63b.json")


def _verdicts(result: GateResult) -> dict[str, set[str]]:
    """Policy -> names of the user pool / app clients it finds fault with (a gate autofix is a
    verdict too: the audit reports what a remediation would have fixed)."""
    names = {
        r.urn: "user pool" if r.type == types.USER_POOL else str(r.inputs.get("name"))
        for r in result.plan.resources
        if r.type in (types.USER_POOL, types.USER_POOL_CLIENT)
    }
    pairs = {(f.policy_name, f.urn) for f in result.analysis.findings}
    pairs |= {(a.policy_name, a.urn) for a in result.analysis.autofixes if a.changed_keys}
    verdicts: dict[str, set[str]] = {}
    for policy, urn in pairs:
        if urn in names and policy not in NOT_COMPARED:
            verdicts.setdefault(policy, set()).add(names[urn])
    return verdicts


@pytest.mark.parametrize("profile", PROFILES)
def test_audit_and_gate_agree_on_prod(
    profile: str, aws: Callable[[str], Any], emulator: Emulator
) -> None:
    settings = prod_settings()
    create_prod_pool(aws("cognito-idp"), settings)
    answer_moto_gaps(emulator)
    config = ROOT / "policies" / "config" / profile

    live = audit(config)
    planned = run_gate(GateOptions(stack="prod", project_dir=ROOT, policy_pack_config=config))

    compared_clients = {client.name for client in settings.all_app_clients}
    gate_verdicts = {
        policy: {name for name in names if name in compared_clients | {"user pool"}}
        for policy, names in _verdicts(planned).items()
    }
    live_verdicts = _verdicts(live)
    for policy in sorted(p.name for p in live.info.policies if p.name not in NOT_COMPARED):
        assert live_verdicts.get(policy, set()) == gate_verdicts.get(policy, set()), policy
    live_clients = {
        str(r.inputs.get("name")) for r in live.plan.resources if r.type == types.USER_POOL_CLIENT
    }
    assert live_clients == compared_clients


def test_the_comparison_sees_a_difference(aws: Callable[[str], Any], emulator: Emulator) -> None:
    """Guard against a comparison that always agrees: weaken the live pool's password length and
    the audit (only) finds it."""
    settings = prod_settings()
    pool_id = create_prod_pool(aws("cognito-idp"), settings)
    aws("cognito-idp").update_user_pool(
        UserPoolId=pool_id,
        Policies={"PasswordPolicy": {"MinimumLength": 8}},
        MfaConfiguration="ON",
        DeletionProtection="ACTIVE",
    )
    answer_moto_gaps(emulator)

    live = audit()

    assert "user pool" in _verdicts(live)["cognito-password-min-length"]

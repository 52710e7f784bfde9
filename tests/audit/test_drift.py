"""`--stack`: the deployed pool compared field by field with what the stack would deploy. The
live twin of prod is built from prod's settings with one change made outside the stack (a
shorter password) and one app client deleted by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gate.analyzer import UNKNOWN, ResourceOptionsWire, Secret
from gate.live import inventory as types
from gate.live.drift import DRIFT_POLICY, Difference, differences_between
from gate.live.import_file import import_id, match_plan
from gate.live.inventory import LiveResource
from gate.plan import Plan, PlannedResource
from tests.audit.conftest import Emulator, audit, live_urn
from tests.audit.prod_pool import create_prod_pool, prod_settings
from tests.audit.test_findings import answer_moto_gaps


def test_drift_names_each_changed_setting_and_missing_part(
    aws: Callable[[str], Any], emulator: Emulator
) -> None:
    settings = prod_settings()
    pool = settings.user_pool
    changed = settings.model_copy(
        update={
            "user_pool": pool.model_copy(
                update={
                    "password_policy": pool.password_policy.model_copy(
                        update={"minimum_length": 10}
                    )
                }
            ),
        }
    )
    idp = aws("cognito-idp")
    pool_id = create_prod_pool(idp, changed)
    missing = settings.app_clients[0].name
    deleted = next(
        c["ClientId"]
        for c in idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
        if c["ClientName"] == missing
    )
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=deleted)  # removed by hand
    answer_moto_gaps(emulator)

    result = audit(stack="prod")

    drift = {f.urn: f.message for f in result.analysis.findings if f.policy_name == DRIFT_POLICY}
    pool_urn = live_urn(result, types.USER_POOL, pool_id)
    changes = [
        f.message
        for f in result.analysis.findings
        if f.policy_name == DRIFT_POLICY and f.urn == pool_urn and "differs" in f.message
    ]
    assert len(changes) == 1, drift
    lines = changes[0].splitlines()[1:]
    assert lines == [
        "- `passwordPolicy.minimumLength`: stack prod declares 14, deployed 10",
        # The twin does not deploy the platform's Lambda functions, so it has no trigger:
        "- `lambdaConfig.preTokenGenerationConfig.lambdaVersion`: stack prod declares 'V2_0', "
        "deployed not set",
    ]
    assert any(
        f"declares app client {missing!r} of user pool {pool.name!r}, which is not deployed"
        in f.message
        for f in result.analysis.findings
        if f.urn == pool_urn
    )
    clients = {r.urn for r in result.plan.resources if r.type == types.USER_POOL_CLIENT}
    assert clients.isdisjoint(drift), [drift[u] for u in clients & set(drift)]  # exact twins
    assert result.policy(DRIFT_POLICY) is not None  # reports show its title and remediation


def test_comparison_rules() -> None:
    """Numbers by value, scalar lists as sets, named lists by name; what is unknown on either
    side (an ARN only known after deployment, a read that failed) and secrets are not drift."""
    declared = {
        "passwordPolicy": {"minimumLength": 14.0},
        "readAttributes": ["email", "name"],
        "schemas": [{"name": "tenant_id", "mutable": False}],
        "lambdaConfig": {"preTokenGenerationConfig": {"lambdaArn": UNKNOWN}},
        "providerDetails": Secret({"client_secret": "x"}),
        "softwareTokenMfaConfiguration": {"enabled": True},
    }
    deployed = {
        "passwordPolicy": {"minimumLength": 14},
        "readAttributes": ["name", "email"],
        "schemas": [{"name": "email", "mutable": True}, {"name": "tenant_id", "mutable": True}],
        "softwareTokenMfaConfiguration": UNKNOWN,
    }

    differences = list(differences_between(declared, deployed))

    assert differences == [Difference("schemas[tenant_id].mutable", False, True)]


def test_drift_and_adopt_tell_a_clients_risk_configuration_from_the_pools() -> None:
    """`pulumi import` names a risk configuration `<pool>` or `<pool>:<client id>`: the one table
    of naming inputs (`inventory.IDENTITY`) keys it by client id for adopt, as for drift."""
    pool_id = "eu-west-1_AbC123"
    settings = {"compromisedCredentialsRiskConfiguration": {"eventFilters": ["SIGN_IN"]}}
    pool_level = PlannedResource(
        urn="urn:pulumi:prod::p::aws:cognito/riskConfiguration:RiskConfiguration::ei-prod-risk",
        type=types.RISK_CONFIGURATION,
        name="ei-prod-risk",
        custom=True,
        parent=None,
        provider=None,
        dependencies=(),
        property_dependencies={},
        options=ResourceOptionsWire(),
        inputs={"userPoolId": pool_id, **settings},
    )
    planned = Plan("p", "prod", "up", (pool_level,))
    client_level = LiveResource(
        types.RISK_CONFIGURATION,
        pool_id,
        f"{pool_id} risk configuration",
        {"userPoolId": pool_id, "clientId": "3abc", **settings},
    )

    matching = match_plan(planned, [client_level])
    assert matching.matches == ()  # adopt used to take it for the pool's
    assert matching.created == (pool_level,)
    assert matching.unmatched_live == (client_level,)
    assert import_id(client_level, pool_id) == f"{pool_id}:3abc"

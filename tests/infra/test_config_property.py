"""Property: a stack file with valid changes builds what it says; one broken key is named alone.

Documents are the real ``Pulumi.dev.yaml`` and ``Pulumi.prod.yaml`` with valid variations drawn
from the settings' own limits (``tests/infra/strategies.py``): password length, MFA mode and
factors, token lifetimes, group precedence, subsets and renames of clients, groups, tenants and
resource servers. Most of them are valid and must load (and, run through the real program under
mocks, register inputs that match what was drawn); some 15% carry exactly one broken
key, which ``StackConfigError`` must name - in the stack file, at its full key path - and nothing
else. The AWS pages behind each limit are cited in the strategies module.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings

from settings import StackConfigError, StackSettings, load_stack_settings
from tests.infra.harness import ProgramRun, Registered, run_program, to_raw
from tests.infra.strategies import Expected, Tokens, Variation, variations

MIN_VALID_SHARE = 0.7
# Token lifetimes are written in these units, so the numbers mean what the settings say
# (AWS's own defaults are hours, hours and days):
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html
TOKEN_UNITS = {"accessToken": "minutes", "idToken": "minutes", "refreshToken": "hours"}
USER_POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
GROUP = "aws:cognito/userGroup:UserGroup"
RESOURCE_SERVER = "aws:cognito/resourceServer:ResourceServer"


def _load(variation: Variation) -> StackSettings:
    raw, secret_keys = to_raw(variation.document)
    return load_stack_settings(variation.stack, raw, secret_keys)


def _assert_settings_match(loaded: StackSettings, expected: Expected) -> None:
    pool = loaded.user_pool
    assert pool.password_policy.minimum_length == expected.password_length
    assert pool.password_policy.password_history_size == expected.password_history
    assert (pool.mfa.mode, pool.mfa.totp, pool.mfa.sms.enabled) == (
        expected.mfa_mode,
        expected.totp,
        expected.sms,
    )
    clients = {
        client.name: Tokens(
            client.tokens.access_token_minutes,
            client.tokens.id_token_minutes,
            client.tokens.refresh_token_hours,
        )
        for client in loaded.app_clients
    }
    assert clients == expected.clients
    assert {group.name: group.precedence for group in loaded.groups} == expected.groups
    assert tuple(tenant.id for tenant in loaded.tenants) == expected.tenants


def _assert_only_the_broken_key_is_reported(variation: Variation) -> None:
    broken = variation.broken
    assert broken is not None
    with pytest.raises(StackConfigError) as caught:
        _load(variation)
    (line,) = caught.value.problems  # exactly one problem: the one key that was broken
    assert line.startswith(f"Pulumi.{variation.stack}.yaml: {broken.key}: "), line
    assert broken.says in line


def test_variations_load_as_drawn_or_name_the_one_broken_key() -> None:
    """Most examples must be valid (the old property test rejected 293 of 300 documents and
    so checked little but error wording); the share is counted here, over the whole run."""
    tally: Counter[str] = Counter()

    @settings(
        max_examples=500,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(variations())
    def check(variation: Variation) -> None:
        broken = variation.broken
        tally["valid" if broken is None else broken.kind] += 1
        if broken is None:
            _assert_settings_match(_load(variation), variation.expected)
        else:
            _assert_only_the_broken_key_is_reported(variation)

    check()
    share = tally["valid"] / tally.total()
    print(f"valid share {share:.0%} of {tally.total()} examples: {dict(tally)}")  # shown with -s
    assert share >= MIN_VALID_SHARE, tally


def _by_name(resources: list[Registered]) -> dict[str, dict[str, Any]]:
    return {resource.inputs["name"]: resource.inputs for resource in resources}


def _assert_pool_matches(run: ProgramRun, expected: Expected) -> None:
    pool = run.one(USER_POOL).inputs
    assert pool["passwordPolicy"]["minimumLength"] == expected.password_length
    assert pool["passwordPolicy"]["passwordHistorySize"] == expected.password_history
    assert pool["mfaConfiguration"] == expected.mfa_mode
    totp_on = pool.get("softwareTokenMfaConfiguration", {}).get("enabled", False)
    assert totp_on == (expected.totp and expected.mfa_mode != "OFF")
    assert ("smsConfiguration" in pool) == expected.sms


def _assert_clients_match(run: ProgramRun, expected: Expected) -> None:
    clients = _by_name(run.of_type(CLIENT))
    tenant_clients = {f"tenant-{tenant}" for tenant in expected.tenant_clients}
    assert set(clients) == set(expected.clients) | tenant_clients
    for name, tokens in expected.clients.items():
        inputs = clients[name]
        lifetimes = (
            inputs["accessTokenValidity"],
            inputs["idTokenValidity"],
            inputs["refreshTokenValidity"],
        )
        assert lifetimes == (tokens.access_minutes, tokens.id_minutes, tokens.refresh_hours), name
        assert inputs["tokenValidityUnits"] == TOKEN_UNITS, name


def _assert_groups_match(run: ProgramRun, expected: Expected) -> None:
    groups = _by_name(run.of_type(GROUP))
    tenant_groups = {f"tenant-{tenant}" for tenant in expected.tenants}
    assert set(groups) == set(expected.groups) | tenant_groups
    for name, precedence in expected.groups.items():
        assert groups[name].get("precedence") == precedence, name


def _assert_program_stops_at_the_broken_key(variation: Variation) -> None:
    """The program itself (``load_settings_from_pulumi``) names the file, with the key's line and
    column in the real stack file when it finds one, and only the broken key."""
    broken = variation.broken
    assert broken is not None
    raw, secret_keys = to_raw(variation.document)
    with pytest.raises(StackConfigError) as caught:
        run_program(variation.stack, raw, secret_keys)
    (line,) = caught.value.problems
    where = re.escape(f"Pulumi.{variation.stack}.yaml")
    assert re.match(rf"{where}(:\d+:\d+)?: {re.escape(broken.key)}: ", line), line


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(variations())
def test_variations_build_what_they_say_or_stop_at_the_broken_key(variation: Variation) -> None:
    event("valid" if variation.broken is None else f"invalid: {variation.broken.kind}")
    if not variation.valid:
        _assert_program_stops_at_the_broken_key(variation)
        return
    raw, secret_keys = to_raw(variation.document)
    run = run_program(variation.stack, raw, secret_keys)
    expected = variation.expected
    _assert_pool_matches(run, expected)
    _assert_clients_match(run, expected)
    _assert_groups_match(run, expected)
    identifiers = {server.inputs["identifier"] for server in run.of_type(RESOURCE_SERVER)}
    assert identifiers == set(expected.resource_servers)
    assert not run.calls

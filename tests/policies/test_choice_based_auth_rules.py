"""ALLOW_USER_AUTH with PASSWORD as an allowed first factor, on the reference stack."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_guard import choice_based_auth as cba
from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN
from tests.policies.harness import Spec, replace_spec, run_stack, urn_of
from tests.policies.reference import POOL_ID, SECURE_SPA_CLIENT, SECURE_WEB_CLIENT, secure_stack

P = cba.USER_AUTH_PASSWORD
PREVIEW = pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
USER_AUTH = ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH"]
PASSKEYS_AND_PASSWORD = {"allowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}


def _stack(
    *, preview: bool, client: dict[str, Any] | None = None, pool: dict[str, Any] | None = None
) -> list[Spec]:
    specs = secure_stack(preview=preview)
    if client is not None:
        (console,) = [s for s in specs if s.name == "console"]
        specs = replace_spec(specs, "console", props={**console.props, **client})
    if pool is not None:
        (current,) = [s for s in specs if s.name == "pool"]
        specs = replace_spec(specs, "pool", props={**current.props, **pool})
    return specs


@PREVIEW
def test_user_auth_with_the_default_password_factor_is_reported(preview: bool) -> None:
    outcome = run_stack(P, _stack(preview=preview, client={"explicitAuthFlows": USER_AUTH}))
    (message,) = outcome.messages
    assert outcome.urns == [urn_of(rt.USER_POOL_CLIENT, "console")]
    assert "user pool pool allows PASSWORD as first factors" in message
    assert "plaintext password" in message


@PREVIEW
def test_user_auth_with_password_next_to_passkeys_is_reported(preview: bool) -> None:
    specs = _stack(
        preview=preview,
        client={"explicitAuthFlows": USER_AUTH},
        pool={"signInPolicy": PASSKEYS_AND_PASSWORD},
    )
    (message,) = run_stack(P, specs).messages
    assert "allows PASSWORD, WEB_AUTHN as first factors" in message


@PREVIEW
def test_without_password_factor_or_user_auth_it_passes(preview: bool) -> None:
    passwordless = {"signInPolicy": {"allowedFirstAuthFactors": ["WEB_AUTHN", "EMAIL_OTP"]}}
    specs = _stack(preview=preview, client={"explicitAuthFlows": USER_AUTH}, pool=passwordless)
    assert run_stack(P, specs).messages == []
    assert run_stack(P, _stack(preview=preview)).messages == []


def test_a_pool_outside_the_stack_is_judged_with_password_allowed() -> None:
    client = {**SECURE_SPA_CLIENT, "explicitAuthFlows": USER_AUTH, "userPoolId": "eu-west-1_Other"}
    (message,) = run_stack(P, [Spec(rt.USER_POOL_CLIENT, "other", client)]).messages
    assert "its user pool allows PASSWORD" in message


def test_confidential_clients_can_be_tolerated_by_config() -> None:
    specs = replace_spec(
        secure_stack(),
        "portal",
        props={**SECURE_WEB_CLIENT, "explicitAuthFlows": USER_AUTH, "userPoolId": POOL_ID},
    )
    assert len(run_stack(P, specs).messages) == 1
    assert run_stack(P, specs, {"allowConfidentialClients": True}).messages == []


def test_unknown_flows_defer() -> None:
    outcome = run_stack(P, _stack(preview=True, client={"explicitAuthFlows": UNKNOWN}))
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "explicitAuthFlows" in outcome.not_applicable


def test_unknown_first_factors_defer() -> None:
    specs = _stack(
        preview=True,
        client={"explicitAuthFlows": USER_AUTH},
        pool={"signInPolicy": {"allowedFirstAuthFactors": UNKNOWN}},
    )
    outcome = run_stack(P, specs)
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "allowedFirstAuthFactors" in outcome.not_applicable


def test_malformed_first_factors_are_reported() -> None:
    specs = _stack(
        preview=False,
        client={"explicitAuthFlows": USER_AUTH},
        pool={"signInPolicy": {"allowedFirstAuthFactors": "PASSWORD"}},
    )
    (message,) = run_stack(P, specs).messages
    assert "malformed" in message

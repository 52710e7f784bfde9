"""Admin scope on public clients and unset read attributes, on wire-form client properties."""

from __future__ import annotations

import pytest

from cognito_guard import client_permissions as cp
from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN
from tests.policies.harness import run_resource
from tests.policies.reference import (
    SECURE_MACHINE_CLIENT,
    SECURE_MOBILE_CLIENT,
    SECURE_SPA_CLIENT,
    SECURE_WEB_CLIENT,
)
from tests.policies.rules_table import REMOVE, Row, check_row

C = rt.USER_POOL_CLIENT
ADMIN = "aws.cognito.signin.user.admin"
WITH_ADMIN = ["openid", "email", ADMIN]

ROWS = [
    Row(
        cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT,
        C,
        SECURE_SPA_CLIENT,
        "allowedOauthScopes",
        WITH_ADMIN,
        "includes aws.cognito.signin.user.admin on a public client",
    ),
    Row(
        cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT,
        C,
        SECURE_MOBILE_CLIENT,
        "allowedOauthScopes",
        WITH_ADMIN,
        "a stolen one can call UpdateUserAttributes",
    ),
    # no `generateSecret` at all: the client is public (AWS default: no secret)
    Row(
        cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT,
        C,
        {**SECURE_SPA_CLIENT, "allowedOauthScopes": WITH_ADMIN},
        "generateSecret",
        REMOVE,
        "on a public client",
    ),
    # confidential clients keep tokens server-side
    Row(
        cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT,
        C,
        SECURE_WEB_CLIENT,
        "allowedOauthScopes",
        WITH_ADMIN,
        None,
    ),
    Row(cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT, C, SECURE_SPA_CLIENT, "allowedOauthScopes", REMOVE, None),
    Row(
        cp.EXPLICIT_READ_ATTRIBUTES,
        C,
        SECURE_SPA_CLIENT,
        "readAttributes",
        REMOVE,
        "`readAttributes` is not set, so the client reads every standard attribute",
    ),
    Row(
        cp.EXPLICIT_READ_ATTRIBUTES,
        C,
        SECURE_WEB_CLIENT,
        "readAttributes",
        REMOVE,
        "both verified flags",
    ),
    Row(cp.EXPLICIT_READ_ATTRIBUTES, C, SECURE_WEB_CLIENT, "readAttributes", ["email"], None),
    # a client-credentials client has no user whose attributes it could read
    Row(cp.EXPLICIT_READ_ATTRIBUTES, C, SECURE_MACHINE_CLIENT, "readAttributes", REMOVE, None),
    # ... unless it can also sign users in (unset explicitAuthFlows means SRP and custom auth)
    Row(
        cp.EXPLICIT_READ_ATTRIBUTES,
        C,
        SECURE_MACHINE_CLIENT,
        "explicitAuthFlows",
        REMOVE,
        "`readAttributes` is not set",
    ),
    Row(
        cp.EXPLICIT_READ_ATTRIBUTES,
        C,
        SECURE_MACHINE_CLIENT,
        "explicitAuthFlows",
        ["ALLOW_USER_SRP_AUTH"],
        "`readAttributes` is not set",
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_rule(row: Row) -> None:
    check_row(row)


def test_managed_clients_are_judged_too() -> None:
    props = {**SECURE_SPA_CLIENT, "allowedOauthScopes": WITH_ADMIN}
    outcome = run_resource(cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT, rt.MANAGED_USER_POOL_CLIENT, props)
    assert len(outcome.messages) == 1


def test_unknown_scopes_defer_to_up() -> None:
    outcome = run_resource(
        cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT, C, {**SECURE_SPA_CLIENT, "allowedOauthScopes": UNKNOWN}
    )
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "`allowedOauthScopes` is unknown" in outcome.not_applicable


def test_unknown_secret_defers_instead_of_guessing_public() -> None:
    props = {**SECURE_SPA_CLIENT, "allowedOauthScopes": WITH_ADMIN, "generateSecret": UNKNOWN}
    outcome = run_resource(cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT, C, props)
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "generateSecret" in outcome.not_applicable


def test_unknown_read_attributes_defer() -> None:
    outcome = run_resource(
        cp.EXPLICIT_READ_ATTRIBUTES, C, {**SECURE_WEB_CLIENT, "readAttributes": UNKNOWN}
    )
    assert outcome.messages == []
    assert outcome.not_applicable


@pytest.mark.parametrize(
    ("policy", "key"),
    [
        (cp.ADMIN_SCOPE_ON_PUBLIC_CLIENT, "allowedOauthScopes"),
        (cp.EXPLICIT_READ_ATTRIBUTES, "readAttributes"),
    ],
)
def test_malformed_lists_are_reported(policy: object, key: str) -> None:
    outcome = run_resource(policy, C, {**SECURE_SPA_CLIENT, key: "email"})  # type: ignore[arg-type]
    assert any("malformed" in m and key in m for m in outcome.messages), outcome.messages

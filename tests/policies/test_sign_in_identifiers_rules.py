"""Case-insensitive usernames, on wire-form user-pool properties."""

from __future__ import annotations

import pytest

from cognito_guard import resource_types as rt
from cognito_guard import sign_in_identifiers as si
from gate.analyzer import UNKNOWN
from tests.policies.harness import run_resource
from tests.policies.reference import SECURE_POOL
from tests.policies.rules_table import REMOVE, Row, check_row

P, POOL = si.CASE_INSENSITIVE_USERNAMES, rt.USER_POOL

ROWS = [
    Row(P, POOL, SECURE_POOL, "usernameConfiguration.caseSensitive", True, "is true"),
    Row(P, POOL, SECURE_POOL, "usernameConfiguration.caseSensitive", "true", "is true"),
    Row(P, POOL, SECURE_POOL, "usernameConfiguration", REMOVE, "AWS default: case-sensitive"),
    Row(P, POOL, SECURE_POOL, "usernameConfiguration.caseSensitive", REMOVE, "not set"),
    Row(P, POOL, SECURE_POOL, "usernameConfiguration.caseSensitive", False, None),
    Row(P, POOL, SECURE_POOL, "usernameConfiguration.caseSensitive", "maybe", "malformed"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_rule(row: Row) -> None:
    check_row(row)


def test_message_warns_that_a_later_fix_replaces_the_pool() -> None:
    props = {**SECURE_POOL, "usernameConfiguration": {"caseSensitive": True}}
    (message,) = run_resource(P, POOL, props).messages
    assert "replaces the user pool and deletes every user" in message


def test_unknown_configuration_defers_to_up() -> None:
    props = {**SECURE_POOL, "usernameConfiguration": {"caseSensitive": UNKNOWN}}
    outcome = run_resource(P, POOL, props)
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "caseSensitive" in outcome.not_applicable

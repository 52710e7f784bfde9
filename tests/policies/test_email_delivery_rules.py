"""Email through SES instead of Cognito's capped default sender, on wire-form pool properties."""

from __future__ import annotations

import pytest

from cognito_guard import email_delivery as ed
from cognito_guard import resource_types as rt
from gate.analyzer import UNKNOWN
from tests.policies.harness import run_resource
from tests.policies.reference import SECURE_POOL
from tests.policies.rules_table import REMOVE, Row, check_row

P, POOL = ed.EMAIL_DELIVERY, rt.USER_POOL
SENDER = "lambdaConfig.customEmailSender"
LAMBDA = {
    "lambdaArn": "arn:aws:lambda:eu-west-1:123456789012:function:mailer",
    "lambdaVersion": "V1_0",
}

ROWS = [
    Row(
        P,
        POOL,
        SECURE_POOL,
        "emailConfiguration.emailSendingAccount",
        "COGNITO_DEFAULT",
        "is COGNITO_DEFAULT",
    ),
    Row(P, POOL, SECURE_POOL, "emailConfiguration", REMOVE, "not set (COGNITO_DEFAULT)"),
    Row(P, POOL, SECURE_POOL, "emailConfiguration.emailSendingAccount", REMOVE, "daily quota"),
    Row(P, POOL, SECURE_POOL, "emailConfiguration.sourceArn", REMOVE, "DEVELOPER without"),
    Row(P, POOL, SECURE_POOL, "emailConfiguration.emailSendingAccount", "DEVELOPER", None),
    Row(P, POOL, {**SECURE_POOL, "emailConfiguration": {}}, SENDER, LAMBDA, None),
    Row(P, POOL, SECURE_POOL, "emailConfiguration.emailSendingAccount", 3, "malformed"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_rule(row: Row) -> None:
    check_row(row)


def test_unknown_sending_account_defers_to_up() -> None:
    props = {**SECURE_POOL, "emailConfiguration": {"emailSendingAccount": UNKNOWN}}
    outcome = run_resource(P, POOL, props)
    assert outcome.messages == []
    assert outcome.not_applicable
    assert "emailSendingAccount" in outcome.not_applicable


def test_unknown_source_arn_of_ses_defers_to_up() -> None:
    props = {
        **SECURE_POOL,
        "emailConfiguration": {"emailSendingAccount": "DEVELOPER", "sourceArn": UNKNOWN},
    }
    outcome = run_resource(P, POOL, props)
    assert outcome.messages == []
    assert outcome.not_applicable

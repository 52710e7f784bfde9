"""Password-rule thresholds at the limit (passes) and one step past it (fails), default configs.

The rows elsewhere test values far from the limits (12 against 14, 2 against 4), which an
off-by-one in a comparison does not change. The AWS ranges behind the settings: lengths 6-99,
temporary passwords 0-365 days, history 0-24 (Essentials tier or higher):
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html
"""

from __future__ import annotations

import pytest

from cognito_guard import password
from cognito_guard import resource_types as rt
from tests.policies.reference import SECURE_POOL
from tests.policies.rules_table import Row, check_row

P = rt.USER_POOL
WITHOUT_MFA = {**SECURE_POOL, "mfaConfiguration": "OPTIONAL"}
LENGTH = "passwordPolicy.minimumLength"
HISTORY = "passwordPolicy.passwordHistorySize"
TEMPORARY = "passwordPolicy.temporaryPasswordValidityDays"

ROWS = [
    # minimum length 14 when MFA is required
    Row(password.MINIMUM_LENGTH, P, SECURE_POOL, LENGTH, 14, None),
    Row(password.MINIMUM_LENGTH, P, SECURE_POOL, LENGTH, 13, "is 13; it must be at least 14."),
    # 15 when the password is the only factor
    Row(password.MINIMUM_LENGTH, P, WITHOUT_MFA, LENGTH, 15, None),
    Row(password.MINIMUM_LENGTH, P, WITHOUT_MFA, LENGTH, 14, "is 14; it must be at least 15"),
    # a configured minimum moves both limits
    Row(password.MINIMUM_LENGTH, P, SECURE_POOL, LENGTH, 20, None, {"minimumLength": 20}),
    Row(password.MINIMUM_LENGTH, P, SECURE_POOL, LENGTH, 19, "at least 20", {"minimumLength": 20}),
    # history: remember at least 4
    Row(password.HISTORY, P, SECURE_POOL, HISTORY, 4, None),
    Row(password.HISTORY, P, SECURE_POOL, HISTORY, 3, "Remember at least 4."),
    Row(password.HISTORY, P, SECURE_POOL, HISTORY, 24, None, {"minimumHistory": 24}),
    Row(password.HISTORY, P, SECURE_POOL, HISTORY, 23, "at least 24", {"minimumHistory": 24}),
    # temporary passwords valid at most 7 days
    Row(password.TEMPORARY_PASSWORD, P, SECURE_POOL, TEMPORARY, 7, None),
    Row(password.TEMPORARY_PASSWORD, P, SECURE_POOL, TEMPORARY, 8, "valid 8 days"),
    Row(password.TEMPORARY_PASSWORD, P, SECURE_POOL, TEMPORARY, 0, None, {"maximumDays": 0}),
    Row(password.TEMPORARY_PASSWORD, P, SECURE_POOL, TEMPORARY, 1, "at most 0", {"maximumDays": 0}),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_password_thresholds(row: Row) -> None:
    check_row(row)

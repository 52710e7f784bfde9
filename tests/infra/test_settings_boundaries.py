"""AWS ranges in stack settings: both ends accepted, one past either end refused; defaults seen.

Each row edits the real ``Pulumi.prod.yaml`` at one key and loads it as the program does. The
ranges are AWS's:
- password length 6-99, temporary passwords 0-365 days, password history 0-24:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html
- access/ID tokens 5 minutes-1 day, refresh tokens 1 hour-10 years, auth session 3-15 minutes,
  refresh-token rotation grace 0-60 seconds:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html
- WAF rate-based rule limit 10-2,000,000,000:
  https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from settings import StackConfigError, StackSettings, load_stack_settings
from tests.infra.harness import run_program, stack_document, to_raw

P = "enterprise-identity:"

# (section, path to the key, AWS minimum, AWS maximum, unit in the message)
RANGES: list[tuple[str, tuple[str | int, ...], int, int, str]] = [
    ("userPool", ("passwordPolicy", "minimumLength"), 6, 99, ""),
    ("userPool", ("passwordPolicy", "temporaryPasswordValidityDays"), 0, 365, " days"),
    ("userPool", ("passwordPolicy", "passwordHistorySize"), 0, 24, ""),
    ("userPool", ("waf", "rateLimit"), 10, 2_000_000_000, " requests per IP per window"),
    ("appClients", (0, "tokens", "accessTokenMinutes"), 5, 1440, " minutes"),
    ("appClients", (0, "tokens", "idTokenMinutes"), 5, 1440, " minutes"),
    ("appClients", (0, "tokens", "refreshTokenHours"), 1, 87600, " hours"),
    ("appClients", (0, "authSessionMinutes"), 3, 15, " minutes"),
    ("appClients", (0, "refreshTokenRotation", "gracePeriodSeconds"), 0, 60, " seconds"),
]


def _key(section: str, path: tuple[str | int, ...]) -> str:
    text = P + section
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _load(section: str, path: tuple[str | int, ...], value: int | None) -> StackSettings:
    """Load prod with the key at ``path`` set to ``value`` (None: removed)."""
    document = copy.deepcopy(stack_document("prod"))
    node: Any = document[P + section]
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return load_stack_settings("prod", to_raw(document)[0])


def _error(section: str, path: tuple[str | int, ...], value: int) -> str:
    with pytest.raises(StackConfigError) as caught:
        _load(section, path, value)
    return str(caught.value)


@pytest.mark.parametrize(
    ("section", "path", "minimum", "maximum", "unit"),
    RANGES,
    ids=[_key(section, path).removeprefix(P) for section, path, *_ in RANGES],
)
def test_aws_range_ends_are_accepted_and_one_past_is_refused(
    section: str, path: tuple[str | int, ...], minimum: int, maximum: int, unit: str
) -> None:
    _load(section, path, minimum)
    _load(section, path, maximum)
    key = _key(section, path)
    below = _error(section, path, minimum - 1)
    assert f"Pulumi.prod.yaml: {key}: {minimum - 1} is below the AWS minimum {minimum}{unit}" in (
        below
    )
    above = _error(section, path, maximum + 1)
    assert f"Pulumi.prod.yaml: {key}: {maximum + 1} is above the AWS maximum {maximum}{unit}" in (
        above
    )


def test_password_length_defaults_to_14_when_the_stack_omits_it() -> None:
    settings = _load("userPool", ("passwordPolicy", "minimumLength"), None)
    assert settings.user_pool.password_policy.minimum_length == 14

    document = copy.deepcopy(stack_document("prod"))
    del document[P + "userPool"]["passwordPolicy"]["minimumLength"]
    raw, secret_keys = to_raw(document)
    run = run_program("prod", raw, secret_keys)
    (pool,) = run.of_type("aws:cognito/userPool:UserPool")
    assert pool.inputs["passwordPolicy"]["minimumLength"] == 14

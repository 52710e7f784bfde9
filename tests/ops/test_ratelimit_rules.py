"""The limiter's rules a user notices, on a fake clock and without AWS (mutation-tested).

Rates are Cognito's per-category request quotas
(https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html). Requests enter the
limiter under the event name botocore gives its ``before-send`` hook,
``before-send.{service_id}.{operation}`` (``botocore/endpoint.py``), and the operations are the
ones botocore's model of ``cognito-idp`` defines. ``tests/ops/test_ratelimit_hook.py`` shows the
same limiter on real clients against moto; these tests need no server, so mutmut can run them for
every mutant in a moment.
"""

from __future__ import annotations

import itertools

import botocore.session
import pytest

from identity_ops.errors import UsageError
from identity_ops.ratelimit import (
    COGNITO_QUOTAS,
    DEFAULT_QUOTAS,
    IDENTITY_POOL_QUOTAS,
    OPERATION_CATEGORY,
    RateLimiter,
    parse_rate_overrides,
)
from tests.ops.fake_clock import FakeClock

#: The user pool categories on AWS's quotas page, in its order (the oracle for the flag's message).
QUOTA_PAGE_CATEGORIES = (
    "UserCreation, UserAuthentication, UserAccountRecovery, UserRead, UserUpdate, "
    "UserResourceRead, UserResourceUpdate, UserList, UserToken, UserPoolRead, "
    "UserPoolResourceRead, UserPoolResourceUpdate, UserPoolClientRead"
)


def _limiter(rates: dict[str, float]) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(rates, clock=clock, sleep=clock.sleep), clock


def _send_times(limiter: RateLimiter, clock: FakeClock, operation: str, count: int) -> list[float]:
    """When each of ``count`` requests for ``operation`` leaves, as botocore's hook sees it."""
    times = []
    for _ in range(count):
        limiter.before_send(f"before-send.cognito-identity-provider.{operation}")
        times.append(round(clock.now, 6))
    return times


def _throttled_attempts(limiter: RateLimiter, operation: str, count: int) -> None:
    """``count`` attempts that each send ``operation`` once and get TooManyRequestsException."""
    for _ in range(count):
        limiter.begin_attempt()
        limiter.before_send(f"before-send.cognito-identity-provider.{operation}")
        limiter.end_attempt(throttled_operation=operation)


def _answered_attempts(limiter: RateLimiter, operation: str, count: int) -> None:
    for _ in range(count):
        limiter.begin_attempt()
        limiter.before_send(f"before-send.cognito-identity-provider.{operation}")
        limiter.end_attempt()


def _gaps(times: list[float]) -> list[float]:
    return [round(later - earlier, 6) for earlier, later in itertools.pairwise(times)]


@pytest.mark.parametrize(("rate", "gap"), [(1, 1.0), (0.5, 2.0), (0.2, 5.0), (2, 0.5)])
def test_rates_at_or_below_one_request_per_second_are_paced(rate: float, gap: float) -> None:
    """``--rate UserUpdate=0.5`` (a gentle job next to production traffic) waits 2 s per request."""
    limiter, clock = _limiter(parse_rate_overrides([f"UserUpdate={rate}"]))

    assert _send_times(limiter, clock, "AdminDisableUser", 4) == [0.0, gap, 2 * gap, 3 * gap]


def test_no_rate_limit_sends_at_once_even_after_throttles() -> None:
    """``--no-rate-limit`` (emulators): every category unlimited, and a throttle does not pace it."""
    rates = parse_rate_overrides([], unlimited=True)
    limiter, clock = _limiter(rates)

    _throttled_attempts(limiter, "AdminCreateUser", 3)

    assert rates == dict.fromkeys(DEFAULT_QUOTAS, 0.0)
    assert _send_times(limiter, clock, "AdminCreateUser", 50) == [0.0] * 50
    assert _send_times(limiter, clock, "ListUsers", 50) == [0.0] * 50
    assert clock.sleeps == []
    assert limiter.current_rates() == rates


def test_a_zero_rate_unlimits_one_category_and_leaves_the_others_paced() -> None:
    limiter, clock = _limiter(parse_rate_overrides(["UserUpdate=0"]))

    _throttled_attempts(limiter, "AdminDisableUser", 3)

    assert _send_times(limiter, clock, "AdminDisableUser", 30) == [0.0] * 30
    # UserCreation keeps AWS's default quota of 50 RPS
    assert _gaps(_send_times(limiter, clock, "AdminCreateUser", 3)) == [0.02, 0.02]


@pytest.mark.parametrize(
    ("flag", "rate"),
    [("UserUpdate=0", 0.0), ("UserUpdate=0.5", 0.5), ("UserUpdate=1", 1.0), ("UserList=250", 250)],
)
def test_rate_flags_accept_zero_fractions_and_raised_quotas(flag: str, rate: float) -> None:
    category = flag.partition("=")[0]
    expected = {**DEFAULT_QUOTAS, category: rate}

    assert parse_rate_overrides([flag]) == expected


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (
            "Nope=3",
            f"--rate 'Nope=3': expected CATEGORY=RPS with CATEGORY one of {QUOTA_PAGE_CATEGORIES}",
        ),
        (
            "UserUpdate",
            f"--rate 'UserUpdate': expected CATEGORY=RPS with CATEGORY one of {QUOTA_PAGE_CATEGORIES}",
        ),
        ("UserUpdate=1=0", "--rate 'UserUpdate=1=0': '1=0' is not a number"),
        ("UserUpdate=-0.5", "--rate 'UserUpdate=-0.5': the rate must be >= 0 (0 means unlimited)"),
    ],
)
def test_bad_rate_flags_say_what_is_allowed(flag: str, message: str) -> None:
    with pytest.raises(UsageError) as error:
        parse_rate_overrides([flag])

    assert str(error.value) == message


def test_a_long_throttle_slows_a_category_to_one_request_per_second_not_less() -> None:
    """Twenty throttles in a row: 10 RPS falls by a fifth each time and stops at 1 RPS."""
    limiter, clock = _limiter({"UserUpdate": 10})

    _throttled_attempts(limiter, "AdminDisableUser", 20)

    assert limiter.current_rates()["UserUpdate"] == 1.0
    assert _gaps(_send_times(limiter, clock, "AdminDisableUser", 3)) == [1.0, 1.0]


def test_a_throttle_never_speeds_up_a_rate_set_below_one_request_per_second() -> None:
    """``--rate UserUpdate=0.5`` stays at 0.5 RPS through throttles and successes.

    Before the fix, the first throttle raised it to the 1 RPS floor, and since 1 >= 0.5 no success
    brought it back: a gentle job ran twice as fast as asked for the rest of its run.
    """
    limiter, clock = _limiter(parse_rate_overrides(["UserUpdate=0.5"]))

    _throttled_attempts(limiter, "AdminDisableUser", 3)
    assert limiter.current_rates()["UserUpdate"] == 0.5
    _answered_attempts(limiter, "AdminDisableUser", 5)

    assert limiter.current_rates()["UserUpdate"] == 0.5
    start = clock.now
    assert _gaps([start, *_send_times(limiter, clock, "AdminDisableUser", 2)]) == [2.0, 2.0]


def test_every_paced_operation_is_a_cognito_operation_in_a_quota_category() -> None:
    """A misspelt operation would never be paced: botocore's model is the list of real ones."""
    model = botocore.session.get_session().get_service_model("cognito-idp")

    assert set(OPERATION_CATEGORY) <= set(model.operation_names)
    assert set(OPERATION_CATEGORY.values()) == set(DEFAULT_QUOTAS)


def test_identity_pool_reads_are_paced_per_operation_only_when_asked() -> None:
    """Identity pool quotas are per operation (5 RPS each): the live audit's limiter
    (``COGNITO_QUOTAS``) paces each on its own bucket; identity-ops' default leaves them alone."""
    model = botocore.session.get_session().get_service_model("cognito-identity")
    assert set(IDENTITY_POOL_QUOTAS) <= set(model.operation_names)
    limiter, clock = _limiter(dict(COGNITO_QUOTAS))
    assert _gaps(_send_times(limiter, clock, "DescribeIdentityPool", 3)) == [0.2, 0.2]
    start = clock.now
    assert _send_times(limiter, clock, "GetIdentityPoolRoles", 1) == [start]  # its own bucket
    assert limiter.bucket_for("DescribeRiskConfiguration") is limiter.bucket_for("ListGroups")
    assert RateLimiter().bucket_for("DescribeIdentityPool") is None

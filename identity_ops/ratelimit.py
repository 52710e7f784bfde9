"""Client-side rate limiting per Cognito quota category.

Cognito's request-rate quotas are per account and Region, per *category* of operations (all
UserUpdate operations share 25 RPS, summed over every pool). A bulk job that ignores them is
answered with ``TooManyRequestsException`` and competes with production sign-ins, so every request
identity-ops sends passes through the token bucket of its category first. The limiter hooks into
botocore's ``before-send`` event, so retries are paced too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from identity_ops.errors import UsageError

#: Default requests per second per category (Cognito's default quotas,
#: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html).
DEFAULT_QUOTAS: Mapping[str, float] = {
    "UserCreation": 50,
    "UserAuthentication": 120,
    "UserAccountRecovery": 30,
    "UserRead": 120,
    "UserUpdate": 25,
    "UserResourceRead": 50,
    "UserResourceUpdate": 25,
    "UserList": 30,
    "UserToken": 120,
    "UserPoolRead": 15,
    "UserPoolResourceRead": 20,
    "UserPoolResourceUpdate": 15,
    "UserPoolClientRead": 15,
}

_CATEGORY_OPERATIONS: Mapping[str, tuple[str, ...]] = {
    "UserCreation": ("AdminCreateUser", "AdminConfirmSignUp", "SignUp", "ConfirmSignUp"),
    "UserAuthentication": (
        "InitiateAuth",
        "AdminInitiateAuth",
        "RespondToAuthChallenge",
        "AdminRespondToAuthChallenge",
        "GetTokensFromRefreshToken",
    ),
    "UserAccountRecovery": (
        "AdminResetUserPassword",
        "AdminSetUserPassword",
        "ChangePassword",
        "ForgotPassword",
        "ConfirmForgotPassword",
    ),
    "UserRead": ("AdminGetUser", "GetUser", "AdminGetUserAuthFactors"),
    "UserUpdate": (
        "AdminDisableUser",
        "AdminEnableUser",
        "AdminDeleteUser",
        "AdminUpdateUserAttributes",
        "AdminDeleteUserAttributes",
        "AdminAddUserToGroup",
        "AdminRemoveUserFromGroup",
        "AdminUserGlobalSignOut",
    ),
    "UserResourceRead": (
        "AdminListGroupsForUser",
        "AdminListDevices",
        "AdminListUserAuthEvents",
        "ResendConfirmationCode",
    ),
    "UserResourceUpdate": (
        "AdminSetUserMFAPreference",
        "AdminSetUserSettings",
        "AdminDeleteSoftwareToken",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    ),
    "UserList": ("ListUsers", "ListUsersInGroup"),
    "UserToken": ("RevokeToken",),
    "UserPoolRead": ("DescribeUserPool", "ListUserPools"),
    "UserPoolResourceRead": (
        "GetCSVHeader",
        "DescribeUserImportJob",
        "ListUserImportJobs",
        "GetGroup",
        "ListGroups",
        "GetUserPoolMfaConfig",
    ),
    "UserPoolResourceUpdate": (
        "CreateUserImportJob",
        "StartUserImportJob",
        "StopUserImportJob",
        "CreateGroup",
        "SetUserPoolMfaConfig",
    ),
    "UserPoolClientRead": ("DescribeUserPoolClient", "ListUserPoolClients"),
}

#: Operation name (as in the API) -> quota category.
OPERATION_CATEGORY: Mapping[str, str] = {
    operation: category
    for category, operations in _CATEGORY_OPERATIONS.items()
    for operation in operations
}


class TokenBucket:
    """Paces callers to ``rate`` per second with no burst above one request.

    Each ``acquire`` reserves the next free slot under a lock and sleeps outside it, so any number
    of threads share one steady rate. ``throttled`` lowers the rate when the service still says
    "Rate exceeded" (someone else uses the same account quota); successes restore it slowly.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.configured_rate = rate
        self._rate = rate
        self._clock = clock
        self._next_slot = 0.0
        self._lock = threading.Lock()

    @property
    def rate(self) -> float:
        return self._rate

    def acquire(self) -> None:
        if self._rate <= 0:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self._rate
        delay = slot - now
        if delay > 0:
            time.sleep(delay)

    def throttled(self) -> None:
        if self.configured_rate <= 0:
            return
        with self._lock:
            self._rate = max(1.0, self._rate * 0.8)

    def succeeded(self) -> None:
        if self.configured_rate <= 0 or self._rate >= self.configured_rate:
            return
        with self._lock:
            self._rate = min(self.configured_rate, self._rate * 1.01 + 0.01)


@dataclass
class RateLimiter:
    """One token bucket per quota category; categories not listed are unlimited."""

    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_QUOTAS))
    _buckets: dict[str, TokenBucket] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._buckets = {category: TokenBucket(rate) for category, rate in self.rates.items()}

    def bucket_for(self, operation: str) -> TokenBucket | None:
        category = OPERATION_CATEGORY.get(operation)
        return self._buckets.get(category) if category else None

    def before_send(self, event_name: str, **_: Any) -> None:
        """botocore ``before-send`` hook: wait for a token of the operation's category."""
        bucket = self.bucket_for(event_name.rsplit(".", 1)[-1])
        if bucket is not None:
            bucket.acquire()

    def record(self, operation: str, *, throttled: bool) -> None:
        bucket = self.bucket_for(operation)
        if bucket is None:
            return
        if throttled:
            bucket.throttled()
        else:
            bucket.succeeded()

    def current_rates(self) -> dict[str, float]:
        return {category: bucket.rate for category, bucket in self._buckets.items()}


def parse_rate_overrides(values: list[str], *, unlimited: bool = False) -> dict[str, float]:
    """Turn ``--rate UserUpdate=10`` flags into a category -> RPS map over the defaults."""
    rates = dict.fromkeys(DEFAULT_QUOTAS, 0.0) if unlimited else dict(DEFAULT_QUOTAS)
    for value in values:
        category, sep, number = value.partition("=")
        if not sep or category not in DEFAULT_QUOTAS:
            allowed = ", ".join(DEFAULT_QUOTAS)
            raise UsageError(
                f"--rate {value!r}: expected CATEGORY=RPS with CATEGORY one of {allowed}"
            )
        try:
            rate = float(number)
        except ValueError:
            raise UsageError(f"--rate {value!r}: {number!r} is not a number") from None
        if rate < 0:
            raise UsageError(f"--rate {value!r}: the rate must be >= 0 (0 means unlimited)")
        rates[category] = rate
    return rates

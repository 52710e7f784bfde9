"""Client-side rate limiting per Cognito quota category.

Cognito's request-rate quotas are per account and Region, per *category* of operations (all
UserUpdate operations share 25 RPS, summed over every pool). A bulk job that ignores them is
answered with ``TooManyRequestsException`` and competes with production sign-ins, so every request
identity-ops sends passes through the token bucket of its category first. The limiter hooks into
botocore's ``before-send`` event, so retries are paced too.

The rate adapts in both directions (AWS asks callers that exceed a quota to back off and retry,
https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html): a throttled attempt lowers
its category's rate, and every attempt that goes through raises it again, up to the configured
quota. The hook notes, per worker thread, which categories an attempt sent to; the executor says
how the attempt ended (``begin_attempt`` / ``end_attempt``).
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
        # read by the live audit (gate/live)
        "DescribeUserPoolDomain",
        "ListIdentityProviders",
        "DescribeIdentityProvider",
        "ListResourceServers",
        "DescribeRiskConfiguration",
        "GetLogDeliveryConfiguration",
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

#: Identity pool operations have a request-rate quota each, per account and Region (the identity
#: pools table of https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html); each is
#: its own category, ``cognito-identity:<operation>``. The live audit reads these.
IDENTITY_POOL_QUOTAS: Mapping[str, float] = {
    "ListIdentityPools": 5.0,
    "DescribeIdentityPool": 5.0,
    "GetIdentityPoolRoles": 5.0,
    "GetPrincipalTagAttributeMap": 5.0,
}
IDENTITY_POOL_CATEGORY: Mapping[str, str] = {
    operation: f"cognito-identity:{operation}" for operation in IDENTITY_POOL_QUOTAS
}
#: Every quota above: user pool categories and identity pool operations (the live audit's pace).
COGNITO_QUOTAS: Mapping[str, float] = {
    **DEFAULT_QUOTAS,
    **{IDENTITY_POOL_CATEGORY[op]: rate for op, rate in IDENTITY_POOL_QUOTAS.items()},
}


class TokenBucket:
    """Paces callers to ``rate`` per second with no burst above one request.

    Each ``acquire`` reserves the next free slot under a lock and sleeps outside it, so any number
    of threads share one steady rate. ``throttled`` lowers the rate when the service still says
    "Rate exceeded" (someone else uses the same account quota); successes restore it slowly.
    ``clock`` and ``sleep`` are injectable so tests can pace on a fake clock.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.configured_rate = rate
        self._rate = rate
        self._clock = clock
        self._sleep = sleep
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
            self._sleep(delay)

    def throttled(self) -> None:
        """Slow down by a fifth, to no less than 1 RPS or the configured rate if that is lower.

        The floor keeps a job moving under a long throttle; it never exceeds the configured rate,
        because a throttle must not speed up a bucket the operator set below 1 RPS.
        """
        if self.configured_rate <= 0:
            return
        floor = min(1.0, self.configured_rate)
        with self._lock:
            self._rate = max(floor, self._rate * 0.8)

    def succeeded(self) -> None:
        if self.configured_rate <= 0 or self._rate >= self.configured_rate:
            return
        with self._lock:
            self._rate = min(self.configured_rate, self._rate * 1.01 + 0.01)


@dataclass
class RateLimiter:
    """One token bucket per quota category; categories not listed are unlimited (identity-ops'
    default: the user pool categories; the live audit adds the identity pool operations)."""

    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_QUOTAS))
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _buckets: dict[str, TokenBucket] = field(init=False, repr=False, default_factory=dict)
    _attempts: threading.local = field(
        init=False, repr=False, compare=False, default_factory=threading.local
    )

    def __post_init__(self) -> None:
        self._buckets = {
            category: TokenBucket(rate, self.clock, self.sleep)
            for category, rate in self.rates.items()
        }

    def bucket_for(self, operation: str) -> TokenBucket | None:
        category = OPERATION_CATEGORY.get(operation) or IDENTITY_POOL_CATEGORY.get(operation)
        return self._buckets.get(category) if category else None

    def before_send(self, event_name: str, **_: Any) -> None:
        """botocore ``before-send`` hook: wait for a token of the operation's category."""
        operation = event_name.rsplit(".", 1)[-1]
        bucket = self.bucket_for(operation)
        if bucket is not None:
            bucket.acquire()
            self._sent_this_attempt().add(operation)

    def begin_attempt(self) -> None:
        """The calling thread starts one attempt of a work item: forget what it sent before."""
        self._sent_this_attempt().clear()

    def end_attempt(self, throttled_operation: str | None = None) -> None:
        """The calling thread's attempt ended: slow down or recover the categories it used.

        The throttled operation's category (if any) slows down; every other category the attempt
        sent to was answered, so it recovers a little towards its configured rate.
        """
        sent = self._sent_this_attempt()
        answered = {bucket for op in sent if (bucket := self.bucket_for(op)) is not None}
        sent.clear()
        throttled = self.bucket_for(throttled_operation) if throttled_operation else None
        if throttled is not None:
            throttled.throttled()
            answered.discard(throttled)
        for bucket in answered:
            bucket.succeeded()

    def current_rates(self) -> dict[str, float]:
        return {category: bucket.rate for category, bucket in self._buckets.items()}

    def _sent_this_attempt(self) -> set[str]:
        sent: set[str] | None = getattr(self._attempts, "operations", None)
        if sent is None:
            sent = self._attempts.operations = set()
        return sent


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

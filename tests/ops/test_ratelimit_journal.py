"""The token bucket's pacing, rate flags, and the journal's crash tolerance (no AWS needed)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from identity_ops.errors import UsageError
from identity_ops.journal import Journal
from identity_ops.ratelimit import (
    OPERATION_CATEGORY,
    RateLimiter,
    TokenBucket,
    parse_rate_overrides,
)


def test_bucket_never_exceeds_the_rate_even_with_threads() -> None:
    bucket = TokenBucket(50)
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: bucket.acquire(), range(26)))
    assert time.monotonic() - started >= 0.49  # 25 intervals of 20 ms, however many threads ask


def test_throttling_slows_and_success_recovers() -> None:
    bucket = TokenBucket(50)
    bucket.throttled()
    assert bucket.rate == pytest.approx(40)
    for _ in range(100):
        bucket.succeeded()
    assert bucket.rate == pytest.approx(50)


def test_operations_map_to_cognito_categories() -> None:
    assert OPERATION_CATEGORY["AdminCreateUser"] == "UserCreation"
    assert OPERATION_CATEGORY["AdminAddUserToGroup"] == "UserUpdate"
    assert OPERATION_CATEGORY["ListUsers"] == "UserList"
    assert OPERATION_CATEGORY["AdminSetUserMFAPreference"] == "UserResourceUpdate"
    limiter = RateLimiter(parse_rate_overrides(["UserUpdate=10"]))
    assert limiter.current_rates()["UserUpdate"] == 10
    assert limiter.current_rates()["UserCreation"] == 50


@pytest.mark.parametrize("flag", ["UserUpdate", "Nope=3", "UserUpdate=fast", "UserUpdate=-1"])
def test_bad_rate_flags(flag: str) -> None:
    with pytest.raises(UsageError, match="--rate"):
        parse_rate_overrides([flag])


def test_journal_survives_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal.open(path, {"job": "t"})
    journal.started([("1", "a"), ("2", "b")])
    journal.done("1", "a", "created")
    journal.close()
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"item": "2", "state": "do')  # the crash hit mid-write
    reopened = Journal.open(path, {"job": "t"})
    assert reopened.is_done("1")
    assert reopened.is_uncertain("2")
    reopened.done("2", "b", "created")
    reopened.close()
    assert Journal.open(path, {"job": "t"}).is_done("2")

"""The rate limiter through botocore's real ``before-send`` hook, on a fake clock.

The clients are the ones the CLI builds (``AwsClients``, hooks installed by ``install_hooks``), the
requests go to the moto server, and the limiter paces them on a fake clock: its ``sleep`` moves the
clock instead of waiting, so the send times below are exact and the tests take no real time to
pace. A recorder registered after the limiter notes when each request actually leaves.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.executor import Executor, RetryPolicy
from identity_ops.jobs.bulk import BulkSettings
from identity_ops.jobs.import_users import ImportOptions, run_import
from identity_ops.journal import Journal
from identity_ops.outcomes import Outcome
from identity_ops.ratelimit import RateLimiter
from tests.ops.conftest import REGION, pool_usernames, write_csv
from tests.ops.fake_clock import FakeClock
from tests.ops.faults import ThrottleBurst


@dataclass
class SendRecorder:
    """Fake-clock time at which each request left, and the limiter's rates at that moment."""

    clock: FakeClock
    limiter: RateLimiter
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    rates: list[float] = field(default_factory=list)

    def before_send(self, event_name: str, **_: Any) -> None:
        self.times[event_name.rsplit(".", 1)[-1]].append(self.clock.now)
        self.rates.append(self.limiter.current_rates()["UserCreation"])


def _paced_clients(
    endpoint: str, rates: dict[str, float]
) -> tuple[AwsClients, FakeClock, SendRecorder]:
    clock = FakeClock()
    limiter = RateLimiter(rates, clock=clock, sleep=clock.sleep)
    # one attempt per call: a throttle reaches the executor at once, as after botocore's retries
    settings = AwsSettings(region=REGION, endpoint_url=endpoint, max_attempts=1, concurrency=1)
    clients = AwsClients(settings, limiter)
    recorder = SendRecorder(clock, limiter)
    clients.cognito().meta.events.register(
        "before-send.cognito-identity-provider", recorder.before_send
    )
    return clients, clock, recorder


def _gaps(times: list[float]) -> list[float]:
    return [round(later - earlier, 6) for earlier, later in itertools.pairwise(times)]


def test_each_quota_category_is_paced_at_its_own_rate(aws_env: str, pool_id: str) -> None:
    clients, clock, recorder = _paced_clients(aws_env, {"UserCreation": 10, "UserList": 4})
    cognito = clients.cognito()
    for index in range(5):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=f"user{index}",
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"user{index}@example.com"}],
        )
    for _ in range(5):
        cognito.list_users(UserPoolId=pool_id)
    cognito.describe_user_pool(UserPoolId=pool_id)  # UserPoolRead: no quota given, not paced

    # AdminCreateUser (UserCreation, 10/s) leaves every 0.1 s; ListUsers (UserList, 4/s) every
    # 0.25 s, starting at once: its bucket owes nothing to the creations before it.
    assert _gaps(recorder.times["AdminCreateUser"]) == [0.1] * 4
    assert recorder.times["ListUsers"][0] == pytest.approx(0.4)
    assert _gaps(recorder.times["ListUsers"]) == [0.25] * 4
    assert recorder.times["DescribeUserPool"] == [pytest.approx(clock.now)]
    assert clock.now == pytest.approx(0.4 + 4 * 0.25)


def test_a_throttling_burst_slows_an_import_and_later_successes_restore_the_rate(
    aws_env: str, pool_id: str, cognito: Any, tmp_path: Path
) -> None:
    clients, _, recorder = _paced_clients(aws_env, {"UserCreation": 10})
    burst = ThrottleBurst({"AdminCreateUser"}, count=3)
    burst.attach(clients.cognito())
    rows = [[f"user{i:03d}", f"user{i}@example.com"] for i in range(80)]
    source = write_csv(tmp_path / "users.csv", ["username", "email"], rows)
    options = ImportOptions(source=source, bulk=BulkSettings(concurrency=1))

    report = run_import(clients, pool_id, options, Console(quiet=True))

    assert report.tally.counts["created"] == 80
    assert pool_usernames(cognito, pool_id) == [f"user{i:03d}" for i in range(80)]
    # three throttles: 10 -> 8 -> 6.4 -> 5.12 requests per second, and the requests show it
    assert min(recorder.rates) == pytest.approx(5.12)
    gaps = _gaps(recorder.times["AdminCreateUser"])
    assert gaps[:3] == [0.1, 0.125, 0.15625]
    assert max(gaps) == pytest.approx(1 / 5.12, abs=1e-6)
    # ... and the successes after the burst bring the rate back to the configured quota
    assert clients.limiter is not None
    assert clients.limiter.current_rates()["UserCreation"] == 10
    assert gaps[-1] == 0.1


@dataclass(frozen=True)
class _Item:
    item: str
    username: str


def _recovered(rate: float) -> float:
    """One success's worth of recovery (``TokenBucket.succeeded``)."""
    return rate * 1.01 + 0.01


def test_each_attempt_slows_the_throttled_category_and_restores_the_answered_ones(
    aws_env: str, pool_id: str, tmp_path: Path
) -> None:
    clients, _, _ = _paced_clients(aws_env, {"UserCreation": 10, "UserUpdate": 10})
    cognito = clients.cognito()
    ThrottleBurst({"AdminCreateUser", "AdminAddUserToGroup"}, count=1).attach(cognito)

    def create_and_add(item: _Item, uncertain: bool) -> Outcome:
        try:
            cognito.admin_create_user(
                UserPoolId=pool_id, Username=item.username, MessageAction="SUPPRESS"
            )
        except cognito.exceptions.UsernameExistsException:
            if not uncertain:
                raise
        cognito.admin_add_user_to_group(
            UserPoolId=pool_id, Username=item.username, GroupName="staff"
        )
        return Outcome("created")

    journal = Journal.open(tmp_path / "journal.jsonl", {"job": "test"})
    executor: Executor[_Item] = Executor(
        create_and_add,
        journal,
        concurrency=1,
        limiter=clients.limiter,
        retry=RetryPolicy(base_delay=0),
    )
    tally = executor.run([_Item("1", "alice")])
    journal.close()

    assert tally.counts["created"] == 1
    # attempt 1: AdminCreateUser throttled -> UserCreation 8
    # attempt 2: created, then AdminAddUserToGroup throttled -> UserCreation recovers, UserUpdate 8
    # attempt 3: both answered -> both recover
    assert clients.limiter is not None
    rates = clients.limiter.current_rates()
    assert rates["UserCreation"] == pytest.approx(_recovered(_recovered(8)))
    assert rates["UserUpdate"] == pytest.approx(_recovered(8))

"""Throttling, 5xx and per-user limits injected through botocore event hooks (see ``faults``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.jobs.bulk import BulkSettings
from identity_ops.jobs.import_users import ImportOptions, run_import
from identity_ops.ratelimit import RateLimiter, parse_rate_overrides
from tests.ops.conftest import REGION, group_members, pool_usernames, write_csv
from tests.ops.faults import FaultInjector


def _clients(endpoint: str, max_attempts: int = 8) -> AwsClients:
    settings = AwsSettings(
        region=REGION, endpoint_url=endpoint, max_attempts=max_attempts, concurrency=8
    )
    return AwsClients(settings, RateLimiter(parse_rate_overrides([], unlimited=True)))


def _source(tmp_path: Path, count: int) -> Path:
    rows = [[f"user{i:03d}", f"user{i}@example.com", "staff"] for i in range(count)]
    return write_csv(tmp_path / "users.csv", ["username", "email", "groups"], rows)


def _run(clients: AwsClients, pool_id: str, source: Path) -> Any:
    options = ImportOptions(source=source, bulk=BulkSettings(concurrency=8))
    return run_import(clients, pool_id, options, Console(quiet=True))


def test_throttling_and_server_errors_lose_no_row(
    aws_env: str, cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    clients = _clients(aws_env)
    faults = FaultInjector(
        {"AdminCreateUser", "AdminAddUserToGroup"},
        throttle_rate=0.3,
        error_rate=0.1,
        most_in_a_row=2,
    )
    faults.attach(clients.cognito())
    report = _run(clients, pool_id, _source(tmp_path, 40))
    assert faults.injected["TooManyRequestsException"] > 5
    assert faults.injected["InternalErrorException"] > 0
    assert report.tally.failed == 0
    assert report.tally.counts["created"] == 40
    expected = [f"user{i:03d}" for i in range(40)]
    assert pool_usernames(cognito, pool_id) == expected
    assert group_members(cognito, pool_id, "staff") == expected


def test_throttling_beyond_botocore_retries_is_requeued(
    aws_env: str, cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    # two attempts per call: most throttled calls surface to the executor, which must re-queue them
    clients = _clients(aws_env, max_attempts=2)
    faults = FaultInjector({"AdminCreateUser"}, throttle_rate=0.5, seed=3)
    faults.attach(clients.cognito())
    report = _run(clients, pool_id, _source(tmp_path, 20))
    assert report.tally.failed == 0
    assert len(pool_usernames(cognito, pool_id)) == 20


def test_limit_exceeded_is_a_row_failure_not_a_retry_loop(
    aws_env: str, cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    clients = _clients(aws_env)
    faults = FaultInjector({"AdminCreateUser"}, limit_exceeded_for={"user003"})
    faults.attach(clients.cognito())
    report = _run(clients, pool_id, _source(tmp_path, 6))
    assert faults.sends["AdminCreateUser:user003"] == 1  # sent once: botocore did not retry it
    assert report.tally.failed == 1
    failure = report.tally.failures[0]
    assert failure.username == "user003"
    assert failure.code == "LimitExceededException"
    assert "not retried" in failure.reason
    assert "user003" in Path(report.failed_rows_file).read_text(encoding="utf-8")
    assert len(pool_usernames(cognito, pool_id)) == 5

"""Planning memory: peak Python memory of writing a plan for 10,000 and 50,000 users.

    .venv/bin/python bench/ops_plan.py                          # 10k and 50k users (~2 minutes)
    .venv/bin/python bench/ops_plan.py --users 2000 4000        # a quick check

A plan must be written in constant memory (users streamed from ListUsers, entries written as they
are decided, the digest updated as each line is written), so the peak must not grow with the pool.
The bench plans ``users disable-inactive --signal attribute:custom:last_sign_in`` (half the users
inactive: half of them become plan entries) through the AWS-like front of ``bench/ops_import.py``
reduced to what planning calls: ~50 ms latency per request and ListUsers answered by the front
itself, 60 users a page with a pagination token, throttled above the UserList quota (30 RPS) like
Cognito. moto cannot hold 50,000 users on a small machine; DescribeUserPool still goes to moto.
Peak memory is measured with ``tracemalloc`` (every Python allocation, the plan writer's included).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from botocore.awsrequest import AWSResponse
from rich.console import Console

from bench.ops_support import (
    REGION,
    ServerBucket,
    cognito_client,
    error_response,
    json_response,
    moto_server,
)
from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.jobs.inactive import InactiveOptions, run_disable_inactive
from identity_ops.jobs.planning import PlanRequest
from identity_ops.ratelimit import RateLimiter, parse_rate_overrides

LATENCY = 0.05
USER_LIST_QUOTA = 30.0  # Cognito's default UserList rate (ListUsers)
PAGE = 60
SIGNAL = "attribute:custom:last_sign_in"


class ListUsersFront:
    """Latency for every request; ListUsers pages of synthetic users, throttled like Cognito."""

    def __init__(self, users: int, latency: float = LATENCY) -> None:
        self.users = users
        self.latency = latency
        self.bucket = ServerBucket(USER_LIST_QUOTA, burst=5.0)
        self.lock = threading.Lock()
        self.throttled = 0
        self.old = int((datetime.now(UTC) - timedelta(days=400)).timestamp())
        self.recent = int((datetime.now(UTC) - timedelta(days=2)).timestamp())

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-send.cognito-identity-provider", self.before_send)

    def before_send(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        time.sleep(self.latency)
        if not event_name.endswith(".ListUsers"):
            return None
        if not self.bucket.take():
            with self.lock:
                self.throttled += 1
            return error_response(request.url, 400, "TooManyRequestsException", "Rate exceeded")
        start = int(json.loads(request.body).get("PaginationToken") or 0)
        end = min(self.users, start + PAGE)
        page: dict[str, Any] = {"Users": [self._user(i) for i in range(start, end)]}
        if end < self.users:
            page["PaginationToken"] = str(end)
        return json_response(request.url, 200, page)

    def _user(self, index: int) -> dict[str, Any]:
        signed_in = self.old if index % 2 == 0 else self.recent
        return {
            "Username": f"user{index:06d}",
            "Attributes": [
                {"Name": "email", "Value": f"user{index}@example.com"},
                {"Name": "custom:last_sign_in", "Value": str(signed_in)},
            ],
            "UserCreateDate": self.old,
            "UserLastModifiedDate": self.old,
            "Enabled": True,
            "UserStatus": "CONFIRMED",
        }


def create_bench_pool(cognito: Any) -> str:
    pool = cognito.create_user_pool(
        PoolName="plan-bench",
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "last_sign_in", "AttributeDataType": "String", "Mutable": True},
        ],
    )
    return str(pool["UserPool"]["Id"])


def plan_once(url: str, pool_id: str, users: int, work: Path) -> tuple[float, int, int, int]:
    """(seconds, peak bytes, entries, plan bytes) of planning ``users`` users."""
    clients = AwsClients(
        AwsSettings(region=REGION, endpoint_url=url, concurrency=8),
        RateLimiter(parse_rate_overrides([])),
    )
    front = ListUsersFront(users)
    front.attach(clients.cognito())
    path = work / f"plan-{users}.jsonl"
    options = InactiveOptions(days=90, signal=SIGNAL, plan=PlanRequest(path, "plan"))
    tracemalloc.start()
    started = time.monotonic()
    report = run_disable_inactive(clients, pool_id, options, Console(quiet=True))
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    entries = sum(report.tally.counts.values())
    return seconds, peak, entries, path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, nargs="+", default=[10_000, 50_000])
    args = parser.parse_args()
    peaks: list[int] = []
    with moto_server() as url, tempfile.TemporaryDirectory() as work:
        pool_id = create_bench_pool(cognito_client(url))
        for users in args.users:
            seconds, peak, entries, size = plan_once(url, pool_id, users, Path(work))
            peaks.append(peak)
            print(
                f"{users:>7,} users: {entries:,} entries, plan {size / 1e6:.1f} MB, "
                f"peak Python memory {peak / 2**20:.1f} MiB, {seconds:.1f} s"
            )
    growth = peaks[-1] / peaks[0] if peaks[0] else 0.0
    print(f"peak growth {args.users[0]:,} -> {args.users[-1]:,} users: {growth:.2f}x")
    print("PASS" if growth < 1.5 else "FAIL: planning memory grows with the number of users")


if __name__ == "__main__":
    main()

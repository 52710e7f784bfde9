"""Import throughput: the seed's sequential loop vs identity-ops, on a moto server.

    .venv/bin/python bench/ops_import.py                 # 5,000 users, both ways, rates and ratio
    .venv/bin/python bench/ops_import.py --aws-like      # + an AWS-like limiter in front of moto

Plain mode: moto never throttles, so identity-ops runs with its client-side limits off
(``--no-rate-limit``) and its default concurrency; the seed loop is its ``bulk_user_operations``
('create'): one AdminCreateUser after another, errors swallowed into a list.

``--aws-like``: a botocore hook plays Cognito's front end: ~50 ms latency per request, and
``TooManyRequestsException`` above the UserCreation quota (50 RPS, a small burst). The
AdminCreateUser calls it admits it answers itself, with the API's response shape (and
``UsernameExistsException`` for a user it already created), because moto cannot serve 50
requests/s on a small machine (about 10/s on 2 starved cores, whatever the client's concurrency)
and the bench would measure moto, not identity-ops. Every other call (DescribeUserPool, ...) goes
on to moto. identity-ops runs with its default limits and must sustain >= 90 % of the quota with
no failed, lost or duplicated row (the front counts the users it created).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from botocore.exceptions import ClientError
from rich.console import Console

from bench.ops_support import (
    REGION,
    ServerBucket,
    cognito_client,
    create_pool,
    error_response,
    json_response,
    moto_server,
    read_users,
    sleep_overshoot,
    write_users,
)
from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.jobs.bulk import BulkSettings
from identity_ops.jobs.import_users import ImportOptions, run_import
from identity_ops.ratelimit import RateLimiter, parse_rate_overrides

QUOTA = 50.0
LATENCY = 0.05


class AwsLikeFront:
    """Latency, a server-side token bucket for AdminCreateUser (burst of 10), and the users it made."""

    def __init__(self, quota: float = QUOTA, burst: float = 10.0, latency: float = LATENCY) -> None:
        self.latency = latency
        self.bucket = ServerBucket(quota, burst)
        self.lock = threading.Lock()
        self.throttled = 0
        self.created: set[str] = set()
        self.duplicates = 0

    def attach(self, client: Any) -> None:
        # after the client-side limiter (registered when the client was built): the server comes last
        client.meta.events.register("before-send.cognito-identity-provider", self.before_send)

    def before_send(self, request: Any, event_name: str, **_: Any) -> Any:
        time.sleep(self.latency)
        if not event_name.endswith(".AdminCreateUser"):
            return None
        if not self.bucket.take():
            with self.lock:
                self.throttled += 1
            return error_response(request.url, 400, "TooManyRequestsException", "Rate exceeded")
        return self.create(request)

    def create(self, request: Any) -> Any:
        """AdminCreateUser as Cognito answers it: the new user, or UsernameExistsException."""
        body = json.loads(request.body)
        username = body["Username"]
        with self.lock:
            if username in self.created:
                self.duplicates += 1
                return error_response(
                    request.url, 400, "UsernameExistsException", "User account already exists."
                )
            self.created.add(username)
        now = time.time()
        user = {
            "Username": username,
            "Attributes": body.get("UserAttributes", []),
            "UserCreateDate": now,
            "UserLastModifiedDate": now,
            "Enabled": True,
            "UserStatus": "FORCE_CHANGE_PASSWORD",
        }
        return json_response(request.url, 200, {"User": user})


def seed_loop(cognito: Any, pool_id: str, users: list[dict[str, str]]) -> tuple[float, int]:
    """The seed's bulk_user_operations(create): sequential, errors swallowed."""
    failed: list[dict[str, str]] = []
    started = time.monotonic()
    for user in users:
        try:
            cognito.admin_create_user(
                UserPoolId=pool_id,
                Username=user["username"],
                UserAttributes=[
                    {"Name": "email", "Value": user["email"]},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "given_name", "Value": user["given_name"]},
                ],
                MessageAction="SUPPRESS",
                DesiredDeliveryMediums=["EMAIL"],
            )
        except ClientError as error:
            failed.append({"username": user["username"], "error": str(error)})
    return time.monotonic() - started, len(failed)


def identity_ops_import(
    url: str,
    pool_id: str,
    source: Path,
    *,
    unlimited: bool,
    front: AwsLikeFront | None,
    concurrency: int,
) -> tuple[float, int, int]:
    clients = AwsClients(
        AwsSettings(region=REGION, endpoint_url=url, concurrency=concurrency),
        RateLimiter(parse_rate_overrides([], unlimited=unlimited)),
    )
    if front is not None:
        front.attach(clients.cognito())
    with tempfile.TemporaryDirectory() as journal_dir:
        options = ImportOptions(
            source=source, bulk=BulkSettings(concurrency, Path(journal_dir) / "journal.jsonl")
        )
        report = run_import(clients, pool_id, options, Console(stderr=True))
    return report.duration_seconds, report.tally.counts.get("created", 0), report.tally.failed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument(
        "--aws-like", action="store_true", help="also run the AWS-like limiter mode"
    )
    parser.add_argument("--aws-like-users", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with moto_server() as url, tempfile.TemporaryDirectory() as work:
        cognito = cognito_client(url)
        source = write_users(Path(work) / "users.csv", args.users)
        users = read_users(source)

        seed_pool = create_pool(cognito, "seed-loop")
        seed_seconds, seed_failed = seed_loop(cognito, seed_pool, users)
        seed_rate = len(users) / seed_seconds
        print(
            f"seed sequential loop : {len(users):,} users in {seed_seconds:7.1f} s = {seed_rate:7.1f} users/s ({seed_failed} failed)"
        )

        ops_pool = create_pool(cognito, "identity-ops")
        seconds, created, failed = identity_ops_import(
            url, ops_pool, source, unlimited=True, front=None, concurrency=args.concurrency
        )
        ops_rate = created / seconds
        print(
            f"identity-ops import  : {created:,} users in {seconds:7.1f} s = {ops_rate:7.1f} users/s "
            f"({failed} failed; concurrency {args.concurrency}, limits off, journal fsync'ed)"
        )
        print(f"ratio identity-ops / seed: {ops_rate / seed_rate:.2f}x")

        if args.aws_like:
            like_source = write_users(
                Path(work) / "aws-like.csv", args.aws_like_users, prefix="aws"
            )
            front = AwsLikeFront()
            like_pool = create_pool(cognito, "aws-like")
            cpu_started = time.process_time()
            seconds, created, failed = identity_ops_import(
                url,
                like_pool,
                like_source,
                unlimited=False,
                front=front,
                concurrency=args.concurrency,
            )
            rate = created / seconds
            cpu_ms = (time.process_time() - cpu_started) / max(created, 1) * 1000
            print(
                f"machine check: a {LATENCY * 1000:.0f} ms sleep takes {sleep_overshoot(LATENCY) * 1000:.0f} ms; "
                f"this process spent {cpu_ms:.1f} ms of CPU per created user "
                f"(at {QUOTA:.0f}/s that is {cpu_ms * QUOTA / 1000:.2f} cores)"
            )
            expected = {user["username"] for user in read_users(like_source)}
            lost = len(expected - front.created)
            print(
                f"AWS-like front (50 ms, UserCreation {QUOTA:.0f}/s): identity-ops {created:,} users in {seconds:.1f} s "
                f"= {rate:.1f}/s = {rate / QUOTA:.0%} of the quota, {failed} failed rows, "
                f"{lost} lost, {front.duplicates} duplicate creates, "
                f"{front.throttled} TooManyRequests answered"
            )
            print(
                "PASS"
                if rate >= 0.9 * QUOTA and failed == lost == front.duplicates == 0
                else "FAIL: below 90 % of the quota, or rows failed, were lost or duplicated"
            )


if __name__ == "__main__":
    main()

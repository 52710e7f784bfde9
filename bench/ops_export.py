"""Export memory: peak memory of ``users export`` for growing user counts (must stay flat).

    .venv/bin/python bench/ops_export.py            # 10,000 / 50,000 / 100,000 users

Creating 100,000 users in moto takes far longer than the export itself, so this benchmark gives
the export job a *fake* Cognito client that serves ListUsers pages of generated users, exactly as
the API shapes them (plus DescribeUserPool and two groups), through paginators that follow each
operation's tokens as botocore's paginator model names them, and botocore's own service model
for the page sizes. Everything else (the paging helper, the CSV writer, the on-disk group index,
the progress bar, the report) is the real code. Peak memory is measured with tracemalloc around
the export call.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import botocore.session
from botocore import xform_name
from botocore.loaders import create_loader
from botocore.paginate import PaginatorModel
from rich.console import Console

from identity_ops.aws import AwsClients
from identity_ops.jobs.export_users import ExportOptions, run_export

PAGE = 60


SERVICE = "cognito-idp"


class Paginator:
    """Pages through one fake operation as botocore's paginator for it does: the page size as
    the request's limit member, the response's output token as the next request's input token."""

    def __init__(self, operation: Callable[..., dict[str, Any]], config: dict[str, Any]) -> None:
        self.operation = operation
        self.config = config

    def paginate(
        self,
        PaginationConfig: dict[str, Any] | None = None,  # noqa: N803 - botocore's name
        **params: Any,
    ) -> Iterator[dict[str, Any]]:
        size = (PaginationConfig or {}).get("PageSize")
        request = {**params, **({self.config["limit_key"]: size} if size else {})}
        while True:
            page = self.operation(**request)
            yield page
            token = page.get(self.config["output_token"])
            if not token:
                return
            request[self.config["input_token"]] = token


class FakeCognito:
    """Generates ``total`` users on the fly, page by page, as ListUsers would return them."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.created = datetime(2026, 1, 1, tzinfo=UTC)
        model = botocore.session.get_session().get_service_model(SERVICE)
        self.meta = SimpleNamespace(service_model=model)
        self._paginators = PaginatorModel(
            create_loader().load_service_model(SERVICE, "paginators-1", model.api_version)
        )

    def describe_user_pool(self, UserPoolId: str) -> dict[str, Any]:  # noqa: N803 - boto3 names
        return {
            "UserPool": {
                "Id": UserPoolId,
                "Name": "bench",
                "EstimatedNumberOfUsers": self.total,
                "SchemaAttributes": [{"Name": "email", "AttributeDataType": "String"}],
            }
        }

    def list_users(self, **request: Any) -> dict[str, Any]:
        start = int(request.get("PaginationToken") or 0)
        end = min(self.total, start + int(request.get("Limit", PAGE)))
        users = [
            {
                "Username": f"user{i:07d}",
                "UserStatus": "CONFIRMED",
                "Enabled": True,
                "UserCreateDate": self.created,
                "UserLastModifiedDate": self.created,
                "Attributes": [
                    {"Name": "sub", "Value": f"00000000-0000-0000-0000-{i:012d}"},
                    {"Name": "email", "Value": f"user{i}@example.com"},
                    {"Name": "email_verified", "Value": "true"},
                ],
            }
            for i in range(start, end)
        ]
        page: dict[str, Any] = {"Users": users}
        if end < self.total:
            page["PaginationToken"] = str(end)
        return page

    def list_groups(self, **_: Any) -> dict[str, Any]:
        return {"Groups": [{"GroupName": "staff"}, {"GroupName": "admins"}]}

    def list_users_in_group(self, GroupName: str, **request: Any) -> dict[str, Any]:  # noqa: N803
        size = 1000 if GroupName == "staff" else 10
        start = int(request.get("NextToken") or 0)
        end = min(size, start + int(request.get("Limit", PAGE)))
        page: dict[str, Any] = {"Users": [{"Username": f"user{i:07d}"} for i in range(start, end)]}
        if end < size:
            page["NextToken"] = str(end)
        return page

    def get_paginator(self, name: str) -> Paginator:
        operation = next(
            op for op in self.meta.service_model.operation_names if xform_name(op) == name
        )
        return Paginator(getattr(self, name), self._paginators.get_paginator(operation))


class FakeClients:
    limiter = None

    def __init__(self, total: int) -> None:
        self._cognito = FakeCognito(total)

    def cognito(self) -> FakeCognito:
        return self._cognito


def measure(total: int, export_format: str) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / f"export.{export_format}"
        tracemalloc.start()
        started = time.monotonic()
        clients = cast(AwsClients, FakeClients(total))  # duck-typed: only .cognito() is used
        run_export(
            clients, "eu-west-1_bench", ExportOptions(target, export_format), Console(quiet=True)
        )
        seconds = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return seconds, peak / 2**20, target.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--format", default="csv", choices=["csv", "jsonl", "cognito-import"])
    args = parser.parse_args()
    peaks = []
    for total in args.counts:
        seconds, peak, size = measure(total, args.format)
        peaks.append(peak)
        print(
            f"export {total:>7,} users ({args.format}): {seconds:6.1f} s, {total / seconds:8,.0f} users/s, "
            f"peak traced memory {peak:6.2f} MiB, file {size / 2**20:6.1f} MiB"
        )
    growth = peaks[-1] / peaks[0] if peaks[0] else 0.0
    print(
        f"peak memory at {args.counts[-1]:,} users / at {args.counts[0]:,} users: {growth:.2f}x "
        f"({'flat: constant memory' if growth < 1.5 else 'GROWS with the user count'})"
    )


if __name__ == "__main__":
    main()

"""Fixtures for the identity-ops suite: a real moto server and real boto3 clients.

One ``moto_server`` process per test session (per xdist worker), on 127.0.0.1 and a free port;
every test starts from an empty emulator through moto's reset API (``POST /moto-api/reset``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from identity_ops.redaction import forget_all

REGION = "eu-west-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto_server did not start within 300 s")


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a moto server started for this session (this xdist worker)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    executable = Path(sys.executable).with_name("moto_server")
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(executable), "-H", "127.0.0.1", "-p", str(port)],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def aws_env(moto_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Fake credentials, the emulator endpoint and per-test journal/stack dirs; moto state reset."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": moto_server,
        "IDENTITY_OPS_JOURNAL_DIR": str(tmp_path / "journals"),
        "IDENTITY_OPS_STACK_DIR": str(tmp_path / "stacks"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    forget_all()
    return moto_server


@pytest.fixture
def cognito(aws_env: str) -> Any:
    """A real boto3 cognito-idp client on the moto server."""
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=aws_env,
        config=Config(retries={"mode": "standard"}),
    )


def make_pool(cognito: Any, **overrides: Any) -> str:
    """A pool shaped like the enterprise stack's: email, names, a tenant id, two groups."""
    request: dict[str, Any] = {
        "PoolName": "ops-test",
        "AutoVerifiedAttributes": ["email"],
        "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {
                "Name": "tenant_id",
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"},
            },
            {
                "Name": "employee_no",
                "AttributeDataType": "Number",
                "Mutable": False,
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "999999"},
            },
        ],
    }
    request.update(overrides)
    pool_id = str(cognito.create_user_pool(**request)["UserPool"]["Id"])
    for group in ("admins", "staff"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    return pool_id


@pytest.fixture
def pool_id(cognito: Any) -> str:
    return make_pool(cognito)


def pool_usernames(cognito: Any, pool_id: str) -> list[str]:
    names: list[str] = []
    for page in cognito.get_paginator("list_users").paginate(UserPoolId=pool_id):
        names.extend(user["Username"] for user in page["Users"])
    return sorted(names)


def group_members(cognito: Any, pool_id: str, group: str) -> list[str]:
    names: list[str] = []
    for page in cognito.get_paginator("list_users_in_group").paginate(
        UserPoolId=pool_id, GroupName=group
    ):
        names.extend(user["Username"] for user in page["Users"])
    return sorted(names)


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m identity_ops`` as a real process (what a user runs)."""
    return subprocess.run(
        [sys.executable, "-m", "identity_ops", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def invoke(*args: str) -> Any:
    """Run the CLI in-process (typer's CliRunner); returns the click Result."""
    from typer.testing import CliRunner

    from identity_ops.cli import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def attributes_of(cognito: Any, pool_id: str, username: str) -> dict[str, str]:
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}

"""Shared helpers for the identity-ops benchmarks: a throwaway moto server and a user file."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

REGION = "eu-west-1"


@contextmanager
def moto_server() -> Iterator[str]:
    """Start ``moto_server`` on 127.0.0.1 and a free port; yield its URL; stop it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    executable = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.2)
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION=REGION,
            AWS_REGION=REGION,
        )
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def cognito_client(url: str) -> Any:
    return boto3.client("cognito-idp", region_name=REGION, endpoint_url=url)


def create_pool(cognito: Any, name: str) -> str:
    pool = cognito.create_user_pool(
        PoolName=name,
        AutoVerifiedAttributes=["email"],
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}
        ],
    )
    return str(pool["UserPool"]["Id"])


def write_users(path: Path, count: int, prefix: str = "user") -> Path:
    """``count`` users with an email and a name: the seed's create-only shape (no groups)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "email", "email_verified", "given_name"])
        for i in range(count):
            writer.writerow([f"{prefix}{i:06d}", f"{prefix}{i}@example.com", "true", f"Name{i}"])
    return path


def read_users(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))

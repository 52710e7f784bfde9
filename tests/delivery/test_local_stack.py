"""The `local` stack: the real program, pointed only at the emulator that `make local-aws` runs."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
import pytest

from tests.delivery.aws_services import aws_resource_types, service_of
from tests.delivery.repo import SCRIPTS_DIR, jobs, matrix_values, stack_files, workflow
from tests.infra.harness import run_program, stack_raw
from tests.repo import ROOT

LOCAL_CONFIG: dict[str, Any] = stack_files()["local"]["config"]


def endpoints() -> dict[str, str]:
    (table,) = LOCAL_CONFIG["aws:endpoints"]
    assert isinstance(table, dict)
    return table


def makefile_port() -> int:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^LOCAL_AWS_PORT \?= (\d+)$", text, re.MULTILINE)
    assert match, "the Makefile must set LOCAL_AWS_PORT"
    return int(match[1])


@pytest.fixture(scope="module")
def registered_types() -> set[str]:
    """Every resource type the real program registers for the local stack (Pulumi mocks)."""
    run = run_program("local", stack_raw("local"))
    return {resource.type for resource in run.resources}


def test_every_service_the_program_uses_has_a_local_endpoint(registered_types: set[str]) -> None:
    used = {service_of(t).endpoint for t in aws_resource_types(registered_types)}
    assert used, "the program registered no AWS resource"
    missing = sorted(used - set(endpoints()))
    assert missing == [], f"Pulumi.local.yaml has no aws:endpoints entry for {missing}"


def test_every_endpoint_is_the_emulator_on_loopback() -> None:
    port = makefile_port()
    for service, url in endpoints().items():
        parsed = urlparse(url)
        assert (parsed.scheme, parsed.hostname, parsed.port) == ("http", "127.0.0.1", port), service


def test_the_provider_makes_no_call_that_needs_a_real_account() -> None:
    for flag in ("skipCredentialsValidation", "skipRequestingAccountId", "skipMetadataApiCheck"):
        assert LOCAL_CONFIG[f"aws:{flag}"] is True, flag
    assert LOCAL_CONFIG["aws:accessKey"].startswith("local-dummy")
    assert LOCAL_CONFIG["aws:secretKey"].startswith("local-dummy")
    assert not any(isinstance(v, dict) and "secure" in v for v in LOCAL_CONFIG.values())


def test_ci_gates_the_local_stack_with_the_dev_policy_config() -> None:
    gate = jobs(workflow("pull-request.yml"))["gate"]
    configs = dict(
        zip(matrix_values(gate, "stack"), matrix_values(gate, "policy-config"), strict=True)
    )
    assert configs["local"] == "policies/config/dev.json"


@pytest.mark.slow
def test_the_offline_gate_passes_the_local_stack(tmp_path: Path) -> None:
    """The CI gate step, as CI runs it: every report is written and the verdict is a pass."""
    result = subprocess.run(
        [str(SCRIPTS_DIR / "run-gate.sh"), "local", "policies/config/dev.json", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "GITHUB_OUTPUT": str(tmp_path / "github-output")},
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    status = (tmp_path / "github-output").read_text(encoding="utf-8")
    stderr = (tmp_path / "local.stderr.txt").read_text(encoding="utf-8")
    assert status == "status=0\n", stderr
    for extension in ("md", "sarif", "json"):
        assert (tmp_path / f"local.{extension}").stat().st_size > 0, extension


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def local_aws() -> Iterator[str]:
    """The command `make local-aws` runs, on a free port, stopped at the end of the test.

    make prints the command (`-n`) with the venv taken as up to date (`-o`), so the test never
    reinstalls the shared venv; the command itself is run exactly as printed.
    """
    port = free_port()
    printed = subprocess.run(
        ["make", "-s", "-n", "-o", ".venv/.installed", "local-aws", f"LOCAL_AWS_PORT={port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert "moto_server" in printed, printed
    assert "-H 127.0.0.1" in printed, printed
    process = subprocess.Popen(
        shlex.split(printed),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, f"{printed} exited"
            time.sleep(0.2)
        else:
            pytest.fail("make local-aws did not start listening in time")
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.mark.slow
def test_make_local_aws_serves_the_services_of_the_local_stack(local_aws: str) -> None:
    """The emulator answers Cognito, IAM and CloudWatch with the stack's dummy keys."""
    session = boto3.Session(
        aws_access_key_id=LOCAL_CONFIG["aws:accessKey"],
        aws_secret_access_key=LOCAL_CONFIG["aws:secretKey"],
        region_name=LOCAL_CONFIG["aws:region"],
    )
    pool = session.client("cognito-idp", endpoint_url=local_aws).create_user_pool(PoolName="local")
    assert pool["UserPool"]["Id"].startswith(LOCAL_CONFIG["aws:region"])
    session.client("iam", endpoint_url=local_aws).list_roles()
    session.client("cloudwatch", endpoint_url=local_aws).describe_alarms()

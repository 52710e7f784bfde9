"""Runs small test programs through the gate's program host, started as the gate starts it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.host_process import spawn_program_host
from tests.repo import ROOT


def run_program_host(program: Path, *, preview: bool, config: dict[str, str] | None = None) -> Any:
    """`python -m gate.program_host` on `program` (project `host-test`, stack `test`): its result
    with the registrations it streamed before it, after asserting that the program completed."""
    request = {
        "project": "host-test",
        "stack": "test",
        "preview": preview,
        "config": config or {},
        "secretKeys": [],
        "region": (config or {}).get("aws:region"),
        "program": str(program),
    }
    process = spawn_program_host(request, ROOT)
    stdout, stderr = process.communicate(timeout=900)
    assert process.returncode == 0, stderr[-3000:] + stdout[-2000:]
    lines = [json.loads(line) for line in stdout.splitlines()]
    registrations = [line["registration"] for line in lines if "registration" in line]
    (result,) = [line["result"] for line in lines if "result" in line]
    return {**result, "registrations": registrations}

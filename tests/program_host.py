"""Runs small test programs through the gate's program host, the way the gate itself does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def run_program_host(program: Path, *, preview: bool, config: dict[str, str] | None = None) -> Any:
    """`python -m gate.program_host` on `program` (project `host-test`, stack `test`); the result
    document, after asserting that the program completed."""
    request = {
        "project": "host-test",
        "stack": "test",
        "preview": preview,
        "config": config or {},
        "secretKeys": [],
        "region": (config or {}).get("aws:region"),
        "program": str(program),
    }
    done = subprocess.run(
        [sys.executable, "-m", "gate.program_host"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    return json.loads(done.stdout)

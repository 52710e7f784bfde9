"""The program host (`python -m gate.program_host`) on programs shaped to break it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

MANY = 400

PROGRAM = f"""
import pulumi


class Thing(pulumi.CustomResource):
    def __init__(self, name: str, index: int) -> None:
        super().__init__("test:index:Thing", name, {{"index": index}})


things = [Thing(f"thing-{{index}}", index) for index in range({MANY})]
pulumi.export("count", len(things))
"""


def test_hundreds_of_resources_register_in_program_order(tmp_path: Path) -> None:
    """A stack with hundreds of resources (200 tenants make ~750) registers every one of them,
    in the order the program creates them (the record is deterministic)."""
    (tmp_path / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    request = {
        "project": "host-test",
        "stack": "many",
        "preview": True,
        "config": {},
        "secretKeys": [],
        "program": str(tmp_path / "__main__.py"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "gate.program_host"],
        cwd=REPO,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    result = json.loads(done.stdout)
    names = [r["name"] for r in result["registrations"] if r["type"] == "test:index:Thing"]
    assert names == [f"thing-{index}" for index in range(MANY)]

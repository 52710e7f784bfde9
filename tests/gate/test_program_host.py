"""The program host (`python -m gate.program_host`) on programs shaped to break it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from gate import program_runner
from gate.errors import ProgramError
from gate.stack import find_project, load_stack
from tests.program_host import run_program_host

MANY = 400

PROGRAM = f"""
import pulumi


class Thing(pulumi.CustomResource):
    def __init__(self, name: str, index: int, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Thing", name, {{"index": index}}, opts)


things = [Thing(f"thing-{{index}}", index) for index in range({MANY})]
last = Thing("last", -1, pulumi.ResourceOptions(depends_on=[things[399], things[7], things[250], things[31]]))
pulumi.export("count", len(things))
"""


def test_hundreds_of_resources_register_in_program_order(tmp_path: Path) -> None:
    """A stack with hundreds of resources (200 tenants make ~750) registers every one of them,
    in the order the program creates them, with dependencies in a stable order (the record is
    deterministic)."""
    (tmp_path / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    result = run_program_host(tmp_path / "__main__.py", preview=True)
    things = [r for r in result["registrations"] if r["type"] == "test:index:Thing"]
    assert [r["name"] for r in things] == [f"thing-{index}" for index in range(MANY)] + ["last"]
    # the SDK hands dependencies over as a set; the record sorts them, so reports do not reorder
    dependencies = things[-1]["dependencies"]
    assert [urn.rsplit("::", 1)[-1] for urn in dependencies] == [
        "thing-250",
        "thing-31",
        "thing-399",
        "thing-7",
    ]


def test_a_program_that_never_ends_is_stopped_at_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that hangs after registering its first resource is stopped when the time is
    up, with a message saying so; its resource came through before that (streamed)."""
    (tmp_path / "Pulumi.yaml").write_text("name: hangs\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.test.yaml").write_text("config: {}\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text(
        "import time\nimport pulumi\n\n"
        'first = pulumi.CustomResource("test:index:Thing", "first", {})\n'
        "first.urn.apply(lambda _: time.sleep(60))  # once the engine has the resource\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(program_runner, "PROGRAM_TIMEOUT_SECONDS", 3)
    run = program_runner.start_program(load_stack(find_project(tmp_path), "test", None), "preview")
    started = time.monotonic()
    names: list[str] = []
    with pytest.raises(ProgramError, match="the program did not finish within 3 s"):
        names.extend(resource.name for resource in run.resources())
    assert time.monotonic() - started < 30
    assert run.process.poll() is not None  # stopped, not left running
    assert "first" in names


def test_the_result_line_ends_the_run_without_waiting_for_the_host_to_exit(
    tmp_path: Path,
) -> None:
    """The host's result is its last line: the gate goes on from there while the host's
    process is still being torn down (here: a host that lingers for a minute), and reaps it
    when it stops."""
    (tmp_path / "Pulumi.yaml").write_text("name: lingers\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.test.yaml").write_text("config: {}\n", encoding="utf-8")
    lingering_host = subprocess.Popen(
        [
            sys.executable,
            "-c",
            'import sys, time\nprint(\'{"result": {"stackOutputs": {"answer": 42}}}\', '
            "flush=True)\ntime.sleep(60)\n",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    run = program_runner.ProgramRun(
        load_stack(find_project(tmp_path), "test", None), "preview", lingering_host
    )
    started = time.monotonic()
    plan = run.plan()
    assert time.monotonic() - started < 20
    assert plan.outputs == {"answer": 42}
    assert lingering_host.poll() is None  # still there: not waited for
    run.stop()
    assert lingering_host.poll() is not None

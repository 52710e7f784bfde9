"""On two cores the program host gets one and the gate and its pack the other (`gate.cores`).

The split itself is checked as a plan (which cores, when); the real command line is then run
under a two-core mask on a copy of the fixture project whose program exports the cores it may
use, with a copy of the fixture pack that writes down its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gate.cores import PIN_VARIABLE, CoreSplit, plan_split
from tests.repo import ROOT

from .conftest import FIXTURE_PACK, FIXTURE_PROJECT

PACK_CORES_FILE = "GATE_TEST_PACK_CORES"


def test_two_cores_are_split_between_the_program_and_the_gate() -> None:
    assert plan_split({3, 1}, {}) == CoreSplit(
        allowed=frozenset({1, 3}), program=frozenset({1}), gate=frozenset({3})
    )


@pytest.mark.parametrize("allowed", [{0}, {0, 1, 2}, set(range(8))])
def test_one_core_or_more_than_two_are_left_to_the_scheduler(allowed: set[int]) -> None:
    assert plan_split(allowed, {}) is None


@pytest.mark.parametrize("value", ["0", "off", "OFF", "false", "no"])
def test_the_variable_turns_it_off(value: str) -> None:
    assert plan_split({0, 1}, {PIN_VARIABLE: value}) is None


def test_other_values_of_the_variable_keep_it_on() -> None:
    assert plan_split({0, 1}, {PIN_VARIABLE: "1"}) is not None


needs_two_cores = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs sched_setaffinity and two cores",
)


def _probe_project(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture project, its program exporting the cores it may run on, and the fixture
    pack, writing the cores it may run on to the file named by `GATE_TEST_PACK_CORES`."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE_PROJECT, project, ignore=shutil.ignore_patterns("__pycache__"))
    program = project / "__main__.py"
    program.write_text(
        program.read_text(encoding="utf-8")
        + '\nimport os\npulumi.export("cores", sorted(os.sched_getaffinity(0)))\n',
        encoding="utf-8",
    )
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack, ignore=shutil.ignore_patterns("__pycache__"))
    entry = pack / "__main__.py"
    entry.write_text(
        "import json, os\n"
        f"with open(os.environ[{PACK_CORES_FILE!r}], 'w') as out:\n"
        "    json.dump(sorted(os.sched_getaffinity(0)), out)\n" + entry.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return project, pack


def _cores_seen(
    tmp_path: Path, cores: set[int], *args: str, environ: dict[str, str] | None = None
) -> tuple[list[int], list[int]]:
    """The cores the program and the pack may use in a gate run started on `cores`."""
    project, pack = _probe_project(tmp_path)
    pack_cores = tmp_path / "pack-cores.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gate",
            "preview",
            "--stack",
            "ok",
            "--format",
            "json",
            "--cwd",
            str(project),
            "--policy-pack",
            str(pack),
            *args,
        ],
        cwd=ROOT,
        env={
            **os.environ,
            **(environ or {}),
            "PYTHONPATH": str(ROOT),
            PACK_CORES_FILE: str(pack_cores),
        },
        preexec_fn=lambda: os.sched_setaffinity(0, cores),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    return report["plan"]["outputs"]["cores"], json.loads(pack_cores.read_text(encoding="utf-8"))


def _two_cores() -> set[int]:
    return set(sorted(os.sched_getaffinity(0))[:2])


@needs_two_cores
def test_a_preview_on_two_cores_runs_the_program_apart_from_the_gate_and_pack(
    tmp_path: Path,
) -> None:
    first, second = sorted(_two_cores())
    program, pack = _cores_seen(tmp_path, {first, second})
    assert program == [first]
    assert pack == [second]  # the gate's core, which the pack inherits


@needs_two_cores
def test_the_variable_leaves_both_cores_to_every_process(tmp_path: Path) -> None:
    cores = _two_cores()
    program, pack = _cores_seen(tmp_path, cores, environ={PIN_VARIABLE: "off"})
    assert program == pack == sorted(cores)


@needs_two_cores
def test_up_mode_gives_both_programs_and_the_pack_both_cores(tmp_path: Path) -> None:
    cores = _two_cores()
    program, pack = _cores_seen(tmp_path, cores, "--mode", "up")
    assert program == pack == sorted(cores)

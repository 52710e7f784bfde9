"""Shared helpers for the gate's tests: the repository, the fixture project and pack, a runner for
the real command line, and gate results computed once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from gate.preview import GateOptions, run_gate
from gate.result import GateResult
from gate.stack import read_yaml
from tests.repo import ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_PROJECT = FIXTURES / "project"
FIXTURE_PACK = FIXTURES / "pack"
SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`python -m gate preview ARGS` as a user runs it; returns exit code and both streams."""
    return run_python(["-m", "gate", "preview", *args], dict(os.environ), cwd=cwd)


def run_python(
    flags: list[str], environ: dict[str, str], input_text: str | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """`python FLAGS` in `cwd` (the repository unless given), the repository importable, in
    `environ`; returns exit code and both streams."""
    return subprocess.run(
        [sys.executable, *flags],
        input=input_text,
        cwd=cwd,
        env={**environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def fixture_cli(stack: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The gate on a stack of the fixture project, gated by the fixture pack."""
    return run_cli(
        "--stack", stack, "--cwd", str(FIXTURE_PROJECT), "--policy-pack", str(FIXTURE_PACK), *args
    )


def mutated_stack(tmp_path: Path, stack: str, edit: Callable[[dict[str, object]], None]) -> Path:
    """A copy of the real `Pulumi.<stack>.yaml` with one change, for `--config-file`."""
    document = read_yaml(ROOT / f"Pulumi.{stack}.yaml")  # as the gate and the CLI read it
    edit(document["config"])
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def prod_result() -> GateResult:
    return run_gate(GateOptions(stack="prod", project_dir=ROOT))


@pytest.fixture(scope="session")
def dev_result() -> GateResult:
    return run_gate(GateOptions(stack="dev", project_dir=ROOT))


@pytest.fixture(scope="session")
def fixture_up_result() -> GateResult:
    """The fixture stack in up mode: one violation only visible once outputs are known."""
    return run_gate(
        GateOptions(stack="ok", mode="up", project_dir=FIXTURE_PROJECT, policy_pack=FIXTURE_PACK)
    )

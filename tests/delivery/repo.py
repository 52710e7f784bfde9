"""What the delivery tests read from the repository: workflows, stack files, tool binaries.

Kept apart from the tests so that each test reads as the property it checks.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.repo import ROOT

WORKFLOWS_DIR = ROOT / ".github" / "workflows"
SCRIPTS_DIR = ROOT / ".github" / "scripts"
VENV_BIN = Path(sys.executable).parent

Workflow = dict[str, Any]
Job = dict[str, Any]


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS_DIR.glob("*.yml"))


def load_workflow(path: Path) -> Workflow:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{path.name} is not a YAML mapping"
    # YAML 1.1 reads the bare key `on` as True.
    if True in loaded:
        loaded["on"] = loaded.pop(True)
    return loaded


@cache
def workflow(name: str) -> Workflow:
    return load_workflow(WORKFLOWS_DIR / name)


def jobs(wf: Workflow) -> dict[str, Job]:
    result = wf["jobs"]
    assert isinstance(result, dict)
    return result


def steps(job: Job) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def steps_using(job: Job, action: str) -> list[dict[str, Any]]:
    """Steps whose `uses:` is the given action (owner/name[/path]) at any ref."""
    return [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def matrix_values(job: Job, key: str) -> list[str]:
    include = job["strategy"]["matrix"]["include"]
    return [str(entry[key]) for entry in include]


def stack_files() -> dict[str, dict[str, Any]]:
    """Every Pulumi.<stack>.yaml in the repository root, by stack name."""
    stacks: dict[str, dict[str, Any]] = {}
    for path in sorted(ROOT.glob("Pulumi.*.yaml")):
        stacks[path.name.removeprefix("Pulumi.").removesuffix(".yaml")] = (
            yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        )
    return stacks


def is_emulator_stack(stack: dict[str, Any]) -> bool:
    """A stack whose AWS provider points at local endpoints never runs against a real account."""
    return "aws:endpoints" in (stack.get("config") or {})


def cloud_stacks() -> set[str]:
    return {name for name, doc in stack_files().items() if not is_emulator_stack(doc)}


def venv_tool(name: str) -> Path:
    tool = VENV_BIN / name
    assert tool.exists(), f"{name} is missing from the venv: run `make setup`"
    return tool

"""Every command block the docs mark runnable is run, so a wrong claim fails the suite.

A fenced `bash` block directly after the line `<!-- runnable -->` in README.md or docs/*.md is
run with `bash -euo pipefail` in a fresh copy of the repository (the project's own venv linked in),
exactly as written. Blocks that need what this machine cannot have (the Pulumi CLI, an AWS account)
are simply not marked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.repo import ROOT

MARKER = "<!-- runnable -->"
FENCE = re.compile(r"^```(?:bash|sh)\s*$")


@dataclass(frozen=True)
class Block:
    """One runnable block: where it is written and its text."""

    path: Path
    line: int
    text: str

    @property
    def label(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def runnable_blocks(path: Path) -> list[Block]:
    """The marked blocks of one Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    for index, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        fenced = index + 1 < len(lines) and FENCE.match(lines[index + 1]) is not None
        assert fenced, f"{path.name}:{index + 1}: {MARKER} must stand right before a ```bash block"
        end = lines.index("```", index + 2)
        blocks.append(Block(path, index + 2, "\n".join(lines[index + 2 : end])))
    return blocks


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


ALL_BLOCKS = [block for path in documents() for block in runnable_blocks(path)]


def repository_copy(destination: Path) -> Path:
    """The files git would check out (tracked and new), with their times, and the venv linked."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        relative = Path(raw.decode())
        source = ROOT / relative
        if not source.is_file():
            continue  # deleted in the work tree
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)  # times kept: make sees an up-to-date venv
    (destination / ".venv").symlink_to(ROOT / ".venv")
    _keep_the_venv_current(destination)
    return destination


def _keep_the_venv_current(copy: Path) -> None:
    """The copy's requirement files get the venv stamp's time, so `make` never reinstalls.

    The venv is the project's own, linked in: a reinstall run from the copy would point the
    editable install and every console script at the temporary folder. The files that make the
    venv stale are the Makefile's `REQUIREMENTS`.
    """
    stamp = ROOT / ".venv" / ".installed"
    if not stamp.exists():
        return
    line = next(
        line
        for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
        if line.startswith("REQUIREMENTS :=")
    )
    when = stamp.stat().st_mtime - 1
    for name in line.split(":=", 1)[1].split():
        if (copy / name).exists():
            os.utime(copy / name, (when, when))


def test_the_docs_mark_the_main_job_runnable() -> None:
    labels = [block.label for block in ALL_BLOCKS]
    assert any(label.startswith("README.md:") for label in labels), labels
    assert any("make preview STACK=prod" in block.text for block in ALL_BLOCKS)


@pytest.mark.slow
@pytest.mark.parametrize("block", ALL_BLOCKS, ids=lambda block: block.label)
def test_runnable_block_succeeds_as_written(block: Block, tmp_path: Path) -> None:
    work = repository_copy(tmp_path / "repo")
    env = {
        **os.environ,
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "NO_COLOR": "1",
    }
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.text],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, (
        f"{block.label} failed (exit {result.returncode}):\n{block.text}\n"
        f"--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_readme_sample_verdicts_are_what_the_gate_says_today(stack: str) -> None:
    """The README's sample output may be trimmed, never stale: its verdict lines (resource,
    policy and violation counts) must be what the gate answers for the real stack now."""
    from gate.preview import GateOptions, run_gate

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    prefix = f"PASSED: enterprise-identity/{stack} (preview) - "
    (shown,) = [line for line in readme.splitlines() if line.startswith(prefix)]
    actual = run_gate(GateOptions(stack=stack, project_dir=ROOT)).verdict()
    assert shown.rsplit(", in ", 1)[0] == actual.rsplit(", in ", 1)[0]

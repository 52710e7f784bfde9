"""Every script `make bench` runs still runs to its numbers, on small sizes.

The benches print measurements (never timed here: `bench/` is where speed is measured); a bench
that no longer runs hides a regression until someone measures. ops_export's fake client once fell
behind the export's paging and failed with an assertion; this catches that kind of drift.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.repo import ROOT

SMALL_RUNS = {
    "gate_timing.py": ["--runs", "1"],
    "ops_import.py": ["--users", "40", "--aws-like", "--aws-like-users", "20"],
    "ops_export.py": ["--counts", "120", "240"],
    "ops_plan.py": ["--users", "200", "400"],
    "audit_pools.py": ["--pools", "3"],
}


def test_every_bench_of_make_bench_is_covered() -> None:
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nbench:", 1)[1]
    recipe = recipe.split("\n\n", 1)[0]
    assert sorted(name for name in SMALL_RUNS if f"bench/{name}" in recipe) == sorted(SMALL_RUNS)
    assert sorted(path.name for path in (ROOT / "bench").glob("*.py")) == sorted(
        [*SMALL_RUNS, "ops_support.py"]  # ops_support: shared helpers of the ops benches
    )


@pytest.mark.parametrize("script", sorted(SMALL_RUNS))
def test_the_bench_runs_and_prints_its_numbers(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *SMALL_RUNS[script]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert any(character.isdigit() for character in done.stdout), done.stdout

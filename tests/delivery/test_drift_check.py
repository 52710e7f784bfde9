"""drift-check.sh tells drift from a clean stack and from a check that could not run.

Pulumi has no detailed exit code, so the script reads the engine's own message. These tests put a
stand-in `pulumi` first on PATH that answers as the real CLI does in each case.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.delivery.repo import SCRIPTS_DIR

DRIFTED_OUTPUT = """Previewing update (prod):
~  aws:cognito:UserPool ei-prod-user-pool refreshing
~  aws:cognito:UserPool ei-prod-user-pool update [diff: ~mfaConfiguration]
Resources:
    ~ 1 to update
    23 unchanged
error: no changes were expected but changes were proposed
"""


def fake_pulumi(bin_dir: Path, output: str, exit_code: int) -> None:
    """A `pulumi` that records its arguments, prints `output` and exits with `exit_code`."""
    bin_dir.mkdir()
    script = bin_dir / "pulumi"
    script.write_text(
        "#!/usr/bin/env bash\n"
        'echo "$@" >> "$(dirname "$0")/calls.txt"\n'
        f"cat <<'OUT'\n{output}OUT\n"
        f"exit {exit_code}\n",
        encoding="utf-8",
    )
    script.chmod(0o755)


def run_check(tmp_path: Path, output: str, exit_code: int) -> tuple[int, str, str, str]:
    fake_pulumi(tmp_path / "bin", output, exit_code)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    env.pop("PULUMI_BACKEND_URL", None)
    result = subprocess.run(
        [str(SCRIPTS_DIR / "drift-check.sh"), "prod", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    status = (tmp_path / "out" / "prod.status").read_text(encoding="utf-8").strip()
    report = (tmp_path / "out" / "prod.md").read_text(encoding="utf-8")
    calls = (tmp_path / "bin" / "calls.txt").read_text(encoding="utf-8")
    return result.returncode, status, report, calls


def test_a_clean_stack_is_reported_clean(tmp_path: Path) -> None:
    code, status, report, calls = run_check(tmp_path, "Resources:\n    24 unchanged\n", 0)
    assert (code, status) == (0, "clean")
    assert "no drift" in report
    # Drift is live cloud vs state (refresh), not main's program vs state (preview --refresh).
    assert "refresh --stack prod --preview-only --expect-no-changes" in calls
    assert "preview" not in calls.split()[0]


@pytest.mark.parametrize(
    "message",
    [
        "error: no changes were expected but changes were proposed",
        "error: no changes were expected for preview but changes were proposed",
        "error: no changes were expected for refresh but changes were proposed",
        "error: no changes were expected but changes occurred",
    ],
)
def test_proposed_changes_are_drift_with_the_diff_in_the_report(
    tmp_path: Path, message: str
) -> None:
    output = DRIFTED_OUTPUT.replace(
        "error: no changes were expected but changes were proposed", message
    )
    code, status, report, _ = run_check(tmp_path, output, 255)
    assert (code, status) == (0, "drift")
    assert "drifted" in report
    assert "~mfaConfiguration" in report


def test_a_check_that_cannot_run_fails_instead_of_passing_as_clean(tmp_path: Path) -> None:
    output = (
        'error: failed to load checkpoint: blob (key ".pulumi/stacks/prod.json"): AccessDenied\n'
    )
    code, status, report, _ = run_check(tmp_path, output, 255)
    assert code != 0
    assert status == "error"
    assert "could not run" in report
    assert "AccessDenied" in report

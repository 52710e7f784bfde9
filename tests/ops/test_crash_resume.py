"""Kill the real process mid-import (SIGKILL, then Ctrl-C), re-run it, and count the users."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.ops.conftest import group_members, pool_usernames, run_cli, write_csv

COUNT = 150


def _source(tmp_path: Path) -> Path:
    rows = [
        [f"u{i:04d}", f"u{i}@example.com", "staff" if i % 2 else "admins;staff"]
        for i in range(COUNT)
    ]
    return write_csv(tmp_path / "users.csv", ["username", "email", "groups"], rows)


def _done_lines(journals: Path) -> int:
    return sum(
        p.read_text(encoding="utf-8").count('"state": "done"') for p in journals.glob("*.jsonl")
    )


def _start(source: Path, pool_id: str) -> subprocess.Popen[str]:
    # a slow rate so the process is surely killed half-way
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "identity_ops",
            "users",
            "import",
            str(source),
            "--pool-id",
            pool_id,
            "--rate",
            "UserCreation=15",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def _wait_for_progress(process: subprocess.Popen[str], journals: Path, minimum: int) -> None:
    deadline = time.monotonic() + 600
    while _done_lines(journals) < minimum:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.2)


def _assert_complete(cognito: Any, pool_id: str) -> None:
    expected = [f"u{i:04d}" for i in range(COUNT)]
    assert pool_usernames(cognito, pool_id) == expected
    assert group_members(cognito, pool_id, "staff") == expected
    assert group_members(cognito, pool_id, "admins") == [f"u{i:04d}" for i in range(0, COUNT, 2)]


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_stopped_import_resumes_without_duplicates_or_losses(
    cognito: Any, pool_id: str, tmp_path: Path, stop: signal.Signals
) -> None:
    source = _source(tmp_path)
    journals = tmp_path / "journals"
    process = _start(source, pool_id)
    _wait_for_progress(process, journals, 20)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=600)
    if stop == signal.SIGINT:
        assert process.returncode == 130
        assert "journal is saved" in stderr
    created_before = len(pool_usernames(cognito, pool_id))
    assert 0 < created_before < COUNT  # really stopped half-way

    rerun = run_cli(
        "users", "import", str(source), "--pool-id", pool_id, "--no-rate-limit", "-o", "json"
    )
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["counts"] == {"created": COUNT}  # every row exactly once, none skipped or failed
    assert report["resumed_from_journal"] > 0
    _assert_complete(cognito, pool_id)

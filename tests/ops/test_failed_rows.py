"""Failed rows lose nothing of the input, runs never delete each other's, and resume is honest."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.jobs.bulk import BulkSettings
from identity_ops.jobs.import_users import ImportOptions, run_import
from identity_ops.journal import Journal
from identity_ops.progress import JobProgress, eta_seconds
from tests.ops.conftest import REGION, invoke, pool_usernames, write_csv
from tests.ops.faults import FaultInjector


def _import(source: Path, pool_id: str, *extra: str) -> Any:
    return invoke(
        "users", "import", str(source), "--pool-id", pool_id, "--skip-invalid", "-o", "json", *extra
    )


def test_latin1_bytes_of_a_failed_csv_row_are_kept(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    source = tmp_path / "users.csv"
    source.write_bytes(
        b"username,email,given_name\n"
        b"alice,alice@example.com,Alice\n"
        b"jose,jose@example.com,Jos\xe9\n"  # Latin-1, not UTF-8
    )
    result = _import(source, pool_id)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["counts"] == {"created": 1, "failed": 1}
    written = Path(report["failed_rows_file"]).read_bytes()
    assert b"jose,jose@example.com,Jos\xe9," in written  # the original byte, not '?' or U+FFFD
    assert b"not valid UTF-8" in written
    assert pool_usernames(cognito, pool_id) == ["alice"]


def test_a_bad_jsonl_line_is_kept_verbatim_and_the_file_feeds_back(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    source = tmp_path / "users.jsonl"
    broken = b'{"username": "bob", "email": "bob@example.com"  \xe2\x80\x94 oops\n'
    source.write_bytes(
        b'{"username": "alice", "email": "alice@example.com"}\n'
        + broken
        + b'{"username": "carol", "email": "not-an-email", "given_name": "Ca\\u0308rol"}\n'
    )
    result = _import(source, pool_id)
    assert result.exit_code == 1, result.output
    failed_file = Path(json.loads(result.stdout)["failed_rows_file"])
    lines = failed_file.read_bytes().splitlines(keepends=True)
    assert lines[1] == broken  # byte for byte
    assert lines[3] == (
        b'{"username": "carol", "email": "not-an-email", "given_name": "Ca\\u0308rol"}\n'
    )
    reasons = [json.loads(lines[0]), json.loads(lines[2])]
    assert reasons[0]["#line"] == 2
    assert "not valid JSON" in reasons[0]["#error"]
    assert "not a valid email address" in reasons[1]["#error"]
    # fix the two lines in place and feed the file back: the reason lines are comments
    fixed = (
        failed_file.read_bytes()
        .replace(broken, b'{"username": "bob", "email": "bob@example.com"}\n')
        .replace(b"not-an-email", b"carol@example.com")
    )
    failed_file.write_bytes(fixed)
    again = invoke("users", "import", str(failed_file), "--pool-id", pool_id, "-o", "json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["counts"] == {"created": 2}
    assert pool_usernames(cognito, pool_id) == ["alice", "bob", "carol"]


def test_runs_never_delete_or_overwrite_each_others_failed_rows(
    pool_id: str, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "users.csv",
        ["username", "email"],
        [["alice", "alice@example.com"], ["frank", "not-an-email"]],
    )
    first = Path(json.loads(_import(source, pool_id).stdout)["failed_rows_file"])
    assert first.parent == tmp_path
    assert ".import-" in first.name
    assert first.name.endswith(".failed.csv")
    first_text = first.read_text(encoding="utf-8")
    # a clean run of another command over the same file (alice exists: enabling her succeeds)
    enable = invoke("users", "enable", "--file", str(source), "--pool-id", pool_id, "-o", "json")
    assert json.loads(enable.stdout)["counts"].get("failed", 0) == 1  # frank does not exist
    time.sleep(1.1)  # a later run of the same command
    second = Path(json.loads(_import(source, pool_id, "--fresh").stdout)["failed_rows_file"])
    assert second != first
    assert first.read_text(encoding="utf-8") == first_text
    assert "frank" in second.read_text(encoding="utf-8")


def test_a_rerun_says_what_failed_earlier_and_retry_failed_runs_only_those(
    aws_env: str, cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    rows = [[f"u{index}", f"u{index}@example.com"] for index in range(5)]
    source = write_csv(tmp_path / "users.csv", ["username", "email"], rows)
    # first run: Cognito refuses two users (a per-user limit: recorded as failed, not retried)
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=aws_env))
    FaultInjector({"AdminCreateUser"}, limit_exceeded_for={"u1", "u3"}).attach(clients.cognito())
    first = run_import(
        clients,
        pool_id,
        ImportOptions(source, bulk=BulkSettings(concurrency=2)),
        Console(quiet=True),
    )
    assert dict(first.tally.counts) == {"created": 3, "failed": 2}

    # the limit is gone; a plain re-run does nothing, and says so and what to do
    rerun = invoke("users", "import", str(source), "--pool-id", pool_id, "-o", "json")
    report = json.loads(rerun.stdout)
    assert report["processed_this_run"] == 0
    assert report["failed_earlier"] == 2
    assert report["failed_this_run"] == 0
    assert "--retry-failed" in report["retry_hint"]
    assert "--fresh" in report["retry_hint"]
    table = invoke("users", "import", str(source), "--pool-id", pool_id)
    assert "2 item(s) failed in an earlier run and were not retried" in table.output

    retried = invoke(
        "users", "import", str(source), "--pool-id", pool_id, "--retry-failed", "-o", "json"
    )
    assert retried.exit_code == 0, retried.output
    report = json.loads(retried.stdout)
    assert report["counts"] == {"created": 5}
    assert report["processed_this_run"] == 2  # exactly the two that had failed
    assert report["resumed_from_journal"] == 3
    assert report["failed_earlier"] == 0
    assert pool_usernames(cognito, pool_id) == ["u0", "u1", "u2", "u3", "u4"]


def test_retry_failed_and_fresh_together_is_a_usage_error(pool_id: str, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "users.csv", ["username", "email"], [["a", "a@example.com"]])
    assert invoke("users", "import", str(source), "--pool-id", pool_id).exit_code == 0
    both = invoke("users", "import", str(source), "--pool-id", pool_id, "--retry-failed", "--fresh")
    assert both.exit_code == 2
    assert "choose one" in both.output


def test_resumed_eta_uses_only_this_runs_rate(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "j.jsonl", {"command": "test"})
    for item in range(1000):
        journal.done(str(item), f"u{item}", "created")
    progress = JobProgress(Console(quiet=True), "import", total=1100)
    for item in range(1000):  # what the executor does for items an earlier run finished
        assert journal.is_done(str(item))
        progress.advance()
    progress.advance()  # two items processed by this run
    progress.advance()
    journal.close()
    assert (progress.resumed, progress.this_run) == (1000, 2)
    task = progress.task
    started = float(task.fields["started"])
    # 2 items in 10 s is 0.2/s: 98 left take 490 s (the 1,000 skipped items do not count)
    assert eta_seconds(task, started + 10) == 490

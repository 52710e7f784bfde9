"""``users import`` against a real moto server: creation, idempotency, resume, failed rows."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.ops.conftest import attributes_of, group_members, invoke, pool_usernames, write_csv

HEADER = ["username", "email", "given_name", "custom:tenant_id", "groups"]
ROWS = [
    ["alice", "alice@example.com", "Alice", "acme", "admins;staff"],
    ["bob", "bob@example.com", "Bob", "acme", "staff"],
    ["carol", "carol@example.com", "Carol", "", ""],
]


def test_import_creates_users_with_attributes_and_groups(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "users.csv", HEADER, ROWS)
    result = invoke("users", "import", str(source), "--pool-id", pool_id, "-o", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"] == {"created": 3}
    assert pool_usernames(cognito, pool_id) == ["alice", "bob", "carol"]
    assert group_members(cognito, pool_id, "admins") == ["alice"]
    assert group_members(cognito, pool_id, "staff") == ["alice", "bob"]
    alice = attributes_of(cognito, pool_id, "alice")
    assert alice["given_name"] == "Alice"
    assert alice["custom:tenant_id"] == "acme"


def test_rerun_is_idempotent_and_update_changes_attributes(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "users.csv", HEADER, ROWS)
    assert invoke("users", "import", str(source), "--pool-id", pool_id).exit_code == 0
    # the same file again: the journal says everything is done
    again = json.loads(
        invoke("users", "import", str(source), "--pool-id", pool_id, "-o", "json").stdout
    )
    assert again["resumed_from_journal"] == 3
    assert again["processed_this_run"] == 0
    # a fresh journal, later on: the users pre-date the run, so they are skipped, not duplicated
    time.sleep(1.5)
    fresh = json.loads(
        invoke("users", "import", str(source), "--pool-id", pool_id, "--fresh", "-o", "json").stdout
    )
    assert fresh["counts"] == {"skipped": 3}
    changed = write_csv(
        tmp_path / "changed.csv", HEADER, [["bob", "bob@example.com", "Robert", "globex", ""]]
    )
    updated = json.loads(
        invoke(
            "users", "import", str(changed), "--pool-id", pool_id, "--update", "-o", "json"
        ).stdout
    )
    assert updated["counts"] == {"updated": 1}
    assert attributes_of(cognito, pool_id, "bob")["given_name"] == "Robert"
    assert pool_usernames(cognito, pool_id) == ["alice", "bob", "carol"]


def test_jsonl_with_enabled_flag_and_group_list(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    source.write_text(
        json.dumps(
            {
                "username": "dave",
                "email": "dave@example.com",
                "groups": ["staff"],
                "cognito:enabled": False,
            }
        )
        + "\n"
        + json.dumps({"username": "erin", "email": "erin@example.com", "custom:employee_no": 42})
        + "\n",
        encoding="utf-8",
    )
    result = invoke("users", "import", str(source), "--pool-id", pool_id)
    assert result.exit_code == 0, result.output
    dave = cognito.admin_get_user(UserPoolId=pool_id, Username="dave")
    assert dave["Enabled"] is False
    assert group_members(cognito, pool_id, "staff") == ["dave"]
    assert attributes_of(cognito, pool_id, "erin")["custom:employee_no"] == "42"


def test_dry_run_sends_nothing(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "users.csv", HEADER, ROWS)
    result = invoke("users", "import", str(source), "--pool-id", pool_id, "--dry-run", "-o", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"] == {"would be sent": 3}
    assert pool_usernames(cognito, pool_id) == []


def test_skip_invalid_writes_a_failed_rows_file_that_can_be_fed_back(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    rows = [
        *ROWS,
        ["frank", "not-an-email", "Frank", "acme", ""],
        ["gina", "gina@example.com", "", "", "nosuch"],
    ]
    source = write_csv(tmp_path / "users.csv", HEADER, rows)
    result = invoke(
        "users", "import", str(source), "--pool-id", pool_id, "--skip-invalid", "-o", "json"
    )
    assert result.exit_code == 1  # some rows failed
    report = json.loads(result.stdout)
    assert report["counts"] == {"created": 3, "failed": 2}
    failed_file = Path(report["failed_rows_file"])
    # One file per command and run, beside the input: a later run never overwrites it.
    assert failed_file.parent == tmp_path
    assert failed_file.name.startswith("users.import-")
    assert failed_file.name.endswith(".failed.csv")
    text = failed_file.read_text(encoding="utf-8")
    assert "frank" in text
    assert "not a valid email address" in text
    assert "gina" in text
    assert "unknown group" in text
    # fix the rows in place (the #error column is a comment) and feed the file back in
    failed_file.write_text(
        text.replace("not-an-email", "frank@example.com").replace("nosuch", "staff"),
        encoding="utf-8",
    )
    again = invoke("users", "import", str(failed_file), "--pool-id", pool_id, "-o", "json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["counts"] == {"created": 2}
    assert pool_usernames(cognito, pool_id) == ["alice", "bob", "carol", "frank", "gina"]


def test_temporary_password_never_appears_in_output(
    cognito: Any, pool_id: str, tmp_path: Path, monkeypatch: Any
) -> None:
    secret = "Tmp-Secret-9f83!xYz"
    monkeypatch.setenv("INITIAL_PASSWORD", secret)
    source = write_csv(tmp_path / "users.csv", HEADER, ROWS)
    result = invoke(
        "users",
        "import",
        str(source),
        "--pool-id",
        pool_id,
        "--temporary-password-env",
        "INITIAL_PASSWORD",
    )
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    journal_text = "".join(p.read_text() for p in (tmp_path / "journals").glob("*.jsonl"))
    assert secret not in journal_text
    assert (
        cognito.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"]
        == "FORCE_CHANGE_PASSWORD"
    )

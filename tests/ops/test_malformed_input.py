"""Malformed CSV/JSONL: clear per-row errors naming file, line and column; nothing is sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ops.conftest import invoke, pool_usernames, write_csv


def _import(source: Path, pool_id: str) -> Any:
    return invoke("users", "import", str(source), "--pool-id", pool_id)


def test_bad_rows_are_all_reported_and_nothing_is_sent(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "users.csv",
        ["username", "email", "phone_number", "custom:nothere", "groups"],
        [
            ["ok", "ok@example.com", "", "", ""],
            ["bad mail", "nope", "", "", ""],
            ["phone", "p@example.com", "555-1234", "", ""],
            ["extra", "e@example.com", "", "x", "ghosts"],
            ["ok", "dup@example.com", "", "", ""],
            ["", "x@example.com", "", "", ""],
        ],
    )
    result = _import(source, pool_id)
    assert result.exit_code == 2
    message = result.output
    assert f"{source}:3 column 'username': contains whitespace" in message
    assert f"{source}:3 column 'email': not a valid email address" in message
    assert f"{source}:4 column 'phone_number': not a phone number in E.164 form" in message
    assert f"{source}:5 column 'custom:nothere': unknown attribute" in message
    assert f"{source}:5 column 'groups': unknown group(s) ghosts" in message
    assert f"{source}:6 column 'username': duplicate of line 2" in message
    assert f"{source}:7 column 'username': is empty" in message
    assert "nothing was sent" in message
    assert "Traceback" not in message
    assert pool_usernames(cognito, pool_id) == []


def test_bad_encoding_names_the_row(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_bytes(b"username,email\nalice,alice@example.com\nb\xe9b,bob@example.com\n")
    result = _import(source, pool_id)
    assert result.exit_code == 2
    assert f"{source}:3 column 'username': not valid UTF-8" in result.output
    assert pool_usernames(cognito, pool_id) == []


def test_missing_username_column_is_a_file_error(pool_id: str, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "users.csv", ["user", "email"], [["alice", "a@example.com"]])
    result = _import(source, pool_id)
    assert result.exit_code == 2
    assert f"{source}:1: the header has no 'username' column (found: user, email)" in result.output


def test_short_rows_and_huge_fields(pool_id: str, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    huge = "x" * 5000
    source.write_text(
        f"username,email,given_name\nshort,s@example.com\nbig,b@example.com,{huge}\n",
        encoding="utf-8",
    )
    result = _import(source, pool_id)
    assert result.exit_code == 2
    assert f"{source}:2: has 2 fields but the header has 3 columns" in result.output
    assert f"{source}:3 column 'given_name': value is 5000 characters long" in result.output
    assert huge not in result.output


def test_field_beyond_the_parser_limit_stops_with_the_line(pool_id: str, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text(
        "username,email\nalice,a@example.com\nbob," + "y" * (2 << 20) + "\n", encoding="utf-8"
    )
    result = _import(source, pool_id)
    assert result.exit_code == 2
    assert f"{source}:3: not valid CSV (field larger than field limit" in result.output


def test_jsonl_problems(pool_id: str, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    source.write_text(
        '{"username": "a", "email": "a@example.com"}\n'
        "not json\n"
        '["a list"]\n'
        '{"username": "c", "email": {"nested": true}}\n',
        encoding="utf-8",
    )
    result = _import(source, pool_id)
    assert result.exit_code == 2
    assert f"{source}:2: not valid JSON" in result.output
    assert f"{source}:3: expected a JSON object, got list" in result.output
    assert f"{source}:4 column 'email': expected a string, number or boolean" in result.output


def test_read_only_columns_of_an_export_are_ignored_and_reported(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    """`sub` and `cognito:user_status` come with every export; re-importing it must not fail on
    them, and the report says they were not copied (Cognito sets them itself)."""
    source = write_csv(
        tmp_path / "users.csv",
        ["username", "email", "sub", "cognito:user_status"],
        [["u1", "u1@example.com", "1234", "CONFIRMED"]],
    )
    result = _import(source, pool_id)
    assert result.exit_code == 0, result.output
    assert "read-only column(s) ignored: cognito:user_status, sub" in result.output
    attributes = cognito.admin_get_user(UserPoolId=pool_id, Username="u1")["UserAttributes"]
    assert {a["Name"]: a["Value"] for a in attributes}["sub"] != "1234"


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("custom:employee_no", "abc", "must be a number"),
        ("custom:employee_no", "0", "must be >= 1"),
        ("email_verified", "yes", "must be true or false"),
        ("tenant_id", "acme", "did you mean 'custom:tenant_id'"),
        ("birthdate", "31/12/1999", "YYYY-MM-DD"),
    ],
)
def test_values_are_checked_against_the_schema(
    pool_id: str, tmp_path: Path, column: str, value: str, reason: str
) -> None:
    source = write_csv(
        tmp_path / "users.csv", ["username", "email", column], [["u1", "u1@example.com", value]]
    )
    result = _import(source, pool_id)
    assert result.exit_code == 2
    assert f"column '{column}': " in result.output
    assert reason in result.output


def test_missing_file_and_empty_file(pool_id: str, tmp_path: Path) -> None:
    missing = _import(tmp_path / "nope.csv", pool_id)
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = _import(empty, pool_id)
    assert result.exit_code == 2
    assert "the file is empty" in result.output

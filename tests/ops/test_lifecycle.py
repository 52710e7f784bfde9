"""Lifecycle commands on one user, a file of users and a ListUsers filter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.ops.conftest import attributes_of, invoke, pool_usernames, write_csv


def _users(cognito: Any, pool_id: str, names: list[str]) -> None:
    for name in names:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}],
        )


def _enabled(cognito: Any, pool_id: str, name: str) -> bool:
    return bool(cognito.admin_get_user(UserPoolId=pool_id, Username=name)["Enabled"])


def test_destructive_commands_ask_first(cognito: Any, pool_id: str) -> None:
    _users(cognito, pool_id, ["ann"])
    refused = invoke("users", "disable", "ann", "--pool-id", pool_id)
    assert refused.exit_code == 2
    assert "pass --yes" in refused.output
    assert _enabled(cognito, pool_id, "ann")
    dry = invoke("users", "disable", "ann", "--pool-id", pool_id, "--dry-run", "-o", "json")
    assert json.loads(dry.stdout)["counts"] == {"would be disabled": 1}
    assert _enabled(cognito, pool_id, "ann")
    assert invoke("users", "disable", "ann", "--pool-id", pool_id, "--yes").exit_code == 0
    assert not _enabled(cognito, pool_id, "ann")


def test_file_and_filter_selections(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    _users(cognito, pool_id, ["ann", "ben", "cat", "dan"])
    for name in ("ann", "ben", "cat"):
        cognito.admin_disable_user(UserPoolId=pool_id, Username=name)
    listing = write_csv(
        tmp_path / "enable.csv", ["username", "note"], [["ann", "x"], ["ben", "y"], ["ghost", "z"]]
    )
    result = invoke("users", "enable", "--file", str(listing), "--pool-id", pool_id, "-o", "json")
    assert result.exit_code == 1  # ghost does not exist
    report = json.loads(result.stdout)
    assert report["counts"] == {"enabled": 2, "failed": 1}
    assert "UserNotFoundException" in report["failures"][0]["reason"]
    assert "ghost" in Path(report["failed_rows_file"]).read_text(encoding="utf-8")
    assert _enabled(cognito, pool_id, "ann")
    assert not _enabled(cognito, pool_id, "cat")
    deleted = invoke(
        "users",
        "delete",
        "--filter",
        'username ^= "d"',
        "--pool-id",
        pool_id,
        "--yes",
        "-o",
        "json",
    )
    assert json.loads(deleted.stdout)["counts"] == {"deleted": 1}
    assert pool_usernames(cognito, pool_id) == ["ann", "ben", "cat"]


def test_confirm_only_touches_unconfirmed_users(cognito: Any, pool_id: str) -> None:
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]
    cognito.sign_up(
        ClientId=client_id,
        Username="new",
        Password="Passw0rd!Passw0rd",
        UserAttributes=[{"Name": "email", "Value": "n@example.com"}],
    )
    _users(cognito, pool_id, ["invited"])
    result = invoke("users", "confirm", "new", "invited", "--pool-id", pool_id, "-o", "json")
    report = json.loads(result.stdout)
    assert report["counts"] == {"confirmed": 1, "skipped": 1}
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="new")["UserStatus"] == "CONFIRMED"
    assert (
        cognito.admin_get_user(UserPoolId=pool_id, Username="invited")["UserStatus"]
        == "FORCE_CHANGE_PASSWORD"
    )


def test_set_attributes_validates_before_sending(cognito: Any, pool_id: str) -> None:
    _users(cognito, pool_id, ["ann"])
    bad = invoke(
        "users",
        "set-attributes",
        "ann",
        "--attr",
        "custom:employee_no=7",
        "--pool-id",
        pool_id,
        "--yes",
    )
    assert bad.exit_code == 2
    assert "immutable" in bad.output
    good = invoke(
        "users",
        "set-attributes",
        "ann",
        "--attr",
        "custom:tenant_id=globex",
        "--pool-id",
        pool_id,
        "--yes",
    )
    assert good.exit_code == 0, good.output
    assert attributes_of(cognito, pool_id, "ann")["custom:tenant_id"] == "globex"


def test_sign_out_and_delete_are_idempotent(cognito: Any, pool_id: str) -> None:
    _users(cognito, pool_id, ["ann"])
    assert invoke("users", "sign-out", "ann", "--pool-id", pool_id, "--yes").exit_code == 0
    first = invoke("users", "delete", "ann", "--pool-id", pool_id, "--yes", "-o", "json")
    again = invoke("users", "delete", "ann", "--pool-id", pool_id, "--yes", "--fresh", "-o", "json")
    assert json.loads(first.stdout)["counts"] == {"deleted": 1}
    assert json.loads(again.stdout)["counts"] == {"skipped": 1}


def test_selection_must_be_exactly_one(pool_id: str) -> None:
    result = invoke("users", "enable", "ann", "--filter", 'username = "ann"', "--pool-id", pool_id)
    assert result.exit_code == 2
    assert "exactly one of" in result.output

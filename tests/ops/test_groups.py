"""Group memberships: sync from a file (adds and removes), remove one, select users by group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.ops.conftest import group_members, invoke, write_csv


def _users(cognito: Any, pool_id: str, memberships: dict[str, list[str]]) -> None:
    for name, groups in memberships.items():
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}],
        )
        for group in groups:
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName=group)


def _memberships(cognito: Any, pool_id: str) -> dict[str, list[str]]:
    return {group: group_members(cognito, pool_id, group) for group in ("admins", "staff")}


def test_sync_adds_and_removes_to_match_the_file(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _users(cognito, pool_id, {"ann": ["admins"], "ben": ["staff"], "cat": [], "dan": ["staff"]})
    wanted = write_csv(
        tmp_path / "groups.csv",
        ["username", "group"],
        [["ann", "staff"], ["ben", "staff"], ["cat", "admins"], ["cat", "staff"]],
    )
    dry = invoke(
        "users", "groups", "sync", str(wanted), "--pool-id", pool_id, "--dry-run", "-o", "json"
    )
    assert dry.exit_code == 0, dry.output
    entries = {e["username"]: e for e in json.loads(dry.stdout)["plan"]["entries"]}
    assert entries["ann"]["params"] == {"add": ["staff"], "remove": ["admins"]}
    assert entries["ann"]["state"]["groups"] == ["admins"]
    assert entries["dan"]["params"] == {"add": [], "remove": ["staff"]}  # not in the file
    assert "ben" not in entries  # already as wanted
    assert _memberships(cognito, pool_id) == {"admins": ["ann"], "staff": ["ben", "dan"]}

    result = invoke(
        "users", "groups", "sync", str(wanted), "--pool-id", pool_id, "--yes", "-o", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"] == {"groups updated": 3, "skipped": 1}
    assert _memberships(cognito, pool_id) == {"admins": ["cat"], "staff": ["ann", "ben", "cat"]}


def test_sync_limited_to_a_group_leaves_the_others(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _users(cognito, pool_id, {"ann": ["admins", "staff"], "ben": []})
    wanted = write_csv(
        tmp_path / "staff.csv", ["username", "group"], [["ben", "staff"], ["ann", "admins"]]
    )
    result = invoke(
        "users",
        "groups",
        "sync",
        str(wanted),
        "--group",
        "staff",
        "--pool-id",
        pool_id,
        "--yes",
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"] == {"groups updated": 2}
    assert any("outside --group" in note for note in report["notes"])
    assert _memberships(cognito, pool_id) == {"admins": ["ann"], "staff": ["ben"]}


def test_sync_refuses_a_file_naming_an_unknown_group(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _users(cognito, pool_id, {"ann": ["admins"]})
    wanted = write_csv(tmp_path / "g.csv", ["username", "group"], [["ann", "nosuch"]])
    result = invoke("users", "groups", "sync", str(wanted), "--pool-id", pool_id, "--yes")
    assert result.exit_code == 2
    assert "g.csv:2 column 'group': unknown group 'nosuch'" in result.output
    assert _memberships(cognito, pool_id) == {"admins": ["ann"], "staff": []}


def test_remove_one_membership(cognito: Any, pool_id: str) -> None:
    _users(cognito, pool_id, {"ann": ["admins", "staff"]})
    result = invoke(
        "users", "groups", "remove", "ann", "admins", "--pool-id", pool_id, "--yes", "-o", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"] == {"groups updated": 1}
    assert _memberships(cognito, pool_id) == {"admins": [], "staff": ["ann"]}
    again = invoke(
        "users", "groups", "remove", "ann", "admins", "--pool-id", pool_id, "--yes", "-o", "json"
    )
    assert json.loads(again.stdout)["counts"] == {"skipped": 1}


def test_lifecycle_selects_users_by_group(cognito: Any, pool_id: str) -> None:
    _users(cognito, pool_id, {"ann": ["admins"], "ben": ["staff"], "cat": ["admins", "staff"]})
    result = invoke(
        "users", "disable", "--group", "admins", "--pool-id", pool_id, "--yes", "-o", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"] == {"disabled": 2}
    enabled = {
        name: cognito.admin_get_user(UserPoolId=pool_id, Username=name)["Enabled"]
        for name in ("ann", "ben", "cat")
    }
    assert enabled == {"ann": False, "ben": True, "cat": False}
    unknown = invoke("users", "disable", "--group", "nosuch", "--pool-id", pool_id, "--yes")
    assert unknown.exit_code == 2
    assert "no such group" in unknown.output


def test_sync_plans_listed_members_without_looking_them_up_again(
    aws_env: str, cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    from collections import Counter

    from rich.console import Console

    from identity_ops.aws import AwsClients, AwsSettings
    from identity_ops.jobs.groups import GroupSyncOptions, run_group_sync

    _users(cognito, pool_id, {"ann": ["admins"], "ben": ["staff"], "cat": []})
    wanted = write_csv(
        tmp_path / "groups.csv", ["username", "group"], [["ann", "staff"], ["cat", "admins"]]
    )
    clients = AwsClients(AwsSettings(region="eu-west-1", endpoint_url=aws_env))
    sent: Counter[str] = Counter()
    clients.cognito().meta.events.register(
        "before-send.cognito-identity-provider",
        lambda event_name, **_: sent.update([event_name.rsplit(".", 1)[-1]]),
    )
    options = GroupSyncOptions(wanted, dry_run=True)
    report = run_group_sync(clients, pool_id, options, Console(quiet=True))
    assert report.tally.counts == {"would change groups": 3}  # ann, ben, cat
    assert sent["ListUsersInGroup"] == 2  # admins, staff: ann and ben listed here
    assert sent["ListUsers"] == 1  # only cat, whom no group lists, is looked up

"""Re-invitations (AdminCreateUser RESEND), reset-password advice, and the disabled-user clean-up."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.jobs.import_users import NOT_MIGRATED
from identity_ops.jobs.lifecycle import LifecycleOptions, Selection, run_lifecycle
from tests.ops.conftest import REGION, invoke, make_pool, pool_usernames


def _invited(cognito: Any, pool_id: str, names: list[str]) -> None:
    for name in names:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": f"{name}@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )


def _confirmed(cognito: Any, pool_id: str, name: str) -> None:
    _invited(cognito, pool_id, [name])
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=name, Password="Passw0rd!Passw0rd", Permanent=True
    )


def test_reinvite_sends_resend_to_force_change_password_users_only(
    aws_env: str, cognito: Any, pool_id: str
) -> None:
    _invited(cognito, pool_id, ["new1", "new2"])
    _confirmed(cognito, pool_id, "active")
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=aws_env, concurrency=1))
    sent: list[dict[str, Any]] = []
    clients.cognito().meta.events.register(
        "provide-client-params.cognito-identity-provider.AdminCreateUser",
        lambda params, **_: sent.append(dict(params)),
    )
    options = LifecycleOptions("reinvite", Selection(("new1", "new2", "active")))
    report = run_lifecycle(clients, pool_id, options, Console(quiet=True))
    assert report.tally.counts == {"reinvited": 2, "skipped": 1}
    assert sorted(
        (p["Username"], p["MessageAction"], p["DesiredDeliveryMediums"][0]) for p in sent
    ) == [
        ("new1", "RESEND", "EMAIL"),
        ("new2", "RESEND", "EMAIL"),
    ]
    assert any("only FORCE_CHANGE_PASSWORD users get a new invitation" in n for n in report.notes)


def test_reset_password_skips_users_who_never_set_one(cognito: Any, pool_id: str) -> None:
    _invited(cognito, pool_id, ["invited"])
    _confirmed(cognito, pool_id, "member")
    dry = invoke(
        "users",
        "reset-password",
        "invited",
        "member",
        "--pool-id",
        pool_id,
        "--dry-run",
        "-o",
        "json",
    )
    report = json.loads(dry.stdout)
    assert report["counts"] == {"would be reset": 1, "skipped": 1}
    assert [e["username"] for e in report["plan"]["entries"]] == ["member"]
    assert any("use users reinvite" in note for note in report["notes"])
    real = invoke(
        "users", "reset-password", "invited", "member", "--pool-id", pool_id, "--yes", "-o", "json"
    )
    assert json.loads(real.stdout)["counts"] == {"reset": 1, "skipped": 1}
    status = cognito.admin_get_user(UserPoolId=pool_id, Username="member")["UserStatus"]
    assert status == "RESET_REQUIRED"
    assert "users reinvite" in NOT_MIGRATED
    assert "or a password reset)" not in NOT_MIGRATED


def _backdate_attribute(cognito: Any, pool_id: str, name: str, days: int) -> None:
    when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=name,
        UserAttributes=[{"Name": "custom:disabled_at", "Value": when}],
    )


def test_cleanup_deletes_users_disabled_long_ago_by_the_pool_attribute(cognito: Any) -> None:
    pool_id = make_pool(
        cognito,
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "disabled_at", "AttributeDataType": "String", "Mutable": True},
        ],
    )
    _invited(cognito, pool_id, ["gone", "recent", "manual", "active"])
    disabled = invoke("users", "disable", "gone", "recent", "--pool-id", pool_id, "--yes")
    assert disabled.exit_code == 0, disabled.output
    stamp = cognito.admin_get_user(UserPoolId=pool_id, Username="recent")["UserAttributes"]
    assert "custom:disabled_at" in {a["Name"] for a in stamp}  # identity-ops recorded the time
    _backdate_attribute(cognito, pool_id, "gone", 45)
    cognito.admin_disable_user(UserPoolId=pool_id, Username="manual")  # outside identity-ops

    dry = invoke(
        "users",
        "cleanup",
        "--disabled-for-days",
        "30",
        "--pool-id",
        pool_id,
        "--dry-run",
        "-o",
        "json",
    )
    report = json.loads(dry.stdout)
    assert report["counts"] == {"would be deleted": 1}
    assert [e["username"] for e in report["plan"]["entries"]] == ["gone"]
    notes = "\n".join(report["notes"])
    assert "no change for 1: disabled for less than 30 days (e.g. recent)" in notes
    assert (
        "no change for 1: no disable time recorded (disabled outside identity-ops) (e.g. manual)"
        in notes
    )

    applied = invoke(
        "users", "cleanup", "--disabled-for-days", "30", "--pool-id", pool_id, "--yes", "-o", "json"
    )
    assert json.loads(applied.stdout)["counts"] == {"deleted": 1}
    assert pool_usernames(cognito, pool_id) == ["active", "manual", "recent"]
    enabled_again = invoke("users", "enable", "recent", "--pool-id", pool_id, "-o", "json")
    assert json.loads(enabled_again.stdout)["counts"] == {"enabled": 1}
    attributes = cognito.admin_get_user(UserPoolId=pool_id, Username="recent")["UserAttributes"]
    assert "custom:disabled_at" not in {a["Name"] for a in attributes}


def test_cleanup_uses_the_local_ledger_when_the_pool_has_no_attribute(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _invited(cognito, pool_id, ["old", "new"])
    assert invoke("users", "disable", "old", "new", "--pool-id", pool_id, "--yes").exit_code == 0
    ledger = tmp_path / "state" / f"disabled-at-{pool_id}.sqlite"
    long_ago = (datetime.now(UTC) - timedelta(days=90)).isoformat(timespec="seconds")
    with closing(sqlite3.connect(ledger)) as db, db:
        assert {row[0] for row in db.execute("SELECT username FROM disabled")} == {"old", "new"}
        db.execute("UPDATE disabled SET disabled_at = ? WHERE username = 'old'", (long_ago,))
    plan = tmp_path / "cleanup.jsonl"
    made = invoke(
        "users", "cleanup", "--disabled-for-days", "60", "--pool-id", pool_id, "--plan", str(plan)
    )
    assert made.exit_code == 0, made.output
    assert pool_usernames(cognito, pool_id) == ["new", "old"]
    applied = invoke("apply", str(plan), "--pool-id", pool_id, "--yes", "-o", "json")
    assert json.loads(applied.stdout)["counts"] == {"deleted": 1}
    assert pool_usernames(cognito, pool_id) == ["new"]


def test_the_ledger_is_opened_once_per_run_and_closed_after_it(
    cognito: Any, pool_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _invited(cognito, pool_id, ["u1", "u2", "u3", "u4"])
    ledger = tmp_path / "state" / f"disabled-at-{pool_id}.sqlite"
    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def recording_connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = connect(database, *args, **kwargs)
        if str(database) == str(ledger):
            opened.append(connection)
        return connection

    monkeypatch.setattr(sqlite3, "connect", recording_connect)
    disabled = invoke("users", "disable", "u1", "u2", "u3", "u4", "--pool-id", pool_id, "--yes")
    assert disabled.exit_code == 0, disabled.output
    assert len(opened) == 1  # four disables recorded through one connection
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[0].execute("SELECT 1")
    with closing(connect(ledger)) as db:
        assert {row[0] for row in db.execute("SELECT username FROM disabled")} == {
            "u1", "u2", "u3", "u4",
        }  # fmt: skip

    opened.clear()
    plan = tmp_path / "cleanup.jsonl"
    made = invoke(
        "users", "cleanup", "--disabled-for-days", "1", "--pool-id", pool_id, "--plan", str(plan)
    )
    assert made.exit_code == 0, made.output
    assert len(opened) == 1  # four disable times read through one connection
    applied = invoke("users", "enable", "u1", "u2", "--pool-id", pool_id, "--yes")
    assert applied.exit_code == 0, applied.output
    assert len(opened) == 2
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[1].execute("SELECT 1")

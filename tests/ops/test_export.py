"""``users export``: ListUsers only, all formats, and an export that imports into another pool."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from tests.ops.conftest import (
    attributes_of,
    group_members,
    invoke,
    make_pool,
    pool_usernames,
    write_csv,
)


def _seed(cognito: Any, pool_id: str, tmp_path: Path, count: int = 70) -> None:
    rows = [
        [
            f"user{i:03d}",
            f"user{i}@example.com",
            f"Name, {i}",
            "acme" if i % 2 else "",
            "staff" if i % 3 else "",
        ]
        for i in range(count)
    ]
    source = write_csv(
        tmp_path / "seed.csv",
        ["username", "email", "given_name", "custom:tenant_id", "groups"],
        rows,
    )
    assert (
        invoke("users", "import", str(source), "--pool-id", pool_id, "--no-rate-limit").exit_code
        == 0
    )
    cognito.admin_disable_user(UserPoolId=pool_id, Username=f"user{min(5, count - 1):03d}")


def test_export_then_import_into_another_pool(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    _seed(cognito, pool_id, tmp_path)
    out = tmp_path / "export.csv"
    result = invoke("users", "export", "--pool-id", pool_id, "--out", str(out), "-o", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"] == {"exported": 70}  # 70 users > one ListUsers page of 60
    assert any("cannot carry passwords" in note for note in report["notes"])
    target = make_pool(cognito, PoolName="restore")
    restored = invoke(
        "users", "import", str(out), "--pool-id", target, "--no-rate-limit", "-o", "json"
    )
    assert restored.exit_code == 0, restored.output
    restored_report = json.loads(restored.stdout)
    assert restored_report["counts"] == {"created": 70}
    assert any("read-only column(s) ignored" in note for note in restored_report["notes"])
    assert pool_usernames(cognito, target) == pool_usernames(cognito, pool_id)
    assert group_members(cognito, target, "staff") == group_members(cognito, pool_id, "staff")
    assert cognito.admin_get_user(UserPoolId=target, Username="user005")["Enabled"] is False
    assert attributes_of(cognito, target, "user007")["given_name"] == "Name, 7"
    assert (
        attributes_of(cognito, target, "user007")["sub"]
        != attributes_of(cognito, pool_id, "user007")["sub"]
    )


def test_export_never_reads_users_one_by_one(
    aws_env: str, cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    from rich.console import Console

    from identity_ops.aws import AwsClients, AwsSettings
    from identity_ops.jobs.export_users import ExportOptions, run_export

    _seed(cognito, pool_id, tmp_path, count=65)
    clients = AwsClients(AwsSettings(region="eu-west-1", endpoint_url=aws_env))
    operations: Counter[str] = Counter()
    clients.cognito().meta.events.register(
        "before-send.cognito-identity-provider",
        lambda event_name, **_: operations.update([event_name.split(".")[-1]]),
    )
    out = tmp_path / "users.jsonl"
    run_export(clients, pool_id, ExportOptions(out, "jsonl"), Console(quiet=True))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 65
    assert operations["AdminGetUser"] == 0
    assert operations["ListUsers"] == 2  # 60 + 5, streamed page by page
    user = next(line for line in lines if line["username"] == "user001")
    assert user["groups"] == ["staff"]
    assert user["cognito:enabled"] is True
    assert user["cognito:user_status"] == "FORCE_CHANGE_PASSWORD"


def test_cognito_import_layout(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    _seed(cognito, pool_id, tmp_path, count=3)
    out = tmp_path / "import-job.csv"
    result = invoke(
        "users",
        "export",
        "--pool-id",
        pool_id,
        "--out",
        str(out),
        "--format",
        "cognito-import",
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header[-2:] == ["cognito:mfa_enabled", "cognito:username"]
    assert "sub" not in header
    assert "email_verified" in header
    assert '"' not in out.read_text(encoding="utf-8")  # the import job does not read quoted fields
    row = next(line for line in lines[1:] if line.endswith(",user001"))
    assert "Name\\, 1" in row  # commas escaped as \,
    assert row.endswith("false,user001")  # pool MFA is OFF
    notes = json.loads(result.stdout)["notes"]
    assert any("without a verified email or phone" in note for note in notes)

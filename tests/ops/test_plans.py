"""Plans on a real moto server: written, printed, applied, edited, outdated, interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from identity_ops.plan import SCHEMA_PATH
from tests.ops.conftest import invoke, pool_usernames, run_cli, write_csv


def _users(cognito: Any, pool_id: str, names: list[str], **attributes: str) -> None:
    for name in names:
        extra = [{"Name": k, "Value": v} for k, v in attributes.items()]
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}, *extra],
        )


def _enabled(cognito: Any, pool_id: str, name: str) -> bool:
    return bool(cognito.admin_get_user(UserPoolId=pool_id, Username=name)["Enabled"])


def _lines(plan: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in plan.read_text(encoding="utf-8").splitlines()]


def _entries(plan: Path) -> list[dict[str, Any]]:
    return [line["entry"] for line in _lines(plan) if "entry" in line]


def test_plan_lists_state_leaves_out_no_change_and_applies_exactly(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _users(cognito, pool_id, ["ann", "ben", "cat"])
    cognito.admin_disable_user(UserPoolId=pool_id, Username="ben")
    plan = tmp_path / "disable.plan.jsonl"
    made = invoke(
        "users", "disable", "ann", "ben", "cat", "ghost", "--pool-id", pool_id, "--plan", str(plan)
    )
    assert made.exit_code == 0, made.output
    assert _enabled(cognito, pool_id, "ann")  # a plan changes nothing
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for line in _lines(plan):
        jsonschema.validate(line, schema)
    entries = _entries(plan)
    assert [(e["username"], e["action"]) for e in entries] == [
        ("ann", "disable"),
        ("cat", "disable"),
    ]
    assert entries[0]["state"] == {
        "exists": True,
        "status": "FORCE_CHANGE_PASSWORD",
        "enabled": True,
    }
    summary = _lines(plan)[-1]["summary"]
    assert summary["skipped"] == {
        "already disabled": 1,
        "no such user (UserNotFoundException)": 1,
    }
    assert summary["not_found"] == [{"item": "ghost", "username": "ghost"}]

    applied = invoke("apply", str(plan), "--pool-id", pool_id, "--yes", "-o", "json")
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.stdout)["counts"] == {"disabled": 2}
    assert [_enabled(cognito, pool_id, n) for n in ("ann", "ben", "cat")] == [False, False, False]


def test_edited_plan_is_refused_and_nothing_changes(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _users(cognito, pool_id, ["ann", "ben"])
    plan = tmp_path / "delete.plan.jsonl"
    assert (
        invoke("users", "delete", "ann", "--pool-id", pool_id, "--plan", str(plan)).exit_code == 0
    )
    # point the (valid-looking) entry at another user
    plan.write_text(plan.read_text(encoding="utf-8").replace('"ann"', '"ben"'), encoding="utf-8")
    refused = invoke("apply", str(plan), "--pool-id", pool_id, "--yes")
    assert refused.exit_code == 2
    assert "digest does not match" in refused.output
    assert pool_usernames(cognito, pool_id) == ["ann", "ben"]


def test_plan_for_another_pool_is_refused(cognito: Any, pool_id: str, tmp_path: Path) -> None:
    _users(cognito, pool_id, ["ann"])
    plan = tmp_path / "p.jsonl"
    assert (
        invoke("users", "delete", "ann", "--pool-id", pool_id, "--plan", str(plan)).exit_code == 0
    )
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    result = invoke("apply", str(plan), "--pool-id", other, "--yes")
    assert result.exit_code == 2
    assert f"made for pool {pool_id}" in result.output
    assert pool_usernames(cognito, pool_id) == ["ann"]


def test_user_changed_since_the_plan_is_refused_the_rest_applied(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    _users(cognito, pool_id, ["ann", "ben", "cat"])
    plan = tmp_path / "disable.plan.jsonl"
    made = invoke(
        "users", "disable", "--filter", 'username ^= ""', "--pool-id", pool_id, "--plan", str(plan)
    )
    assert made.exit_code == 0, made.output
    cognito.admin_disable_user(UserPoolId=pool_id, Username="ben")  # someone acted meanwhile
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username="cat")
    applied = invoke("apply", str(plan), "--pool-id", pool_id, "--yes", "-o", "json")
    assert applied.exit_code == 1  # refusals make the run incomplete
    report = json.loads(applied.stdout)
    assert report["counts"] == {"disabled": 1, "refused": 2}
    notes = "\n".join(report["notes"])
    assert "refused ben: state changed since the plan: enabled: true -> false" in notes
    assert (
        "refused cat: state changed since the plan: status: FORCE_CHANGE_PASSWORD -> CONFIRMED"
        in notes
    )
    assert not _enabled(cognito, pool_id, "ann")
    assert _enabled(cognito, pool_id, "cat")


def test_dry_run_reads_state_and_names_the_users(cognito: Any, pool_id: str) -> None:
    _users(cognito, pool_id, ["kill00a", "kill00b", "keep"])
    cognito.admin_disable_user(UserPoolId=pool_id, Username="kill00a")
    dry = invoke(
        "users",
        "delete",
        "--filter",
        'username ^= "kill00"',
        "--pool-id",
        pool_id,
        "--dry-run",
        "-o",
        "json",
    )
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert report["counts"] == {"would be deleted": 2}
    assert [e["username"] for e in report["plan"]["entries"]] == ["kill00a", "kill00b"]
    assert report["plan"]["entries"][0]["state"]["enabled"] is False
    table = invoke(
        "users", "delete", "--filter", 'username ^= "kill00"', "--pool-id", pool_id, "--dry-run"
    )
    assert "kill00a" in table.output
    assert "kill00b" in table.output
    enable = invoke(
        "users",
        "enable",
        "kill00a",
        "keep",
        "nosuchuser",
        "--pool-id",
        pool_id,
        "--dry-run",
        "-o",
        "json",
    )
    assert json.loads(enable.stdout)["counts"] == {
        "would be enabled": 1,
        "skipped": 1,
        "not found": 1,
    }
    assert pool_usernames(cognito, pool_id) == ["keep", "kill00a", "kill00b"]


def test_confirmation_names_pool_count_and_first_users(cognito: Any, pool_id: str) -> None:
    names = [f"u{i}" for i in range(7)]
    _users(cognito, pool_id, names)
    result = run_cli("users", "disable", *names, "--pool-id", pool_id)
    assert result.returncode == 2
    assert (
        f"disable 7 user(s) of pool {pool_id}: u0, u1, u2, u3, u4 and 2 more? "
        "Refusing without a terminal to ask: pass --yes" in " ".join(result.stderr.split())
    )
    assert all(_enabled(cognito, pool_id, n) for n in names)


def test_second_disable_inactive_run_counts_no_change_not_work(cognito: Any, pool_id: str) -> None:
    old = str(int((datetime.now(UTC) - timedelta(days=120)).timestamp()))
    _users(cognito, pool_id, ["stale"], **{"custom:tenant_id": old})
    args = ["users", "disable-inactive", "--days", "60", "--signal", "attribute:custom:tenant_id"]
    first = invoke(*args, "--pool-id", pool_id, "--yes", "-o", "json")
    assert json.loads(first.stdout)["counts"] == {"disabled": 1}
    second = json.loads(invoke(*args, "--pool-id", pool_id, "--yes", "-o", "json").stdout)
    assert second["counts"] == {}
    assert second["processed_this_run"] == 0
    assert any(note.startswith("no change for 1: already disabled") for note in second["notes"])


def test_inactive_plan_refuses_a_user_who_signed_in_since(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    old = str(int((datetime.now(UTC) - timedelta(days=120)).timestamp()))
    _users(cognito, pool_id, ["stale", "back"], **{"custom:tenant_id": old})
    plan = tmp_path / "inactive.jsonl"
    args = ["--signal", "attribute:custom:tenant_id", "--pool-id", pool_id]
    assert (
        invoke("users", "disable-inactive", "--days", "60", *args, "--plan", str(plan)).exit_code
        == 0
    )
    recorded = datetime.fromtimestamp(int(old), UTC).isoformat(timespec="seconds")
    assert {e["username"]: e["state"]["last_sign_in"] for e in _entries(plan)} == {
        "stale": recorded,
        "back": recorded,
    }
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="back",
        UserAttributes=[{"Name": "custom:tenant_id", "Value": datetime.now(UTC).isoformat()}],
    )
    report = json.loads(
        invoke("apply", str(plan), "--pool-id", pool_id, "--yes", "-o", "json").stdout
    )
    assert report["counts"] == {"disabled": 1, "refused": 1}
    assert not _enabled(cognito, pool_id, "stale")
    assert _enabled(cognito, pool_id, "back")


def test_import_plan_holds_no_secret_and_apply_reads_it(
    cognito: Any, pool_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "Tmp-Secret-9f83!xYz"
    monkeypatch.setenv("INITIAL_PASSWORD", secret)
    _users(cognito, pool_id, ["old"])
    source = write_csv(
        tmp_path / "users.csv",
        ["username", "email", "groups"],
        [["old", "old@example.com", ""], ["new", "new@example.com", "staff"]],
    )
    plan = tmp_path / "import.plan.jsonl"
    args = ["--pool-id", pool_id, "--temporary-password-env", "INITIAL_PASSWORD"]
    made = invoke("users", "import", str(source), *args, "--plan", str(plan))
    assert made.exit_code == 0, made.output
    text = plan.read_text(encoding="utf-8")
    assert secret not in text
    assert [(e["username"], e["action"]) for e in _entries(plan)] == [("new", "create")]
    assert pool_usernames(cognito, pool_id) == ["old"]
    applied = invoke("apply", str(plan), "--pool-id", pool_id, "--yes", "-o", "json")
    assert json.loads(applied.stdout)["counts"] == {"created": 1}
    assert secret not in applied.output
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="new")["UserStatus"] == (
        "FORCE_CHANGE_PASSWORD"
    )
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="new")["Groups"]
    assert [g["GroupName"] for g in groups] == ["staff"]


COUNT = 60


def _journal_done(journals: Path) -> int:
    return sum(
        p.read_text(encoding="utf-8").count('"state": "done"')
        for p in journals.glob("apply-*.jsonl")
    )


@pytest.mark.slow
def test_interrupted_apply_resumes_with_nothing_done_twice(
    cognito: Any, pool_id: str, tmp_path: Path
) -> None:
    names = [f"u{i:03d}" for i in range(COUNT)]
    _users(cognito, pool_id, names)
    plan = tmp_path / "disable.plan.jsonl"
    made = invoke(
        "users", "disable", "--filter", 'username ^= "u"', "--pool-id", pool_id, "--plan", str(plan)
    )
    assert made.exit_code == 0, made.output
    journals = tmp_path / "journals"
    process = subprocess.Popen(
        [sys.executable, "-m", "identity_ops", "apply", str(plan), "--pool-id", pool_id, "--yes",
         "--rate", "UserUpdate=4"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )  # fmt: skip
    deadline = time.monotonic() + 600
    while _journal_done(journals) < 10:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    disabled_before = sum(not _enabled(cognito, pool_id, n) for n in names)
    assert 0 < disabled_before < COUNT

    rerun = run_cli(
        "apply", str(plan), "--pool-id", pool_id, "--yes", "--no-rate-limit", "-o", "json"
    )
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    # every entry exactly once: none refused as "already disabled", none failed, none repeated
    assert report["counts"] == {"disabled": COUNT}
    assert report["resumed_from_journal"] >= 10
    assert report["processed_this_run"] == COUNT - report["resumed_from_journal"]
    assert not any(_enabled(cognito, pool_id, n) for n in names)


def test_a_plan_is_read_once_after_it_is_written(
    cognito: Any, pool_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its digest is computed while writing: a dry run reads the file once to show it, a direct
    run once to apply it (re-hashing on the way, so a file changed meanwhile is still refused)."""
    _users(cognito, pool_id, ["ann", "ben"])
    reads: list[str] = []
    path_open = Path.open

    def recording_open(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if path.name.endswith(".plan.jsonl") and "r" in mode:
            reads.append(path.name)
        return path_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", recording_open)
    for output in ("json", "table"):
        reads.clear()
        dry = invoke(
            "users", "disable", "ann", "ben", "--pool-id", pool_id, "--dry-run", "-o", output
        )
        assert dry.exit_code == 0, dry.output
        assert len(reads) == 1, (output, reads)
    reads.clear()
    run = invoke("users", "disable", "ann", "ben", "--pool-id", pool_id, "--yes", "-o", "json")
    assert json.loads(run.stdout)["counts"] == {"disabled": 2}
    assert len(reads) == 1, reads

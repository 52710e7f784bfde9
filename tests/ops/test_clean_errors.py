"""Every mistake ends in one ``error:`` line and exit 2 (JSON on stderr with ``-o json``), warnings
are counted, "interrupted" is said once, and ``--help`` offers only options a command uses."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.console import Console

from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.cli.common import Target
from identity_ops.cli.users import finish
from identity_ops.errors import ExitCode
from identity_ops.outcomes import Tally
from identity_ops.reports import RunReport
from tests.ops.conftest import invoke, make_pool, run_cli

PASSWORD = "Sm0ke-Test-Passw0rd!"


def _totp_user(cognito: Any, pool_id: str) -> str:
    """A user who is challenged for TOTP at sign-in (moto accepts any code)."""
    client_id = str(
        cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="smoke",
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        )["UserPoolClient"]["ClientId"]
    )
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="smoke",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "smoke@example.com"}],
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username="smoke", Password=PASSWORD, Permanent=True
    )
    token = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "smoke", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    cognito.associate_software_token(AccessToken=token)
    cognito.verify_software_token(AccessToken=token, UserCode="123456")
    cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="smoke",
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    return client_id


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("not-base32-at-all!", "not a base32 TOTP secret"),
        ("JBSWY3DPEHPK", "not a usable TOTP secret (Secrets must be at least 112 bits"),
    ],
)
def test_bad_totp_secrets_are_usage_errors(
    cognito: Any, pool_id: str, monkeypatch: pytest.MonkeyPatch, secret: str, reason: str
) -> None:
    client_id = _totp_user(cognito, pool_id)
    monkeypatch.setenv("SMOKE_PASSWORD", PASSWORD)
    monkeypatch.setenv("SMOKE_TOTP", secret)
    result = invoke(
        "auth", "smoke", "--pool-id", pool_id, "--client-id", client_id, "--username", "smoke",
        "--totp-secret-env", "SMOKE_TOTP",
    )  # fmt: skip
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: --totp-secret-env SMOKE_TOTP: {reason}")
    assert secret not in result.output


@pytest.mark.parametrize(
    ("list_filter", "reason"),
    [
        ('custom:tenant_id = "acme"', "custom attributes are not searchable"),
        ('nickname = "x"', "ListUsers cannot filter on 'nickname'"),
        ("cognito:user_status = UNCONFIRMED", 'expected ATTRIBUTE = "VALUE"'),
        ('email ~= "a"', 'expected ATTRIBUTE = "VALUE"'),
    ],
)
def test_bad_filters_exit_2_before_anything_is_sent(
    pool_id: str, list_filter: str, reason: str
) -> None:
    for command in (["users", "export"], ["users", "list"]):
        result = invoke(*command, "--pool-id", pool_id, "--filter", list_filter)
        assert result.exit_code == 2, (command, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("error: --filter")
        assert reason in lines[0]


def test_good_filters_pass(cognito: Any, pool_id: str) -> None:
    cognito.admin_create_user(UserPoolId=pool_id, Username='we"ird', MessageAction="SUPPRESS")
    for list_filter in ('username = "we\\"ird"', 'cognito:user_status ^= "FORCE"', 'email ^= "we"'):
        result = invoke("users", "list", "--pool-id", pool_id, "--filter", list_filter)
        assert result.exit_code == 0, (list_filter, result.output)


@pytest.mark.usefixtures("aws_env")
def test_json_mode_errors_are_json_on_stderr(tmp_path: Path) -> None:
    missing = run_cli("users", "import", str(tmp_path / "nope.csv"), "--pool-id", "x", "-o", "json")
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert json.loads(missing.stderr) == {
        "error": f"{tmp_path / 'nope.csv'}: no such file",
        "exitCode": 2,
    }
    unknown = invoke("report", "analytics", "--pool-id", "eu-west-1_nope", "-o", "json")
    assert unknown.exit_code == 3
    error = json.loads(unknown.stderr)
    assert error["exitCode"] == 3
    assert "user pool 'eu-west-1_nope' not found" in error["error"]
    table = invoke("report", "analytics", "--pool-id", "eu-west-1_nope")
    assert table.stderr.startswith("error: user pool 'eu-west-1_nope' not found")


def test_unparseable_last_sign_in_is_unknown_not_never(cognito: Any) -> None:
    pool_id = make_pool(
        cognito,
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "last_sign_in", "AttributeDataType": "String", "Mutable": True},
        ],
    )
    for username, stamp in (("stale", "1600000000"), ("garbled", "last tuesday")):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": f"{username}@example.com"},
                {"Name": "custom:last_sign_in", "Value": stamp},
            ],
        )
    result = invoke(
        "users", "disable-inactive", "--days", "30", "--signal", "attribute:custom:last_sign_in",
        "--pool-id", pool_id, "--dry-run", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    text = json.dumps(report)
    assert "stale" in text
    unknown = [note for note in report["notes"] if "last sign-in unknown" in note]
    assert any(
        "garbled" in note and "'last tuesday' is not a timestamp" in note for note in unknown
    )
    candidates = [f["username"] for f in report["failures"]] + [
        e.get("username") for e in report.get("plan", {}).get("entries", [])
        if e.get("action") == "disable"
    ]  # fmt: skip
    assert "garbled" not in candidates
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="garbled")["Enabled"] is True


def test_interrupted_is_said_once() -> None:
    out, err = io.StringIO(), io.StringIO()
    target = Target(
        pool_id="eu-west-1_x",
        clients=AwsClients(AwsSettings(region="eu-west-1")),
        console=Console(file=out, width=200),
        errors=Console(file=err, width=200),
        output="table",
        dry_run=False,
        yes=True,
        concurrency=1,
    )
    tally = Tally()
    tally.counts["created"] = 3
    report = RunReport("users import", "eu-west-1_x", tally, 1.0, interrupted=True, journal="j")
    with pytest.raises(typer.Exit) as stopped:
        finish(target, report)
    assert stopped.value.exit_code == ExitCode.INTERRUPTED
    assert len(re.findall("interrupted", out.getvalue() + err.getvalue())) == 1


READ_ONLY_COMMANDS = [
    ["report", "analytics"],
    ["health", "check"],
    ["auth", "smoke"],
    ["users", "export"],
    ["users", "show"],
    ["users", "list"],
]


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=" ".join)
def test_help_of_read_only_commands_lists_only_what_they_use(command: list[str]) -> None:
    shown = invoke(*command, "--help").output
    for flag in ("--dry-run", "--yes", "--concurrency"):
        assert flag not in shown, (command, flag)
    assert "--pool-id" in shown
    assert "--output" in shown


def test_help_of_changing_commands_keeps_their_options() -> None:
    shown = invoke("users", "import", "--help").output
    assert all(flag in shown for flag in ("--dry-run", "--yes", "--concurrency", "--retry-failed"))
    publish = invoke("health", "publish", "--help").output
    assert "--dry-run" in publish
    assert "--yes" not in publish

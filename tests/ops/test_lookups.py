"""``users show USER`` and ``users list --filter``: look-ups an admin runs every day."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bench.ops_support import json_response
from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.reports import stream_users
from identity_ops.userstream import PoolUser, describe_user
from tests.ops.conftest import REGION, invoke, make_pool

SIGNED_IN = "2026-11-20T08:30:00+00:00"


REMEMBERS_DEVICES = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}


def _pool_with_last_sign_in(cognito: Any) -> str:
    return make_pool(
        cognito,
        DeviceConfiguration=REMEMBERS_DEVICES,
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "tenant_id", "AttributeDataType": "String", "Mutable": True},
            {"Name": "last_sign_in", "AttributeDataType": "String", "Mutable": True},
        ],
        SmsConfiguration={"SnsCallerArn": "arn:aws:iam::123456789012:role/sns"},
    )


def _alice(cognito: Any, pool_id: str) -> None:
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SmsMfaConfiguration={
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sns"}
        },
        MfaConfiguration="OPTIONAL",
    )
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="alice",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "phone_number", "Value": "+14155550100"},
            {"Name": "phone_number_verified", "Value": "true"},
            {"Name": "custom:tenant_id", "Value": "acme"},
            {"Name": "custom:last_sign_in", "Value": SIGNED_IN},
        ],
    )
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName="admins")
    cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="alice",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    cognito.admin_disable_user(UserPoolId=pool_id, Username="alice")


def test_users_show_reports_status_attributes_groups_mfa_and_last_sign_in(cognito: Any) -> None:
    pool_id = _pool_with_last_sign_in(cognito)
    _alice(cognito, pool_id)
    # moto has no AdminListDevices (HTTP 500): one attempt, and the devices are "unknown"
    result = invoke(
        "users", "show", "alice", "--pool-id", pool_id, "--max-attempts", "1", "-o", "json"
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["status"] == "FORCE_CHANGE_PASSWORD"
    assert shown["enabled"] is False
    assert shown["attributes"]["custom:tenant_id"] == "acme"
    assert shown["groups"] == ["admins"]
    assert shown["mfa"] == {"enabled_methods": ["SMS_MFA"], "preferred": "SMS_MFA"}
    assert shown["last_sign_in"] == SIGNED_IN
    assert shown["devices"] is None
    assert any(
        note.startswith("devices unknown: AdminListDevices failed") for note in shown["notes"]
    )

    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="dan",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "dan@example.com"},
            {"Name": "custom:last_sign_in", "Value": "soon"},
        ],
    )
    dan = invoke("users", "show", "dan", "--pool-id", pool_id, "--max-attempts", "1", "-o", "json")
    assert json.loads(dan.stdout)["last_sign_in"] == (
        "unknown (custom:last_sign_in 'soon' is not a timestamp)"
    )

    table = invoke("users", "show", "alice", "--pool-id", pool_id, "--max-attempts", "1")
    assert table.exit_code == 0, table.output
    for text in ("last sign-in", SIGNED_IN, "admins", "SMS_MFA", "custom:tenant_id", "acme"):
        assert text in table.output


def test_users_show_in_a_pool_that_remembers_no_devices(cognito: Any, pool_id: str) -> None:
    cognito.admin_create_user(UserPoolId=pool_id, Username="carol", MessageAction="SUPPRESS")
    shown = json.loads(invoke("users", "show", "carol", "--pool-id", pool_id, "-o", "json").stdout)
    assert shown["devices"] == []
    assert "the pool does not remember devices (no DeviceConfiguration)" in shown["notes"]
    assert shown["last_sign_in"].startswith("unknown (")  # not "never": Cognito does not record it


def test_users_show_unknown_user_is_a_usage_error(pool_id: str) -> None:
    result = invoke("users", "show", "nobody", "--pool-id", pool_id)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: user 'nobody' not found in pool {pool_id}")


def test_describe_user_lists_devices(aws_env: str, cognito: Any) -> None:
    pool_id = make_pool(cognito, DeviceConfiguration=REMEMBERS_DEVICES)
    cognito.admin_create_user(UserPoolId=pool_id, Username="bob", MessageAction="SUPPRESS")
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=aws_env))
    client = clients.cognito()
    pages: Iterator[dict[str, Any]] = iter(
        [
            {
                "Devices": [
                    {
                        "DeviceKey": "eu-west-1_0000-aaaa",
                        "DeviceAttributes": [{"Name": "device_name", "Value": "laptop"}],
                        "DeviceLastAuthenticatedDate": 1764000000,
                    }
                ],
                "PaginationToken": "next",
            },
            {"Devices": [{"DeviceKey": "eu-west-1_0000-bbbb", "DeviceAttributes": []}]},
        ]
    )

    def answer_devices(request: Any, event_name: str, **_: Any) -> Any:
        if event_name.endswith("AdminListDevices"):  # AWS's answer, in its own wire format
            return json_response(request.url, 200, next(pages))
        return None

    client.meta.events.register_first("before-send.cognito-identity-provider", answer_devices)
    detail = describe_user(client, pool_id, "bob").to_dict()
    assert [device["key"] for device in detail["devices"]] == [
        "eu-west-1_0000-aaaa",
        "eu-west-1_0000-bbbb",
    ]
    assert detail["devices"][0]["attributes"] == {"device_name": "laptop"}
    assert (
        detail["devices"][0]["last_authenticated"]
        == datetime.fromtimestamp(1764000000, tz=UTC).isoformat()
    )
    assert detail["last_sign_in"].startswith("unknown (Cognito keeps no sign-in time")


def test_users_list_filters_and_streams_json(cognito: Any, pool_id: str) -> None:
    for name in ("anna", "andrew", "bella"):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}],
        )
    result = invoke(
        "users", "list", "--pool-id", pool_id, "--filter", 'username ^= "an"', "-o", "json"
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert sorted(user["username"] for user in listed) == ["andrew", "anna"]
    assert listed[0]["attributes"]["email"].endswith("@example.com")
    table = invoke("users", "list", "--pool-id", pool_id)
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["username", "status", "enabled", "email", "created"]
    assert sorted(line.split()[0] for line in lines[1:]) == ["andrew", "anna", "bella"]
    assert "3 user(s)" in table.stderr


def test_list_writes_each_user_before_reading_the_next() -> None:
    """Streaming: the first page is on the wire before the second is fetched."""
    out = io.StringIO()

    def users() -> Iterator[PoolUser]:
        yield PoolUser("first", "CONFIRMED", True, None, None, {"email": "f@example.com"})
        assert '"username": "first"' in out.getvalue()
        yield PoolUser("second", "CONFIRMED", True, None, None, {})

    assert stream_users(users(), "json", out) == 2
    assert [user["username"] for user in json.loads(out.getvalue())] == ["first", "second"]
    empty = io.StringIO()
    assert stream_users(iter(()), "json", empty) == 0
    assert json.loads(empty.getvalue()) == []


@pytest.mark.parametrize("bad", ['custom:tenant_id = "acme"', "email = alice@example.com"])
def test_list_refuses_filters_listusers_cannot_run(pool_id: str, bad: str) -> None:
    result = invoke("users", "list", "--pool-id", pool_id, "--filter", bad, "-o", "json")
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert error["exitCode"] == 2
    assert error["error"].startswith("--filter")
    assert result.stdout == ""


def test_users_show_reads_the_last_sign_in_attribute_the_stack_chose(cognito: Any) -> None:
    pool_id = make_pool(
        cognito,
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "signed_in_at", "AttributeDataType": "String", "Mutable": True},
        ],
    )
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="erin",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "erin@example.com"},
            {"Name": "custom:signed_in_at", "Value": SIGNED_IN},
        ],
    )
    show = ["users", "show", "erin", "--pool-id", pool_id, "-o", "json"]

    named = invoke(*show, "--last-sign-in-attribute", "custom:signed_in_at")
    assert named.exit_code == 0, named.output
    assert json.loads(named.stdout)["last_sign_in"] == SIGNED_IN
    default = invoke(*show)
    assert json.loads(default.stdout)["last_sign_in"] == (
        "unknown (Cognito keeps no sign-in time; custom:last_sign_in (the default; "
        "--last-sign-in-attribute names another) is not set)"
    )
    wrong = invoke(*show, "--last-sign-in-attribute", "custom:signed_in")
    assert wrong.exit_code == 2
    assert json.loads(wrong.stderr)["error"] == (
        f"--last-sign-in-attribute 'custom:signed_in': not a custom attribute of pool {pool_id} "
        "(its custom attributes: custom:signed_in_at)"
    )

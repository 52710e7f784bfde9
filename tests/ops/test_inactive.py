"""``users disable-inactive``: both signals, and the add-on error.

moto does not implement AdminListUserAuthEvents (it answers HTTP 500), so the auth-events signal
is tested with botocore's Stubber and model-valid responses on a second client; ListUsers and
AdminDisableUser still go to the real moto server.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from rich.console import Console

from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.errors import AwsError
from identity_ops.jobs.inactive import InactiveOptions, run_disable_inactive
from tests.ops.conftest import REGION, invoke, make_pool


def _users(cognito: Any, pool_id: str, attrs: dict[str, str]) -> None:
    for name, last in attrs.items():
        attributes = [{"Name": "email", "Value": f"{name}@example.com"}]
        if last:
            attributes.append({"Name": "custom:tenant_id", "Value": last})
        cognito.admin_create_user(
            UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS", UserAttributes=attributes
        )


def _event(days_ago: int, response: str = "Pass") -> dict[str, Any]:
    return {
        "EventId": f"e{days_ago}",
        "EventType": "SignIn",
        "CreationDate": datetime.now(UTC) - timedelta(days=days_ago),
        "EventResponse": response,
    }


def test_auth_events_signal_with_stubbed_events(aws_env: str, cognito: Any, pool_id: str) -> None:
    _users(cognito, pool_id, {"active": "", "stale": "", "failedonly": ""})
    events_client = boto3.client("cognito-idp", region_name=REGION, endpoint_url=aws_env)
    stubber = Stubber(events_client)
    # ListUsers returns users in creation order; newest event first, as Cognito does
    stubber.add_response(
        "admin_list_user_auth_events",
        {"AuthEvents": [_event(3)]},
        {"UserPoolId": pool_id, "Username": "active", "MaxResults": 60},
    )
    stubber.add_response(
        "admin_list_user_auth_events",
        {"AuthEvents": [_event(200), _event(400)]},
        {"UserPoolId": pool_id, "Username": "stale", "MaxResults": 60},
    )
    stubber.add_response(
        "admin_list_user_auth_events",
        {"AuthEvents": [_event(1, "Fail")]},
        {"UserPoolId": pool_id, "Username": "failedonly", "MaxResults": 60},
    )
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=aws_env, concurrency=1))
    with stubber:
        report = run_disable_inactive(
            clients,
            pool_id,
            InactiveOptions(days=90),
            Console(quiet=True),
            events_client=events_client,
        )
    stubber.assert_no_pending_responses()
    # "failedonly" was created today: a failed sign-in is not activity, but the account is new
    assert report.tally.counts == {"disabled": 1}
    assert [f.username for f in report.tally.failures] == []
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="stale")["Enabled"] is False
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="active")["Enabled"] is True


def test_add_on_not_enabled_is_explained(aws_env: str, cognito: Any, pool_id: str) -> None:
    _users(cognito, pool_id, {"someone": ""})
    events_client = boto3.client("cognito-idp", region_name=REGION, endpoint_url=aws_env)
    stubber = Stubber(events_client)
    stubber.add_client_error(
        "admin_list_user_auth_events", "UserPoolAddOnNotEnabledException", "not enabled"
    )
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=aws_env, concurrency=1))
    with stubber, pytest.raises(AwsError, match="threat protection"):
        run_disable_inactive(
            clients,
            pool_id,
            InactiveOptions(days=30),
            Console(quiet=True),
            events_client=events_client,
        )


def test_attribute_signal_dry_run_then_apply(cognito: Any, pool_id: str) -> None:
    # the tenant_id attribute stands in for a last-sign-in timestamp kept by a trigger
    old = str(int((datetime.now(UTC) - timedelta(days=120)).timestamp()))
    recent = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    _users(cognito, pool_id, {"old": old, "recent": recent})
    args = [
        "users",
        "disable-inactive",
        "--days",
        "60",
        "--signal",
        "attribute:custom:tenant_id",
        "--pool-id",
        pool_id,
    ]
    dry = invoke(*args, "--dry-run", "-o", "json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert report["counts"] == {"would be disabled": 1}
    assert any("attribute custom:tenant_id" in note for note in report["notes"])
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="old")["Enabled"] is True
    applied = invoke(*args, "--yes", "-o", "json")
    assert json.loads(applied.stdout)["counts"] == {"disabled": 1}
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="old")["Enabled"] is False
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="recent")["Enabled"] is True


def test_unknown_signal_attribute(pool_id: str) -> None:
    result = invoke(
        "users",
        "disable-inactive",
        "--days",
        "30",
        "--signal",
        "attribute:custom:nope",
        "--pool-id",
        pool_id,
        "--dry-run",
    )
    assert result.exit_code == 2
    assert "no attribute 'custom:nope'" in result.output


def _pool_stamping_signed_in_at(cognito: Any) -> str:
    """A pool whose stack set ``functions.lastSignInAttribute: signed_in_at``."""
    return make_pool(
        cognito,
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "signed_in_at", "AttributeDataType": "String", "Mutable": True},
        ],
    )


def _stamped(cognito: Any, pool_id: str, stamps: dict[str, datetime]) -> None:
    for name, when in stamps.items():
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": f"{name}@example.com"},
                {"Name": "custom:signed_in_at", "Value": when.isoformat()},
            ],
        )


def test_the_platform_stamp_under_another_attribute_is_read_when_named(cognito: Any) -> None:
    pool_id = _pool_stamping_signed_in_at(cognito)
    now = datetime.now(UTC)
    _stamped(cognito, pool_id, {"old": now - timedelta(days=120), "recent": now - timedelta(2)})
    args = ["users", "disable-inactive", "--days", "60", "--pool-id", pool_id]
    named = [*args, "--last-sign-in-attribute", "custom:signed_in_at"]

    dry = invoke(*named, "--dry-run", "-o", "json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["counts"] == {"would be disabled": 1}
    applied = invoke(*named, "--yes", "-o", "json")
    assert applied.exit_code == 0, applied.output
    report = json.loads(applied.stdout)
    assert report["counts"] == {"disabled": 1}
    assert any(n.startswith("signal: custom:signed_in_at where") for n in report["notes"])
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="old")["Enabled"] is False
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="recent")["Enabled"] is True


def test_without_the_option_the_report_names_the_attribute_it_read(
    aws_env: str, cognito: Any
) -> None:
    pool_id = _pool_stamping_signed_in_at(cognito)
    _stamped(cognito, pool_id, {"old": datetime.now(UTC) - timedelta(days=120)})
    events_client = boto3.client("cognito-idp", region_name=REGION, endpoint_url=aws_env)
    stubber = Stubber(events_client)  # custom:last_sign_in is unset: the auth events are asked
    stubber.add_response(
        "admin_list_user_auth_events",
        {"AuthEvents": []},
        {"UserPoolId": pool_id, "Username": "old", "MaxResults": 60},
    )
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=aws_env, concurrency=1))
    with stubber:
        report = run_disable_inactive(
            clients,
            pool_id,
            InactiveOptions(days=60, dry_run=True),
            Console(quiet=True),
            events_client=events_client,
        )
    stubber.assert_no_pending_responses()
    assert report.tally.counts == {}  # created today, no sign-in found: not inactive
    assert any(
        note.startswith(
            "signal: custom:last_sign_in (the default; --last-sign-in-attribute names another)"
        )
        for note in report.notes
    ), report.notes


def test_last_sign_in_attribute_must_be_a_custom_attribute_of_the_pool(cognito: Any) -> None:
    pool_id = _pool_stamping_signed_in_at(cognito)
    for name in ("custom:last_login", "email"):
        result = invoke(
            "users", "disable-inactive", "--days", "30", "--pool-id", pool_id, "--dry-run",
            "--last-sign-in-attribute", name,
        )  # fmt: skip
        assert result.exit_code == 2, result.output
        assert (
            f"error: --last-sign-in-attribute {name!r}: not a custom attribute of pool {pool_id} "
            "(its custom attributes: custom:signed_in_at)"
        ) in result.output
    both = invoke(
        "users", "disable-inactive", "--days", "30", "--pool-id", pool_id, "--dry-run",
        "--signal", "attribute:custom:signed_in_at",
        "--last-sign-in-attribute", "custom:signed_in_at",
    )  # fmt: skip
    assert both.exit_code == 2
    assert "--signal attribute:custom:signed_in_at already names the attribute" in both.output

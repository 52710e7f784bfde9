"""The post confirmation / post authentication handler against a moto user pool.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-authentication.html
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from rich.console import Console

from functions import directory
from functions.directory import MalformedEventError
from functions.membership import handler
from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.jobs.inactive import InactiveOptions, parse_timestamp, run_disable_inactive
from tests.functions.conftest import Pool, identities
from tests.ops.conftest import REGION, attributes_of, group_members

FEDERATED = "contoso-saml_abc123"


def event(pool: Pool, source: str, username: str, attributes: dict[str, str]) -> dict[str, Any]:
    request: dict[str, Any] = {"userAttributes": {"sub": "0f1e2d3c", **attributes}}
    if source.startswith("PostAuthentication"):
        request["newDeviceUsed"] = False
    return {
        "version": "1",
        "triggerSource": source,
        "region": "eu-west-1",
        "userPoolId": pool.id,
        "userName": username,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": pool.tenant_client_id,
        },
        "request": request,
        "response": {},
    }


def federated_user(cognito: Any, pool: Pool) -> dict[str, str]:
    cognito.admin_create_user(
        UserPoolId=pool.id,
        Username=FEDERATED,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "ann@contoso.example"}],
    )
    return {"identities": identities("contoso-saml"), "cognito:user_status": "EXTERNAL_PROVIDER"}


def test_first_federated_sign_in_joins_the_tenant_group(cognito: Any, pool: Pool) -> None:
    attributes = federated_user(cognito, pool)
    sent = event(pool, "PostConfirmation_ConfirmSignUp", FEDERATED, attributes)
    assert handler(sent, None) is sent  # Cognito expects the event back
    assert group_members(cognito, pool.id, "tenant-contoso") == [FEDERATED]
    assert group_members(cognito, pool.id, "tenant-northwind") == []


def test_every_later_sign_in_keeps_membership_idempotently(cognito: Any, pool: Pool) -> None:
    attributes = federated_user(cognito, pool)
    handler(event(pool, "PostConfirmation_ConfirmSignUp", FEDERATED, attributes), None)
    handler(event(pool, "PostAuthentication_Authentication", FEDERATED, attributes), None)
    handler(event(pool, "PostAuthentication_Authentication", FEDERATED, attributes), None)
    assert group_members(cognito, pool.id, "tenant-contoso") == [FEDERATED]


def test_native_user_joins_the_group_of_their_admin_set_tenant(cognito: Any, pool: Pool) -> None:
    cognito.admin_create_user(
        UserPoolId=pool.id,
        Username="bob",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "custom:tenant_id", "Value": "northwind"}],
    )
    attributes = {"custom:tenant_id": "northwind", "cognito:user_status": "CONFIRMED"}
    handler(event(pool, "PostAuthentication_Authentication", "bob", attributes), None)
    assert group_members(cognito, pool.id, "tenant-northwind") == ["bob"]


def test_workforce_user_joins_no_tenant_group(cognito: Any, pool: Pool) -> None:
    cognito.admin_create_user(UserPoolId=pool.id, Username="corp_x", MessageAction="SUPPRESS")
    attributes = {"identities": identities("corporate-saml"), "custom:tenant_id": "contoso"}
    handler(event(pool, "PostConfirmation_ConfirmSignUp", "corp_x", attributes), None)
    assert group_members(cognito, pool.id, "tenant-contoso") == []


def test_sign_ins_are_stamped_when_the_stack_asks(
    cognito: Any, pool: Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(directory.LAST_SIGN_IN_VARIABLE, "custom:last_sign_in")
    attributes = federated_user(cognito, pool)
    handler(event(pool, "PostConfirmation_ConfirmSignUp", FEDERATED, attributes), None)
    stamped = parse_timestamp(attributes_of(cognito, pool.id, FEDERATED)["custom:last_sign_in"])
    assert stamped is not None
    assert datetime.now(UTC) - stamped < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("source", "attributes"),
    [
        pytest.param("PostConfirmation_ConfirmForgotPassword", {}, id="password reset"),
        pytest.param("PostConfirmation_ConfirmSignUp", {}, id="native sign-up confirmed"),
    ],
)
def test_confirmations_that_are_not_sign_ins_are_not_stamped(
    cognito: Any,
    pool: Pool,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    attributes: dict[str, str],
) -> None:
    monkeypatch.setenv(directory.LAST_SIGN_IN_VARIABLE, "custom:last_sign_in")
    cognito.admin_create_user(UserPoolId=pool.id, Username="carol", MessageAction="SUPPRESS")
    handler(event(pool, source, "carol", attributes), None)
    assert "custom:last_sign_in" not in attributes_of(cognito, pool.id, "carol")


def test_without_the_setting_nothing_is_stamped(cognito: Any, pool: Pool) -> None:
    attributes = federated_user(cognito, pool)
    handler(event(pool, "PostAuthentication_Authentication", FEDERATED, attributes), None)
    assert "custom:last_sign_in" not in attributes_of(cognito, pool.id, FEDERATED)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda e: e.update(triggerSource="PreSignUp_SignUp"),
            "triggerSource",
            id="wrong trigger",
        ),
        pytest.param(lambda e: e.pop("userName"), "userName", id="no user"),
        pytest.param(
            lambda e: e["request"].pop("userAttributes"), "userAttributes", id="no attributes"
        ),
        pytest.param(
            lambda e: e["request"]["userAttributes"].update(identities="{}"),
            "identities",
            id="identities not a list",
        ),
    ],
)
def test_malformed_events_fail_closed(pool: Pool, change: Any, message: str) -> None:
    malformed = event(pool, "PostAuthentication_Authentication", FEDERATED, {})
    change(malformed)
    with pytest.raises(MalformedEventError, match=message):
        handler(malformed, None)


def test_a_missing_directory_fails_loudly(
    pool: Pool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(directory.DIRECTORY_PATH_VARIABLE, str(tmp_path / "nowhere.json"))
    with pytest.raises(RuntimeError, match="no tenant directory at"):
        handler(event(pool, "PostAuthentication_Authentication", "x", {}), None)


def test_disable_inactive_reads_the_stamp_without_auth_events(
    aws_env: str, cognito: Any, pool: Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pool without threat protection has no auth events; the stamps are enough."""
    monkeypatch.setenv(directory.LAST_SIGN_IN_VARIABLE, "custom:last_sign_in")
    attributes = federated_user(cognito, pool)
    handler(event(pool, "PostAuthentication_Authentication", FEDERATED, attributes), None)
    cognito.admin_create_user(UserPoolId=pool.id, Username="idle", MessageAction="SUPPRESS")
    cognito.admin_update_user_attributes(
        UserPoolId=pool.id,
        Username="idle",
        UserAttributes=[{"Name": "custom:last_sign_in", "Value": "2020-01-01T00:00:00+00:00"}],
    )
    events = boto3.client("cognito-idp", region_name=REGION, endpoint_url=aws_env)
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=aws_env, concurrency=1))
    with Stubber(events) as stubber:  # no responses queued: any auth-events call fails the test
        report = run_disable_inactive(
            clients, pool.id, InactiveOptions(days=30), Console(quiet=True), events_client=events
        )
        stubber.assert_no_pending_responses()
    assert report.tally.counts == {"disabled": 1}
    assert cognito.admin_get_user(UserPoolId=pool.id, Username="idle")["Enabled"] is False
    assert cognito.admin_get_user(UserPoolId=pool.id, Username=FEDERATED)["Enabled"] is True


def _group_deleted(cognito: Any, pool: Pool) -> None:
    cognito.delete_group(UserPoolId=pool.id, GroupName="tenant-contoso")


def test_a_first_sign_in_that_cannot_join_the_group_fails(cognito: Any, pool: Pool) -> None:
    attributes = federated_user(cognito, pool)
    _group_deleted(cognito, pool)
    with pytest.raises(ClientError, match="ResourceNotFound"):
        handler(event(pool, "PostConfirmation_ConfirmSignUp", FEDERATED, attributes), None)


def test_a_later_sign_in_goes_on_when_the_group_call_fails(
    cognito: Any, pool: Pool, caplog: pytest.LogCaptureFixture
) -> None:
    attributes = federated_user(cognito, pool)
    _group_deleted(cognito, pool)
    sent = event(pool, "PostAuthentication_Authentication", FEDERATED, attributes)
    assert handler(sent, None) is sent
    assert f"could not add {FEDERATED} to tenant-contoso" in caplog.text

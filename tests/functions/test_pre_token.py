"""The pre token generation handler on V2_0 events shaped as AWS documents them.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from functions import directory
from functions.directory import MalformedEventError, SignInRefusedError
from functions.pre_token import handler
from tests.functions.conftest import TENANT_DIRECTORY, Pool, identities, write_directory

TENANT_ROLE = "arn:aws:iam::123456789012:role/ei-prod-contoso"
NORTHWIND_ROLE = "arn:aws:iam::123456789012:role/ei-prod-northwind"


def event(
    pool: Pool,
    client_id: str,
    attributes: dict[str, str],
    groups: list[str] | None = None,
    roles: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "version": "2",
        "triggerSource": "TokenGeneration_HostedAuth",
        "region": "eu-west-1",
        "userPoolId": pool.id,
        "userName": "someone",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "request": {
            "userAttributes": {"sub": "0f1e2d3c", "email": "a@example.com", **attributes},
            "groupConfiguration": {
                "groupsToOverride": groups or [],
                "iamRolesToOverride": roles or [],
                "preferredRole": roles[0] if roles else None,
            },
            "scopes": ["openid", "email", "profile"],
        },
        "response": {"claimsAndScopeOverrideDetails": None},
    }


def details(result: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = result["response"]["claimsAndScopeOverrideDetails"]
    return found


def test_native_tenant_user_gets_the_tenant_in_both_tokens(pool: Pool) -> None:
    result = handler(
        event(
            pool,
            pool.tenant_client_id,
            {"custom:tenant_id": "contoso", "cognito:user_status": "CONFIRMED"},
            ["tenant-contoso"],
            [TENANT_ROLE],
        ),
        None,
    )
    overrides = details(result)
    expected = {"claimsToAddOrOverride": {"custom:tenant_id": "contoso"}}
    assert overrides["idTokenGeneration"] == expected
    assert overrides["accessTokenGeneration"] == expected
    assert "groupOverrideDetails" not in overrides  # already only in their own tenant's group


def test_federated_tenant_comes_from_the_identity_provider_not_its_claim(pool: Pool) -> None:
    # contoso's IdP asserts northwind: the provider the user signed in through decides
    attributes = {
        "identities": identities("contoso-saml"),
        "cognito:user_status": "EXTERNAL_PROVIDER",
        "custom:tenant_id": "northwind",
    }
    overrides = details(handler(event(pool, pool.tenant_client_id, attributes), None))
    assert overrides["idTokenGeneration"]["claimsToAddOrOverride"] == {
        "custom:tenant_id": "contoso"
    }
    assert overrides["accessTokenGeneration"]["claimsToAddOrOverride"] == {
        "custom:tenant_id": "contoso"
    }
    # first sign-in: not yet a member, the token still carries the tenant's group
    assert overrides["groupOverrideDetails"] == {"groupsToOverride": ["tenant-contoso"]}


def test_workforce_idp_cannot_assert_a_tenant(pool: Pool) -> None:
    attributes = {
        "identities": identities("corporate-saml"),
        "cognito:user_status": "EXTERNAL_PROVIDER",
        "custom:tenant_id": "contoso",
    }
    overrides = details(handler(event(pool, pool.workforce_client_id, attributes), None))
    assert overrides["idTokenGeneration"] == {"claimsToSuppress": ["custom:tenant_id"]}
    assert overrides["accessTokenGeneration"] == {"claimsToSuppress": ["custom:tenant_id"]}


def test_workforce_user_without_tenant_signs_in_to_workforce_apps_unchanged(pool: Pool) -> None:
    overrides = details(
        handler(event(pool, pool.workforce_client_id, {}, ["admins"], [TENANT_ROLE]), None)
    )
    assert overrides == {"idTokenGeneration": {}, "accessTokenGeneration": {}}


def test_other_tenants_groups_leave_the_token(pool: Pool) -> None:
    result = handler(
        event(
            pool,
            pool.workforce_client_id,
            {"custom:tenant_id": "contoso"},
            ["tenant-northwind", "staff", "tenant-contoso"],
            [NORTHWIND_ROLE, TENANT_ROLE],
        ),
        None,
    )
    assert details(result)["groupOverrideDetails"] == {
        "groupsToOverride": ["staff", "tenant-contoso"],
        "iamRolesToOverride": [NORTHWIND_ROLE, TENANT_ROLE],
        "preferredRole": NORTHWIND_ROLE,
    }


@pytest.mark.parametrize(
    "attributes",
    [
        pytest.param({}, id="workforce user"),
        pytest.param({"custom:tenant_id": "northwind"}, id="another tenant's user"),
        pytest.param({"custom:tenant_id": "unknown"}, id="unknown tenant id"),
        pytest.param(
            {"identities": identities("corporate-saml"), "custom:tenant_id": "contoso"},
            id="workforce IdP asserting the tenant",
        ),
    ],
)
def test_sign_in_to_a_tenant_app_without_that_tenant_is_refused(
    pool: Pool, attributes: dict[str, str]
) -> None:
    with pytest.raises(SignInRefusedError, match="belongs to tenant contoso"):
        handler(event(pool, pool.tenant_client_id, attributes), None)


def test_identities_of_two_tenants_are_refused(
    pool: Pool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tenants = {**TENANT_DIRECTORY, "providers": {"contoso-saml": "contoso", "nw-oidc": "northwind"}}
    monkeypatch.setenv(directory.DIRECTORY_PATH_VARIABLE, str(write_directory(tmp_path, tenants)))
    linked = json.loads(identities("contoso-saml")) + json.loads(identities("nw-oidc"))
    with pytest.raises(SignInRefusedError, match="different tenants"):
        handler(event(pool, pool.workforce_client_id, {"identities": json.dumps(linked)}), None)


def test_a_client_created_after_the_cache_is_found(pool: Pool, cognito: Any) -> None:
    handler(event(pool, pool.workforce_client_id, {}), None)  # caches the client names
    later = cognito.create_user_pool_client(UserPoolId=pool.id, ClientName="tenant-contoso")
    with pytest.raises(SignInRefusedError):
        handler(event(pool, later["UserPoolClient"]["ClientId"], {}), None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda e: e.update(version="1"), "V2_0", id="V1_0 event"),
        pytest.param(
            lambda e: e["request"].pop("userAttributes"), "userAttributes", id="no attributes"
        ),
        pytest.param(lambda e: e.pop("request"), "request", id="no request"),
        pytest.param(
            lambda e: e["request"]["userAttributes"].update(identities="not json"),
            "identities",
            id="identities not JSON",
        ),
        pytest.param(
            lambda e: e["request"]["userAttributes"].update(identities="[]"),
            "identities",
            id="identities empty",
        ),
        pytest.param(lambda e: e.pop("callerContext"), "callerContext", id="no client"),
    ],
)
def test_malformed_events_fail_closed(pool: Pool, change: Any, message: str) -> None:
    malformed = copy.deepcopy(event(pool, pool.tenant_client_id, {"custom:tenant_id": "contoso"}))
    change(malformed)
    with pytest.raises(MalformedEventError, match=message):
        handler(malformed, None)

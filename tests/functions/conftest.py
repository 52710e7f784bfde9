"""Fixtures for the Lambda handler tests: the ops suite's moto server, a tenant directory.

boto3 calls made by the handlers go to the same moto server the identity-ops tests use
(``tests/ops/conftest.py``); each test starts from an empty emulator and fresh handler caches.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from functions import app_clients, aws, directory
from tests.ops.conftest import aws_env, cognito, make_pool, moto_server

__all__ = ["aws_env", "cognito", "moto_server"]

TENANT_DIRECTORY = {
    "groups": {"contoso": "tenant-contoso", "northwind": "tenant-northwind"},
    "providers": {"contoso-saml": "contoso"},
    "clients": {"tenant-contoso": "contoso"},
}


@dataclass(frozen=True)
class Pool:
    """A moto pool shaped like the prod stack's: tenant groups, a tenant client and a workforce one."""

    id: str
    tenant_client_id: str
    workforce_client_id: str


def write_directory(folder: Path, document: dict[str, Any]) -> Path:
    """A tenant directory file, as the stack packages it beside the functions' code."""
    path = folder / directory.DIRECTORY_FILE_NAME
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def fresh_handlers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The deployed environment of both functions; caches dropped before and after each test."""
    monkeypatch.setenv(
        directory.DIRECTORY_PATH_VARIABLE, str(write_directory(tmp_path, TENANT_DIRECTORY))
    )
    monkeypatch.delenv(directory.LAST_SIGN_IN_VARIABLE, raising=False)
    _forget()
    yield
    _forget()


def _forget() -> None:
    directory.load_directory.cache_clear()
    aws.cognito.cache_clear()
    app_clients.forget()


@pytest.fixture
def pool(cognito: Any) -> Pool:
    pool_id = make_pool(
        cognito,
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False},
            {"Name": "last_sign_in", "AttributeDataType": "String", "Mutable": True},
        ],
    )
    for group in TENANT_DIRECTORY["groups"].values():
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    tenant = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="tenant-contoso")
    portal = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="portal")
    return Pool(
        pool_id,
        tenant["UserPoolClient"]["ClientId"],
        portal["UserPoolClient"]["ClientId"],
    )


def identities(provider: str, user_id: str = "abc123") -> str:
    """The ``identities`` attribute as Cognito writes it for a federated user."""
    return json.dumps(
        [
            {
                "userId": user_id,
                "providerName": provider,
                "providerType": "SAML",
                "issuer": None,
                "primary": "true",
                "dateCreated": "1700000000000",
            }
        ]
    )

"""Which tenant a user belongs to, from the tenant directory the stack config deploys.

The directory is a JSON file packaged with the functions' code (``tenant_directory.json``, next
to this module in the stack's one archive): tenant id -> tenant group, tenant identity provider ->
tenant id, tenant app client name -> tenant id. In the archive it has no size limit worth the name
(Lambda caps environment variables at 4 KB, about 90 tenants; a deployment package at 50 MB).
https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html A federated user's tenant is the tenant whose identity provider they signed in
through (the ``identities`` attribute Cognito keeps for every federated user); whatever the IdP
asserts about ``custom:tenant_id`` is never believed. A native user's tenant is their immutable,
admin-set ``custom:tenant_id``.
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

TENANT_CLAIM = "custom:tenant_id"
DIRECTORY_FILE_NAME = "tenant_directory.json"
# Where to read the directory from instead of the packaged file (tests, local runs).
DIRECTORY_PATH_VARIABLE = "TENANT_DIRECTORY_FILE"
LAST_SIGN_IN_VARIABLE = "LAST_SIGN_IN_ATTRIBUTE"


class MalformedEventError(ValueError):
    """The event is not shaped as AWS documents it; the function fails closed."""


class SignInRefusedError(RuntimeError):
    """Raised from a trigger: Cognito fails the sign-in (``UserLambdaValidationException``).
    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
    """


@dataclass(frozen=True)
class TenantDirectory:
    groups: Mapping[str, str] = field(default_factory=dict)
    """Tenant id -> the tenant's user pool group."""
    providers: Mapping[str, str] = field(default_factory=dict)
    """Tenant identity provider name -> tenant id."""
    clients: Mapping[str, str] = field(default_factory=dict)
    """Tenant app client name -> tenant id."""

    @classmethod
    def from_json(cls, text: str) -> TenantDirectory:
        try:
            document = json.loads(text)
            return cls(
                groups=_str_map(document["groups"]),
                providers=_str_map(document["providers"]),
                clients=_str_map(document["clients"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise RuntimeError(
                f"{DIRECTORY_FILE_NAME} is not a tenant directory: {error}"
            ) from None

    def tenant_of(self, attributes: Mapping[str, str]) -> str | None:
        """The user's tenant, or None for a workforce user; refuses a user claimed by two tenants."""
        providers = federated_providers(attributes)
        if providers:
            tenants = {self.providers[name] for name in providers if name in self.providers}
            if len(tenants) > 1:
                raise SignInRefusedError(
                    "the user's linked identity providers belong to different tenants"
                )
            return next(iter(tenants), None)
        claimed = attributes.get(TENANT_CLAIM)
        return claimed if claimed in self.groups else None

    def other_tenant_groups(self, tenant: str | None) -> frozenset[str]:
        return frozenset(group for owner, group in self.groups.items() if owner != tenant)


def federated_providers(attributes: Mapping[str, str]) -> tuple[str, ...]:
    """Provider names from the ``identities`` attribute (a JSON list of ``providerName``,
    ``providerType``, ``userId``, ``primary``, ``dateCreated`` that Cognito keeps for a federated
    user and no IdP or client can write); () for a native user.
    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
    """
    text = attributes.get("identities")
    if not text:
        return ()
    try:
        identities = json.loads(text)
        names = tuple(str(identity["providerName"]) for identity in identities)
    except (ValueError, KeyError, TypeError):
        raise MalformedEventError("userAttributes.identities is not a list of identities") from None
    if not names:
        raise MalformedEventError("userAttributes.identities is empty")
    return names


def mapping_at(event: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    """``event[path...]`` as a mapping, or MalformedEventError naming the path."""
    node: Mapping[str, Any] = event
    for key in path:
        child = node.get(key)
        if not isinstance(child, Mapping):
            raise MalformedEventError(f"event.{'.'.join(path)} is missing or not an object")
        node = child
    return node


def string_at(event: Mapping[str, Any], *path: str) -> str:
    parent = mapping_at(event, *path[:-1]) if len(path) > 1 else event
    value = parent.get(path[-1])
    if not isinstance(value, str) or not value:
        raise MalformedEventError(f"event.{'.'.join(path)} is missing or not a string")
    return value


def user_attributes(event: Mapping[str, Any]) -> dict[str, str]:
    attributes = mapping_at(event, "request", "userAttributes")
    if not all(isinstance(value, str) for value in attributes.values()):
        raise MalformedEventError("event.request.userAttributes has a value that is not a string")
    return dict(attributes)


@cache
def load_directory() -> TenantDirectory:
    """The deployed directory, read once per Lambda execution environment."""
    path = Path(
        os.environ.get(DIRECTORY_PATH_VARIABLE) or Path(__file__).with_name(DIRECTORY_FILE_NAME)
    )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RuntimeError(f"no tenant directory at {path}: {error.strerror}") from None
    return TenantDirectory.from_json(text)


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError("expected an object of strings")
    return dict(value)

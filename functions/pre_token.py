"""Pre token generation trigger (event version ``V2_0``): the tenant into the ID and access tokens.

For every user with a tenant, both tokens carry ``custom:tenant_id`` (the identity pool turns it
into the ``tenant_id`` principal tag the tenant roles check) and ``cognito:groups`` keeps no
other tenant's group. A user without a tenant gets no tenant claim, even if an identity provider
sent one. A sign-in to a tenant's own app client by anyone who is not that tenant's user is
refused: the function raises, and Cognito fails the sign-in.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from functions.app_clients import client_name
from functions.directory import (
    TENANT_CLAIM,
    MalformedEventError,
    SignInRefusedError,
    TenantDirectory,
    load_directory,
    mapping_at,
    string_at,
    user_attributes,
)


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:  # noqa: ARG001 - Lambda's signature
    """Fill ``response.claimsAndScopeOverrideDetails`` and hand the event back to Cognito."""
    if str(event.get("version")) != "2":
        raise MalformedEventError("expected a V2_0 pre token generation event (version 2)")
    directory = load_directory()
    attributes = user_attributes(event)
    tenant = directory.tenant_of(attributes)
    _refuse_foreign_sign_in(event, directory, tenant)
    details = overrides(event, attributes, directory, tenant)
    event["response"] = {"claimsAndScopeOverrideDetails": details}
    return event


def overrides(
    event: Mapping[str, Any],
    attributes: Mapping[str, str],
    directory: TenantDirectory,
    tenant: str | None,
) -> dict[str, Any]:
    """The V2_0 response: the same tenant claim in both tokens, tenant-scoped groups."""
    claims: dict[str, Any] = {}
    if tenant is not None:
        claims["claimsToAddOrOverride"] = {TENANT_CLAIM: tenant}
    elif TENANT_CLAIM in attributes:
        claims["claimsToSuppress"] = [TENANT_CLAIM]
    details: dict[str, Any] = {
        "idTokenGeneration": dict(claims),
        "accessTokenGeneration": dict(claims),
    }
    groups = _scoped_groups(event, directory, tenant)
    if groups is not None:
        details["groupOverrideDetails"] = groups
    return details


def _scoped_groups(
    event: Mapping[str, Any], directory: TenantDirectory, tenant: str | None
) -> dict[str, Any] | None:
    """The user's groups without other tenants' groups and with their own; None if unchanged.

    Roles are passed through as Cognito sent them: a tenant role refuses every session whose
    ``tenant_id`` tag is another tenant's, so a stray role grants nothing.
    """
    configuration = event["request"].get("groupConfiguration") or {}
    if not isinstance(configuration, Mapping):
        raise MalformedEventError("event.request.groupConfiguration is not an object")
    current = list(configuration.get("groupsToOverride") or [])
    foreign = directory.other_tenant_groups(tenant)
    groups = [group for group in current if group not in foreign]
    own = directory.groups.get(tenant) if tenant is not None else None
    if own is not None and own not in groups:
        groups.append(own)
    if groups == current:
        return None
    scoped: dict[str, Any] = {"groupsToOverride": groups}
    if configuration.get("iamRolesToOverride"):
        scoped["iamRolesToOverride"] = list(configuration["iamRolesToOverride"])
    if configuration.get("preferredRole"):
        scoped["preferredRole"] = configuration["preferredRole"]
    return scoped


def _refuse_foreign_sign_in(
    event: Mapping[str, Any], directory: TenantDirectory, tenant: str | None
) -> None:
    if not directory.clients:
        return
    pool_id = string_at(event, "userPoolId")
    client_id = string_at(mapping_at(event, "callerContext"), "clientId")
    name = client_name(pool_id, client_id)
    client_tenant = directory.clients.get(name) if name is not None else None
    if client_tenant is None:
        return
    if tenant is None:
        raise SignInRefusedError(
            f"this app belongs to tenant {client_tenant}; the user has no tenant"
        )
    if tenant != client_tenant:
        raise SignInRefusedError(
            f"this app belongs to tenant {client_tenant}, not the user's tenant"
        )

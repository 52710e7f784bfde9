"""Resources keep their identity: logical names come from stable keys (identifiers, names, ARNs),
never list positions, renamed resources carry aliases to their old names, and in prod every
identity-bearing resource is protected from deletion and replacement."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.infra.harness import ProgramRun, run_program, stack_document, to_raw

STACKS = ("dev", "prod", "local")
P = "enterprise-identity:"
RESOURCE_SERVER = "aws:cognito/resourceServer:ResourceServer"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
# What a deleted or replaced resource would take with it: users and their sign-in, app client
# ids and secrets, federation links, token scopes, group memberships, the AWS roles tokens name.
IDENTITY_BEARING = (
    "aws:cognito/userPool:UserPool",
    "aws:cognito/userPoolDomain:UserPoolDomain",
    "aws:cognito/userGroup:UserGroup",
    "aws:cognito/userPoolClient:UserPoolClient",
    "aws:cognito/identityProvider:IdentityProvider",
    RESOURCE_SERVER,
    "aws:cognito/identityPool:IdentityPool",
    "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
)
ROLE = "aws:iam/role:Role"
TENANTS = "enterprise-identity:cognito:Tenants"
Variant = Callable[[str, Callable[[dict[str, Any]], None]], ProgramRun]


def reversed_lists(value: Any) -> Any:
    """Every list in the stack file reversed, at every depth."""
    if isinstance(value, dict):
        return {key: reversed_lists(item) for key, item in value.items()}
    if isinstance(value, list):
        return [reversed_lists(item) for item in reversed(value)]
    return value


def run_document(stack: str, document: dict[str, Any]) -> ProgramRun:
    raw, secret_keys = to_raw(document)
    return run_program(stack, raw, secret_keys)


def with_two_of_everything(document: dict[str, Any]) -> None:
    """A second resource server and a second managed policy on every role, so that reversing the
    lists really moves something."""
    servers = document[P + "resourceServers"]
    servers.append({"identifier": "https://audit.example.com", "name": "audit-api"})
    for group in document[P + "groups"]:
        if "role" in group:
            group["role"]["managedPolicyArns"].append("arn:aws:iam::aws:policy/AWSDenyAll")


def canonical(value: Any) -> str:
    """A resource's inputs with every list sorted: equal when only the order of lists changed."""
    if isinstance(value, dict):
        return json.dumps({key: canonical(item) for key, item in value.items()}, sort_keys=True)
    if isinstance(value, list):
        return json.dumps(sorted(canonical(item) for item in value))
    return json.dumps(value)


def resources_by_urn(run: ProgramRun) -> dict[str, str]:
    return {r.urn: canonical(r.inputs) for r in run.resources}


@pytest.mark.parametrize("stack", STACKS)
def test_reversing_every_list_in_the_stack_file_keeps_every_urn(stack: str) -> None:
    """Same URNs, each still naming the same resource (not, say, `-api-0` now naming the other
    server, which Pulumi would turn into two in-place rewrites or two replacements)."""
    document = stack_document(stack)
    with_two_of_everything(document)
    original = run_document(stack, document)
    assert len(original.of_type(RESOURCE_SERVER)) == 2
    assert resources_by_urn(run_document(stack, reversed_lists(document))) == resources_by_urn(
        original
    )


def test_a_new_first_resource_server_leaves_the_existing_one_alone(
    stack_runs: dict[str, ProgramRun], run_variant: Variant
) -> None:
    """The reported case: `https://api.example.com` moved from index 0 to 1 and got a new URN."""

    def insert_first(document: dict[str, Any]) -> None:
        document[P + "resourceServers"].insert(
            0, {"identifier": "https://audit.example.com", "name": "audit-api"}
        )

    def server_urns(run: ProgramRun) -> dict[str, str]:
        return {r.inputs["identifier"]: r.urn for r in run.of_type(RESOURCE_SERVER)}

    before = server_urns(stack_runs["prod"])
    after = server_urns(run_variant("prod", insert_first))
    assert after["https://api.example.com"] == before["https://api.example.com"]


def test_renamed_resources_alias_their_positional_names(stack_runs: dict[str, ProgramRun]) -> None:
    """Stacks deployed before the rename keep their resources: Pulumi follows the alias from the
    old positional name (`-api-0`, `-policy-0`) instead of replacing."""
    run = stack_runs["prod"]
    (server,) = run.of_type(RESOURCE_SERVER)
    assert server.aliases == (server.urn.rsplit("::", 1)[0] + "::ei-prod-api-0",)
    attachments = {r.name: r for r in run.of_type(ATTACHMENT)}
    admins = attachments["ei-prod-admins-role-policy-aws-ReadOnlyAccess"]
    assert admins.aliases == (admins.urn.rsplit("::", 1)[0] + "::ei-prod-admins-role-policy-0",)


def test_prod_protects_every_role_the_identity_pool_hands_out(
    stack_runs: dict[str, ProgramRun],
) -> None:
    """Tokens and role mappings name these roles by ARN; a replaced role breaks them."""
    roles = [
        r
        for r in stack_runs["prod"].of_type(ROLE)
        if "cognito-identity.amazonaws.com" in r.inputs["assumeRolePolicy"]
    ]
    assert len(roles) == 5  # authenticated, admins, auditors, two tenants
    assert [r.name for r in roles if not r.protect] == []


@pytest.fixture(scope="module")
def unprotected_prod() -> ProgramRun:
    """prod with `deployment.protect: false`, the one switch for all of it."""
    document = stack_document("prod")
    document[P + "deployment"]["protect"] = False
    return run_document("prod", document)


@pytest.mark.parametrize("type_token", IDENTITY_BEARING)
def test_prod_protects_every_identity_bearing_resource(
    stack_runs: dict[str, ProgramRun], unprotected_prod: ProgramRun, type_token: str
) -> None:
    resources = stack_runs["prod"].of_type(type_token)
    assert resources, f"prod registers no {type_token}"
    assert [r.name for r in resources if not r.protect] == []
    assert [r.name for r in unprotected_prod.of_type(type_token) if r.protect] == []


def test_prod_protects_every_tenant_resource(stack_runs: dict[str, ProgramRun]) -> None:
    run = stack_runs["prod"]
    tenant_children = [r for r in run.resources if r.parent.endswith(TENANTS)]
    assert {r.type for r in tenant_children} == {
        "aws:cognito/userGroup:UserGroup",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
    }
    assert [r.name for r in tenant_children if not r.protect] == []


def test_prod_protects_the_custom_domains_certificate(run_variant: Variant) -> None:
    def custom_domain(document: dict[str, Any]) -> None:
        document[P + "domain"] = {"customDomain": {"domainName": "auth.example.com"}}

    run = run_variant("prod", custom_domain)
    certificate = run.one("aws:acm/certificate:Certificate")
    assert certificate.protect
    assert run.one("aws:cognito/userPoolDomain:UserPoolDomain").protect

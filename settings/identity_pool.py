"""The identity pool: AWS credentials for signed-in users, with pinned role trust and role mappings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Literal

from pydantic import Field

from settings.app_clients import AppClientSettings
from settings.base import IamPolicyArn, IamRoleArn, IdentityPoolName, SettingsModel, problem
from settings.errors import ConfigProblem


class RoleSettings(SettingsModel):
    """Permissions of a role the identity pool hands out (none by default)."""

    managed_policy_arns: tuple[IamPolicyArn, ...] = ()


class MappingRule(SettingsModel):
    """Rules-based mapping: ``claim`` ``matchType`` ``value`` -> the role of ``group`` or ``roleArn``."""

    claim: Annotated[str, Field(min_length=1, max_length=64)]
    match_type: Literal["Equals", "Contains", "StartsWith", "NotEqual"] = "Equals"
    value: Annotated[str, Field(min_length=1, max_length=128)]
    group: str | None = None
    role_arn: IamRoleArn | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if (self.group is None) == (self.role_arn is None):
            yield problem("group", self.group, "set exactly one of group and roleArn")


class RoleMappingSettings(SettingsModel):
    """How the pool picks a role for users of one app client."""

    client: str
    type: Literal["Token", "Rules"] = "Token"
    ambiguous_role_resolution: Literal["Deny", "AuthenticatedRole"] = "Deny"
    rules: Annotated[tuple[MappingRule, ...], Field(max_length=25)] = ()

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.type == "Rules" and not self.rules:
            yield problem("rules", [], "are required when type is Rules (at most 25)")
        if self.type == "Token" and self.rules:
            yield problem("rules", len(self.rules), "are only used when type is Rules")


class PrincipalTags(SettingsModel):
    """Session tags for attribute-based access control: tag name -> token claim."""

    tags: dict[str, str] = Field(default_factory=dict)
    use_defaults: bool = False


class IdentityPoolSettings(SettingsModel):
    enabled: bool = True
    name: IdentityPoolName
    allow_guest_access: bool = False
    clients: tuple[str, ...] | None = None
    server_side_token_check: bool = True
    authenticated_role: RoleSettings = RoleSettings()
    guest_role: RoleSettings | None = None
    role_mappings: tuple[RoleMappingSettings, ...] = ()
    principal_tags: PrincipalTags = PrincipalTags()

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.guest_role is not None and not self.allow_guest_access:
            yield problem(
                "guestRole",
                None,
                "is only used when allowGuestAccess is true (guest access is off)",
            )
        seen: set[str] = set()
        for index, mapping in enumerate(self.role_mappings):
            if mapping.client in seen:
                yield problem(
                    ("roleMappings", index, "client"),
                    mapping.client,
                    "has a second role mapping; one per client",
                )
            seen.add(mapping.client)


# Principal tags are set from claims of the token the user presents to the identity pool (the
# user pool ID token), and that token carries only the attributes its app client may read (an
# unset ReadAttributes reads all; a list reads only what it names).
# https://docs.aws.amazon.com/cognito/latest/developerguide/attributes-for-access-control.html
# https://docs.aws.amazon.com/cognito/latest/developerguide/using-afac-with-cognito-identity-pools.html
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
def with_read_attributes(client: AppClientSettings, claims: Iterable[str]) -> AppClientSettings:
    """The client with ``claims`` added to its read attributes (unchanged if it has them)."""
    needed = set(client.read_attributes) | set(claims)
    if needed == set(client.read_attributes):
        return client
    return client.model_copy(update={"read_attributes": tuple(sorted(needed))})


def principal_claim_problems(
    client: AppClientSettings, claims: Iterable[str]
) -> Iterator[ConfigProblem]:
    """An explicit ``readAttributes`` list of an identity-pool client must name every attribute a
    principal tag is mapped from."""
    if "read_attributes" not in client.model_fields_set:
        return
    for claim in sorted(set(claims) - set(client.read_attributes)):
        yield problem(
            "readAttributes",
            claim,
            f"is missing from app client {client.name}'s readAttributes, but the identity pool maps "
            f"a principal tag from it: its ID tokens would lack the claim, the session the tag and "
            f"every policy that checks the tag would deny; add it or remove readAttributes",
        )

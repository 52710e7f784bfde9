"""The identity pool's single role attachment: default roles plus one mapping per client.

Clients without an explicit mapping get a Token mapping: the role of the user's group (a
tenant's group included) from ``cognito:preferred_role``. Ambiguity resolves to ``Deny``
unless the stack spells out ``AuthenticatedRole``. AWS allows 10 mappings per identity pool,
which the settings enforce.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from settings.identity_pool import RoleMappingSettings


@dataclass(frozen=True)
class RoleMappingsArgs:
    identity_pool_id: pulumi.Input[str]
    user_pool_provider_name: pulumi.Input[str]
    authenticated_role_arn: pulumi.Input[str]
    guest_role_arn: pulumi.Input[str | None]
    client_ids: Mapping[str, pulumi.Input[str]]
    """The identity pool's clients, by name."""
    mappings: tuple[RoleMappingSettings, ...] = ()
    group_role_arns: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    allow_guest_access: bool = False
    protect: bool = True
    """Deleting the attachment leaves the identity pool without roles: nobody gets credentials."""


def _configured(mapping: RoleMappingSettings, args: RoleMappingsArgs) -> dict[str, Any]:
    return {
        "type": mapping.type,
        "ambiguous_role_resolution": mapping.ambiguous_role_resolution,
        "mapping_rules": [
            {
                "claim": rule.claim,
                "match_type": rule.match_type,
                "value": rule.value,
                "role_arn": args.group_role_arns[rule.group] if rule.group else rule.role_arn,
            }
            for rule in mapping.rules
        ]
        or None,
    }


DEFAULT_MAPPING: dict[str, Any] = {"type": "Token", "ambiguous_role_resolution": "Deny"}


class RoleMappings(pulumi.ComponentResource):
    attachment: aws.cognito.IdentityPoolRoleAttachment
    mapped_clients: list[str]

    def __init__(
        self, name: str, args: RoleMappingsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("RoleMappings"), name, None, opts)
        configured = {mapping.client: mapping for mapping in args.mappings}
        mappings = [
            {
                "identity_provider": pulumi.Output.concat(
                    args.user_pool_provider_name, ":", client_id
                ),
                **(
                    _configured(configured[client], args)
                    if client in configured
                    else DEFAULT_MAPPING
                ),
            }
            for client, client_id in args.client_ids.items()
        ]
        roles: dict[str, pulumi.Input[str]] = {"authenticated": args.authenticated_role_arn}
        if args.allow_guest_access:
            roles["unauthenticated"] = pulumi.Output.from_input(args.guest_role_arn).apply(
                lambda arn: arn or ""
            )
        self.attachment = aws.cognito.IdentityPoolRoleAttachment(
            f"{name}-attachment",
            identity_pool_id=args.identity_pool_id,
            roles=roles,
            role_mappings=mappings,
            opts=child(self, protect=args.protect),
        )
        self.mapped_clients = list(args.client_ids)
        self.register_outputs({"mappedClients": self.mapped_clients})

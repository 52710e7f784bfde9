"""The identity pool: classic flow off, guests off unless asked for, server-side token checks,
roles whose trust is pinned to this pool and to the amr, and principal tags for ABAC."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from components.iam import identity_pool_role
from settings.identity_pool import IdentityPoolSettings


@dataclass(frozen=True)
class IdentityPoolArgs:
    settings: IdentityPoolSettings
    user_pool_provider_name: pulumi.Input[str]
    client_ids: Mapping[str, pulumi.Input[str]]
    """Only the clients whose users may get AWS credentials."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = True
    required_principal_tags: Mapping[str, str] = field(default_factory=dict)
    """Principal tags other components rely on (tenants: ``tenant_id`` from ``custom:tenant_id``)."""


class IdentityPool(pulumi.ComponentResource):
    pool: aws.cognito.IdentityPool
    identity_pool_id: pulumi.Output[str]
    authenticated_role_arn: pulumi.Output[str]
    guest_role_arn: pulumi.Output[str | None]
    """None unless ``allowGuestAccess`` is true."""

    def __init__(
        self, name: str, args: IdentityPoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("IdentityPool"), name, None, opts)
        settings = args.settings
        self.pool = aws.cognito.IdentityPool(
            f"{name}-pool",
            identity_pool_name=settings.name,
            allow_unauthenticated_identities=settings.allow_guest_access,
            allow_classic_flow=False,
            cognito_identity_providers=[
                {
                    "client_id": client_id,
                    "provider_name": args.user_pool_provider_name,
                    "server_side_token_check": settings.server_side_token_check,
                }
                for client_id in args.client_ids.values()
            ],
            tags=dict(args.tags),
            opts=child(self, protect=args.protect),
        )
        self.identity_pool_id = self.pool.id
        authenticated = identity_pool_role(
            f"{name}-authenticated",
            identity_pool_id=self.pool.id,
            amr="authenticated",
            description="Default role of signed-in identity-pool users",
            managed_policy_arns=settings.authenticated_role.managed_policy_arns,
            tags=args.tags,
            parent=self,
            protect=args.protect,
        )
        self.authenticated_role_arn = authenticated.arn
        self.guest_role_arn = pulumi.Output.from_input(None)
        if settings.allow_guest_access:
            guest_settings = settings.guest_role
            guest = identity_pool_role(
                f"{name}-guest",
                identity_pool_id=self.pool.id,
                amr="unauthenticated",
                description="Role of guest (unauthenticated) identity-pool users",
                managed_policy_arns=guest_settings.managed_policy_arns if guest_settings else (),
                tags=args.tags,
                parent=self,
                protect=args.protect,
            )
            self.guest_role_arn = guest.arn
        principal_tags = {**settings.principal_tags.tags, **args.required_principal_tags}
        if principal_tags or settings.principal_tags.use_defaults:
            aws.cognito.IdentityPoolProviderPrincipalTag(
                f"{name}-principal-tags",
                identity_pool_id=self.pool.id,
                identity_provider_name=args.user_pool_provider_name,
                principal_tags=principal_tags or None,
                use_defaults=settings.principal_tags.use_defaults,
                opts=child(self),
            )
        self.register_outputs(
            {
                "identityPoolId": self.identity_pool_id,
                "authenticatedRoleArn": self.authenticated_role_arn,
                "guestRoleArn": self.guest_role_arn,
            }
        )

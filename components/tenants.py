"""SaaS tenants: per tenant an IAM role (trust pinned to the identity pool) that denies every
session of another tenant, and a group carrying that role.

Tenant isolation rests on the immutable, admin-only ``custom:tenant_id``: the identity pool
turns it into the ``tenant_id`` principal tag, and the tenant role refuses any session whose tag
is not its tenant, even if a user lands in the wrong group. Tenants' SSO providers and clients
are built with the pool's own (``IdentityProviders``, ``AppClients``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from components.iam import identity_pool_role
from settings.tenants import TENANT_TAG, TenantSettings


def tenant_guard_policy(tenant_id: str) -> str:
    """Deny everything to sessions whose ``tenant_id`` principal tag is not this tenant."""
    statement = {
        "Sid": "DenyOtherTenants",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {f"aws:PrincipalTag/{TENANT_TAG}": tenant_id}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


@dataclass(frozen=True)
class TenantsArgs:
    tenants: tuple[TenantSettings, ...]
    user_pool_id: pulumi.Input[str]
    identity_pool_id: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = True
    """A tenant's role and group are identities its users hold; replacing them breaks sessions."""


class Tenants(pulumi.ComponentResource):
    """Linear in the number of tenants: three resources each (plus policy attachments)."""

    role_arns: dict[str, pulumi.Output[str]]
    groups: dict[str, aws.cognito.UserGroup]

    def __init__(
        self, name: str, args: TenantsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("Tenants"), name, None, opts)
        self.role_arns = {}
        self.groups = {}
        for tenant in args.tenants:
            role = identity_pool_role(
                f"{name}-{tenant.id}",
                identity_pool_id=args.identity_pool_id,
                amr="authenticated",
                description=f"Role of tenant {tenant.id}",
                managed_policy_arns=tenant.managed_policy_arns,
                tags={**args.tags, "tenant": tenant.id},
                parent=self,
                protect=args.protect,
            )
            aws.iam.RolePolicy(
                f"{name}-{tenant.id}-guard",
                role=role.id,
                policy=tenant_guard_policy(tenant.id),
                opts=child(self, protect=args.protect),
            )
            self.role_arns[tenant.id] = role.arn
            self.groups[tenant.id] = aws.cognito.UserGroup(
                f"{name}-{tenant.id}-group",
                user_pool_id=args.user_pool_id,
                name=tenant.group_name,
                description=tenant.display_name or f"Tenant {tenant.id}",
                precedence=tenant.precedence,
                role_arn=role.arn,
                opts=child(self, protect=args.protect),
            )
        self.register_outputs({"tenantRoleArns": self.role_arns})

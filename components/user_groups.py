"""User pool groups, each optionally with an IAM role trusted only by this stack's identity pool."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from components.iam import identity_pool_role
from settings.access import GroupSettings


@dataclass(frozen=True)
class UserGroupsArgs:
    groups: tuple[GroupSettings, ...]
    user_pool_id: pulumi.Input[str]
    identity_pool_id: pulumi.Input[str] | None
    """Needed for groups that ask for a role; None when the stack has no identity pool."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = True
    """Deleting a group drops its memberships; replacing its role changes the ARN tokens carry."""


class UserGroups(pulumi.ComponentResource):
    groups: dict[str, aws.cognito.UserGroup]
    role_arns: dict[str, pulumi.Output[str]]
    """Group name -> role ARN, for the groups that have a role."""

    def __init__(
        self, name: str, args: UserGroupsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("UserGroups"), name, None, opts)
        self.groups = {}
        self.role_arns = {}
        for group in args.groups:
            role_arn: pulumi.Input[str] | None = group.role_arn
            if group.role is not None and args.identity_pool_id is not None:
                role = identity_pool_role(
                    f"{name}-{group.name}-role",
                    identity_pool_id=args.identity_pool_id,
                    amr="authenticated",
                    description=f"Role of the {group.name} group",
                    managed_policy_arns=group.role.managed_policy_arns,
                    tags=args.tags,
                    parent=self,
                    protect=args.protect,
                )
                role_arn = role.arn
            if role_arn is not None:
                self.role_arns[group.name] = pulumi.Output.from_input(role_arn)
            self.groups[group.name] = aws.cognito.UserGroup(
                f"{name}-{group.name}",
                user_pool_id=args.user_pool_id,
                name=group.name,
                description=group.description or None,
                precedence=group.precedence,
                role_arn=role_arn,
                opts=child(self, protect=args.protect),
            )
        self.register_outputs({"groupRoleArns": self.role_arns})

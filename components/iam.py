"""IAM roles handed out by the identity pool, with trust pinned to the pool and the amr."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.base import child

COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
Amr = Literal["authenticated", "unauthenticated"]


def trust_policy(identity_pool_id: str, amr: Amr) -> str:
    """Only this identity pool, and only identities of the given kind, may assume the role."""
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": COGNITO_IDENTITY},
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        "Condition": {
            "StringEquals": {f"{COGNITO_IDENTITY}:aud": identity_pool_id},
            "ForAnyValue:StringLike": {f"{COGNITO_IDENTITY}:amr": amr},
        },
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def policy_attachment_name(role_name: str, policy_arn: str) -> str:
    """``<role>-policy-<owner>-<path/name>`` from the policy's ARN: the same attachment keeps its
    name wherever the policy sits in the list (``aws`` owns AWS managed policies)."""
    owner, resource = policy_arn.split(":", 5)[4:]
    return f"{role_name}-policy-{owner}-{resource.removeprefix('policy/')}"


def identity_pool_role(
    name: str,
    *,
    identity_pool_id: pulumi.Input[str],
    amr: Amr,
    description: str,
    managed_policy_arns: Sequence[str],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
    protect: bool = False,
) -> aws.iam.Role:
    """A role for identity-pool users; permissions only from the given managed policies.

    ``protect`` guards the role: its ARN is what groups, tenants and role mappings hand out.
    Attachments were once named by list position (``-policy-0``); the alias keeps them in state.
    """
    role = aws.iam.Role(
        name,
        assume_role_policy=pulumi.Output.from_input(identity_pool_id).apply(
            lambda pool_id: trust_policy(pool_id, amr)
        ),
        description=description,
        max_session_duration=3600,
        tags=dict(tags),
        opts=child(parent, protect=protect),
    )
    for position, policy_arn in enumerate(managed_policy_arns):
        aws.iam.RolePolicyAttachment(
            policy_attachment_name(name, policy_arn),
            role=role.name,
            policy_arn=policy_arn,
            opts=child(parent, renamed_from=[f"{name}-policy-{position}"]),
        )
    return role

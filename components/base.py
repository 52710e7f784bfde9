"""Conventions shared by every component: the type-token namespace, child options (protection and
the aliases that keep renamed resources in state), and the account scope read from an ARN."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

TYPE_PREFIX = "enterprise-identity:cognito"
Statement = dict[str, Any]


def type_token(name: str) -> str:
    """``UserPool`` -> ``enterprise-identity:cognito:UserPool``."""
    return f"{TYPE_PREFIX}:{name}"


def child(
    parent: pulumi.Resource,
    *,
    protect: bool = False,
    depends_on: Sequence[pulumi.Resource] = (),
    renamed_from: Sequence[str] = (),
) -> pulumi.ResourceOptions:
    """Options for a component's child.

    Identity-bearing children pass ``protect`` from the stack settings. ``renamed_from`` lists the
    logical names the resource had in earlier versions of the program: Pulumi then moves the
    existing resource to the new name instead of replacing it (an alias with the old name, same
    parent and type).
    """
    return pulumi.ResourceOptions(
        parent=parent,
        protect=protect,
        depends_on=list(depends_on) or None,
        aliases=[pulumi.Alias(name=old) for old in renamed_from] or None,
    )


@dataclass(frozen=True)
class AwsScope:
    """Partition, region and account of the stack, read from an ARN of one of its resources (the
    program makes no provider calls, so the user pool's ARN is where they come from)."""

    partition: str
    region: str
    account: str

    @classmethod
    def of_pool(cls, pool_arn: str) -> AwsScope:
        _, partition, _, region, account, _ = pool_arn.split(":", 5)
        return cls(partition, region, account)

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account}:{resource}"


def document(statements: Iterable[Statement]) -> str:
    """An IAM (or KMS key) policy document, keys sorted so the text is stable across runs."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)

"""Conventions shared by every component: the type-token namespace and child options."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

TYPE_PREFIX = "enterprise-identity:cognito"


def type_token(name: str) -> str:
    """``UserPool`` -> ``enterprise-identity:cognito:UserPool``."""
    return f"{TYPE_PREFIX}:{name}"


def child(
    parent: pulumi.Resource,
    *,
    protect: bool = False,
    depends_on: Sequence[pulumi.Resource] = (),
) -> pulumi.ResourceOptions:
    """Options for a component's child; stateful children pass ``protect`` from the stack settings."""
    return pulumi.ResourceOptions(
        parent=parent, protect=protect, depends_on=list(depends_on) or None
    )

"""Groups (with optional IAM roles) and resource servers with their custom OAuth scopes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field

from settings.base import (
    GroupName,
    IamPolicyArn,
    IamRoleArn,
    ResourceServerId,
    ScopeName,
    SettingsModel,
    aws_range,
    duplicates,
    problem,
)
from settings.errors import ConfigProblem


class GroupRole(SettingsModel):
    """An IAM role created for the group, trusted only by this stack's identity pool."""

    managed_policy_arns: tuple[IamPolicyArn, ...] = ()


class GroupSettings(SettingsModel):
    name: GroupName
    description: Annotated[str, Field(max_length=2048)] = ""
    precedence: Annotated[int, aws_range(0, 2**31 - 1)] | None = None
    role: GroupRole | None = None
    role_arn: IamRoleArn | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.role is not None and self.role_arn is not None:
            yield problem("roleArn", self.role_arn, "cannot be combined with role; use one")


class ScopeSettings(SettingsModel):
    name: ScopeName
    description: Annotated[str, Field(min_length=1, max_length=256)]


class ResourceServerSettings(SettingsModel):
    identifier: ResourceServerId
    name: Annotated[str, Field(min_length=1, max_length=256)]
    scopes: Annotated[tuple[ScopeSettings, ...], Field(max_length=100)] = ()

    def cross_checks(self) -> Iterator[ConfigProblem]:
        for name in sorted(duplicates(scope.name for scope in self.scopes)):
            yield problem("scopes", name, "is listed twice")

    @property
    def scope_ids(self) -> frozenset[str]:
        return frozenset(f"{self.identifier}/{scope.name}" for scope in self.scopes)

"""Shared shape of the table-driven rule tests: one row = one way to break (or keep) a rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import ResourceValidationPolicy

from tests.policies.harness import changed, run_resource

REMOVE = object()
"""Use as a row's value to delete the property (the AWS/provider default then applies)."""


@dataclass(frozen=True)
class Row:
    """`policy` judges `base` with `path` set to `value` (or removed) under `config`."""

    policy: ResourceValidationPolicy
    type: str
    base: Mapping[str, Any]
    path: str
    value: object
    expect: str | None
    """A phrase of the expected message, or None when the resource must pass."""
    config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        verdict = "fails" if self.expect else "passes"
        return f"{case_id(self.policy, self.path, self.value, self.config)}->{verdict}"


def case_id(
    policy: ResourceValidationPolicy, path: str, value: object, config: Mapping[str, Any]
) -> str:
    """`policy:path=value[config keys]`, the test id of a row that sets `path` to `value`."""
    shown = "absent" if value is REMOVE else repr(value)[:30]
    cfg = f"[{','.join(config)}]" if config else ""
    return f"{policy.name}:{path}={shown}{cfg}"


def check_row(row: Row) -> None:
    """Assert the row's verdict; failures show every message the policy reported."""
    props = (
        changed(row.base, row.path)
        if row.value is REMOVE
        else changed(row.base, row.path, row.value)
    )
    outcome = run_resource(row.policy, row.type, props, dict(row.config) or None)
    if row.expect is None:
        assert outcome.messages == [], outcome.messages
        assert outcome.not_applicable is None
    else:
        assert any(row.expect in m for m in outcome.messages), outcome.messages
        assert all(m.endswith((".", ")")) for m in outcome.messages), outcome.messages

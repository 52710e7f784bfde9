"""The plan: every resource the program registered, as the engine would see it, in a shape the
reports and the policy client share. Values are decoded wire values: `analyzer.UNKNOWN` for what is
unknown at preview, `analyzer.Secret` around secrets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from gate.analyzer import ResourceOptionsWire

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"


@dataclass(frozen=True)
class ProgramLine:
    """A line of the program's source: where a resource or component was declared."""

    file: Path
    line: int

    @classmethod
    def from_wire(cls, position: Mapping[str, Any] | None) -> ProgramLine | None:
        """From the registration's `sourcePosition` (`file://` URI, line); None if absent."""
        if not position or not str(position.get("uri", "")).startswith("file://"):
            return None
        return cls(Path(unquote(urlparse(str(position["uri"])).path)), int(position["line"]))


@dataclass(frozen=True)
class PlannedResource:
    """One registration: a custom resource, a component, a provider or the root stack."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    dependencies: tuple[str, ...]
    property_dependencies: Mapping[str, tuple[str, ...]]
    options: ResourceOptionsWire
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any] = field(default_factory=dict)
    declared_at: ProgramLine | None = None
    """The program line that declared the resource (the SDK's `sourcePosition`)."""

    @property
    def kind(self) -> str:
        """`stack`, `provider`, `component` or `resource`, for counts and drawings."""
        if self.type == STACK_TYPE:
            return "stack"
        if self.type.startswith(PROVIDER_TYPE_PREFIX):
            return "provider"
        return "resource" if self.custom else "component"


@dataclass(frozen=True)
class Plan:
    """The whole registration record of one program run, in registration order."""

    project: str
    stack: str
    mode: str
    resources: tuple[PlannedResource, ...]
    outputs: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def _index(self) -> dict[str, PlannedResource]:
        return {resource.urn: resource for resource in self.resources}

    @cached_property
    def _children(self) -> dict[str | None, list[PlannedResource]]:
        children: dict[str | None, list[PlannedResource]] = {}
        for resource in self.resources:
            children.setdefault(resource.parent, []).append(resource)
        return children

    def by_urn(self) -> dict[str, PlannedResource]:
        """Every resource by URN (computed once)."""
        return self._index

    def children_of(self, urn: str | None) -> list[PlannedResource]:
        """The resources whose parent is `urn` (top-level ones for `None`), in plan order."""
        return self._children.get(urn, [])

    @property
    def root(self) -> PlannedResource | None:
        return next((r for r in self.resources if r.type == STACK_TYPE), None)

    def custom_resources(self) -> list[PlannedResource]:
        return [r for r in self.resources if r.kind == "resource"]

    def counts_by_type(self) -> Counter[str]:
        """How many of each type the stack would create, components included, stack excluded."""
        return Counter(r.type for r in self.resources if r.kind in ("resource", "component"))

    def ancestors(self, urn: str) -> Iterator[PlannedResource]:
        """The resource itself, then its parent, up to (excluding) the root stack."""
        index = self.by_urn()
        current = index.get(urn)
        while current is not None and current.kind != "stack":
            yield current
            current = index.get(current.parent) if current.parent else None

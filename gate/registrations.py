"""From the child's registration record to the `Plan`: wire values decoded with the policy client's
own codec, custom timeouts in seconds, and the default providers the engine would add.

The language SDK never registers default providers; the engine creates one per package and
version (`default_7_51_1`) from the stack's `<package>:*` config and passes it to every policy
call as the resource's provider, so the gate does the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from google.protobuf import struct_pb2

from gate.analyzer import UNKNOWN_WIRE_VALUE, ResourceOptionsWire, decode_struct
from gate.plan import STACK_TYPE, Plan, PlannedResource, ProgramLine

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms)")
_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def decode_wire(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Wire-form JSON properties as Python values (`UNKNOWN`, `Secret`), via the client's codec."""
    if not properties:
        return {}
    struct = struct_pb2.Struct()
    struct.update(dict(properties))
    return decode_struct(struct)


def build_plan(
    *,
    project: str,
    stack: str,
    mode: str,
    registrations: list[dict[str, Any]],
    stack_outputs: Mapping[str, Any],
    config: Mapping[str, str],
) -> Plan:
    """The plan of one program run, default providers included, in a stable tree order."""
    builder = PlanBuilder(project=project, stack=stack, mode=mode, config=config)
    for record in registrations:
        builder.add(record)
    return builder.finish(stack_outputs)


class PlanBuilder:
    """Builds the plan one registration at a time, as the program makes them, so the gate can
    judge each resource while the program is still running (as the engine does)."""

    def __init__(self, *, project: str, stack: str, mode: str, config: Mapping[str, str]) -> None:
        self._project = project
        self._stack = stack
        self._mode = mode
        self._config = config
        self._resources: list[PlannedResource] = []
        self._providers: dict[tuple[str, str], PlannedResource] = {}

    def add(self, record: Mapping[str, Any]) -> list[PlannedResource]:
        """The record as planned, after the default provider it needs if this is its first user."""
        added: list[PlannedResource] = []
        provider_ref = record["provider"]
        if record["custom"] and not provider_ref and not record["type"].startswith("pulumi:"):
            package = record["type"].split(":", 1)[0]
            key = (package, record.get("version") or "")
            if key not in self._providers:
                self._providers[key] = _default_provider(
                    self._project, self._stack, package, key[1], self._config
                )
                added.append(self._providers[key])
            provider_ref = _reference(self._providers[key], self._mode)
        added.append(_planned(record, provider_ref))
        self._resources.append(added[-1])
        return added

    def finish(self, stack_outputs: Mapping[str, Any]) -> Plan:
        """The whole plan: the stack's outputs (known only at the end) on the root resource, every
        resource in a stable tree order."""
        outputs = decode_wire(stack_outputs)
        resources = [
            replace(resource, outputs=outputs) if resource.type == STACK_TYPE else resource
            for resource in self._resources
        ]
        ordered = _tree_order([*self._providers.values(), *resources])
        return Plan(self._project, self._stack, self._mode, tuple(ordered), outputs)


def provider_reference_urn(reference: str | None) -> str | None:
    """The URN part of a provider reference (`<urn>::<id>`)."""
    return reference.rsplit("::", 1)[0] if reference else None


def _planned(record: Mapping[str, Any], provider_ref: str | None) -> PlannedResource:
    options = record["options"]
    inputs = decode_wire(record["inputs"])
    return PlannedResource(
        urn=record["urn"],
        type=record["type"],
        name=record["name"],
        custom=record["custom"],
        parent=record["parent"],
        provider=provider_ref,
        dependencies=tuple(record["dependencies"]),
        property_dependencies={k: tuple(v) for k, v in record["propertyDependencies"].items()},
        options=ResourceOptionsWire(
            protect=options["protect"],
            ignore_changes=tuple(options["ignoreChanges"]),
            delete_before_replace=options["deleteBeforeReplace"],
            aliases=tuple(options["aliases"]),
            additional_secret_outputs=tuple(options["additionalSecretOutputs"]),
            custom_timeouts=_timeouts(options["customTimeouts"]),
            parent=record["parent"],
        ),
        inputs=inputs,
        outputs=_outputs(record, inputs),
        declared_at=ProgramLine.from_wire(record.get("sourcePosition")),
    )


def _default_provider(
    project: str, stack: str, package: str, version: str, config: Mapping[str, str]
) -> PlannedResource:
    name = "default" + (f"_{version.replace('.', '_').replace('-', '_')}" if version else "")
    urn = f"urn:pulumi:{stack}::{project}::pulumi:providers:{package}::{name}"
    inputs: dict[str, Any] = {
        key.split(":", 1)[1]: value
        for key, value in config.items()
        if key.startswith(f"{package}:")
    }
    if version:
        inputs["version"] = version
    return PlannedResource(
        urn=urn,
        type=f"pulumi:providers:{package}",
        name=name,
        custom=True,
        parent=None,
        provider=None,
        dependencies=(),
        property_dependencies={},
        options=ResourceOptionsWire(),
        inputs=inputs,
        outputs=inputs,
    )


def _reference(provider: PlannedResource, mode: str) -> str:
    """`<urn>::<id>`; a provider not yet created has an unknown id during preview."""
    provider_id = (
        UNKNOWN_WIRE_VALUE if mode == "preview" else "00000000-0000-4000-8000-000000000000"
    )
    return f"{provider.urn}::{provider_id}"


def _outputs(record: Mapping[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """The resource's outputs; the decoded inputs themselves when the wire values are the same
    (in preview a new resource's outputs are its inputs: 66 of prod's 68 resources), decoded
    once instead of twice. Nothing in the gate writes to a resource's properties."""
    outputs = record.get("outputs") or {}
    return inputs if outputs == record["inputs"] else decode_wire(outputs)


def _timeouts(raw: Mapping[str, str] | None) -> dict[str, float] | None:
    """`"5m"`-style durations (as the SDK sends them) in seconds (as the engine forwards them)."""
    if not raw:
        return None
    return {key: _seconds(value) for key, value in raw.items() if value}


def _seconds(duration: str) -> float:
    return sum(float(amount) * _SECONDS[unit] for amount, unit in _DURATION.findall(duration))


def _tree_order(resources: list[PlannedResource]) -> list[PlannedResource]:
    """Depth-first from the roots, siblings by kind, type and name: stable across runs."""
    kind_rank = {"stack": 0, "provider": 1, "component": 2, "resource": 3}
    children: dict[str | None, list[PlannedResource]] = {}
    known = {r.urn for r in resources}
    for resource in resources:
        parent = resource.parent if resource.parent in known else None
        children.setdefault(parent, []).append(resource)
    ordered: list[PlannedResource] = []

    def visit(parent: str | None) -> None:
        for child in sorted(
            children.get(parent, []), key=lambda r: (kind_rank[r.kind], r.type, r.name)
        ):
            ordered.append(child)
            visit(child.urn)

    visit(None)
    return ordered

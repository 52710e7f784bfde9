"""Runs cognito-guard policies on real SDK argument objects, with properties shaped by the wire.

Properties go through the same path as in the pack process: encoded as the engine encodes them
(`gate.analyzer.encode_properties`: numbers become floats, unknowns the sentinel string, secrets
the signature object), decoded by the SDK's own `deserialize_properties`, and wrapped in its
`unknown_checking_proxy`.
"""

from __future__ import annotations

import copy
import importlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from google.protobuf import json_format
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import unknown_checking_proxy

from cognito_guard.props import materialize
from gate.analyzer import AnalyzerResource, encode_properties

PROJECT = "enterprise-identity"


def fresh_pack() -> dict[str, ModuleType]:
    """The pack's modules imported anew, as the pack process imports them when the CLI starts it.

    Every policy object is built when its module is imported, so a test that judges the pack as
    imported at collection never runs the builders (`resource_policy`, `Meta.sdk_kwargs`, the
    config schema helpers) inside itself: mutation testing, which switches a mutant on only while
    a test runs, could not tell a broken builder from a good one. The modules returned here were
    executed inside the calling test; the ones the other tests use are put back untouched.
    """
    saved = {name: module for name, module in sys.modules.items() if _is_pack_module(name)}
    for name in saved:
        del sys.modules[name]
    try:
        importlib.import_module("cognito_guard.catalog")
        return {name: module for name, module in sys.modules.items() if _is_pack_module(name)}
    finally:
        for name in [name for name in sys.modules if _is_pack_module(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def _is_pack_module(name: str) -> bool:
    return name == "cognito_guard" or name.startswith("cognito_guard.")


def urn_of(type_token: str, name: str) -> str:
    """The URN the engine would give a top-level resource of the test stack."""
    return f"urn:pulumi:test::{PROJECT}::{type_token}::{name}"


def wire_props(props: Mapping[str, object], *, proxy_secrets: bool = False) -> Any:
    """`props` as the policy SDK hands them to a policy."""
    raw = json_format.MessageToDict(encode_properties(props))
    return unknown_checking_proxy(deserialize_properties(raw, proxy_secrets))


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


@dataclass
class Outcome:
    """What a policy reported: violation messages and the not-applicable reason, if any."""

    messages: list[str] = field(default_factory=list)
    urns: list[str | None] = field(default_factory=list)
    not_applicable: str | None = None

    def report(self, message: str, urn: str | None = None) -> None:
        self.messages.append(message)
        self.urns.append(urn)

    @property
    def passed(self) -> bool:
        return not self.messages


def resource_args(
    type_token: str,
    props: Mapping[str, object],
    config: Mapping[str, Any] | None = None,
    name: str = "subject",
) -> ResourceValidationArgs:
    """A `ResourceValidationArgs` as the SDK builds it for `Analyze`."""
    return ResourceValidationArgs(
        type_token, wire_props(props), urn_of(type_token, name), name, _options(), None, config
    )


def run_resource(
    policy: ResourceValidationPolicy,
    type_token: str,
    props: Mapping[str, object],
    config: Mapping[str, Any] | None = None,
) -> Outcome:
    """Validate one resource and collect what the policy reports."""
    outcome = Outcome()
    try:
        policy.validate(resource_args(type_token, props, config), outcome.report)
    except _NotApplicableError as exc:
        outcome.not_applicable = exc.reason
    return outcome


def remediate(
    policy: ResourceValidationPolicy, type_token: str, props: Mapping[str, object]
) -> dict[str, Any] | None:
    """Run a policy's remediation as the SDK's `Remediate` does (secret-preserving proxy)."""
    args = ResourceValidationArgs(
        type_token,
        wire_props(props, proxy_secrets=True),
        urn_of(type_token, "subject"),
        "subject",
        _options(),
        None,
    )
    result: Any = policy.remediate(args)
    if result is None:
        return None
    return {key: materialize(result[key]) for key in result}


@dataclass(frozen=True)
class Spec:
    """A resource of a test stack: its type, name, properties and property dependencies."""

    type: str
    name: str
    props: Mapping[str, object]
    deps: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Property name -> names of the resources its value came from."""

    @property
    def urn(self) -> str:
        return urn_of(self.type, self.name)


def _urns(specs: Sequence[Spec], names: Sequence[str]) -> list[str]:
    by_name = {s.name: s.urn for s in specs}
    return [by_name[n] for n in names]


def policy_resources(specs: Sequence[Spec]) -> list[PolicyResource]:
    """The stack as the SDK builds it for `AnalyzeStack` (dependencies resolved to objects)."""
    built = {
        s.urn: PolicyResource(
            s.type, wire_props(s.props), s.urn, s.name, _options(), None, None, [], {}
        )
        for s in specs
    }
    for spec in specs:
        resource = built[spec.urn]
        for prop, names in spec.deps.items():
            deps = [built[u] for u in _urns(specs, names)]
            resource.property_dependencies[prop] = deps
            resource.dependencies.extend(d for d in deps if d not in resource.dependencies)
    return list(built.values())


def analyzer_resources(specs: Sequence[Spec]) -> list[AnalyzerResource]:
    """The stack as the engine sends it over gRPC."""
    result = []
    for spec in specs:
        deps = {prop: tuple(_urns(specs, names)) for prop, names in spec.deps.items()}
        result.append(
            AnalyzerResource(
                urn=spec.urn,
                type=spec.type,
                name=spec.name,
                properties=spec.props,
                dependencies=tuple(dict.fromkeys(u for urns in deps.values() for u in urns)),
                property_dependencies=deps,
            )
        )
    return result


def run_stack(
    policy: StackValidationPolicy, specs: Sequence[Spec], config: Mapping[str, Any] | None = None
) -> Outcome:
    """Validate a whole stack and collect what the policy reports (with URNs)."""
    outcome = Outcome()
    try:
        policy.validate(StackValidationArgs(policy_resources(specs), config), outcome.report)
    except _NotApplicableError as exc:
        outcome.not_applicable = exc.reason
    return outcome


_DELETE = object()


def changed(base: Mapping[str, Any], path: str, value: object = _DELETE) -> dict[str, Any]:
    """A deep copy of `base` with the dotted `path` set to `value` (or removed when omitted)."""
    result = copy.deepcopy(dict(base))
    parts = path.split(".")
    node: Any = result
    for part in parts[:-1]:
        key: Any = int(part) if part.isdigit() else part
        if isinstance(node, dict) and key not in node:
            node[key] = {}
        node = node[key]
    last: Any = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
    if value is _DELETE:
        if isinstance(node, dict):
            node.pop(last, None)
        else:
            del node[last]
    else:
        node[last] = value
    return result


def replace_spec(specs: Sequence[Spec], name: str, **changes: Any) -> list[Spec]:
    """The stack with resource `name` replaced (new props and/or deps)."""
    out = []
    for spec in specs:
        if spec.name == name:
            spec = Spec(
                changes.get("type", spec.type),
                spec.name,
                changes.get("props", spec.props),
                changes.get("deps", spec.deps),
            )
        out.append(spec)
    return out

"""The mock engine the program runs against: the SDK's own `MockMonitor`, which also records every
registration exactly as the engine would receive it (wire-form inputs, parent, dependencies,
provider, options), and mocks that answer like a provider would in `preview` or in `up`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from gate.fake_cloud import FakeCloud

Registration = dict[str, Any]


class RecordingMonitor(MockMonitor):
    """A `MockMonitor` that keeps a JSON-ready record of each RegisterResource request."""

    def __init__(
        self, mocks: Mocks, on_registration: Callable[[Registration], None] | None = None
    ) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self._on_registration = on_registration
        self.stack_outputs: dict[str, Any] = {}
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        record = _registration_record(request, response.urn, self.alias_urns(request))
        # In preview a new resource's outputs are its inputs: the same message content, so the
        # same record (one conversion instead of two; nothing writes to a record).
        record["outputs"] = (
            record["inputs"]
            if response.object == request.object
            else json_format.MessageToDict(response.object)
        )
        with self._lock:
            self.registrations.append(record)
            if self._on_registration:
                self._on_registration(record)
        return response

    def alias_urns(self, request: Any) -> list[str]:
        """The resource's aliases as URNs, the form the engine stores and hands to policy packs.

        The SDK sends alias specs (this monitor supports them): each names the parts of the old
        URN that differ (name, type, parent, stack, project); this monitor builds the URN from
        them the way it builds the resource's own.
        """
        urns = list(request.aliasURNs)
        for alias in request.aliases:
            if alias.WhichOneof("alias") == "urn":
                urns.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            urn = self.make_urn(parent, spec.type or request.type, spec.name or request.name)
            stack, project, rest = urn.removeprefix("urn:pulumi:").split("::", 2)
            urns.append(f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::{rest}")
        return urns

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - the gRPC method name
        if request.urn.split("::")[2] == "pulumi:pulumi:Stack":
            self.stack_outputs = json_format.MessageToDict(request.outputs)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


class GateMocks(Mocks):
    """Answers registrations and invokes as the engine would in the chosen mode.

    In preview a new resource's outputs are only its inputs: ids, ARNs and every other computed
    output stay unknown, as in `pulumi preview`. In up mode the fake cloud adds plausible ids, ARNs
    and endpoints, as the policies see them during `pulumi up`.
    """

    def __init__(self, cloud: FakeCloud, preview: bool) -> None:
        self.cloud = cloud
        self.preview = preview

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if self.preview:
            return "", dict(args.inputs)
        return self.cloud.create(args.typ, args.name, dict(args.inputs))

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # The SDK's mock monitor iterates the failures: an empty list, never None.
        return self.cloud.invoke(args.token, dict(args.args)), []


def _registration_record(request: Any, urn: str, aliases: list[str]) -> Registration:
    """The request as JSON: what the engine keeps for the resource and forwards to the pack."""
    timeouts = request.customTimeouts
    return {
        "urn": urn,
        "type": request.type,
        "name": request.name,
        "custom": bool(request.custom),
        "parent": request.parent or None,
        "provider": request.provider or None,
        "version": request.version or None,
        # sorted: the SDK collects dependencies in sets, so their order changes from run to run,
        # and a report that reorders itself between identical runs hides real changes in a diff
        "dependencies": sorted(request.dependencies),
        "propertyDependencies": {
            key: sorted(value.urns) for key, value in sorted(request.propertyDependencies.items())
        },
        "options": {
            "protect": bool(request.protect),
            "ignoreChanges": list(request.ignoreChanges),
            "deleteBeforeReplace": (
                bool(request.deleteBeforeReplace) if request.deleteBeforeReplaceDefined else None
            ),
            "aliases": aliases,
            "additionalSecretOutputs": list(request.additionalSecretOutputs),
            "customTimeouts": (
                {"create": timeouts.create, "update": timeouts.update, "delete": timeouts.delete}
                if request.HasField("customTimeouts")
                and (timeouts.create or timeouts.update or timeouts.delete)
                else None
            ),
            "retainOnDelete": bool(request.retainOnDelete),
        },
        "inputs": json_format.MessageToDict(request.object),
        # Where the program declared the resource: the SDK's first frame outside the resource
        # class constructors (`file://` URI and line), as the engine receives it.
        "sourcePosition": (
            {"uri": request.sourcePosition.uri, "line": request.sourcePosition.line}
            if request.HasField("sourcePosition") and request.sourcePosition.uri
            else None
        ),
    }

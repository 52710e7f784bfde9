"""Modules the Pulumi SDK imports on every start but a gate process never uses, loaded only when
something first reads from them.

`import pulumi` imports the automation API, dynamic providers (with dill), OpenTelemetry tracing
and gRPC, whatever the program needs. Under the SDK's mock runtime (the program host) none of them
is used: there is no engine to dial and no tracing unless `TRACEPARENT` is set. Together they
are about a third of `import pulumi.runtime.mocks` (0.05 s of ~0.16 s on the bench machine), and
the program host pays it on the gate's critical path before the program's first line. A policy
pack serves the analyzer protocol with gRPC's blocking server and uses none of the rest
(`gate.pack_entry`). The gate
itself needs only the protocol's messages (`pulumi.runtime.proto`), not the SDK whose package
they sit in (about 0.03 s of CPU, on the core the program host shares with the pack).

`defer(names)` puts a placeholder module in `sys.modules` before the SDK imports the real one. The
placeholder is the module object itself (spec, file and path already set), so `import name`,
`from package import name` and submodule imports all find it without running it; the first
attribute it does not have yet runs the module's code into that same object, once, under a lock.
A program that does use one of them therefore gets it, only later; what is deferred changes
nothing but when the module's code runs. (`importlib.util.LazyLoader` cannot do this on
Python 3.11: the import system reads `__spec__` of a module it finds in `sys.modules`, and any
attribute read makes a lazy module load.)
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import threading
import types
from collections.abc import Iterable, Mapping
from importlib.machinery import ModuleSpec

_LOCK = threading.RLock()
_loading: set[str] = set()


class DeferredModule(types.ModuleType):
    """A module whose code has not run yet; it runs on the first read of a missing attribute."""

    def __getattr__(self, name: str) -> object:
        spec: ModuleSpec = self.__dict__["__spec__"]
        with _LOCK:
            if type(self) is DeferredModule and spec.name not in _loading:
                _load(self, spec)
        if name in self.__dict__:
            return self.__dict__[name]
        # Read while its own code is still running (a circular import), as for any module.
        raise AttributeError(f"module {spec.name!r} has no attribute {name!r}")


def _load(module: types.ModuleType, spec: ModuleSpec) -> None:
    """Runs the module's code into the placeholder, as the import system would have."""
    assert spec.loader is not None
    _loading.add(spec.name)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(spec.name, None)  # as a failed import leaves nothing behind
        raise
    finally:
        _loading.discard(spec.name)
    module.__class__ = types.ModuleType


def defer(names: Iterable[str]) -> list[str]:
    """Defers each module not imported yet (parents before children); returns those deferred.

    A child of a deferred package is also set as the package's attribute, as importing it would,
    so that `from package import child` does not load the package."""
    deferred: list[str] = []
    for name in names:
        if name in sys.modules:
            continue
        spec = _find_without_running(name)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        module.__class__ = DeferredModule
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if isinstance(sys.modules.get(parent), DeferredModule):
            sys.modules[parent].__dict__[child] = module
        deferred.append(name)
    return deferred


def is_deferred(name: str) -> bool:
    """True while `name` is a placeholder whose code has not run."""
    return isinstance(sys.modules.get(name), DeferredModule)


def _find_without_running(name: str) -> ModuleSpec | None:
    """The module's spec, found through its parents' paths without running any of them
    (`importlib.util.find_spec` imports the parents of a dotted name)."""
    top, *rest = name.split(".")
    spec = importlib.util.find_spec(top) if top not in sys.modules else sys.modules[top].__spec__
    qualified = top
    for part in rest:
        if spec is None or spec.submodule_search_locations is None:
            return None
        qualified = f"{qualified}.{part}"
        spec = importlib.machinery.PathFinder.find_spec(
            qualified, list(spec.submodule_search_locations)
        )
    return spec


NO_GATE_PROCESS_USES = ("pulumi.automation", "pulumi.dynamic")
"""The automation API (it drives the Pulumi CLI) and dynamic providers (with dill)."""

SDK_TRACING = "pulumi.runtime._instrumentation"
"""OpenTelemetry set-up; it does nothing unless `TRACEPARENT` is set (the CLI sets it when
tracing), so it is deferred only without it."""


def _tracing(environ: Mapping[str, str]) -> list[str]:
    return [] if "TRACEPARENT" in environ else [SDK_TRACING]


def unused_by_program_host(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The program host runs the SDK under its mock runtime, which dials neither an engine nor
    a pack: no gRPC either."""
    return [*NO_GATE_PROCESS_USES, *_tracing(environ), "grpc", "grpc.aio"]


def unused_by_pack(environ: Mapping[str, str] = os.environ) -> list[str]:
    """pulumi-policy serves the analyzer with gRPC's blocking server; a pack dials the engine
    only to log, with the blocking client too."""
    return [*NO_GATE_PROCESS_USES, *_tracing(environ), "grpc.aio"]


def unused_by_gate(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The gate reads only the analyzer protocol's messages from the SDK
    (`pulumi.runtime.proto`) and calls the pack with gRPC's blocking client: the SDK's own
    package code and gRPC's asyncio API never run in it."""
    return ["pulumi", "pulumi.runtime", *NO_GATE_PROCESS_USES, *_tracing(environ), "grpc.aio"]

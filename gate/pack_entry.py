"""What runs first in a policy pack process the gate starts: `python -m pulumi.policy`, as the
Pulumi CLI's `pulumi-analyzer-policy-python` shim runs it, without the SDK parts no pack uses.

`pulumi.policy`'s entry point imports the whole SDK before it runs the pack: the automation API,
dynamic providers (with dill), OpenTelemetry tracing and gRPC's asyncio API, about a quarter of
the pack's start-up (0.26 → 0.20 s of CPU on the bench machine). The pack starts while the
program host imports the same SDK on the other core, so that CPU comes off the program's time.
`gate.deferred_imports` keeps those parts as placeholders that load on first use, so a pack that
does use one still gets it.

Everything else is as under the CLI: the working folder is the pack's and is first on
`sys.path` (where `-m` puts it), `sys.argv` is the module's path and the shim's arguments, and no
module of the gate stays imported, so a pack may have its own `gate` module.
"""

from __future__ import annotations

import os
import runpy
import sys

from gate.deferred_imports import defer, unused_by_pack

GATE_PACKAGE = __name__.partition(".")[0]


def command(gate_parent: str) -> str:
    """The `python -c` code that puts the gate on `sys.path` just long enough to run `main`."""
    return f"import sys; sys.path.insert(0, {gate_parent!r}); import {__name__}; {__name__}.main()"


def main() -> None:
    """Defers what no pack uses, puts `sys.path` and `sys.modules` back as `python -m` would
    have them, and runs `pulumi.policy` as `__main__` (it serves until the gate stops it)."""
    defer(unused_by_pack())
    del sys.path[0]  # the gate's folder, put there by `command`
    if not sys.flags.safe_path:  # else neither `-c` nor `-m` puts the working folder there
        sys.path[0] = os.getcwd()  # `-c` put "" there; `-m` puts the full path
    for name in [name for name in sys.modules if name.partition(".")[0] == GATE_PACKAGE]:
        del sys.modules[name]
    runpy.run_module("pulumi.policy", run_name="__main__", alter_sys=True)

"""The `identity-gate` and `python -m gate` entry point: starts a program host before anything
else when the command is `preview` (see `gate.host_process`), runs the CLI (`gate.cli`) without
the SDK parts it never uses (`gate.deferred_imports`), and ends the process without the
interpreter's teardown (see `gate.short_lived`)."""

from __future__ import annotations

import sys

from gate.deferred_imports import defer, unused_by_gate
from gate.short_lived import collect_less_often, exit_code, exit_now


def main() -> None:
    collect_less_often()
    defer(unused_by_gate())
    if sys.argv[1:2] == ["preview"] and not {"-h", "--help"} & set(sys.argv[2:]):
        from gate.cores import separate_cores
        from gate.host_process import start_host_early

        separate_cores(start_host_early().pid)
    from gate.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as done:
        exit_now(exit_code(done))
    exit_now(0)

"""The `identity-gate` and `python -m gate` entry point: starts a program host before anything
else when the command is `preview` (see `gate.host_process`), then runs the CLI (`gate.cli`)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["preview"] and not {"-h", "--help"} & set(sys.argv[2:]):
        from gate.host_process import start_host_early

        start_host_early()
    from gate.cli import main as cli_main

    cli_main()

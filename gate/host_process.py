"""Starting the program host (`python -m gate.program_host`), early when the command line says
a preview is coming.

The host spends its first ~0.15 s importing the Pulumi SDK and the mock runtime, before it needs
to know anything about the stack. `gate.launch` starts one the moment the gate's process starts,
so those imports run while the gate imports its CLI, parses the options and reads the stack file;
`spawn_program_host` then hands it its request. A host that gets no request (the command failed
before the program was needed, or asked for `--help`) sees its stdin close when the gate exits,
and exits too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gate import GATE_PARENT

CONFIG_FILE_VARIABLE = "IDENTITY_GATE_CONFIG_FILE"
"""Environment variable naming the stack settings file the program's config comes from (the
program host sets it from the request's `configFile`; see `settings.loader`)."""

_early: list[subprocess.Popen[str]] = []


def start_host_early() -> subprocess.Popen[str]:
    """Starts a host now, to be handed the next request (see the module docstring)."""
    _early.append(_start_host(Path.cwd()))
    return _early[-1]


def spawn_program_host(request: Mapping[str, Any], cwd: Path) -> subprocess.Popen[str]:
    """A program host with `request` already on its stdin (closed, so `communicate()` only
    reads): the one started early if there is one, else a new one in `cwd`."""
    process = _early.pop() if _early else _start_host(cwd)
    assert process.stdin is not None
    process.stdin.write(json.dumps(request))
    process.stdin.close()
    process.stdin = None
    return process


def _start_host(cwd: Path) -> subprocess.Popen[str]:
    """`python -P -m gate.program_host`: the gate importable, nothing from the working folder
    put on `sys.path` (-P); the host adds the program's own folder when it runs it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(GATE_PARENT), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("PULUMI_CONFIG", None)  # the host sets the stack's config from the request
    env.pop(CONFIG_FILE_VARIABLE, None)  # and names the config file the request names
    return subprocess.Popen(
        [sys.executable, "-P", "-m", "gate.program_host"],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

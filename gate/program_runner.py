"""Starts the program in a child process (`gate.program_host`) and turns its answer into a `Plan`
or into a readable `ProgramError`.

A child process keeps the SDK's process-wide state (settings, config, the root stack) away from
the gate, lets the program's own imports and prints stay out of ours, and lets the policy pack
start at the same time on the other core.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.errors import ProgramError
from gate.stack import StackConfig

if TYPE_CHECKING:  # the plan model pulls in the SDK; the child must start before that import
    from gate.plan import Plan

GATE_PARENT = Path(__file__).resolve().parent.parent
PROGRAM_TIMEOUT_SECONDS = 600


@dataclass
class ProgramRun:
    """A program run in progress; `plan()` waits for it."""

    config: StackConfig
    mode: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        """Ends the child if it is still running (after an error elsewhere): it is our own."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()

    def plan(self, verbose: bool = False) -> Plan:
        """The recorded plan; raises `ProgramError` with the program's own message on failure."""
        try:
            stdout, stderr = self.process.communicate(timeout=PROGRAM_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise ProgramError(
                f"the program did not finish within {PROGRAM_TIMEOUT_SECONDS} s"
            ) from None
        result = _parse(stdout)
        if result is None:
            raise ProgramError(
                "the program host stopped without a result"
                f" (exit code {self.process.returncode}):\n{stderr.strip()[-3000:]}"
            )
        if "error" in result:
            raise ProgramError(_error_message(result["error"], self.config, verbose))
        from gate.registrations import build_plan

        return build_plan(
            project=self.config.project.name,
            stack=self.config.stack,
            mode=self.mode,
            registrations=result["registrations"],
            stack_outputs=result["stackOutputs"],
            config=self.config.values,
        )


def start_program(config: StackConfig, mode: str, organization: str = "organization") -> ProgramRun:
    """Starts the stack's program under the mock runtime in `preview` or `up` mode."""
    request = _program_request(config, mode, organization)
    return ProgramRun(config, mode, spawn_program_host(request, config.project.root))


def plan_of(config: StackConfig, mode: str) -> Plan:
    """Runs the stack's program once and returns its plan; the child never outlives the call."""
    run = start_program(config, mode)
    try:
        return run.plan()
    finally:
        run.stop()


CONFIG_FILE_VARIABLE = "IDENTITY_GATE_CONFIG_FILE"
"""Environment variable naming the stack settings file the program's config comes from."""


def _program_request(
    config: StackConfig, mode: str, organization: str = "organization"
) -> dict[str, Any]:
    """What `gate.program_host` reads on stdin: the stack's project, config and program."""
    return {
        "project": config.project.name,
        "stack": config.stack,
        "organization": organization,
        "preview": mode == "preview",
        "config": config.values,
        "secretKeys": list(config.secret_keys),
        "region": config.values.get("aws:region"),
        "program": str(config.project.root / "__main__.py"),
        "configFile": str(config.stack_file),
    }


def spawn_program_host(request: Mapping[str, Any], cwd: Path) -> subprocess.Popen[str]:
    """`python -m gate.program_host` in `cwd`, the gate importable, the request already on its
    stdin (closed, so `communicate()` only reads): the child starts working at once."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(GATE_PARENT), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("PULUMI_CONFIG", None)
    if request.get("configFile"):
        # The program may name the file it was configured from in its errors; the Pulumi CLI
        # never tells it, the gate does (the file given with --config-file, or the stack's own).
        env[CONFIG_FILE_VARIABLE] = str(request["configFile"])
    process = subprocess.Popen(
        [sys.executable, "-m", "gate.program_host"],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps(request))
    process.stdin.close()
    process.stdin = None
    return process


def _parse(stdout: str) -> dict[str, Any] | None:
    try:
        result = json.loads(stdout)
    except json.JSONDecodeError:
        return None
    return result if isinstance(result, dict) else None


def _error_message(error: object, config: StackConfig, verbose: bool) -> str:
    """A config error as the program words it; a program bug with where it happened."""
    assert isinstance(error, dict)
    if error.get("kind") == "config":
        return f"stack {config.stack!r} has a config error: {error['message']}"
    where = f" at {error['location']}" if error.get("location") else ""
    message = f"the program failed{where}: {error['message']}"
    if verbose and error.get("traceback"):
        message += "\n" + str(error["traceback"])
    else:
        message += "\n(run with --verbose for the full traceback)"
    return message

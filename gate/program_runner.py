"""Starts the program in a child process (`gate.program_host`) and turns its answer into a `Plan`
(resource by resource while the program runs, then whole) or into a readable `ProgramError`.

A child process keeps the SDK's process-wide state (settings, config, the root stack) away from
the gate, lets the program's own imports and prints stay out of ours, and lets the policy pack
start at the same time on the other core.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, NoReturn

from gate.errors import ProgramError
from gate.host_process import spawn_program_host
from gate.stack import StackConfig

if TYPE_CHECKING:  # the plan model pulls in the SDK; the child must start before that import
    from gate.plan import Plan, PlannedResource
    from gate.registrations import PlanBuilder

PROGRAM_TIMEOUT_SECONDS = 600


class ProgramRun:
    """A program run in progress: its resources as the program registers them (`resources()`),
    then its whole plan (`plan()`)."""

    def __init__(self, config: StackConfig, mode: str, process: subprocess.Popen[str]) -> None:
        self.config = config
        self.mode = mode
        self.process = process
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: list[str] = []
        self._deadline = time.monotonic() + PROGRAM_TIMEOUT_SECONDS
        self._builder: PlanBuilder | None = None
        self._result: dict[str, Any] | None = None
        self._ended = False
        assert process.stdout is not None
        assert process.stderr is not None
        threading.Thread(target=self._read_lines, args=(process.stdout,), daemon=True).start()
        self._stderr_reader = threading.Thread(
            target=self._stderr.extend, args=(process.stderr,), daemon=True
        )
        self._stderr_reader.start()

    def _read_lines(self, stdout: IO[str]) -> None:
        """Each JSON line the host writes, then None at the end of its output."""
        for line in stdout:
            parsed = _parse(line)
            if parsed is not None:
                self._lines.put(parsed)
        self._lines.put(None)

    def stop(self) -> None:
        """Ends the child if it is still running (after an error elsewhere): it is our own."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def resources(self) -> Iterator[PlannedResource]:
        """Each resource as the program registers it (a default provider before its first
        user); ends when the program ends, whether it completed or failed."""
        from gate.registrations import PlanBuilder

        if self._builder is None:
            self._builder = PlanBuilder(
                project=self.config.project.name,
                stack=self.config.stack,
                mode=self.mode,
                config=self.config.values,
            )
        while not self._ended:
            line = self._next_line()
            if line is None:
                self._ended = True
            elif "registration" in line:
                yield from self._builder.add(line["registration"])
            elif "result" in line:
                # The host's last line. Its exit is not waited for: tearing down a process of
                # the SDK's size takes a few ms before its output ends, all on the gate's
                # critical path; `stop()` reaps it (long gone by then).
                self._result = line["result"]
                self._ended = True

    def plan(self, verbose: bool = False) -> Plan:
        """The recorded plan; raises `ProgramError` with the program's own message on failure."""
        for _ in self.resources():
            pass
        assert self._builder is not None
        if not isinstance(self._result, dict):
            try:  # ended without a result: its exit code and stderr say why
                self.process.wait(timeout=max(0.0, self._deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._timed_out()
            self._stderr_reader.join(timeout=5)
            stderr = "".join(self._stderr)
            raise ProgramError(
                "the program host stopped without a result"
                f" (exit code {self.process.returncode}):\n{stderr.strip()[-3000:]}"
            )
        if "error" in self._result:
            raise ProgramError(_error_message(self._result["error"], self.config, verbose))
        return self._builder.finish(self._result["stackOutputs"])

    def _next_line(self) -> dict[str, Any] | None:
        try:
            return self._lines.get(timeout=max(0.0, self._deadline - time.monotonic()))
        except queue.Empty:
            self._timed_out()

    def _timed_out(self) -> NoReturn:
        self.stop()
        raise ProgramError(f"the program did not finish within {PROGRAM_TIMEOUT_SECONDS} s")


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


def _parse(line: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(line)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


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

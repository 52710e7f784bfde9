"""Starting a Python policy pack as the Pulumi CLI does, without gRPC: the gate starts the pack
the moment it has started the program, and imports the SDK's protocol and gRPC itself only once
the pack serves, so the pack's own start-up (an interpreter, the SDK, pulumi-policy, the pack)
shares the cores with the program alone.

The CLI runs a Python pack through its `pulumi-analyzer-policy-python` shim: the working
directory is the pack folder, the command is `<venv python> -u -m pulumi.policy <engine-address>
.`, the stack's identity comes in `PULUMI_*` environment variables, and the first line the
process prints on stdout is the port of its gRPC Analyzer server (`gate.analyzer` connects). The
gate runs that same module the same way through `gate.pack_entry`, which first defers the SDK
parts no pack uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from gate import GATE_PARENT, pack_entry

ENGINE_ADDRESS_PLACEHOLDER: Final = "127.0.0.1:0"
"""The pack never dials the engine unless it logs; no engine runs here, so nothing listens."""


class PackStartError(RuntimeError):
    """The pack stopped, or printed something other than its port, before it served."""


class StreamDrain:
    """Reads a child's pipe on a thread so the child never blocks on a full pipe."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self._thread.start()

    def _run(self, stream: IO[bytes]) -> None:
        for line in iter(stream.readline, b""):
            self._chunks.append(line)

    def text(self) -> str:
        return b"".join(self._chunks).decode("utf-8", errors="replace")

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


@dataclass(frozen=True)
class PackStack:
    """The stack the engine runs a pack for: the `PULUMI_*` variables and `PULUMI_CONFIG` the
    pack starts with, and what the engine's `ConfigureStack` call tells it."""

    project: str
    stack: str
    organization: str | None = None
    dry_run: bool = True
    config: Mapping[str, str] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        env = {
            "PULUMI_PROJECT": self.project,
            "PULUMI_STACK": self.stack,
            "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
        }
        if self.organization:
            env["PULUMI_ORGANIZATION"] = self.organization
        return env


@dataclass
class PackProcess:
    """A pack process we started (for `stack`, if any); it serves until we stop it, as under
    the engine."""

    pack_dir: Path
    process: subprocess.Popen[bytes]
    stderr: StreamDrain
    stack: PackStack | None = None
    _started: int | PackStartError | None = field(default=None, init=False, repr=False)

    def port(self, timeout: float) -> int:
        """The port the pack serves on, waiting up to `timeout` for it the first time; raises
        `PackStartError` (every time) if it failed to start."""
        if self._started is None:
            try:
                self._started = self._read_port(timeout)
            except PackStartError as error:
                self._started = error
        if isinstance(self._started, PackStartError):
            raise self._started
        return self._started

    def _read_port(self, timeout: float) -> int:
        """The first stdout line of the pack is its port; anything else means it failed to
        start (then the process is stopped and the error carries its stderr)."""
        stdout = self.process.stdout
        assert stdout is not None
        result: list[bytes] = []
        reader = threading.Thread(target=lambda: result.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        line = result[0].strip() if result else b""
        if not line.isdigit():
            self.stop()
            shown = line.decode("utf-8", errors="replace") or "nothing"
            raise PackStartError(
                f"policy pack did not print its port (got {shown!r}); stderr:\n"
                f"{self.stderr.text()[-4000:]}"
            )
        StreamDrain(stdout)  # the pack's prints must not fill the pipe
        return int(line)

    def stop(self, *, wait: bool = True) -> None:
        """Stop the pack process we started (it serves until killed, like under the engine).

        `wait=False` is for a run that has all its answers: the pack is killed (SIGKILL, which
        it cannot ignore) and the gate goes on with its report while the kernel tears the
        process down (about 7 ms for a pack with prod's policies, on the core the program host
        has left). The engine interrupts a plugin and kills it after 5 s (pulumi/pulumi
        `sdk/go/common/resource/plugin/plugin.go`, `Plugin.Close` and `ExecPlugin`'s `kill`);
        the gate runs no pack code after its last answer, so it does not wait for either."""
        if not wait:
            if self.process.poll() is None:
                self.process.kill()
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.stderr.join(timeout=5)


def start_pack(
    pack_dir: Path, python: str = sys.executable, stack: PackStack | None = None
) -> PackProcess:
    """Start the pack in `pack_dir` as `pulumi-analyzer-policy-python` does, for `stack`
    (through `gate.pack_entry`)."""
    pack_dir = Path(pack_dir).resolve()
    env = dict(os.environ)
    if stack is not None:
        if stack.config:
            env["PULUMI_CONFIG"] = json.dumps(dict(stack.config))
        env.update(stack.environment())
    process = subprocess.Popen(
        [python, "-u", "-c", pack_entry.command(str(GATE_PARENT)), ENGINE_ADDRESS_PLACEHOLDER, "."],
        cwd=pack_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    return PackProcess(pack_dir, process, StreamDrain(process.stderr), stack)

"""How the gate ends a policy pack (`PackProcess.stop`): waiting for it by default, and, once a
run has all its answers, killing it without waiting for the kernel to tear it down."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from gate.pack_process import PackProcess, StreamDrain

# A stand-in for a pack that ignores the polite signals: only SIGKILL ends it.
STUBBORN = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(600)\n"
)


def _started(tmp_path: Path, code: str) -> PackProcess:
    """A process running `code` as the pack, once it has printed `ready`."""
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.readline() == b"ready\n"  # its signal handlers are in place
    return PackProcess(tmp_path, process, StreamDrain(process.stderr))


def test_a_pack_with_its_answers_given_is_killed_without_waiting(tmp_path: Path) -> None:
    pack = _started(tmp_path, STUBBORN)
    pack.stop(wait=False)
    assert pack.process.wait(timeout=10) == -signal.SIGKILL
    pack.stop(wait=False)  # a second stop of an ended pack does nothing


def test_a_plain_stop_waits_until_the_pack_has_ended(tmp_path: Path) -> None:
    pack = _started(tmp_path, "import time; print('ready', flush=True); time.sleep(600)")
    started = time.monotonic()
    pack.stop()
    assert pack.process.returncode == -signal.SIGTERM  # ended and reaped before stop returned
    assert time.monotonic() - started < 5

"""Which core each of the gate's processes runs on when a preview has only two.

A preview runs three processes: the program host, the gate and the policy pack. The gate and
the pack take turns (the gate waits for each answer of the pack, as the engine does), so
together they need one core, and the program host needs the other. Left to itself, Linux
moves the pack's gRPC threads and the gate between the two cores, and onto the program's, at
every request: an empty call to the pack took 0.47 ms with the threads free to move and
0.37 ms with them kept in place, and judging one of prod's resources (`Remediate` and
`Analyze`) 1.75 against 1.57 ms. So when the gate may use exactly two cores, it keeps the
program host on one, and itself and the pack (which inherits the gate's cores) on the other;
the whole prod preview took 0.727 → 0.708 s in interleaved runs (see `docs/gate.md`).

With more cores the scheduler has room and nothing is pinned; with `--mode up` two program
hosts run at once and need both cores, so the gate gives every process both back
(`share_cores`). `IDENTITY_GATE_PIN_CORES=0` (or `off`) turns it off, for a machine where
another job holds one of the two cores. Systems without `sched_setaffinity` (macOS, Windows)
are left to their scheduler.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

PIN_VARIABLE: Final = "IDENTITY_GATE_PIN_CORES"
"""Set to `0`, `off`, `false` or `no` to leave every process to the scheduler."""

_OFF: Final = frozenset({"0", "off", "false", "no"})


@dataclass(frozen=True)
class CoreSplit:
    """The cores the gate may use, and how they are shared out."""

    allowed: frozenset[int]
    program: frozenset[int]
    """The program host's core."""
    gate: frozenset[int]
    """The gate's core, which the policy pack inherits."""


def plan_split(allowed: Iterable[int], environ: Mapping[str, str]) -> CoreSplit | None:
    """One core for the program, the other for the gate and the pack; only for exactly two."""
    if environ.get(PIN_VARIABLE, "").strip().lower() in _OFF:
        return None
    cores = sorted(set(allowed))
    if len(cores) != 2:
        return None
    return CoreSplit(frozenset(cores), frozenset(cores[:1]), frozenset(cores[1:]))


class _Pinning:
    """The split in effect in this process, so that it can be undone."""

    split: CoreSplit | None = None


def separate_cores(program_pid: int) -> None:
    """Pins the program host to one core and this process to the other (what it starts later,
    the pack, inherits it). Called before the gate starts any thread of its own."""
    if not hasattr(os, "sched_setaffinity"):
        return
    split = plan_split(os.sched_getaffinity(0), os.environ)
    if split is None:
        return
    _pin(program_pid, split.program)
    _pin(0, split.gate)
    _Pinning.split = split


def share_cores(program_pids: Iterable[int]) -> None:
    """Gives the program hosts and every thread of this process all the cores back."""
    split = _Pinning.split
    if split is None:
        return
    for pid in program_pids:
        _pin(pid, split.allowed)
    for thread in _own_threads():
        _pin(thread, split.allowed)
    _Pinning.split = None


def _own_threads() -> list[int]:
    """The ids of this process's threads (each has its own affinity on Linux)."""
    with contextlib.suppress(OSError):
        return [int(name) for name in os.listdir("/proc/self/task")]
    return [0]


def _pin(pid: int, cores: frozenset[int]) -> None:
    """`sched_setaffinity`, for a process or thread that may have ended meanwhile."""
    with contextlib.suppress(OSError):
        os.sched_setaffinity(pid, cores)

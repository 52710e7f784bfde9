"""The frame every bulk job shares: journal, progress bar, executor, timing, Ctrl-C."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from identity_ops.executor import Executor, ItemT, JobInterruptedError
from identity_ops.journal import Journal
from identity_ops.outcomes import Outcome, Tally
from identity_ops.progress import JobProgress
from identity_ops.ratelimit import RateLimiter


@dataclass(frozen=True)
class BulkSettings:
    """How a bulk job runs: concurrency, journal location, fresh start."""

    concurrency: int = 8
    journal_path: Path | None = None
    fresh: bool = False


@dataclass
class BulkResult:
    """``tally`` counts every item the journal has finished, this run and earlier ones."""

    tally: Tally
    duration_seconds: float
    interrupted: bool
    journal: Journal


def run_bulk(
    *,
    console: Console,
    description: str,
    journal_path: Path,
    journal_header: dict[str, Any],
    items: Iterable[ItemT],
    total: int | None,
    action: Callable[[ItemT, bool], Outcome],
    settings: BulkSettings,
    limiter: RateLimiter | None,
) -> BulkResult:
    """Run ``action`` over ``items``, resuming from and recording to the journal."""
    journal = Journal.open(journal_path, journal_header, fresh=settings.fresh)
    started = time.monotonic()
    interrupted = False
    try:
        with JobProgress(console, description, total) as progress:
            executor: Executor[ItemT] = Executor(
                action,
                journal,
                concurrency=settings.concurrency,
                limiter=limiter,
                progress=progress,
            )
            try:
                tally = executor.run(items)
            except JobInterruptedError as stop:
                tally, interrupted = stop.tally, True
    finally:
        journal.close()
    return BulkResult(
        cumulative_tally(journal, tally), time.monotonic() - started, interrupted, journal
    )


def cumulative_tally(journal: Journal, this_run: Tally) -> Tally:
    """Counts over every finished item of the journal; ``resumed`` = done by earlier runs."""
    tally = Tally(resumed=this_run.resumed)
    for entry in journal.finished():
        tally.add(entry.item, entry.username, Outcome(entry.outcome, entry.reason, entry.code))
    return tally

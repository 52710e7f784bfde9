"""Progress bars with rate and ETA for long jobs (rich), silent when output is not a terminal.

The rate and the ETA count only the items this run processed: a resumed run first skips what the
journal already has (thousands of items in a second), which would otherwise make the rate huge and
the ETA near zero. The bar's count still includes those items, so it shows where the job stands.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from identity_ops.journal import skipped_items


def this_run_rate(task: Task, now: float) -> float | None:
    """Items per second processed by this run (journal skips excluded); ``None`` before any."""
    processed = int(task.fields.get("this_run", 0))
    started = task.fields.get("started")
    if not processed or started is None or now <= started:
        return None
    return processed / (now - float(started))


def eta_seconds(task: Task, now: float) -> float | None:
    """Time left at this run's own rate; ``None`` when unknown."""
    rate = this_run_rate(task, now)
    if rate is None or task.total is None:
        return None
    return max(0.0, task.total - task.completed) / rate


class RateColumn(ProgressColumn):
    """Items per second of this run, the number an admin compares with the quota."""

    def render(self, task: Task) -> Text:
        rate = this_run_rate(task, time.monotonic())
        return Text("-- /s" if rate is None else f"{rate:,.1f}/s", style="progress.data.speed")


class EtaColumn(ProgressColumn):
    """Time remaining at this run's rate."""

    def render(self, task: Task) -> Text:
        seconds = eta_seconds(task, time.monotonic())
        if seconds is None:
            return Text("ETA -:--:--", style="progress.remaining")
        minutes, secs = divmod(int(seconds), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"ETA {hours}:{minutes:02d}:{secs:02d}", style="progress.remaining")


class JobProgress:
    """A single-task progress bar: ``with JobProgress(console, "import", total) as bar: bar.advance()``."""

    def __init__(self, console: Console, description: str, total: int | None) -> None:
        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            EtaColumn(),
            console=console,
            transient=False,
            disable=not console.is_terminal,
        )
        self._task = self._progress.add_task(
            description, total=total, this_run=0, started=time.monotonic()
        )
        self._skips_seen = skipped_items()
        self.this_run = 0
        self.resumed = 0

    def __enter__(self) -> JobProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` items; an item the journal just reported as done counts as resumed."""
        skips = skipped_items()
        if skips != self._skips_seen:
            self._skips_seen = skips
            self.resumed += amount
        else:
            self.this_run += amount
        self._progress.update(self._task, advance=amount, this_run=self.this_run)

    @property
    def task(self) -> Task:
        return self._progress.tasks[0]

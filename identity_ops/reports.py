"""Reports people can read (rich tables) and machines can parse (JSON), secrets masked in both."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from identity_ops.outcomes import Tally
from identity_ops.redaction import redact

OUTPUT_FORMATS = ("table", "json")
MAX_FAILURES_SHOWN = 20


@dataclass
class RunReport:
    """The final report of a bulk job."""

    command: str
    pool_id: str
    tally: Tally
    duration_seconds: float
    dry_run: bool = False
    interrupted: bool = False
    source: str = ""
    journal: str = ""
    failed_rows_file: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def processed_this_run(self) -> int:
        return max(0, self.tally.total - self.tally.resumed)

    @property
    def rate(self) -> float:
        done = self.processed_this_run
        return done / self.duration_seconds if self.duration_seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = redact(
            {
                "command": self.command,
                "pool_id": self.pool_id,
                "source": self.source,
                "dry_run": self.dry_run,
                "interrupted": self.interrupted,
                "counts": dict(sorted(self.tally.counts.items())),
                "processed": self.tally.total,
                "processed_this_run": self.processed_this_run,
                "resumed_from_journal": self.tally.resumed,
                "failed": self.tally.failed,
                "failures": [
                    {"item": f.item, "username": f.username, "reason": f.reason, "code": f.code}
                    for f in self.tally.failures
                ],
                "duration_seconds": round(self.duration_seconds, 3),
                "rate_per_second": round(self.rate, 2),
                "journal": self.journal,
                "failed_rows_file": self.failed_rows_file,
                "notes": self.notes,
            }
        )
        return data


def render_run_report(report: RunReport, console: Console, output: str) -> None:
    """Print the report as a table (default) or JSON (``--output json``)."""
    if output == "json":
        console.print_json(json.dumps(report.to_dict()))
        return
    data = report.to_dict()
    console.print(
        f"[bold]{report.command}[/] on {report.pool_id}"
        + (" [yellow](dry run)[/]" if report.dry_run else "")
    )
    table = Table(show_header=True)
    table.add_column("outcome")
    table.add_column("users", justify="right")
    for outcome, count in data["counts"].items():
        table.add_row(outcome, f"{count:,}")
    console.print(table)
    resumed = (
        f", {report.tally.resumed:,} of them by an earlier run" if report.tally.resumed else ""
    )
    console.print(
        f"{report.tally.total:,} done{resumed}; this run: {report.processed_this_run:,} "
        f"in {report.duration_seconds:.1f}s ({report.rate:,.1f}/s)"
    )
    _render_failures(data["failures"], console)
    for note in data["notes"]:
        console.print(f"note: {note}")
    if report.failed_rows_file:
        console.print(f"failed rows written to {report.failed_rows_file} (fix and feed back in)")
    if report.journal:
        console.print(f"journal: {report.journal}")
    if report.interrupted:
        console.print(
            "[yellow]interrupted[/]: the journal is saved; re-run the same command to resume"
        )


def _render_failures(failures: list[dict[str, str]], console: Console) -> None:
    if not failures:
        return
    table = Table(title=f"failures ({len(failures):,})")
    for column in ("item", "username", "reason"):
        table.add_column(column)
    for failure in failures[:MAX_FAILURES_SHOWN]:
        table.add_row(failure["item"], failure["username"], failure["reason"])
    console.print(table)
    if len(failures) > MAX_FAILURES_SHOWN:
        console.print(f"... and {len(failures) - MAX_FAILURES_SHOWN:,} more (see --output json)")


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write a JSON report file, secrets masked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(redact(data), indent=2, default=str) + "\n", encoding="utf-8")

"""Reports people can read (rich tables) and machines can parse (JSON), secrets masked in both."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from identity_ops.outcomes import Tally
from identity_ops.plan import Plan
from identity_ops.redaction import redact, scrub
from identity_ops.userstream import PoolUser, UserDetail

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
    failed_earlier: int = 0  # failed in an earlier run of the journal and not retried by this one
    plan: Plan | None = None  # the plan a --dry-run / --plan run wrote (shown with the report)

    @property
    def retry_hint(self) -> str:
        """How to act on failures an earlier run left, or ``""``."""
        if not self.failed_earlier:
            return ""
        return (
            f"{self.failed_earlier:,} item(s) failed in an earlier run and were not retried: "
            "re-run with --retry-failed to retry only them, or --fresh to start over"
        )

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
                "failed_this_run": max(0, self.tally.failed - self.failed_earlier),
                "failed_earlier": self.failed_earlier,
                "retry_hint": self.retry_hint,
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
    if report.retry_hint:
        console.print(f"[yellow]{report.retry_hint}[/]", highlight=False)
    if report.journal:
        console.print(f"journal: {report.journal}")


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


#: Columns of ``users list`` (table mode); JSON carries every attribute.
LIST_COLUMNS: tuple[tuple[str, int], ...] = (
    ("username", 36),
    ("status", 22),
    ("enabled", 7),
    ("email", 36),
    ("created", 25),
)


def user_record(user: PoolUser) -> dict[str, Any]:
    """One ListUsers user as ``users list -o json`` prints it."""
    return {
        "username": user.username,
        "status": user.status,
        "enabled": user.enabled,
        "created": user.created.isoformat() if user.created else None,
        "last_modified": user.modified.isoformat() if user.modified else None,
        "attributes": dict(sorted(user.attributes.items())),
    }


def stream_users(users: Iterable[PoolUser], output: str, stream: IO[str]) -> int:
    """Write users as they arrive (a JSON array, or aligned lines); return how many.

    Nothing is buffered beyond one ListUsers page, so a listing of a large pool starts at once and
    uses constant memory.
    """
    count = 0
    if output == "json":
        stream.write("[")
        for user in users:
            stream.write(("," if count else "") + "\n  " + json.dumps(redact(user_record(user))))
            count += 1
        stream.write(("\n" if count else "") + "]\n")
        return count
    stream.write(_aligned(name for name, _ in LIST_COLUMNS))
    for user in users:
        created = user.created.isoformat(timespec="seconds") if user.created else ""
        values = (
            user.username,
            user.status,
            str(user.enabled).lower(),
            user.attributes.get("email", ""),
            created,
        )
        stream.write(_aligned(scrub(value) for value in values))
        count += 1
    return count


def _aligned(values: Iterable[str]) -> str:
    cells = [value.ljust(width) for value, (_, width) in zip(values, LIST_COLUMNS, strict=True)]
    return "  ".join(cells).rstrip() + "\n"


def render_user_detail(detail: UserDetail, console: Console) -> None:
    """``users show`` as tables: the user, attributes, groups, MFA, devices."""
    data = redact(detail.to_dict())
    summary = Table(title=f"user {detail.username}", show_header=False)
    summary.add_column("field")
    summary.add_column("value")
    mfa = data["mfa"]
    for name, value in (
        ("status", data["status"]),
        ("enabled", str(data["enabled"]).lower()),
        ("created", data["created"] or ""),
        ("last modified", data["last_modified"] or ""),
        ("last sign-in", data["last_sign_in"]),
        ("groups", ", ".join(data["groups"]) or "none"),
        ("MFA enabled", ", ".join(mfa["enabled_methods"]) or "none"),
        ("MFA preferred", mfa["preferred"] or "none"),
        ("devices", "unknown" if data["devices"] is None else str(len(data["devices"]))),
    ):
        summary.add_row(name, Text(value))
    console.print(summary)
    attributes = Table(title="attributes")
    attributes.add_column("name")
    attributes.add_column("value")
    for name, value in data["attributes"].items():
        attributes.add_row(name, Text(value))
    console.print(attributes)
    for device in data["devices"] or []:
        console.print(f"device {device['key']}: last authenticated {device['last_authenticated']}")
    for note in data["notes"]:
        console.print(f"note: {note}", markup=False, highlight=False)

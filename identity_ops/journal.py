"""The journal: what a job has finished, so a re-run continues where the last one stopped.

One JSON object per line, appended and fsync'ed before the job moves on, so a crash (kill -9,
power loss) loses at most the line being written, which the loader ignores. Every item is written
twice: ``started`` before its request is sent and ``done`` (with the outcome) after. On resume:

- ``done`` items are skipped: no duplicate work;
- items with ``started`` but no ``done`` are *uncertain*: the request may have reached Cognito.
  The job re-runs them in a way that accepts the earlier effect (an existing user created by the
  interrupted run is completed, not skipped): no lost row;
- items never started run normally.

Durability costs one fsync per batch, not per item: ``started`` records are written for a whole
batch and fsync'ed once before any of its requests is sent; ``done`` records are flushed at once and
fsync'ed at least every second (and at close). A ``done`` lost in a crash only makes its item
uncertain, which the resume handles.

The journal is keyed by the job (command, pool, options) and the input's content hash, so the same
command on the same file resumes, and an edited file starts a new journal.

Failed items are ``done`` too, so a plain re-run does not repeat them; the report says how many
failed in an earlier run (``failed_at_open``). ``retry_failed`` re-opens exactly those: it appends a
``started`` record for each, which makes them uncertain, so the next run sends them again in the
way that accepts an earlier partial effect.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from identity_ops.errors import UsageError

JOURNAL_DIR = Path(".identity-ops") / "journals"
JOURNAL_DIR_ENV = "IDENTITY_OPS_JOURNAL_DIR"
DONE_SYNC_INTERVAL = 1.0  # seconds between fsyncs of done records
FAILED = "failed"

_skip_lock = threading.Lock()
_skips = 0


def skipped_items() -> int:
    """How many items journals have reported as already done, in this process so far.

    The executor asks ``is_done`` right before it skips an item of a resumed run; the progress bar
    reads this counter to keep those skips out of this run's rate and ETA.
    """
    return _skips


def _count_skip() -> None:
    global _skips
    with _skip_lock:
        _skips += 1


def journal_dir() -> Path:
    """Where journals are kept (``IDENTITY_OPS_JOURNAL_DIR``, default ``.identity-ops/journals``);
    plans and the disable-time ledger live beside it."""
    return Path(os.environ.get(JOURNAL_DIR_ENV) or JOURNAL_DIR)


def journal_path(command: str, pool_id: str, *parts: str) -> Path:
    """Default journal location for a job: ``.identity-ops/journals/<command>-<pool>-<hash>.jsonl``."""
    digest = hashlib.sha256("\0".join((command, pool_id, *parts)).encode()).hexdigest()[:16]
    safe_command = command.replace(" ", "-")
    return journal_dir() / f"{safe_command}-{pool_id}-{digest}.jsonl"


@dataclass(frozen=True)
class Entry:
    """The last known state of one journaled item."""

    item: str  # the item's key (line number for files, username for filters)
    username: str
    state: str  # started | done
    outcome: str = ""  # created | updated | skipped | failed | ... (set when done)
    reason: str = ""
    code: str = ""


class Journal:
    """Append-only, fsync'ed, thread-safe record of finished items."""

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        self.path = path
        self.header = header
        self.entries: dict[str, Entry] = {}
        #: items that had failed when the journal was opened and were not run again since
        self.failed_at_open: set[str] = set()
        self._lock = threading.Lock()
        self._handle: TextIO | None = None
        self._last_sync = time.monotonic()

    @classmethod
    def open(cls, path: Path, header: dict[str, Any], *, fresh: bool = False) -> Journal:
        """Open (and load) the journal at ``path``; ``fresh`` starts it over."""
        journal = cls(path, header)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if fresh and path.exists():
                path.unlink()
            if path.exists():
                journal._load()
            journal._handle = path.open("a", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"journal {path}: cannot open ({error.strerror})") from None
        if not journal.entries and path.stat().st_size == 0:
            journal._append({"journal": header})
        journal.failed_at_open = {
            entry.item
            for entry in journal.entries.values()
            if entry.state == "done" and entry.outcome == FAILED
        }
        return journal

    def retry_failed(self) -> int:
        """Make the items that failed earlier uncertain, so the next run sends them again."""
        items = sorted(self.failed_at_open)
        self.started((item, self.entries[item].username) for item in items)
        return len(items)

    def _load(self) -> None:
        valid_bytes = 0
        with self.path.open("rb") as handle:
            for raw in handle:
                try:
                    record = json.loads(raw)
                except ValueError:
                    break  # a torn last line from a crash: everything before it is intact
                if not raw.endswith(b"\n"):
                    break
                valid_bytes += len(raw)
                self._apply(record)
        if valid_bytes != self.path.stat().st_size:
            with self.path.open("r+b") as handle:
                handle.truncate(valid_bytes)

    def _apply(self, record: dict[str, Any]) -> None:
        if "item" not in record:
            return
        self.entries[str(record["item"])] = Entry(
            item=str(record["item"]),
            username=str(record.get("username", "")),
            state=str(record.get("state", "")),
            outcome=str(record.get("outcome", "")),
            reason=str(record.get("reason", "")),
            code=str(record.get("code", "")),
        )

    def _append(self, record: dict[str, Any], *, sync: bool = True) -> None:
        self._write([record], sync=sync)

    def _write(self, records: list[dict[str, Any]], *, sync: bool) -> None:
        text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
        with self._lock:
            if self._handle is None:
                raise RuntimeError("journal is closed")
            self._handle.write(text)
            self._handle.flush()
            now = time.monotonic()
            if sync or now - self._last_sync >= DONE_SYNC_INTERVAL:
                os.fsync(self._handle.fileno())
                self._last_sync = now
            for record in records:
                self._apply(record)
                self.failed_at_open.discard(str(record.get("item", "")))

    def state(self, item: str) -> Entry | None:
        return self.entries.get(item)

    def is_done(self, item: str) -> bool:
        entry = self.entries.get(item)
        done = entry is not None and entry.state == "done"
        if done:
            _count_skip()
        return done

    def is_uncertain(self, item: str) -> bool:
        entry = self.entries.get(item)
        return entry is not None and entry.state == "started"

    def started(self, items: Iterable[tuple[str, str]]) -> None:
        """Durably record (item, username) pairs as started, before their requests are sent."""
        records = [
            {"item": item, "username": username, "state": "started"} for item, username in items
        ]
        if records:
            self._write(records, sync=True)

    def done(
        self, item: str, username: str, outcome: str, reason: str = "", code: str = ""
    ) -> None:
        record: dict[str, Any] = {
            "item": item,
            "username": username,
            "state": "done",
            "outcome": outcome,
        }
        if reason:
            record["reason"] = reason
        if code:
            record["code"] = code
        self._append(record, sync=False)

    def finished(self) -> Iterator[Entry]:
        return (entry for entry in self.entries.values() if entry.state == "done")

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                self._handle = None


def retry_failed_items(path: Path, header: dict[str, Any], *, fresh: bool = False) -> int:
    """``--retry-failed``: re-open the failed items of the journal at ``path``; return how many."""
    if fresh:
        raise UsageError(
            "--retry-failed re-runs the failed items of the journal, --fresh discards it: choose one"
        )
    if not path.exists():
        return 0
    journal = Journal.open(path, header)
    try:
        return journal.retry_failed()
    finally:
        journal.close()

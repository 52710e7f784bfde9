"""Plans: what a user-changing command would do, per user, written down before anything changes.

A plan file is JSON Lines, format ``identity-ops-plan`` version 1 (schema: ``plan.schema.json``
beside this module; docs/plans.md). Line 1 is the header (command, pool, selection, the options
``apply`` needs), then one line per user that needs a change (the action, its parameters and the
state it was decided on), then a trailer with the summary (counts per action, users skipped and
why) and ``sha256``: the SHA-256 of the canonical JSON of every line before it plus the summary, so
any edit of the header, an entry or the summary is detected. Canonical JSON = keys sorted,
``(",", ":")`` separators, UTF-8, one line.

Plans are written and read as streams: one entry in memory at a time, the digest updated as each
line is written, so planning 100,000 users takes constant memory. Plans never hold secrets: import
plans carry the row minus any password; ``apply`` reads or generates secrets itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from identity_ops.errors import UsageError
from identity_ops.redaction import is_secret_key

PLAN_FORMAT = "identity-ops-plan"
PLAN_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("plan.schema.json")
EXAMPLES_PER_REASON = 5  # usernames kept per skip reason: enough to recognise, bounded memory
FIRST_USERS = 5  # users named by confirmation prompts
TABLE_ROWS = 50  # entries shown by the table view (JSON shows all)


def canonical(record: Mapping[str, Any]) -> str:
    """The one serialisation the digest is computed over."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class UserState:
    """What a decision was made on. ``None`` fields were not read and are not compared."""

    exists: bool = True
    status: str | None = None
    enabled: bool | None = None
    groups: tuple[str, ...] | None = None  # memberships within the plan's group scope
    last_sign_in: str | None = None  # ISO 8601, or "never"
    disabled_at: str | None = None  # ISO 8601, or "unknown"
    attributes: Mapping[str, str] | None = None  # only the attributes the action sets

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"exists": self.exists}
        for name in ("status", "enabled", "last_sign_in", "disabled_at"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.groups is not None:
            data["groups"] = list(self.groups)
        if self.attributes is not None:
            data["attributes"] = dict(self.attributes)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UserState:
        groups = data.get("groups")
        attributes = data.get("attributes")
        return cls(
            exists=bool(data.get("exists", True)),
            status=data.get("status"),
            enabled=data.get("enabled"),
            groups=tuple(groups) if groups is not None else None,
            last_sign_in=data.get("last_sign_in"),
            disabled_at=data.get("disabled_at"),
            attributes=dict(attributes) if attributes is not None else None,
        )

    def updated(self, changes: Mapping[str, Any]) -> UserState:
        """This state with ``changes`` applied (what a finished action leaves behind)."""
        return replace(self, **changes)

    def differences(self, now: UserState) -> list[str]:
        """Every recorded field whose current value differs, as ``field: then -> now``."""
        recorded = self.to_json()
        current = now.to_json()
        if not self.exists and not now.exists:
            return []
        if recorded.get("exists") != current.get("exists"):
            then_word = "exists" if self.exists else "absent"
            now_word = "exists" if now.exists else "absent"
            return [f"user: {then_word} -> {now_word}"]
        return [
            f"{name}: {_show(value)} -> {_show(current.get(name))}"
            for name, value in recorded.items()
            if current.get(name) != value
        ]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    return "-" if value is None else str(value)


@dataclass(frozen=True)
class PlanEntry:
    """One user that needs a change: the action, its parameters and the state behind it."""

    item: str  # journal key: line number (files) or username
    username: str
    action: str
    state: UserState
    params: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "item": self.item,
            "username": self.username,
            "action": self.action,
            "state": self.state.to_json(),
        }
        if self.params:
            data["params"] = dict(self.params)
        if self.reason:
            data["reason"] = self.reason
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanEntry:
        return cls(
            item=str(data["item"]),
            username=str(data["username"]),
            action=str(data["action"]),
            state=UserState.from_json(data.get("state") or {}),
            params=dict(data.get("params") or {}),
            reason=str(data.get("reason", "")),
        )


@dataclass(frozen=True)
class PlanHeader:
    """Which command made the plan, for which pool and users, with which options."""

    command: str
    pool_id: str
    selection: str
    options: Mapping[str, Any] = field(default_factory=dict)
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "pool_id": self.pool_id,
            "selection": self.selection,
            "options": dict(self.options),
            "created_at": self.created_at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanHeader:
        return cls(
            command=str(data["command"]),
            pool_id=str(data["pool_id"]),
            selection=str(data.get("selection", "")),
            options=dict(data.get("options") or {}),
            created_at=str(data.get("created_at", "")),
        )


@dataclass
class PlanSummary:
    """Counts per action, users left out (and why), and the first users, for prompts and reports."""

    entries: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_examples: dict[str, list[str]] = field(default_factory=dict)
    not_found: list[dict[str, str]] = field(default_factory=list)
    first_users: list[str] = field(default_factory=list)

    def add_entry(self, entry: PlanEntry) -> None:
        self.entries += 1
        self.actions[entry.action] += 1
        if len(self.first_users) < FIRST_USERS:
            self.first_users.append(entry.username)

    def add_skip(self, item: str, username: str, reason: str, *, not_found: bool = False) -> None:
        if not_found:
            self.not_found.append({"item": item, "username": username})
        self.skipped[reason] += 1
        examples = self.skipped_examples.setdefault(reason, [])
        if len(examples) < EXAMPLES_PER_REASON:
            examples.append(username)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "actions": dict(sorted(self.actions.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_examples": {
                k: self.skipped_examples[k] for k in sorted(self.skipped_examples)
            },
            "not_found": self.not_found,
            "first_users": self.first_users,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanSummary:
        return cls(
            entries=int(data.get("entries", 0)),
            actions=Counter({str(k): int(v) for k, v in (data.get("actions") or {}).items()}),
            skipped=Counter({str(k): int(v) for k, v in (data.get("skipped") or {}).items()}),
            skipped_examples={
                str(k): [str(u) for u in v] for k, v in (data.get("skipped_examples") or {}).items()
            },
            not_found=[
                {"item": str(n["item"]), "username": str(n["username"])}
                for n in data.get("not_found") or []
            ],
            first_users=[str(u) for u in data.get("first_users") or []],
        )

    def describe_first_users(self) -> str:
        shown = ", ".join(self.first_users)
        more = self.entries - len(self.first_users)
        return shown + (f" and {more:,} more" if more > 0 else "")


class PlanWriter:
    """Write a plan line by line, hashing as it goes; the file appears only when complete."""

    def __init__(self, path: Path, header: PlanHeader) -> None:
        self.path = path
        self.header = header
        self.summary = PlanSummary()
        self.sha256 = ""
        self._digest = hashlib.sha256()
        self._partial = path.with_name(path.name + ".partial")
        self._handle: IO[str] | None = None

    def __enter__(self) -> PlanWriter:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self._partial.open("w", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"plan {self.path}: cannot write ({error.strerror})") from None
        self._line(
            {"format": PLAN_FORMAT, "version": PLAN_VERSION, "header": self.header.to_json()}
        )
        return self

    def _line(self, record: Mapping[str, Any], *, hashed: bool = True) -> None:
        assert self._handle is not None
        text = canonical(record) + "\n"
        if hashed:
            self._digest.update(text.encode("utf-8"))
        self._handle.write(text)

    def add(self, entry: PlanEntry) -> None:
        _check_no_secrets(entry.params, f"plan entry for {entry.username}")
        self.summary.add_entry(entry)
        self._line({"entry": entry.to_json()})

    def skip(self, item: str, username: str, reason: str, *, not_found: bool = False) -> None:
        self.summary.add_skip(item, username, reason, not_found=not_found)

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        assert self._handle is not None
        try:
            if exc_type is not None:
                return
            summary = {"summary": self.summary.to_json()}
            self._digest.update((canonical(summary) + "\n").encode("utf-8"))
            self.sha256 = self._digest.hexdigest()
            self._line({**summary, "sha256": self.sha256}, hashed=False)
            self._handle.flush()
            os.fsync(self._handle.fileno())
        finally:
            self._handle.close()
            if exc_type is None:
                os.replace(self._partial, self.path)
            else:
                self._partial.unlink(missing_ok=True)


def _check_no_secrets(params: Mapping[str, Any], where: str) -> None:
    secret = sorted(key for key in params if is_secret_key(str(key)))
    if secret:
        raise ValueError(f"{where}: plans never hold secrets ({', '.join(secret)})")


@dataclass(frozen=True)
class Plan:
    """A plan file with its digest: checked by ``read_plan``, or computed by the writer as it
    wrote the file. ``entries()`` streams the file, re-hashing it: a file changed since is
    refused."""

    path: Path
    header: PlanHeader
    summary: PlanSummary
    sha256: str

    def entries(self) -> Iterator[PlanEntry]:
        """Every entry, re-hashed on the way: a file changed since it was verified is refused."""
        digest = hashlib.sha256()
        for kind, record in _records(self.path):
            if kind == "summary":
                digest.update((canonical({"summary": record["summary"]}) + "\n").encode("utf-8"))
                if digest.hexdigest() != self.sha256:
                    raise UsageError(f"plan {self.path}: the file changed while it was applied")
                return
            digest.update((canonical(record) + "\n").encode("utf-8"))
            if kind == "entry":
                yield PlanEntry.from_json(record["entry"])


def _records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, record) per line: header, entry, summary; anything else is a readable error."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"plan {path}: no such file") from None
    except OSError as error:
        raise UsageError(f"plan {path}: cannot read ({error.strerror})") from None
    with handle:
        for number, text in enumerate(handle, start=1):
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                raise UsageError(f"plan {path}:{number}: not JSON ({error.msg})") from None
            yield _kind(path, number, record), record


def _kind(path: Path, number: int, record: Any) -> str:
    if isinstance(record, dict):
        if number == 1 and "header" in record:
            return "header"
        if "entry" in record and isinstance(record["entry"], dict):
            return "entry"
        if "summary" in record and "sha256" in record:
            return "summary"
    raise UsageError(
        f"plan {path}:{number}: expected {'the header' if number == 1 else 'an entry or the summary'}"
        f" of an {PLAN_FORMAT} file"
    )


def read_plan(path: Path) -> Plan:
    """Check format, version and digest in one streaming pass; refuse any edited plan."""
    digest = hashlib.sha256()
    header: PlanHeader | None = None
    for kind, record in _records(path):
        if kind == "header":
            _check_format(path, record)
            header = PlanHeader.from_json(record["header"])
        elif header is None:
            raise UsageError(f"plan {path}:1: the first line must be the plan header")
        if kind == "summary":
            digest.update((canonical({"summary": record["summary"]}) + "\n").encode("utf-8"))
            if digest.hexdigest() != record["sha256"]:
                raise UsageError(
                    f"plan {path}: the SHA-256 digest does not match its content: the plan was "
                    "edited after it was written. Nothing was changed; make a new plan."
                )
            return Plan(path, header, PlanSummary.from_json(record["summary"]), record["sha256"])
        digest.update((canonical(record) + "\n").encode("utf-8"))
    raise UsageError(f"plan {path}: no summary line: the plan is incomplete (truncated?)")


def _check_format(path: Path, record: Mapping[str, Any]) -> None:
    if record.get("format") != PLAN_FORMAT:
        raise UsageError(
            f"plan {path}: not an {PLAN_FORMAT} file (format {record.get('format')!r})"
        )
    if record.get("version") != PLAN_VERSION:
        raise UsageError(
            f"plan {path}: version {record.get('version')!r} is not supported "
            f"(this identity-ops reads version {PLAN_VERSION})"
        )


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The whole plan as one JSON document (for ``-o json``)."""
    return {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "file": str(plan.path),
        "header": plan.header.to_json(),
        "entries": [entry.to_json() for entry in plan.entries()],
        "summary": plan.summary.to_json(),
        "sha256": plan.sha256,
    }


def render_plan(plan: Plan, console: Console, limit: int = TABLE_ROWS) -> None:
    """The plan as a table: one row per user, then what was left out and why."""
    header, summary = plan.header, plan.summary
    console.print(
        f"[bold]plan[/] {plan.path}: {header.command} on {header.pool_id} "
        f"({header.selection}; made {header.created_at})",
        highlight=False,
    )
    table = Table(show_header=True)
    for column in ("user", "action", "status", "enabled", "groups", "last sign-in", "detail"):
        table.add_column(column)
    for shown, entry in enumerate(plan.entries()):
        if shown >= limit:
            break
        table.add_row(*_row(entry))
    console.print(table)
    if summary.entries > limit:
        console.print(f"... and {summary.entries - limit:,} more (see -o json)")
    actions = ", ".join(f"{action} {count:,}" for action, count in sorted(summary.actions.items()))
    console.print(f"changes: {summary.entries:,} ({actions or 'none'})", highlight=False)
    console.print(f"no change: {summary.skipped_total:,}", highlight=False)
    for reason, count in sorted(summary.skipped.items()):
        examples = ", ".join(summary.skipped_examples.get(reason, []))
        console.print(f"  {count:,} {reason} (e.g. {examples})", highlight=False)
    console.print(f"sha256: {plan.sha256}", highlight=False)


def _row(entry: PlanEntry) -> tuple[str, ...]:
    state = entry.state
    detail = entry.reason
    if entry.params:
        shown = ", ".join(f"{k}={_show(v)}" for k, v in sorted(entry.params.items()))
        detail = f"{detail}; {shown}" if detail else shown
    return (
        entry.username,
        entry.action,
        state.status or ("absent" if not state.exists else "-"),
        _show(state.enabled),
        _show(list(state.groups)) if state.groups is not None else "-",
        state.last_sign_in or "-",
        detail,
    )

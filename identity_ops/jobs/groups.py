"""``users groups sync FILE`` and ``users groups remove USER GROUP``: memberships as a file says.

The file (CSV or JSONL) has ``username`` and ``group`` columns, one membership per row; a row with
an empty group lists a user who should be in none of the groups in scope. Sync makes memberships
exactly match: users get the groups the file gives them and lose the others. ``--group NAME``
(repeatable) limits the sync to those groups: memberships of other groups are neither added nor
removed. Without it every group of the pool is in scope, so a user in the pool but not in the
file loses all their groups.

Memberships are read with ListUsersInGroup (who is in scope) and AdminListGroupsForUser (each
user's groups, recorded in the plan and re-read by ``apply``), and changed with
AdminAddUserToGroup / AdminRemoveUserFromGroup. The file and the set of users considered are kept
in a temporary SQLite database, so memory does not grow with the file or the groups.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsersInGroup.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListGroupsForUser.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminAddUserToGroup.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRemoveUserFromGroup.html
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from typing_extensions import override

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.outcomes import Outcome
from identity_ops.plan import PlanEntry, UserState
from identity_ops.pool import describe_pool, list_group_names
from identity_ops.reports import RunReport
from identity_ops.rows import detect_format, read_rows
from identity_ops.userstream import PoolUser, group_members

from .apply import RunSettings, plan_request, run_planned
from .bulk import BulkSettings
from .lifecycle import check_groups_exist
from .planning import (
    NOT_FOUND,
    Candidate,
    Change,
    Decision,
    NoChange,
    Observer,
    Operation,
    OperationContext,
    PlanRequest,
    register,
)

GROUP_COLUMN = "group"
MAX_PROBLEMS_SHOWN = 50


class GroupMembershipOperation(Operation):
    """Make a user's memberships (within the scope) equal to the wanted set."""

    done = "groups updated"

    def __init__(self, command: str, cognito: Any, pool_id: str, scope: tuple[str, ...]) -> None:
        self.command = command
        self.cognito = cognito
        self.pool_id = pool_id
        self.scope = scope  # () = every group of the pool

    @override
    def observer(self) -> Observer:
        return Observer(self.cognito, self.pool_id, group_scope=self.scope)

    @override
    def options(self) -> dict[str, Any]:
        return {"group_scope": list(self.scope)}

    @override
    def decide(self, candidate: Candidate, state: UserState, user: PoolUser | None) -> Decision:
        wanted = set(candidate.params.get("wanted") or ())
        if user is None:
            return NoChange(NOT_FOUND, not_found=True)
        current = set(state.groups or ())
        add, remove = sorted(wanted - current), sorted(current - wanted)
        if not add and not remove:
            return NoChange("memberships already as wanted")
        return Change("groups", {"add": add, "remove": remove})

    @override
    def act(self, entry: PlanEntry, uncertain: bool) -> Outcome:
        add: list[str] = list(entry.params.get("add") or [])
        remove: list[str] = list(entry.params.get("remove") or [])
        for group in add:
            self.cognito.admin_add_user_to_group(
                UserPoolId=self.pool_id, Username=entry.username, GroupName=group
            )
        for group in remove:
            self.cognito.admin_remove_user_from_group(
                UserPoolId=self.pool_id, Username=entry.username, GroupName=group
            )
        changes = [f"+{g}" for g in add] + [f"-{g}" for g in remove]
        return Outcome(self.done, " ".join(changes))

    @override
    def after(self, entry: PlanEntry) -> Mapping[str, Any]:
        current = set(entry.state.groups or ())
        added = set(entry.params.get("add") or [])
        removed = set(entry.params.get("remove") or [])
        return {"groups": tuple(sorted((current | added) - removed))}

    @override
    def would(self, action: str) -> str:
        return "would change groups"


def _factory(command: str) -> Any:
    def build(context: OperationContext, options: Mapping[str, Any]) -> Operation:
        scope = tuple(str(g) for g in options.get("group_scope") or ())
        return GroupMembershipOperation(command, context.cognito, context.pool_id, scope)

    return build


for _command in ("users groups sync", "users groups remove"):
    register(_command)(_factory(_command))


@dataclass(frozen=True)
class GroupSyncOptions:
    source: Path
    input_format: str | None = None
    groups: tuple[str, ...] = ()  # scope; () = every group
    dry_run: bool = False
    bulk: BulkSettings = field(default_factory=BulkSettings)
    plan: PlanRequest | None = None
    run: RunSettings = field(default_factory=RunSettings)


def run_group_sync(
    clients: AwsClients, pool_id: str, options: GroupSyncOptions, console: Console
) -> RunReport:
    cognito = clients.cognito()
    with aws_errors():
        describe_pool(cognito, pool_id)
        check_groups_exist(cognito, pool_id, options.groups)
        pool_groups = list_group_names(cognito, pool_id)
    scope = options.groups or tuple(pool_groups)
    operation = GroupMembershipOperation("users groups sync", cognito, pool_id, options.groups)
    file_format = detect_format(options.source, options.input_format)
    with _wanted_db() as db:
        outside = _load_file(db, options.source, file_format, set(pool_groups), set(scope))
        with aws_errors():
            for group in scope:
                _add_members(db, cognito, pool_id, group)
        request = _request(operation, pool_id, options.dry_run, options.plan, options.bulk)
        request = replace(request, selection=f"{options.source} (groups: {', '.join(scope)})")
        report = run_planned(
            clients,
            pool_id,
            operation,
            _candidates(db),
            request,
            console,
            replace(options.run, bulk=options.bulk),
        )
    if outside:
        report.notes.append(
            f"{outside} row(s) name groups outside --group and were ignored: sync changes only "
            f"{', '.join(scope)}"
        )
    return report


def run_group_remove(
    clients: AwsClients,
    pool_id: str,
    username: str,
    group: str,
    options: GroupSyncOptions,
    console: Console,
) -> RunReport:
    """Remove one user from one group, through the same plan path (state read, then change)."""
    cognito = clients.cognito()
    with aws_errors():
        describe_pool(cognito, pool_id)
        check_groups_exist(cognito, pool_id, (group,))
    operation = GroupMembershipOperation("users groups remove", cognito, pool_id, (group,))
    request = _request(operation, pool_id, options.dry_run, options.plan, options.bulk)
    request = replace(request, selection=f"{username} from {group}")
    candidates = [Candidate(username, username, None, {"wanted": []})]
    return run_planned(
        clients,
        pool_id,
        operation,
        candidates,
        request,
        console,
        replace(options.run, bulk=options.bulk),
    )


def _request(
    operation: Operation,
    pool_id: str,
    dry_run: bool,
    plan: PlanRequest | None,
    bulk: BulkSettings,
) -> PlanRequest:
    return plan or plan_request(
        operation.command, pool_id, dry_run=dry_run, concurrency=bulk.concurrency
    )


@contextmanager
def _wanted_db() -> Iterator[sqlite3.Connection]:
    with (
        tempfile.TemporaryDirectory(prefix="identity-ops-groups-") as directory,
        closing(sqlite3.connect(str(Path(directory) / "sync.sqlite"))) as db,
    ):
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE TABLE wanted (username TEXT, group_name TEXT)")
        # user: the member as ListUsersInGroup listed it (JSON), NULL for a user only the file names
        db.execute("CREATE TABLE considered (username TEXT PRIMARY KEY, user TEXT)")
        yield db


def _load_file(
    db: sqlite3.Connection, source: Path, file_format: str, known: set[str], scope: set[str]
) -> int:
    """Check every row (nothing is planned if one is bad) and load the wanted memberships."""
    problems: list[str] = []
    outside = 0
    for raw in read_rows(source, file_format):
        username = raw.username
        group = raw.fields.get(GROUP_COLUMN, "").strip()
        for column, reason in raw.problems:
            problems.append(f"{source}:{raw.line} column {column!r}: {reason}")
        if not username:
            problems.append(f"{source}:{raw.line}: empty username")
            continue
        if group and group not in known:
            problems.append(f"{source}:{raw.line} column 'group': unknown group {group!r}")
            continue
        db.execute("INSERT OR IGNORE INTO considered (username) VALUES (?)", (username,))
        if group and group not in scope:
            outside += 1
        elif group:
            db.execute("INSERT INTO wanted VALUES (?, ?)", (username, group))
    if problems:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        shown = problems[:MAX_PROBLEMS_SHOWN] + ([f"... and {more} more"] if more > 0 else [])
        raise UsageError("\n".join([*shown, "nothing was sent: fix the file and re-run"]))
    db.execute("CREATE INDEX wanted_by_user ON wanted (username)")
    return outside


def _add_members(db: sqlite3.Connection, cognito: Any, pool_id: str, group: str) -> None:
    """Every member of the group is considered, and kept as listed: planning reuses the listing
    instead of looking each member up again."""
    rows = ((user.username, user.to_json()) for user in group_members(cognito, pool_id, group))
    db.executemany(
        "INSERT INTO considered VALUES (?, ?) "
        "ON CONFLICT (username) DO UPDATE SET user = excluded.user",
        rows,
    )


def _candidates(db: sqlite3.Connection) -> Iterator[Candidate]:
    users = db.execute("SELECT username, user FROM considered ORDER BY username")
    lookup = db.cursor()
    for username, listed in users:
        wanted = [
            row[0]
            for row in lookup.execute(
                "SELECT DISTINCT group_name FROM wanted WHERE username = ? ORDER BY group_name",
                (username,),
            )
        ]
        user = PoolUser.from_json(listed) if listed else None
        yield Candidate(username, username, user, {"wanted": wanted})

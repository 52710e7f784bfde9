"""Stream a pool's users and group memberships in constant memory.

ListUsers is the only read used per user (AdminGetUser would make every exported user a billed
monthly active user). Pages are followed until no ``PaginationToken`` is returned (AWS can return
short pages mid-stream), 60 users at a time. Group memberships come from ListUsersInGroup into a
temporary on-disk SQLite index, so they can be joined to users without holding them in memory.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from identity_ops.pool import list_group_names

PAGE_SIZE = 60  # ListUsers' maximum


@dataclass(frozen=True)
class PoolUser:
    """One user as ListUsers returns it."""

    username: str
    status: str
    enabled: bool
    created: datetime | None
    modified: datetime | None
    attributes: dict[str, str]

    @classmethod
    def from_api(cls, user: dict[str, Any]) -> PoolUser:
        return cls(
            username=str(user["Username"]),
            status=str(user.get("UserStatus", "")),
            enabled=bool(user.get("Enabled", True)),
            created=user.get("UserCreateDate"),
            modified=user.get("UserLastModifiedDate"),
            attributes={a["Name"]: a.get("Value", "") for a in user.get("Attributes", [])},
        )


def iter_users(cognito: Any, pool_id: str, list_filter: str | None = None) -> Iterator[PoolUser]:
    """Every user of the pool (matching the ListUsers ``Filter``), one page in memory at a time."""
    request: dict[str, Any] = {"UserPoolId": pool_id, "Limit": PAGE_SIZE}
    if list_filter:
        request["Filter"] = list_filter
    while True:
        page = cognito.list_users(**request)
        for user in page.get("Users", []):
            yield PoolUser.from_api(user)
        token = page.get("PaginationToken")
        if not token:
            return
        request["PaginationToken"] = token


def find_user(cognito: Any, pool_id: str, username: str) -> PoolUser | None:
    """One user by exact username, through ListUsers (no MAU charge)."""
    escaped = username.replace("\\", "\\\\").replace('"', '\\"')
    for user in iter_users(cognito, pool_id, f'username = "{escaped}"'):
        if user.username == username:
            return user
    return None


class GroupIndex:
    """username -> groups, kept on disk in SQLite (constant memory for any pool size)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def groups_of(self, username: str) -> list[str]:
        rows = self._db.execute(
            "SELECT group_name FROM membership WHERE username = ? ORDER BY group_name", (username,)
        )
        return [row[0] for row in rows]

    def sizes(self) -> dict[str, int]:
        rows = self._db.execute("SELECT group_name, COUNT(*) FROM membership GROUP BY group_name")
        return {row[0]: int(row[1]) for row in rows}


@contextmanager
def group_index(cognito: Any, pool_id: str, *, enabled: bool = True) -> Iterator[GroupIndex]:
    """Build the membership index of every group (empty if ``enabled`` is false)."""
    with tempfile.TemporaryDirectory(prefix="identity-ops-") as directory:
        connection = sqlite3.connect(str(Path(directory) / "groups.sqlite"))
        try:
            # a throwaway cache: no journal, no fsync, exclusive lock (no per-query lock traffic)
            for pragma in (
                "journal_mode=OFF",
                "synchronous=OFF",
                "locking_mode=EXCLUSIVE",
                "cache_size=-16384",
            ):
                connection.execute(f"PRAGMA {pragma}")
            connection.execute("CREATE TABLE membership (username TEXT, group_name TEXT)")
            if enabled:
                _fill(connection, cognito, pool_id)
            connection.execute("CREATE INDEX by_user ON membership (username)")
            yield GroupIndex(connection)
        finally:
            connection.close()


def _fill(connection: sqlite3.Connection, cognito: Any, pool_id: str) -> None:
    for group in list_group_names(cognito, pool_id):
        # groups with no members still appear in group_sizes via a sentinel-free query later
        request: dict[str, Any] = {"UserPoolId": pool_id, "GroupName": group, "Limit": PAGE_SIZE}
        while True:
            page = cognito.list_users_in_group(**request)
            connection.executemany(
                "INSERT INTO membership VALUES (?, ?)",
                [(str(user["Username"]), group) for user in page.get("Users", [])],
            )
            token = page.get("NextToken")
            if not token:
                break
            request["NextToken"] = token
    connection.commit()

"""Read a pool's users: stream them (and group memberships) in constant memory, or look one up.

ListUsers is the only read used per user (AdminGetUser would make every exported user a billed
monthly active user). Pages are followed until no ``PaginationToken`` is returned (AWS can return
short pages mid-stream), 60 users at a time. Group memberships come from ListUsersInGroup into a
temporary on-disk SQLite index, so they can be joined to users without holding them in memory.

A ``--filter`` is checked against the ListUsers filter syntax before anything is sent (a typo is a
usage error, exit 2, not an AWS refusal halfway through a job). ``describe_user`` is the detailed
look-up of one user (``users show``): AdminGetUser, AdminListGroupsForUser, AdminListDevices.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from identity_ops.errors import UsageError
from identity_ops.executor import error_code, error_message
from identity_ops.last_sign_in import checked_attribute, read_from
from identity_ops.paging import items, largest_page
from identity_ops.pool import PoolSchema, list_group_names

#: The attributes a ListUsers filter may name, and its two operators (exact, prefix); custom
#: attributes are not searchable. Filter: at most 256 characters (UserFilterType).
#: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html
FILTERABLE_ATTRIBUTES = (
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
)
MAX_FILTER_LENGTH = 256
_FILTER = re.compile(r'^\s*(?P<name>[^\s=^"]+)\s*(?P<op>\^?=)\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*$')


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

    def to_json(self) -> str:
        """The user as one JSON text (kept on disk by jobs that list more users than fit memory)."""
        return json.dumps(
            {
                "username": self.username,
                "status": self.status,
                "enabled": self.enabled,
                "created": self.created.isoformat() if self.created else None,
                "modified": self.modified.isoformat() if self.modified else None,
                "attributes": self.attributes,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PoolUser:
        data = json.loads(text)
        return cls(
            username=str(data["username"]),
            status=str(data["status"]),
            enabled=bool(data["enabled"]),
            created=_datetime(data["created"]),
            modified=_datetime(data["modified"]),
            attributes={str(k): str(v) for k, v in data["attributes"].items()},
        )


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def check_filter(list_filter: str) -> None:
    """Refuse a ``--filter`` that ListUsers would reject, naming what is allowed."""
    syntax = 'expected ATTRIBUTE = "VALUE" (exact) or ATTRIBUTE ^= "VALUE" (starts with)'
    if len(list_filter) > MAX_FILTER_LENGTH:
        raise UsageError(
            f"--filter: {len(list_filter)} characters; ListUsers allows at most {MAX_FILTER_LENGTH}"
        )
    match = _FILTER.match(list_filter)
    if match is None:
        raise UsageError(
            f'--filter {list_filter!r}: {syntax}, quotes in VALUE escaped as \\", '
            "e.g. --filter 'cognito:user_status = \"UNCONFIRMED\"'"
        )
    if match["name"] not in FILTERABLE_ATTRIBUTES:
        hint = " (custom attributes are not searchable)" if ":" in match["name"] else ""
        raise UsageError(
            f"--filter {list_filter!r}: ListUsers cannot filter on {match['name']!r}{hint}; "
            f"filterable: {', '.join(FILTERABLE_ATTRIBUTES)}"
        )


def iter_users(cognito: Any, pool_id: str, list_filter: str | None = None) -> Iterator[PoolUser]:
    """Every user of the pool (matching the ListUsers ``Filter``), one page in memory at a time.

    The filter is checked here, before the first request (not when the stream is first read).
    """
    if list_filter:
        check_filter(list_filter)
    return _pages(cognito, pool_id, list_filter)


def _pages(cognito: Any, pool_id: str, list_filter: str | None) -> Iterator[PoolUser]:
    request: dict[str, Any] = {"UserPoolId": pool_id}
    if list_filter:
        request["Filter"] = list_filter
    for user in items(cognito, "ListUsers", "Users", **request):
        yield PoolUser.from_api(user)


def group_members(cognito: Any, pool_id: str, group: str) -> Iterator[PoolUser]:
    """The members of one group, a page at a time (ListUsersInGroup returns UserType).

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsersInGroup.html
    """
    for user in items(cognito, "ListUsersInGroup", "Users", UserPoolId=pool_id, GroupName=group):
        yield PoolUser.from_api(user)


def groups_of_user(cognito: Any, pool_id: str, username: str) -> tuple[str, ...]:
    """Every group of one user, sorted.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListGroupsForUser.html
    """
    groups = items(
        cognito, "AdminListGroupsForUser", "Groups", UserPoolId=pool_id, Username=username
    )
    return tuple(sorted(str(group["GroupName"]) for group in groups))


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
        connection.executemany(
            "INSERT INTO membership VALUES (?, ?)",
            ((user.username, group) for user in group_members(cognito, pool_id, group)),
        )
    connection.commit()


def read_timestamp(value: str) -> datetime | None:
    """Epoch seconds (or milliseconds) or ISO 8601, in UTC; ``None`` if empty.

    Raises ``ValueError`` for anything else: an unreadable value is not "never".
    """
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))  # ValueError if unreadable
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if number > 1e11:  # milliseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError):
        raise ValueError(f"{value!r} is out of range for a timestamp") from None


@dataclass
class UserDetail:
    """Everything ``users show`` reports about one user; ``None`` = could not be read (see notes)."""

    username: str
    status: str
    enabled: bool
    created: datetime | None
    modified: datetime | None
    attributes: dict[str, str]
    mfa_methods: list[str]
    preferred_mfa: str | None
    groups: list[str]
    devices: list[dict[str, Any]] | None
    last_sign_in: str  # ISO 8601, or "unknown (why)"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "status": self.status,
            "enabled": self.enabled,
            "created": self.created.isoformat() if self.created else None,
            "last_modified": self.modified.isoformat() if self.modified else None,
            "attributes": dict(sorted(self.attributes.items())),
            "mfa": {"enabled_methods": self.mfa_methods, "preferred": self.preferred_mfa},
            "groups": self.groups,
            "devices": self.devices,
            "last_sign_in": self.last_sign_in,
            "notes": self.notes,
        }


def describe_user(
    cognito: Any, pool_id: str, username: str, last_sign_in_attribute: str | None = None
) -> UserDetail:
    """One user in detail. AdminGetUser makes the user a billed MAU this month (one user: fine).

    MFA settings: ``UserMFASettingList``/``PreferredMfaSetting`` of AdminGetUser
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html);
    groups: AdminListGroupsForUser
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListGroupsForUser.html);
    devices: AdminListDevices
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListDevices.html),
    asked only when the pool remembers devices: DescribeUserPool returns no ``DeviceConfiguration``
    for a pool that does not, and then no user has a device
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeviceConfigurationType.html).
    Cognito keeps no last-sign-in field: it is shown from the attribute the platform's trigger
    stamps (``last_sign_in.py``: the default, or ``last_sign_in_attribute`` if the pool has it),
    else "unknown" naming the attribute that was read.
    """
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    stamp = checked_attribute(PoolSchema.from_description(pool), last_sign_in_attribute)
    try:
        user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    except ClientError as error:
        if error_code(error) == "UserNotFoundException":
            raise UsageError(f"user {username!r} not found in pool {pool_id}") from None
        raise
    attributes = {a["Name"]: a.get("Value", "") for a in user.get("UserAttributes", [])}
    name = str(user["Username"])
    detail = UserDetail(
        username=name,
        status=str(user.get("UserStatus", "")),
        enabled=bool(user.get("Enabled", True)),
        created=user.get("UserCreateDate"),
        modified=user.get("UserLastModifiedDate"),
        attributes=attributes,
        mfa_methods=[str(m) for m in user.get("UserMFASettingList") or []],
        preferred_mfa=user.get("PreferredMfaSetting") or None,
        groups=list(groups_of_user(cognito, pool_id, name)),
        devices=None,
        last_sign_in=_last_sign_in(attributes, stamp),
    )
    if pool.get("DeviceConfiguration"):
        detail.devices = _devices_of(cognito, pool_id, name, detail.notes)
    else:
        detail.devices = []
        detail.notes.append("the pool does not remember devices (no DeviceConfiguration)")
    return detail


def _devices_of(
    cognito: Any, pool_id: str, username: str, notes: list[str]
) -> list[dict[str, Any]] | None:
    devices: list[dict[str, Any]] = []
    # botocore has no paginator for AdminListDevices: its own loop, pages as large as allowed
    limit = largest_page(cognito, "AdminListDevices", "Limit")
    request: dict[str, Any] = {"UserPoolId": pool_id, "Username": username, "Limit": limit}
    while True:
        try:
            page = cognito.admin_list_devices(**request)
        except ClientError as error:
            notes.append(
                f"devices unknown: AdminListDevices failed ({error_code(error)}: "
                f"{error_message(error)[:120]})"
            )
            return None
        devices.extend(_device(item) for item in page.get("Devices", []))
        if not page.get("PaginationToken"):
            return devices
        request["PaginationToken"] = page["PaginationToken"]


def _device(item: dict[str, Any]) -> dict[str, Any]:
    """A DeviceType as JSON: key, its attributes as Cognito names them, and its dates."""
    dates = {
        key: value.isoformat() if isinstance(value, datetime) else None
        for key, value in (
            ("created", item.get("DeviceCreateDate")),
            ("last_authenticated", item.get("DeviceLastAuthenticatedDate")),
        )
    }
    attributes = {a["Name"]: a.get("Value", "") for a in item.get("DeviceAttributes", [])}
    return {"key": item.get("DeviceKey"), "attributes": attributes, **dates}


def _last_sign_in(attributes: dict[str, str], attribute: str) -> str:
    raw = attributes.get(attribute, "")
    if not raw:
        return f"unknown (Cognito keeps no sign-in time; {read_from(attribute)} is not set)"
    try:
        when = read_timestamp(raw)
    except ValueError:
        when = None
    if when is None:
        return f"unknown ({attribute} {raw!r} is not a timestamp)"
    return when.isoformat()

"""Check raw rows against the pool's schema before anything is sent.

Real Cognito rejects unknown attributes, malformed emails and phone numbers and writes to
immutable attributes only when the request reaches it, one user at a time; moto accepts all of
them. identity-ops checks every row up front and names the line, the column and what is allowed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from identity_ops.pool import (
    EMAIL_ATTRIBUTES,
    PHONE_ATTRIBUTES,
    READ_ONLY_ATTRIBUTES,
    AttributeSpec,
    PoolSchema,
)
from identity_ops.rows import (
    COMMENT_PREFIX,
    GROUP_SEPARATOR,
    GROUPS_COLUMN,
    USERNAME_COLUMN,
    RawRow,
)

#: Columns written by ``users export`` that describe a user but are not attributes.
ENABLED_COLUMN = "cognito:enabled"
METADATA_COLUMNS = frozenset(
    {"cognito:user_status", ENABLED_COLUMN, "cognito:created", "cognito:last_modified"}
)
#: Read-only values an export carries; an import ignores them (and says so in its report).
IGNORED_COLUMNS = (METADATA_COLUMNS - {ENABLED_COLUMN}) | READ_ONLY_ATTRIBUTES

#: Username 1..128 characters (UsernameType):
#: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
MAX_USERNAME_LENGTH = 128
#: Any attribute value: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AttributeType.html
MAX_VALUE_LENGTH = 2048
#: Groups a user can belong to: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
MAX_GROUPS_PER_ROW = 100

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+[1-9]\d{1,14}$")
BIRTHDATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class UserRow:
    """A validated row: what to create (or update) for one user."""

    line: int
    username: str
    attributes: dict[str, str]
    groups: tuple[str, ...]
    enabled: bool | None  # None: leave as Cognito creates it (enabled)


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be sent: ``file:line column: reason``."""

    line: int
    username: str
    column: str
    reason: str

    def describe(self, source: str) -> str:
        where = f"{source}:{self.line}"
        column = f" column {self.column!r}" if self.column else ""
        return f"{where}{column}: {self.reason}"


class RowValidator:
    """Validates rows of one file against one pool; tracks duplicates across the file."""

    def __init__(
        self, schema: PoolSchema, groups: Iterable[str], *, for_update: bool = False
    ) -> None:
        self.schema = schema
        self.groups = frozenset(groups)
        self.for_update = for_update
        self._seen: dict[str, int] = {}

    def validate(self, raw: RawRow) -> UserRow | list[RowProblem]:
        username = raw.username
        problems = [
            RowProblem(raw.line, username, column, reason) for column, reason in raw.problems
        ]
        problems.extend(self._check_username(raw.line, username))
        attributes: dict[str, str] = {}
        enabled: bool | None = None
        groups: tuple[str, ...] = ()
        for column, value in raw.fields.items():
            if column == USERNAME_COLUMN or column.startswith(COMMENT_PREFIX):
                continue
            value = value.strip()
            if column == GROUPS_COLUMN:
                groups, group_problems = self._check_groups(value)
                problems.extend(RowProblem(raw.line, username, column, p) for p in group_problems)
            elif column == ENABLED_COLUMN:
                enabled, reason = _parse_enabled(value)
                if reason:
                    problems.append(RowProblem(raw.line, username, column, reason))
            elif column in IGNORED_COLUMNS:
                continue
            elif value:
                reason = self._check_attribute(column, value)
                if reason:
                    problems.append(RowProblem(raw.line, username, column, reason))
                else:
                    attributes[column] = value
        problems.extend(self._check_required(raw.line, username, attributes))
        if problems:
            return problems
        return UserRow(raw.line, username, attributes, groups, enabled)

    def _check_username(self, line: int, username: str) -> Iterator[RowProblem]:
        def problem(reason: str) -> RowProblem:
            return RowProblem(line, username, USERNAME_COLUMN, reason)

        if not username:
            yield problem("is empty; every row needs a username")
            return
        if len(username) > MAX_USERNAME_LENGTH:
            yield problem(
                f"is {len(username)} characters long; the maximum is {MAX_USERNAME_LENGTH}"
            )
        if any(char.isspace() for char in username):
            yield problem("contains whitespace, which Cognito does not allow in usernames")
        if self.schema.username_attributes:
            allowed = self.schema.username_attributes
            is_email = bool(EMAIL.match(username))
            is_phone = bool(PHONE.match(username))
            if not (("email" in allowed and is_email) or ("phone_number" in allowed and is_phone)):
                yield problem(
                    f"this pool signs users in by {' or '.join(allowed)}; the username must be one"
                )
        key = self.schema.username_key(username)
        first = self._seen.get(key)
        if first is not None:
            yield problem(f"duplicate of line {first}; each user may appear once")
        else:
            self._seen[key] = line

    def _check_groups(self, value: str) -> tuple[tuple[str, ...], list[str]]:
        names = tuple(name.strip() for name in value.split(GROUP_SEPARATOR) if name.strip())
        problems = []
        unknown = [name for name in names if name not in self.groups]
        if unknown:
            known = ", ".join(sorted(self.groups)) or "none"
            problems.append(f"unknown group(s) {', '.join(unknown)}; the pool has: {known}")
        if len(names) > MAX_GROUPS_PER_ROW:
            problems.append(f"{len(names)} groups; at most {MAX_GROUPS_PER_ROW} per user")
        return tuple(dict.fromkeys(names)), problems

    def _check_attribute(self, name: str, value: str) -> str | None:
        spec = self.schema.attributes.get(name)
        if name in READ_ONLY_ATTRIBUTES:
            return f"{name} is managed by Cognito and cannot be written"
        if spec is None:
            return _unknown_attribute_reason(name, self.schema)
        if spec.developer_only:
            return f"{name} is a developer-only attribute; it cannot be set by an import"
        if self.for_update and not spec.mutable:
            return f"{name} is immutable in this pool; it can be set only when a user is created"
        if len(value) > MAX_VALUE_LENGTH:
            return (
                f"value is {len(value)} characters long; Cognito allows at most {MAX_VALUE_LENGTH}"
            )
        return _check_value(spec, value)

    def _check_required(
        self, line: int, username: str, attributes: dict[str, str]
    ) -> Iterator[RowProblem]:
        if self.for_update:
            return
        for spec in self.schema.attributes.values():
            if (
                spec.required
                and spec.name not in attributes
                and spec.name not in READ_ONLY_ATTRIBUTES
            ):
                yield RowProblem(
                    line, username, spec.name, "is required by the pool but missing or empty"
                )


def _unknown_attribute_reason(name: str, schema: PoolSchema) -> str:
    if not name.startswith("custom:") and f"custom:{name}" in schema.attributes:
        return f"unknown attribute; did you mean 'custom:{name}'?"
    known = ", ".join(spec.name for spec in schema.writable_attributes())
    return f"unknown attribute for this pool; allowed: username, groups, {known}"


def _check_value(spec: AttributeSpec, value: str) -> str | None:
    name, data_type = spec.name, spec.data_type
    if data_type == "Boolean":
        return None if value in {"true", "false"} else "must be true or false"
    if data_type == "Number":
        return _check_number(value, spec.min_value, spec.max_value)
    if data_type == "DateTime":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return "must be an ISO 8601 date-time"
        return None
    if not spec.min_length <= len(value) <= spec.max_length:
        return f"length {len(value)} is outside {spec.min_length}..{spec.max_length}"
    if name in EMAIL_ATTRIBUTES and not EMAIL.match(value):
        return "not a valid email address"
    if name in PHONE_ATTRIBUTES and not PHONE.match(value):
        return (
            "not a phone number in E.164 form (+ and country code, digits only, e.g. +14155550100)"
        )
    if name == "birthdate" and not BIRTHDATE.match(value):
        return "must be a date as YYYY-MM-DD"
    return None


def _check_number(value: str, low: float | None, high: float | None) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return "must be a number"
    if not math.isfinite(number):
        return "must be a finite number"
    if low is not None and number < low:
        return f"must be >= {low:g}"
    if high is not None and number > high:
        return f"must be <= {high:g}"
    return None


def _parse_enabled(value: str) -> tuple[bool | None, str | None]:
    lowered = value.lower()
    if not lowered:
        return None, None
    if lowered in {"true", "false"}:
        return lowered == "true", None
    return None, "must be true or false"

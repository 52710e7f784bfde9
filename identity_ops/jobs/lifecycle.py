"""``users enable|disable|delete|reset-password|confirm|sign-out|set-attributes``.

One table of actions drives all seven commands; each can target users given on the command line,
a file of users (CSV/JSONL with a ``username`` column) or a ListUsers ``--filter``, and runs
through the same journal, executor, progress bar and report as an import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.executor import error_code, error_message
from identity_ops.failed_rows import default_failed_rows_path, write_failed_rows
from identity_ops.journal import journal_path
from identity_ops.outcomes import Outcome, Tally
from identity_ops.pool import PoolSchema, describe_pool
from identity_ops.reports import RunReport
from identity_ops.rows import RawRow, detect_format, file_sha256, read_rows
from identity_ops.userstream import PoolUser, find_user, iter_users
from identity_ops.validation import RowProblem, RowValidator, UserRow

from .bulk import BulkSettings, run_bulk


@dataclass(frozen=True)
class LifecycleItem:
    item: str
    username: str
    attributes: dict[str, str] = field(default_factory=dict)
    user: PoolUser | None = None  # known when the item came from ListUsers


@dataclass(frozen=True)
class Action:
    """One lifecycle action: its verb, whether it needs confirmation, and what it does."""

    name: str
    done: str  # outcome word
    destructive: bool
    help: str
    apply: Callable[[Any, str, LifecycleItem], Outcome]


def _enable(cognito: Any, pool_id: str, item: LifecycleItem) -> Outcome:
    cognito.admin_enable_user(UserPoolId=pool_id, Username=item.username)
    return Outcome("enabled")


def _disable(cognito: Any, pool_id: str, item: LifecycleItem) -> Outcome:
    cognito.admin_disable_user(UserPoolId=pool_id, Username=item.username)
    return Outcome("disabled")


def _delete(cognito: Any, pool_id: str, item: LifecycleItem) -> Outcome:
    try:
        cognito.admin_delete_user(UserPoolId=pool_id, Username=item.username)
    except ClientError as error:
        if error_code(error) == "UserNotFoundException":
            return Outcome("skipped", "already absent")
        raise
    return Outcome("deleted")


def _reset_password(cognito: Any, pool_id: str, item: LifecycleItem) -> Outcome:
    cognito.admin_reset_user_password(UserPoolId=pool_id, Username=item.username)
    return Outcome("reset")


def _confirm(cognito: Any, pool_id: str, item: LifecycleItem) -> Outcome:
    # Cognito confirms only UNCONFIRMED users (moto would silently flip any status): check first.
    user = item.user or find_user(cognito, pool_id, item.username)
    if user is None:
        return Outcome("failed", "UserNotFoundException: no such user", "UserNotFoundException")
    if user.status != "UNCONFIRMED":
        return Outcome(
            "skipped", f"status is {user.status}; only UNCONFIRMED users can be confirmed"
        )
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=item.username)
    return Outcome("confirmed")


def _sign_out(cognito: Any, pool_id: str, item: LifecycleItem) -> Outcome:
    cognito.admin_user_global_sign_out(UserPoolId=pool_id, Username=item.username)
    return Outcome("signed-out")


def _set_attributes(cognito: Any, pool_id: str, item: LifecycleItem) -> Outcome:
    if not item.attributes:
        return Outcome("skipped", "no attributes to set")
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=item.username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in item.attributes.items()],
    )
    return Outcome("updated")


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("enable", "enabled", False, "Enable users.", _enable),
        Action(
            "disable", "disabled", True, "Disable users (they can no longer sign in).", _disable
        ),
        Action("delete", "deleted", True, "Delete users permanently.", _delete),
        Action(
            "reset-password",
            "reset",
            True,
            "Force a password reset (the user gets a code by email/SMS).",
            _reset_password,
        ),
        Action("confirm", "confirmed", False, "Confirm UNCONFIRMED users.", _confirm),
        Action(
            "sign-out", "signed-out", True, "Sign users out everywhere (revoke tokens).", _sign_out
        ),
        Action(
            "set-attributes",
            "updated",
            True,
            "Set attributes (--attr NAME=VALUE, or the columns of --file).",
            _set_attributes,
        ),
    )
}


@dataclass(frozen=True)
class Selection:
    """Which users: names on the command line, a file, or a ListUsers filter (exactly one)."""

    usernames: tuple[str, ...] = ()
    source: Path | None = None
    input_format: str | None = None
    list_filter: str | None = None

    def validate(self) -> None:
        given = sum(bool(x) for x in (self.usernames, self.source, self.list_filter))
        if given != 1:
            raise UsageError(
                "choose the users with exactly one of: USERNAME..., --file FILE, --filter EXPR"
            )

    def key(self) -> str:
        if self.source is not None:
            return "file:" + file_sha256(self.source)
        if self.list_filter:
            return "filter:" + self.list_filter
        return "users:" + hashlib.sha256("\0".join(self.usernames).encode()).hexdigest()


@dataclass(frozen=True)
class LifecycleOptions:
    action: str
    selection: Selection
    attributes: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    failed_rows: Path | None = None
    bulk: BulkSettings = field(default_factory=BulkSettings)


def parse_attribute_flags(values: list[str]) -> dict[str, str]:
    """``--attr NAME=VALUE`` flags into a mapping."""
    attributes: dict[str, str] = {}
    for value in values:
        name, sep, attribute_value = value.partition("=")
        if not sep or not name.strip():
            raise UsageError(
                f"--attr {value!r}: expected NAME=VALUE, e.g. --attr custom:tenant_id=acme"
            )
        attributes[name.strip()] = attribute_value
    return attributes


def run_lifecycle(
    clients: AwsClients, pool_id: str, options: LifecycleOptions, console: Console
) -> RunReport:
    action = ACTIONS[options.action]
    options.selection.validate()
    cognito = clients.cognito()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
    flag_attributes = _checked_flag_attributes(schema, options)
    items = _items(cognito, pool_id, schema, options, flag_attributes)
    command = f"users {action.name}"
    if options.dry_run:
        tally = Tally()
        for item in items:
            tally.add(item.item, item.username, Outcome(f"would be {action.done}"))
        return RunReport(
            command, pool_id, tally, 0.0, dry_run=True, source=_describe(options.selection)
        )
    attributes_key = json.dumps(flag_attributes, sort_keys=True)
    path = options.bulk.journal_path or journal_path(
        command, pool_id, options.selection.key(), attributes_key
    )
    with aws_errors():
        result = run_bulk(
            console=console,
            description=action.name,
            journal_path=path,
            journal_header={
                "command": command,
                "pool_id": pool_id,
                "selection": _describe(options.selection),
            },
            items=items,
            total=None if options.selection.list_filter else _count(options.selection),
            action=lambda item, _uncertain: _apply(action, cognito, pool_id, item),
            settings=options.bulk,
            limiter=clients.limiter,
        )
    failed_file = ""
    source = options.selection.source
    if source is not None:
        reasons = {int(f.item): f.reason for f in result.tally.failures if f.item.isdigit()}
        target = options.failed_rows or default_failed_rows_path(source)
        file_format = detect_format(source, options.selection.input_format)
        if write_failed_rows(source, file_format, reasons, target):
            failed_file = str(target)
    return RunReport(
        command,
        pool_id,
        result.tally,
        result.duration_seconds,
        interrupted=result.interrupted,
        source=_describe(options.selection),
        journal=str(path),
        failed_rows_file=failed_file,
    )


def _apply(action: Action, cognito: Any, pool_id: str, item: LifecycleItem) -> Outcome:
    try:
        return action.apply(cognito, pool_id, item)
    except ClientError as error:
        if error_code(error) == "UserNotFoundException":
            return Outcome(
                "failed", f"UserNotFoundException: {error_message(error)}", "UserNotFoundException"
            )
        raise


def _checked_flag_attributes(schema: PoolSchema, options: LifecycleOptions) -> dict[str, str]:
    if options.action != "set-attributes":
        if options.attributes:
            raise UsageError("--attr is only for set-attributes")
        return {}
    if not options.attributes and options.selection.source is None:
        raise UsageError(
            "set-attributes needs --attr NAME=VALUE (or a --file with attribute columns)"
        )
    if not options.attributes:
        return {}
    raw = RawRow(line=0, fields={"username": "-", **options.attributes})
    checked = RowValidator(schema, [], for_update=True).validate(raw)
    if not isinstance(checked, UserRow):
        raise UsageError("\n".join(f"--attr {p.column}: {p.reason}" for p in checked))
    return checked.attributes


def _items(
    cognito: Any,
    pool_id: str,
    schema: PoolSchema,
    options: LifecycleOptions,
    attributes: dict[str, str],
) -> Iterator[LifecycleItem]:
    selection = options.selection
    if selection.list_filter:
        for user in iter_users(cognito, pool_id, selection.list_filter):
            yield LifecycleItem(user.username, user.username, attributes, user)
    elif selection.source is not None:
        yield from _file_items(selection, schema, options.action == "set-attributes", attributes)
    else:
        for username in dict.fromkeys(selection.usernames):
            yield LifecycleItem(username, username, attributes)


def _file_items(
    selection: Selection, schema: PoolSchema, with_attributes: bool, attributes: dict[str, str]
) -> Iterator[LifecycleItem]:
    """Validate the whole file first (nothing is sent if a row is bad), then stream it."""
    assert selection.source is not None
    source = selection.source
    file_format = detect_format(source, selection.input_format)
    problems = [
        problem.describe(str(source))
        for checked in _checked_rows(source, file_format, schema, with_attributes)
        if not isinstance(checked, UserRow)
        for problem in checked
    ]
    if problems:
        raise UsageError("\n".join([*problems[:50], "nothing was sent: fix the file and re-run"]))
    for checked in _checked_rows(source, file_format, schema, with_attributes):
        assert isinstance(checked, UserRow)
        row_attributes = {**attributes, **checked.attributes} if with_attributes else attributes
        yield LifecycleItem(str(checked.line), checked.username, row_attributes)


def _checked_rows(
    source: Path, file_format: str, schema: PoolSchema, with_attributes: bool
) -> Iterator[UserRow | list[RowProblem]]:
    validator = RowValidator(schema, [], for_update=True)
    for raw in read_rows(source, file_format):
        if with_attributes:
            raw.fields.pop("groups", None)  # set-attributes never changes memberships
        else:
            raw.fields = {"username": raw.fields.get("username", "")}
        yield validator.validate(raw)


def _count(selection: Selection) -> int:
    if selection.source is not None:
        return sum(
            1
            for _ in read_rows(
                selection.source, detect_format(selection.source, selection.input_format)
            )
        )
    return len(dict.fromkeys(selection.usernames))


def _describe(selection: Selection) -> str:
    if selection.source is not None:
        return str(selection.source)
    if selection.list_filter:
        return f"filter {selection.list_filter}"
    return ", ".join(selection.usernames)

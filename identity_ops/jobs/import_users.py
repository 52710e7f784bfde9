"""``users import``: create (or update) users from a CSV/JSONL file, resumably.

Order of work: hash the file, describe the pool, validate every row (nothing is sent if a row is
bad, unless ``--skip-invalid``), then run the rows through the executor with the journal. A user
that already exists is skipped, or updated with ``--update``; a user created by an interrupted run
(journal: started, not done) is completed (groups, enabled flag) instead of skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console
from typing_extensions import override

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.executor import error_code
from identity_ops.failed_rows import default_failed_rows_path, write_failed_rows
from identity_ops.journal import journal_path, retry_failed_items
from identity_ops.outcomes import Outcome
from identity_ops.plan import PlanEntry, UserState
from identity_ops.pool import PoolSchema, describe_pool, list_group_names
from identity_ops.redaction import remember
from identity_ops.reports import RunReport
from identity_ops.rows import detect_format, file_sha256, read_rows
from identity_ops.userstream import PoolUser, find_user
from identity_ops.validation import RowProblem, RowValidator, UserRow

from .apply import RunSettings, plan_request, run_planned
from .bulk import BulkSettings, run_bulk
from .planning import (
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

MESSAGE_ACTIONS = ("SUPPRESS", "RESEND", "SEND")
CLOCK_SKEW = timedelta(seconds=1)  # users created before the run started (minus skew) pre-existed
MAX_PROBLEMS_SHOWN = 50

NOT_MIGRATED = (
    "not carried by an import: passwords (users start in FORCE_CHANGE_PASSWORD and need an "
    "invitation: identity-ops users reinvite --filter 'cognito:user_status = \"FORCE_CHANGE_PASSWORD\"' "
    "(AdminCreateUser RESEND; a password reset does not work before the first sign-in), MFA "
    "enrolment (users re-enrol), 'sub' (Cognito assigns a new one), creation dates and devices"
)


@dataclass(frozen=True)
class ImportOptions:
    """What ``users import`` was asked to do."""

    source: Path
    input_format: str | None = None
    update: bool = False
    message_action: str = "SUPPRESS"
    skip_invalid: bool = False
    dry_run: bool = False
    failed_rows: Path | None = None
    temporary_password_env: str | None = None
    bulk: BulkSettings = field(default_factory=BulkSettings)
    plan: PlanRequest | None = None  # --plan FILE: write the plan, send nothing
    retry_failed: bool = False  # run again the rows that failed in an earlier run of the journal


@dataclass(frozen=True)
class ImportItem:
    item: str
    username: str
    row: UserRow


class InvalidRowsError(UsageError):
    """Rows failed validation; nothing was sent."""


def run_import(
    clients: AwsClients, pool_id: str, options: ImportOptions, console: Console
) -> RunReport:
    """Validate, then import; returns the report (the CLI renders it and picks the exit code).

    ``--plan FILE`` and ``--dry-run`` plan the import like every other command; a direct import
    does not go through ``run_planned``, on purpose. A plan records the state each change was
    decided on and ``apply`` re-reads it before acting; for a new user that state is "absent",
    and AdminCreateUser checks exactly that itself, atomically: it refuses a username that
    exists with ``UsernameExistsException``
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html),
    which the importer turns into skip / update / re-invite. The plan path would add two
    ListUsers per row (plan, then the re-read), in the UserList quota of 30 requests per second
    against UserCreation's 50 (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html),
    more than doubling a large import for no added safety. The direct path also keeps the
    file-keyed journal (resume after a crash, ``--retry-failed``) and ``--skip-invalid`` with its
    failed-rows file. To review an ``--update`` or a RESEND before it changes existing users,
    make the plan first (``--plan FILE``, then ``identity-ops apply FILE``).
    """
    if options.message_action not in MESSAGE_ACTIONS:
        raise UsageError(
            f"--message-action {options.message_action!r}: expected one of {', '.join(MESSAGE_ACTIONS)}"
        )
    digest = file_sha256(options.source)
    file_format = detect_format(options.source, options.input_format)
    password = _temporary_password(options.temporary_password_env)
    cognito = clients.cognito()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
        groups = list_group_names(cognito, pool_id)
    valid, problems = validate_file(options.source, file_format, schema, groups, options.update)
    notes = _column_notes(options.source, file_format)
    if problems and not options.skip_invalid:
        raise InvalidRowsError(_problems_message(options.source, problems, valid))
    if options.dry_run or options.plan is not None:
        context = (schema, groups, digest, file_format, problems)
        return _plan_import(clients, pool_id, options, context, console)
    path = options.bulk.journal_path or journal_path(
        "users-import", pool_id, digest, str(options.update), options.message_action
    )
    importer = _Importer(cognito, pool_id, schema, options, password)
    header = {
        "command": "users import",
        "pool_id": pool_id,
        "source": str(options.source),
        "sha256": digest,
    }
    if options.retry_failed:
        retry_failed_items(path, header, fresh=options.bulk.fresh)
    result = run_bulk(
        console=console,
        description=f"import {options.source.name}",
        journal_path=path,
        journal_header=header,
        items=_items(options.source, file_format, schema, groups, options.update),
        total=valid,
        action=importer.apply,
        settings=options.bulk,
        limiter=clients.limiter,
    )
    reasons = {int(f.item): f.reason for f in result.tally.failures}
    for line, (username, reason) in _invalid_rows(options.source, problems).items():
        reasons[line] = reason
        result.tally.add(str(line), username, Outcome("failed", reason, "InvalidRow"))
    target = options.failed_rows or default_failed_rows_path(options.source, "import")
    written = write_failed_rows(options.source, file_format, reasons, target)
    return RunReport(
        "users import",
        pool_id,
        result.tally,
        result.duration_seconds,
        interrupted=result.interrupted,
        source=str(options.source),
        journal=str(path),
        failed_rows_file=str(target) if written else "",
        notes=[*notes, NOT_MIGRATED],
        failed_earlier=len(result.journal.failed_at_open),
    )


def validate_file(
    source: Path, file_format: str, schema: PoolSchema, groups: list[str], update: bool
) -> tuple[int, list[RowProblem]]:
    """One streaming pass over the file: the number of valid rows and every problem."""
    validator = RowValidator(schema, groups, for_update=update)
    valid, problems = 0, []
    for raw in read_rows(source, file_format):
        checked = validator.validate(raw)
        if isinstance(checked, UserRow):
            valid += 1
        else:
            problems.extend(checked)
    if valid == 0 and not problems:
        raise UsageError(f"{source}: no rows to import (only a header?)")
    return valid, problems


def _items(
    source: Path, file_format: str, schema: PoolSchema, groups: list[str], update: bool
) -> Iterator[ImportItem]:
    validator = RowValidator(schema, groups, for_update=update)
    for raw in read_rows(source, file_format):
        checked = validator.validate(raw)
        if isinstance(checked, UserRow):
            yield ImportItem(str(checked.line), checked.username, checked)


def _invalid_rows(source: Path, problems: list[RowProblem]) -> dict[int, tuple[str, str]]:
    """line -> (username, every problem of that row joined), one entry per invalid row."""
    rows: dict[int, tuple[str, str]] = {}
    for problem in problems:
        username, reason = rows.get(problem.line, (problem.username, ""))
        described = problem.describe(str(source))
        rows[problem.line] = (username, f"{reason}; {described}" if reason else described)
    return rows


def _problems_message(source: Path, problems: list[RowProblem], valid: int) -> str:
    lines = [problem.describe(str(source)) for problem in problems[:MAX_PROBLEMS_SHOWN]]
    more = len(problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        lines.append(f"... and {more} more problems")
    bad_rows = len({problem.line for problem in problems})
    lines.append(
        f"{bad_rows} invalid row(s), {valid} valid: nothing was sent. Fix the file, or pass "
        "--skip-invalid to import the valid rows and write the invalid ones to the failed-rows file."
    )
    return "\n".join(lines)


def _column_notes(source: Path, file_format: str) -> list[str]:
    from identity_ops.validation import IGNORED_COLUMNS

    seen: set[str] = set()
    for raw in read_rows(source, file_format):
        seen.update(column for column in raw.fields if column in IGNORED_COLUMNS)
        break
    if not seen:
        return []
    return [f"read-only column(s) ignored: {', '.join(sorted(seen))} (Cognito sets these itself)"]


def _temporary_password(env_name: str | None) -> str | None:
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if not value:
        raise UsageError(f"--temporary-password-env {env_name}: the variable is not set or empty")
    remember(value)
    return value


class _Importer:
    """Creates or updates one user; called from worker threads."""

    def __init__(
        self,
        cognito: Any,
        pool_id: str,
        schema: PoolSchema,
        options: ImportOptions,
        password: str | None,
    ) -> None:
        self.cognito = cognito
        self.pool_id = pool_id
        self.schema = schema
        self.options = options
        self.password = password
        self.started = datetime.now(UTC) - CLOCK_SKEW

    def apply(self, item: ImportItem, uncertain: bool) -> Outcome:
        row = item.row
        try:
            self._create(row, self._message_action())
            outcome = "created"
        except ClientError as error:
            if error_code(error) != "UsernameExistsException":
                raise
            outcome = self._existing(row, uncertain)
            if outcome == "skipped":
                return Outcome("skipped", "already exists (use --update to update it)")
        for group in row.groups:
            self.cognito.admin_add_user_to_group(
                UserPoolId=self.pool_id, Username=row.username, GroupName=group
            )
        if row.enabled is False:
            self.cognito.admin_disable_user(UserPoolId=self.pool_id, Username=row.username)
        elif row.enabled is True and outcome == "updated":
            self.cognito.admin_enable_user(UserPoolId=self.pool_id, Username=row.username)
        return Outcome(outcome)

    def _message_action(self) -> str | None:
        # SEND and RESEND both let Cognito send the invitation to a new user
        return "SUPPRESS" if self.options.message_action == "SUPPRESS" else None

    def _create(self, row: UserRow, message_action: str | None) -> None:
        request: dict[str, Any] = {
            "UserPoolId": self.pool_id,
            "Username": row.username,
            "UserAttributes": [{"Name": k, "Value": v} for k, v in row.attributes.items()],
        }
        if message_action:
            request["MessageAction"] = message_action
        else:
            request["DesiredDeliveryMediums"] = _delivery_mediums(row)
        if self.password:
            request["TemporaryPassword"] = self.password
        self.cognito.admin_create_user(**request)

    def _existing(self, row: UserRow, uncertain: bool) -> str:
        if self.options.update:
            if row.attributes:
                mutable = {
                    k: v
                    for k, v in row.attributes.items()
                    if (spec := self.schema.attributes.get(k)) is not None and spec.mutable
                }
                if mutable:
                    self.cognito.admin_update_user_attributes(
                        UserPoolId=self.pool_id,
                        Username=row.username,
                        UserAttributes=[{"Name": k, "Value": v} for k, v in mutable.items()],
                    )
            return "updated"
        if self.options.message_action == "RESEND":
            self._create(row, "RESEND")
            return "reinvited"
        # created by the interrupted run whose journal says "started", or by a request of this run
        # that botocore retried after a timeout: finish it and count it once
        if uncertain or self._created_by_this_run(row.username):
            return "created"
        return "skipped"

    def _created_by_this_run(self, username: str) -> bool:
        user = find_user(self.cognito, self.pool_id, username)
        created = user.created if user else None
        if created is None:
            return False
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return created >= self.started


def _delivery_mediums(row: UserRow) -> list[str]:
    mediums = []
    if "email" in row.attributes:
        mediums.append("EMAIL")
    if "phone_number" in row.attributes:
        mediums.append("SMS")
    return mediums or ["EMAIL"]


class ImportOperation(Operation):
    """``users import`` as a plan: create the absent, update (``--update``) or re-invite
    (``--message-action RESEND``, FORCE_CHANGE_PASSWORD only) the existing; skip the rest.

    Entries carry the row (attributes, groups, enabled flag), never a password: the temporary
    password is read from ``--temporary-password-env`` when the plan is applied.
    """

    command = "users import"
    done = "created"

    def __init__(
        self, cognito: Any, pool_id: str, schema: PoolSchema, options: ImportOptions, digest: str
    ) -> None:
        self.cognito = cognito
        self.pool_id = pool_id
        self.schema = schema
        self.import_options = options
        self.digest = digest
        self._importer: _Importer | None = None

    @override
    def observer(self) -> Observer:
        return Observer(self.cognito, self.pool_id)

    @override
    def options(self) -> dict[str, Any]:
        return {
            "source": str(self.import_options.source),
            "sha256": self.digest,
            "update": self.import_options.update,
            "message_action": self.import_options.message_action,
            "password_env": self.import_options.temporary_password_env,
        }

    @override
    def decide(self, candidate: Candidate, state: UserState, user: PoolUser | None) -> Decision:
        if user is None:
            return Change("create", candidate.params)
        if self.import_options.update:
            return Change("update", candidate.params)
        if self.import_options.message_action == "RESEND":
            # RESEND re-sends the invitation of a user who has not signed in yet
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
            if user.status == "FORCE_CHANGE_PASSWORD":
                return Change("reinvite", candidate.params)
            return NoChange(f"already exists, status {user.status}: no invitation to re-send")
        return NoChange("already exists (use --update to update it)")

    @override
    def act(self, entry: PlanEntry, uncertain: bool) -> Outcome:
        importer = self._importer_for_apply()
        row = _row_from_params(entry)
        if entry.action == "reinvite":
            importer._create(row, "RESEND")
            return Outcome("reinvited")
        return importer.apply(ImportItem(entry.item, entry.username, row), uncertain)

    def _importer_for_apply(self) -> _Importer:
        if self._importer is None:
            password = _temporary_password(self.import_options.temporary_password_env)
            self._importer = _Importer(
                self.cognito, self.pool_id, self.schema, self.import_options, password
            )
        return self._importer

    @override
    def after(self, entry: PlanEntry) -> Mapping[str, Any]:
        return {"exists": True} if entry.action == "create" else {}

    @override
    def complete_on_resume(self) -> bool:
        return True  # the importer finishes a user created by the interrupted run (groups, flag)

    @override
    def would(self, action: str) -> str:
        return "would be sent"


@register("users import")
def _build(context: OperationContext, options: Mapping[str, Any]) -> Operation:
    import_options = ImportOptions(
        source=Path(str(options["source"])),
        update=bool(options.get("update")),
        message_action=str(options.get("message_action", "SUPPRESS")),
        temporary_password_env=options.get("password_env"),
    )
    return ImportOperation(
        context.cognito, context.pool_id, context.schema, import_options, str(options["sha256"])
    )


def _row_params(row: UserRow) -> dict[str, Any]:
    """The row as a plan entry holds it (validation guarantees no password column)."""
    return {"attributes": dict(row.attributes), "groups": list(row.groups), "enabled": row.enabled}


def _row_from_params(entry: PlanEntry) -> UserRow:
    return UserRow(
        line=int(entry.item) if entry.item.isdigit() else 0,
        username=entry.username,
        attributes=dict(entry.params.get("attributes") or {}),
        groups=tuple(entry.params.get("groups") or ()),
        enabled=entry.params.get("enabled"),
    )


def _plan_import(
    clients: AwsClients,
    pool_id: str,
    options: ImportOptions,
    context: tuple[PoolSchema, list[str], str, str, list[RowProblem]],
    console: Console,
) -> RunReport:
    """``--plan FILE`` / ``--dry-run``: read each row's user, write what the import would do."""
    schema, groups, digest, file_format, problems = context
    operation = ImportOperation(clients.cognito(), pool_id, schema, options, digest)
    request = options.plan or plan_request(
        operation.command, pool_id, dry_run=True, concurrency=options.bulk.concurrency
    )
    request = replace(request, selection=str(options.source))
    candidates = (
        Candidate(item.item, item.username, None, _row_params(item.row))
        for item in _items(options.source, file_format, schema, groups, options.update)
    )
    report = run_planned(clients, pool_id, operation, candidates, request, console, RunSettings())
    for problem in problems:
        report.tally.add(
            str(problem.line),
            problem.username,
            Outcome("failed", problem.describe(str(options.source))),
        )
    report.notes.extend(_column_notes(options.source, file_format))
    return report

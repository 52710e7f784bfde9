"""``users export``: stream every user to CSV, JSONL or Cognito's import-job CSV layout.

Constant memory: users are written as ListUsers pages arrive; group memberships are joined from an
on-disk index. The file is written to ``<target>.partial`` and renamed when complete, so a
half-written export is never mistaken for a whole one; an existing file is replaced only with
``--force``.

Formula injection: an attribute is whatever a user or an app put there, and a CSV cell starting
with ``=``, ``+``, ``-``, ``@``, tab or CR runs as a formula when an admin opens the export in a
spreadsheet (https://owasp.org/www-community/attacks/CSV_Injection). Both CSV formats neutralise
such cells by default with a leading ``'`` (OWASP's advice); the identity-ops CSV marks this in its
header (``#cells:quoted``) so ``users import`` removes exactly the quotes the export added. The
import-job CSV cannot carry a marker (Cognito reads its header), so there the quote stays and the
report counts the cells; ``--raw-cells`` writes every cell as it is.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.outcomes import Tally
from identity_ops.pool import READ_ONLY_ATTRIBUTES, PoolSchema, describe_pool
from identity_ops.progress import JobProgress
from identity_ops.reports import RunReport
from identity_ops.rows import (
    GROUP_SEPARATOR,
    GROUPS_COLUMN,
    QUOTED_CELLS_COLUMN,
    USERNAME_COLUMN,
    is_formula_like,
    neutralise_cell,
)
from identity_ops.userstream import GroupIndex, PoolUser, group_index, iter_users

EXPORT_FORMATS = ("csv", "jsonl", "cognito-import")
METADATA = ("cognito:user_status", "cognito:enabled", "cognito:created", "cognito:last_modified")

WHAT_CANNOT_MOVE = (
    "an export carries usernames, attributes, status, the enabled flag and groups; it cannot carry "
    "passwords (Cognito never reveals them), MFA enrolment (TOTP secrets) or devices, and 'sub' is "
    "regenerated in the target pool (keep your own id in a custom attribute if you need a stable one)"
)


@dataclass(frozen=True)
class ExportOptions:
    target: Path | None  # None: stdout
    export_format: str = "csv"
    list_filter: str | None = None
    include_groups: bool = True
    raw_cells: bool = False  # write formula-like cells as they are (see the module docstring)
    force: bool = False  # replace an existing --out file


def run_export(
    clients: AwsClients, pool_id: str, options: ExportOptions, console: Console
) -> RunReport:
    if options.export_format not in EXPORT_FORMATS:
        raise UsageError(
            f"--format {options.export_format!r}: expected one of {', '.join(EXPORT_FORMATS)}"
        )
    cognito = clients.cognito()
    started = time.monotonic()
    tally = Tally()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
    writer_class = _WRITERS[options.export_format]
    notes = [WHAT_CANNOT_MOVE]
    with (
        aws_errors(),
        group_index(
            cognito,
            pool_id,
            enabled=options.include_groups and options.export_format != "cognito-import",
        ) as groups,
        _open_target(options.target, force=options.force) as handle,
        JobProgress(console, "export", schema.estimated_users or None) as progress,
    ):
        writer = writer_class(handle, schema, groups, safe_cells=not options.raw_cells)
        for user in iter_users(cognito, pool_id, options.list_filter):
            tally.counts[writer.write(user)] += 1
            progress.advance()
        notes.extend(writer.notes())
    return RunReport(
        "users export",
        pool_id,
        tally,
        time.monotonic() - started,
        source=str(options.target or "-"),
        notes=notes,
    )


@contextmanager
def _open_target(target: Path | None, *, force: bool) -> Iterator[IO[str]]:
    if target is None:
        yield sys.stdout
        return
    if target.exists() and not force:
        raise UsageError(f"--out {target}: the file exists; pass --force to replace it")
    partial = target.with_name(target.name + ".partial")
    try:
        handle = partial.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise UsageError(f"{target}: cannot write ({error.strerror})") from None
    with handle:
        yield handle
    partial.replace(target)


class _Writer:
    """Writes users in one format; ``write`` returns the outcome to count."""

    #: the format marks its neutralised cells, so a leading quote is escaped too (see rows.py)
    reversible_cells = False

    def __init__(
        self, handle: IO[str], schema: PoolSchema, groups: GroupIndex, *, safe_cells: bool
    ) -> None:
        self.handle = handle
        self.schema = schema
        self.groups = groups
        self.safe_cells = safe_cells
        self.neutralised = 0

    def cell(self, value: str) -> str:
        """A CSV cell, neutralised unless ``--raw-cells``; counts the formula-like cells."""
        if not self.safe_cells:
            return value
        self.neutralised += is_formula_like(value)
        return neutralise_cell(value, reversible=self.reversible_cells)

    def neutralised_note(self) -> list[str]:
        if not self.neutralised:
            return []
        return [
            f"{self.neutralised} cell(s) starting with = + - @ tab or CR were prefixed with ' so "
            "a spreadsheet shows them as text (--raw-cells writes them as they are)"
        ]

    def write(self, user: PoolUser) -> str:
        raise NotImplementedError

    def notes(self) -> list[str]:
        return []

    def username(self, user: PoolUser) -> str:
        """Pools that sign in by email/phone store a UUID as Username: key on the alias instead."""
        for attribute in self.schema.username_attributes:
            if user.attributes.get(attribute):
                return user.attributes[attribute]
        return user.username

    def record(self, user: PoolUser) -> dict[str, Any]:
        return {
            USERNAME_COLUMN: self.username(user),
            "cognito:user_status": user.status,
            "cognito:enabled": user.enabled,
            "cognito:created": user.created.isoformat() if user.created else "",
            "cognito:last_modified": user.modified.isoformat() if user.modified else "",
            GROUPS_COLUMN: self.groups.groups_of(user.username),
            **user.attributes,
        }


class _JsonlWriter(_Writer):
    def write(self, user: PoolUser) -> str:
        self.handle.write(json.dumps(self.record(user), ensure_ascii=False) + "\n")
        return "exported"


class _CsvWriter(_Writer):
    """The identity-ops layout: ``users import`` reads it back as is."""

    reversible_cells = True

    def __init__(
        self, handle: IO[str], schema: PoolSchema, groups: GroupIndex, *, safe_cells: bool
    ) -> None:
        super().__init__(handle, schema, groups, safe_cells=safe_cells)
        self.columns = [USERNAME_COLUMN, *METADATA, GROUPS_COLUMN, *schema.attributes]
        if safe_cells:
            self.columns.append(QUOTED_CELLS_COLUMN)  # tells the importer to remove the quotes
        self.writer = csv.DictWriter(handle, fieldnames=self.columns, extrasaction="ignore")
        self.writer.writeheader()

    def write(self, user: PoolUser) -> str:
        record = self.record(user)
        record["cognito:enabled"] = "true" if user.enabled else "false"
        record[GROUPS_COLUMN] = GROUP_SEPARATOR.join(record[GROUPS_COLUMN])
        self.writer.writerow({key: self.cell(str(value)) for key, value in record.items()})
        return "exported"

    def notes(self) -> list[str]:
        return self.neutralised_note()


class _CognitoImportWriter(_Writer):
    """The CSV layout of Cognito's user import job (GetCSVHeader): no quoting, commas as ``\\,``."""

    def __init__(
        self, handle: IO[str], schema: PoolSchema, groups: GroupIndex, *, safe_cells: bool
    ) -> None:
        super().__init__(handle, schema, groups, safe_cells=safe_cells)
        self.attributes = [
            spec.name
            for spec in schema.writable_attributes()
            if spec.name not in READ_ONLY_ATTRIBUTES
        ]
        self.columns = [*self.attributes, "cognito:mfa_enabled", "cognito:username"]
        self.handle.write(",".join(self.columns) + "\n")
        self.mfa_enabled = "true" if schema.mfa_configuration == "ON" else "false"
        self.problems: Counter[str] = Counter()

    def write(self, user: PoolUser) -> str:
        if user.status == "EXTERNAL_PROVIDER":
            self.problems[
                "federated users skipped (they sign in through their identity provider)"
            ] += 1
            return "skipped"
        values = [user.attributes.get(name, "") for name in self.attributes]
        values += [self.mfa_enabled, self.username(user)]
        if any("\n" in value or "\r" in value for value in values):
            self.problems[
                "users skipped: a value contains a line break, which the import job cannot read"
            ] += 1
            return "skipped"
        if not any(
            user.attributes.get(f"{a}_verified") == "true" for a in ("email", "phone_number")
        ):
            self.problems[
                "users without a verified email or phone: the import job will reject them"
            ] += 1
        # values are written as they are (a leading tab is data), only neutralised and escaped
        cells = (self.cell(value).replace(",", "\\,") for value in values)
        self.handle.write(",".join(cells) + "\n")
        return "exported"

    def notes(self) -> list[str]:
        notes = [f"{count} {problem}" for problem, count in self.problems.items()]
        notes.extend(self.neutralised_note())
        if self.schema.mfa_configuration == "OPTIONAL":
            notes.append(
                "cognito:mfa_enabled is written as false: ListUsers does not reveal MFA settings"
            )
        notes.append("imported users land in RESET_REQUIRED and must reset their password")
        return notes


_WRITERS: dict[str, type[_Writer]] = {
    "csv": _CsvWriter,
    "jsonl": _JsonlWriter,
    "cognito-import": _CognitoImportWriter,
}

"""``identity-ops users ...``: import, export, lifecycle actions, disable-inactive."""

from pathlib import Path
from typing import Annotated

import typer

from identity_ops.cli.common import FilterOption, Target, aws_command
from identity_ops.errors import ExitCode
from identity_ops.jobs.bulk import BulkSettings
from identity_ops.jobs.export_users import ExportOptions, run_export
from identity_ops.jobs.import_users import ImportOptions, run_import
from identity_ops.jobs.inactive import InactiveOptions, run_disable_inactive
from identity_ops.jobs.lifecycle import (
    ACTIONS,
    Action,
    LifecycleOptions,
    Selection,
    parse_attribute_flags,
    run_lifecycle,
)
from identity_ops.reports import RunReport, render_run_report

app = typer.Typer(
    help="Bulk user management: import, export, lifecycle, inactive clean-up.", no_args_is_help=True
)

JournalOption = Annotated[
    Path | None,
    typer.Option(
        "--journal",
        help="Journal file (default: .identity-ops/journals/<job>-<pool>-<hash>.jsonl).",
    ),
]
FreshOption = Annotated[
    bool, typer.Option("--fresh", help="Ignore an existing journal and start over.")
]
FailedRowsOption = Annotated[
    Path | None,
    typer.Option(
        "--failed-rows", help="Where to write failed rows (default: <file>.failed.<ext>)."
    ),
]
InputFormatOption = Annotated[
    str | None,
    typer.Option("--input-format", help="csv or jsonl (default: from the file extension)."),
]


def finish(target: Target, report: RunReport) -> None:
    """Print the report and exit with the code its outcome deserves."""
    if target.output == "json":
        target.emit_json(report.to_dict())
    else:
        render_run_report(report, target.console, target.output)
    if report.interrupted:
        target.errors.print(
            f"interrupted: the journal is saved ({report.journal}); re-run the same command to resume"
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    if report.tally.failed:
        raise typer.Exit(int(ExitCode.ROWS_FAILED))


@app.command("import")
@aws_command
def import_users(
    target: Target,
    file: Annotated[Path, typer.Argument(help="CSV or JSONL file of users.")],
    update: Annotated[
        bool, typer.Option("--update", help="Update users that already exist.")
    ] = False,
    message_action: Annotated[
        str,
        typer.Option(
            "--message-action",
            help="SUPPRESS (default: no invitation), RESEND (invite new users, re-send to existing), SEND.",
        ),
    ] = "SUPPRESS",
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows even if some are invalid.")
    ] = False,
    temporary_password_env: Annotated[
        str | None,
        typer.Option(
            "--temporary-password-env",
            help="Name of an environment variable holding a temporary password.",
        ),
    ] = None,
    input_format: InputFormatOption = None,
    journal: JournalOption = None,
    fresh: FreshOption = False,
    failed_rows: FailedRowsOption = None,
) -> None:
    """Create users (attributes and groups) from a CSV/JSONL file; resumable and idempotent."""
    options = ImportOptions(
        source=file,
        input_format=input_format,
        update=update,
        message_action=message_action.upper(),
        skip_invalid=skip_invalid,
        dry_run=target.dry_run,
        failed_rows=failed_rows,
        temporary_password_env=temporary_password_env,
        bulk=BulkSettings(target.concurrency, journal, fresh),
    )
    finish(target, run_import(target.clients, target.pool_id, options, target.errors))


@app.command("export")
@aws_command
def export_users(
    target: Target,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: stdout).")
    ] = None,
    export_format: Annotated[
        str,
        typer.Option(
            "--format", help="csv (re-importable), jsonl, or cognito-import (import-job CSV)."
        ),
    ] = "csv",
    list_filter: FilterOption = None,
    no_groups: Annotated[bool, typer.Option("--no-groups", help="Skip group memberships.")] = False,
) -> None:
    """Stream the pool's users (ListUsers only: no per-user reads) in constant memory."""
    options = ExportOptions(out, export_format, list_filter, include_groups=not no_groups)
    report = run_export(target.clients, target.pool_id, options, target.errors)
    if out is None:
        report.notes.append("written to stdout")
        target.errors.print(f"exported {report.tally.total:,} users")
        for note in report.notes:
            target.errors.print(f"note: {note}")
        return
    finish(target, report)


def _lifecycle_command(action: Action) -> None:
    """Register ``users <action>``: same flags and behaviour for every lifecycle action."""

    @aws_command
    def command(
        target: Target,
        usernames: Annotated[
            list[str] | None, typer.Argument(help="Usernames (or use --file / --filter).")
        ] = None,
        file: Annotated[
            Path | None, typer.Option("--file", help="CSV/JSONL file with a username column.")
        ] = None,
        list_filter: FilterOption = None,
        attr: Annotated[
            list[str] | None,
            typer.Option("--attr", help="NAME=VALUE (set-attributes only; repeatable)."),
        ] = None,
        input_format: InputFormatOption = None,
        journal: JournalOption = None,
        fresh: FreshOption = False,
        failed_rows: FailedRowsOption = None,
    ) -> None:
        selection = Selection(tuple(usernames or ()), file, input_format, list_filter)
        selection.validate()
        options = LifecycleOptions(
            action=action.name,
            selection=selection,
            attributes=parse_attribute_flags(attr or []),
            dry_run=target.dry_run,
            failed_rows=failed_rows,
            bulk=BulkSettings(target.concurrency, journal, fresh),
        )
        if action.destructive:
            target.confirm(f"{action.name} the selected users of {target.pool_id}?")
        finish(target, run_lifecycle(target.clients, target.pool_id, options, target.errors))

    command.__doc__ = action.help
    app.command(action.name, help=action.help)(command)


for _action in ACTIONS.values():
    _lifecycle_command(_action)


@app.command("disable-inactive")
@aws_command
def disable_inactive(
    target: Target,
    days: Annotated[int, typer.Option("--days", min=1, help="No sign-in for this many days.")],
    signal: Annotated[
        str,
        typer.Option(
            "--signal",
            help="auth-events (AdminListUserAuthEvents; needs threat protection) or attribute:NAME "
            "(a timestamp attribute your post-authentication trigger maintains).",
        ),
    ] = "auth-events",
    list_filter: FilterOption = None,
    journal: JournalOption = None,
    fresh: FreshOption = False,
) -> None:
    """Disable users with no sign-in for N days (dry-run first: --dry-run lists them)."""
    options = InactiveOptions(
        days=days,
        signal=signal,
        list_filter=list_filter,
        dry_run=target.dry_run,
        bulk=BulkSettings(target.concurrency, journal, fresh),
    )
    if not target.dry_run:
        target.confirm(f"disable users of {target.pool_id} with no sign-in for {days} days?")
    finish(target, run_disable_inactive(target.clients, target.pool_id, options, target.errors))

"""``identity-ops users ...``: import, export, look-ups, lifecycle actions, disable-inactive."""

from pathlib import Path
from typing import Annotated

import typer

from identity_ops import last_sign_in
from identity_ops.cli.common import (
    READ_ONLY,
    FilterOption,
    PlanFileOption,
    Target,
    aws_command,
    plan_prompt,
    plan_request_for,
)
from identity_ops.errors import ExitCode
from identity_ops.jobs.apply import REFUSED, RunSettings, run_apply
from identity_ops.jobs.bulk import BulkSettings
from identity_ops.jobs.cleanup import CleanupOptions, run_cleanup
from identity_ops.jobs.export_users import ExportOptions, run_export
from identity_ops.jobs.groups import GroupSyncOptions, run_group_remove, run_group_sync
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
from identity_ops.jobs.planning import PlanRequest
from identity_ops.plan import plan_to_json, read_plan, render_plan
from identity_ops.reports import RunReport, render_run_report, render_user_detail, stream_users
from identity_ops.userstream import describe_user, iter_users

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
RetryFailedOption = Annotated[
    bool,
    typer.Option(
        "--retry-failed",
        help="Run again only the items that failed in an earlier run of the same journal.",
    ),
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


GroupOption = Annotated[
    list[str] | None,
    typer.Option("--group", help="The members of this group (ListUsersInGroup); repeatable."),
]
LastSignInOption = Annotated[
    str | None, typer.Option(last_sign_in.OPTION, help=last_sign_in.OPTION_HELP)
]


def finish(target: Target, report: RunReport, plan: PlanRequest | None = None) -> None:
    """Print the report (and the plan of a dry run / --plan) and exit with the code it deserves."""
    shown = report.plan if plan is not None and report.dry_run else None
    if target.output == "json":
        data = report.to_dict()
        if shown is not None and plan is not None and plan.mode == "dry-run":
            data["plan"] = plan_to_json(shown)
        target.emit_json(data)
    else:
        if shown is not None:
            render_plan(shown, target.console)
        render_run_report(report, target.console, target.output)
    if report.interrupted:
        target.errors.print(
            f"interrupted: the journal is saved ({report.journal}); re-run the same command to resume"
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    if report.tally.failed or report.tally.counts.get(REFUSED):
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
    retry_failed: RetryFailedOption = False,
    plan_file: PlanFileOption = None,
) -> None:
    """Create users (attributes and groups) from a CSV/JSONL file; resumable and idempotent."""
    plan = plan_request_for(target, "users import", plan_file)
    planned = target.dry_run or plan_file is not None
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
        retry_failed=retry_failed,
        plan=plan if planned else None,
    )
    report = run_import(target.clients, target.pool_id, options, target.errors)
    finish(target, report, plan if planned else None)


@app.command("export")
@aws_command(without=READ_ONLY)
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
    raw_cells: Annotated[
        bool,
        typer.Option(
            "--raw-cells",
            help="Write cells starting with = + - @ tab or CR as they are (default: prefix ').",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
) -> None:
    """Stream the pool's users (ListUsers only: no per-user reads) in constant memory."""
    options = ExportOptions(
        out,
        export_format,
        list_filter,
        include_groups=not no_groups,
        raw_cells=raw_cells,
        force=force,
    )
    report = run_export(target.clients, target.pool_id, options, target.errors)
    if out is None:
        report.notes.append("written to stdout")
        target.errors.print(f"exported {report.tally.total:,} users")
        for note in report.notes:
            target.errors.print(f"note: {note}")
        return
    finish(target, report)


@app.command("show")
@aws_command(without=READ_ONLY)
def show_user(
    target: Target,
    username: Annotated[str, typer.Argument(help="The username (or an alias: email, phone).")],
    last_sign_in_attribute: LastSignInOption = None,
) -> None:
    """One user: status, attributes, groups, MFA settings, devices, last sign-in where known."""
    detail = describe_user(
        target.clients.cognito(), target.pool_id, username, last_sign_in_attribute
    )
    if target.output == "json":
        target.emit_json(detail.to_dict())
    else:
        render_user_detail(detail, target.console)


@app.command("list")
@aws_command(without=READ_ONLY)
def list_users(target: Target, list_filter: FilterOption = None) -> None:
    """Stream the users matching a ListUsers --filter (all users without one), table or JSON."""
    users = iter_users(target.clients.cognito(), target.pool_id, list_filter)
    count = stream_users(users, target.output, target.console.file)
    if target.output != "json":
        target.errors.print(f"{count:,} user(s)")


def _lifecycle_command(action: Action) -> None:
    """Register ``users <action>``: same flags and behaviour for every lifecycle action."""

    @aws_command
    def command(
        target: Target,
        usernames: Annotated[
            list[str] | None,
            typer.Argument(help="Usernames (or use --file / --filter / --group)."),
        ] = None,
        file: Annotated[
            Path | None, typer.Option("--file", help="CSV/JSONL file with a username column.")
        ] = None,
        list_filter: FilterOption = None,
        group: GroupOption = None,
        attr: Annotated[
            list[str] | None,
            typer.Option("--attr", help="NAME=VALUE (set-attributes only; repeatable)."),
        ] = None,
        input_format: InputFormatOption = None,
        journal: JournalOption = None,
        fresh: FreshOption = False,
        failed_rows: FailedRowsOption = None,
        plan_file: PlanFileOption = None,
    ) -> None:
        selection = Selection(
            tuple(usernames or ()), file, input_format, list_filter, tuple(group or ())
        )
        selection.validate()
        plan = plan_request_for(target, f"users {action.name}", plan_file)
        options = LifecycleOptions(
            action=action.name,
            selection=selection,
            attributes=parse_attribute_flags(attr or []),
            dry_run=target.dry_run,
            failed_rows=failed_rows,
            bulk=BulkSettings(target.concurrency, journal, fresh),
            plan=plan,
            run=RunSettings(confirm=plan_prompt(target, action.name))
            if action.destructive
            else RunSettings(),
        )
        report = run_lifecycle(target.clients, target.pool_id, options, target.errors)
        finish(target, report, plan)

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
    last_sign_in_attribute: LastSignInOption = None,
    list_filter: FilterOption = None,
    journal: JournalOption = None,
    fresh: FreshOption = False,
    plan_file: PlanFileOption = None,
) -> None:
    """Disable users with no sign-in for N days (dry-run first: --dry-run lists them).
    Every run plans from the pool's state, so users that failed earlier are simply planned again."""
    plan = plan_request_for(target, "users disable-inactive", plan_file)
    options = InactiveOptions(
        days=days,
        signal=signal,
        list_filter=list_filter,
        dry_run=target.dry_run,
        bulk=BulkSettings(target.concurrency, journal, fresh),
        plan=plan,
        run=RunSettings(confirm=plan_prompt(target, f"disable (no sign-in for {days} days)")),
        last_sign_in_attribute=last_sign_in_attribute,
    )
    report = run_disable_inactive(target.clients, target.pool_id, options, target.errors)
    finish(target, report, plan)


@app.command("cleanup")
@aws_command
def cleanup(
    target: Target,
    disabled_for_days: Annotated[
        int,
        typer.Option(
            "--disabled-for-days",
            min=1,
            help="Delete users identity-ops disabled more than N days ago.",
        ),
    ],
    journal: JournalOption = None,
    fresh: FreshOption = False,
    plan_file: PlanFileOption = None,
) -> None:
    """Delete users disabled for more than N days (by identity-ops' own record), through a plan."""
    plan = plan_request_for(target, "users cleanup", plan_file)
    options = CleanupOptions(
        disabled_for_days,
        dry_run=target.dry_run,
        bulk=BulkSettings(target.concurrency, journal, fresh),
        plan=plan,
        run=RunSettings(
            confirm=plan_prompt(target, f"delete (disabled > {disabled_for_days} days)")
        ),
    )
    finish(target, run_cleanup(target.clients, target.pool_id, options, target.errors), plan)


groups_app = typer.Typer(help="Group memberships: sync from a file, remove.", no_args_is_help=True)
app.add_typer(groups_app, name="groups")


@groups_app.command("sync")
@aws_command
def groups_sync(
    target: Target,
    file: Annotated[Path, typer.Argument(help="CSV/JSONL with username and group columns.")],
    group: Annotated[
        list[str] | None,
        typer.Option("--group", help="Sync only this group (repeatable; default: every group)."),
    ] = None,
    input_format: InputFormatOption = None,
    journal: JournalOption = None,
    fresh: FreshOption = False,
    plan_file: PlanFileOption = None,
) -> None:
    """Make memberships exactly as FILE says: add the missing, remove the others (within --group)."""
    plan = plan_request_for(target, "users groups sync", plan_file)
    options = GroupSyncOptions(
        file,
        input_format,
        tuple(group or ()),
        dry_run=target.dry_run,
        bulk=BulkSettings(target.concurrency, journal, fresh),
        plan=plan,
        run=RunSettings(confirm=plan_prompt(target, "change the groups of")),
    )
    finish(target, run_group_sync(target.clients, target.pool_id, options, target.errors), plan)


@groups_app.command("remove")
@aws_command
def groups_remove(
    target: Target,
    username: Annotated[str, typer.Argument(help="The user.")],
    group: Annotated[str, typer.Argument(help="The group to remove the user from.")],
    plan_file: PlanFileOption = None,
) -> None:
    """Remove USER from GROUP (AdminRemoveUserFromGroup)."""
    plan = plan_request_for(target, "users groups remove", plan_file)
    options = GroupSyncOptions(
        Path(),
        dry_run=target.dry_run,
        bulk=BulkSettings(target.concurrency),
        plan=plan,
        run=RunSettings(confirm=plan_prompt(target, f"remove from {group}")),
    )
    report = run_group_remove(
        target.clients, target.pool_id, username, group, options, target.errors
    )
    finish(target, report, plan)


@aws_command
def apply_plan(
    target: Target,
    plan_file: Annotated[Path, typer.Argument(help="A plan written by --plan FILE.")],
    journal: JournalOption = None,
    fresh: FreshOption = False,
) -> None:
    """Apply a plan exactly: verify its digest, re-read each user, refuse those that changed."""
    if target.dry_run:
        plan = read_plan(plan_file)
        if target.output == "json":
            target.emit_json(plan_to_json(plan))
        else:
            render_plan(plan, target.console)
        return
    report = run_apply(
        target.clients,
        target.pool_id,
        plan_file,
        BulkSettings(target.concurrency, journal, fresh),
        target.errors,
        confirm=plan_prompt(target, "apply the plan to"),
    )
    finish(target, report)

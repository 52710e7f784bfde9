"""``identity-ops mfa enforce``."""

from typing import Annotated

import typer

from identity_ops.cli.common import (
    FilterOption,
    PlanFileOption,
    Target,
    aws_command,
    plan_prompt,
    plan_request_for,
)
from identity_ops.cli.users import FreshOption, JournalOption, finish
from identity_ops.jobs.apply import RunSettings
from identity_ops.jobs.bulk import BulkSettings
from identity_ops.jobs.mfa_enforce import MfaOptions, run_mfa_enforce

app = typer.Typer(help="Bulk MFA settings.", no_args_is_help=True)


@app.command("enforce")
@aws_command
def enforce(
    target: Target,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="totp-or-sms (TOTP if verified, else SMS to a verified phone), totp, sms.",
        ),
    ] = "totp-or-sms",
    list_filter: FilterOption = None,
    journal: JournalOption = None,
    fresh: FreshOption = False,
    plan_file: PlanFileOption = None,
) -> None:
    """Set users' MFA preference (TOTP preferred, SMS where a verified phone exists); report who cannot be enrolled."""
    plan = plan_request_for(target, "mfa enforce", plan_file)
    options = MfaOptions(
        method,
        list_filter,
        target.dry_run,
        BulkSettings(target.concurrency, journal, fresh),
        plan=plan,
        run=RunSettings(confirm=plan_prompt(target, "set the MFA preference of")),
    )
    finish(target, run_mfa_enforce(target.clients, target.pool_id, options, target.errors), plan)

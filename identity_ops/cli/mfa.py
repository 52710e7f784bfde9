"""``identity-ops mfa enforce``."""

from typing import Annotated

import typer

from identity_ops.cli.common import FilterOption, Target, aws_command
from identity_ops.cli.users import FreshOption, JournalOption, finish
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
) -> None:
    """Set users' MFA preference (TOTP preferred, SMS where a verified phone exists); report who cannot be enrolled."""
    options = MfaOptions(
        method, list_filter, target.dry_run, BulkSettings(target.concurrency, journal, fresh)
    )
    target.confirm(f"set the MFA preference of the users of {target.pool_id}?")
    finish(target, run_mfa_enforce(target.clients, target.pool_id, options, target.errors))

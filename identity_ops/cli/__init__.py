"""The ``identity-ops`` command line: one sub-application per command group."""

import signal
from types import FrameType

import typer

from cli_conventions import add_version_option
from cli_conventions import main as run_main
from identity_ops.cli import auth, health, mfa, report, users

PROGRAM = "identity-ops"

app = typer.Typer(
    name="identity-ops",
    help="Day-2 operations for an Amazon Cognito user pool: bulk users, MFA, analytics, health, smoke tests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


add_version_option(app, PROGRAM)
app.add_typer(users.app, name="users")
app.add_typer(mfa.app, name="mfa")
app.add_typer(report.app, name="report")
app.add_typer(health.app, name="health")
app.add_typer(auth.app, name="auth")
app.command("apply")(users.apply_plan)


def _stop(_signum: int, _frame: FrameType | None) -> None:
    """SIGTERM (a cancelled CI job, ``kill``) stops as cleanly as Ctrl-C: journal saved."""
    raise KeyboardInterrupt


def main() -> None:
    """Console-script entry point (``identity-ops``)."""
    signal.signal(signal.SIGTERM, _stop)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # started in the background
    run_main(app, PROGRAM)

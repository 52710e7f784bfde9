"""What every command line of the project does the same way: `--version`, `NO_COLOR`, usage errors.

Both `identity-gate` (`python -m gate`) and `identity-ops` are typer apps. typer's standalone mode
prints usage mistakes in a rich box and exits 2; people and CI logs read better with the one-line
`error: ...` the rest of the project prints, so `run_app` runs the app outside standalone mode and
turns click's usage errors into that line (exit 2), keeping typer's own exit codes otherwise.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import metadata
from typing import Final

import typer

# typer 0.29 vendors click as `typer._click` and raises its exception classes, not click's.
from typer._click import exceptions as click_exceptions

DISTRIBUTION: Final = "enterprise-identity"
USAGE_EXIT: Final = 2
INTERRUPTED_EXIT: Final = 130


def version() -> str:
    """The installed distribution's version (the repository's `pyproject.toml` version)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def version_option(program: str) -> Callable[[bool], None]:
    """A typer callback for an eager `--version` flag that prints `<program> <version>`."""

    def show(value: bool) -> None:
        if value:
            typer.echo(f"{program} {version()}")
            raise typer.Exit(0)

    return show


def add_version_option(app: typer.Typer, program: str) -> None:
    """Gives `app` an eager `--version` that prints `<program> <version>` and exits 0."""
    # The option is the parameter's default (not an `Annotated` hint): typer evaluates string
    # annotations in the module's globals, where this closure's `program` does not exist.
    flag = typer.Option(
        False,
        "--version",
        callback=version_option(program),
        is_eager=True,
        help="Print the version and exit.",
    )

    def root(_version: bool = flag) -> None:
        """The app's own options (its help text is the app's)."""

    app.callback()(root)


def color_allowed(stream_is_tty: bool) -> bool:
    """Colour only on a terminal and never when `NO_COLOR` is set to a non-empty value.

    https://no-color.org: "Command-line software which adds ANSI color to its output by default
    should check for a NO_COLOR environment variable that, when present and not an empty string
    ..., prevents the addition of ANSI color."
    """
    return stream_is_tty and not os.environ.get("NO_COLOR")


def run_app(app: typer.Typer, program: str, args: list[str] | None = None) -> int:
    """Run `app` and return its exit code: usage errors as one `error:` line (exit 2)."""
    try:
        code = app(args=args, prog_name=program, standalone_mode=False)
    except click_exceptions.UsageError as error:
        command = error.ctx.command_path if error.ctx is not None else program
        typer.echo(f"error: {command}: {error.format_message()} (see --help)", err=True)
        return USAGE_EXIT
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        typer.echo("interrupted", err=True)
        return INTERRUPTED_EXIT
    except click_exceptions.ClickException as error:
        typer.echo(f"error: {error.format_message()}", err=True)
        return error.exit_code
    return code if isinstance(code, int) else 0


def main(app: typer.Typer, program: str) -> None:
    """Console-script entry point: run the app and exit with its code (Ctrl-C outside a
    command's own handling is one `interrupted` line and 130, never a traceback)."""
    try:
        code = run_app(app, program)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        code = INTERRUPTED_EXIT
    sys.exit(code)

"""``identity-ops auth smoke``."""

import os
from typing import Annotated

import typer
from rich.table import Table

from identity_ops.cli.common import READ_ONLY, Target, aws_command
from identity_ops.errors import CheckFailedError, UsageError
from identity_ops.jobs.smoke import SmokeOptions, check_totp_secret, run_smoke
from identity_ops.stack import CLIENT_IDS_KEY, JWKS_URL_KEY, load_stack_outputs, stack_value

app = typer.Typer(help="Sign-in checks against a deployed pool.", no_args_is_help=True)


def _secret_from_env(flag: str, name: str | None, *, required: bool) -> str | None:
    if not name:
        if required:
            raise UsageError(f"{flag} is required")
        return None
    value = os.environ.get(name)
    if not value:
        raise UsageError(f"{flag} {name}: the environment variable is not set or empty")
    return value


@app.command("smoke")
@aws_command(without=READ_ONLY)
def smoke(
    target: Target,
    username: Annotated[
        str, typer.Option("--username", envvar="SMOKE_USERNAME", help="The test user.")
    ],
    client_id: Annotated[str | None, typer.Option("--client-id", help="App client id.")] = None,
    client: Annotated[
        str | None,
        typer.Option(
            "--client", help="App client name: its id is clientIds.NAME in the --stack outputs."
        ),
    ] = None,
    client_output: Annotated[
        str | None,
        typer.Option(
            "--client-output", help="Read the app client id from this key of the --stack outputs."
        ),
    ] = None,
    password_env: Annotated[
        str,
        typer.Option(
            "--password-env", help="Environment variable holding the test user's password."
        ),
    ] = "SMOKE_PASSWORD",
    totp_secret_env: Annotated[
        str | None,
        typer.Option(
            "--totp-secret-env",
            help="Environment variable holding the user's TOTP secret (base32).",
        ),
    ] = None,
    client_secret_env: Annotated[
        str | None,
        typer.Option(
            "--client-secret-env",
            help="Environment variable with the client secret (default: read it from the pool).",
        ),
    ] = None,
    jwks_url: Annotated[
        str | None, typer.Option("--jwks-url", help="Override the JWKS URL.")
    ] = None,
) -> None:
    """Sign in by SRP (+SECRET_HASH, +TOTP), verify the tokens against the JWKS, report lifetimes; exit 4 on failure."""
    key = f"{CLIENT_IDS_KEY}.{client}" if client else client_output
    resolved_client = client_id or _client_from_outputs(key, target.stack)
    if jwks_url is None and target.stack and not target.clients.settings.effective_endpoint:
        found = load_stack_outputs(target.stack).get(JWKS_URL_KEY)
        jwks_url = str(found) if found else None
    totp_secret = _secret_from_env("--totp-secret-env", totp_secret_env, required=False)
    if totp_secret:
        check_totp_secret(totp_secret, f"--totp-secret-env {totp_secret_env}")
    options = SmokeOptions(
        client_id=resolved_client,
        username=username,
        password=_secret_from_env("--password-env", password_env, required=True) or "",
        totp_secret=totp_secret,
        client_secret=_secret_from_env("--client-secret-env", client_secret_env, required=False),
        jwks_url=jwks_url,
    )
    report = run_smoke(target.clients, target.pool_id, options)
    if target.output == "json":
        target.emit_json(report.to_dict())
    else:
        table = Table(title=f"auth smoke: {username} on {target.pool_id}")
        for column in ("check", "result", "detail"):
            table.add_column(column)
        for name, ok, detail in report.checks:
            table.add_row(name, "[green]pass[/]" if ok else "[red]FAIL[/]", detail)
        target.console.print(table)
    if not report.ok:
        raise CheckFailedError("the smoke test failed (see the checks above)")


def _client_from_outputs(key: str | None, stack: str | None) -> str:
    if not key:
        raise UsageError(
            "give --client-id, or --client NAME / --client-output KEY together with --stack"
        )
    if not stack:
        raise UsageError("--client / --client-output need --stack NAME")
    value = stack_value(stack, load_stack_outputs(stack), key)
    if not isinstance(value, str) or not value:
        raise UsageError(f"--stack {stack}: output {key!r} is not a client id")
    return value

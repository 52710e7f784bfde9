"""Options every command shares, and the one place where errors become messages and exit codes.

``@aws_command`` adds the common flags (--pool-id/--stack, --region, --profile, --endpoint-url,
--dry-run, --yes, --output, rate limiting and retries) to a command function's signature and
hands the function a ready ``Target`` instead, so no command repeats them.
"""

import functools
import inspect
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Annotated, Any, cast

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console

from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.errors import ExitCode, OpsError, UsageError
from identity_ops.executor import error_code, error_message
from identity_ops.ratelimit import RateLimiter, parse_rate_overrides
from identity_ops.redaction import ScrubbingStream, redact
from identity_ops.reports import OUTPUT_FORMATS
from identity_ops.stack import resolve_pool_id


@dataclass
class Target:
    """Everything a command needs: the pool, clients, consoles and the run-wide switches."""

    pool_id: str
    clients: AwsClients
    console: Console
    errors: Console
    output: str
    dry_run: bool
    yes: bool
    concurrency: int
    stack: str | None = None

    def confirm(self, question: str) -> None:
        """Ask before a destructive change; ``--yes`` skips, no terminal means refuse."""
        if self.yes or self.dry_run:
            return
        if not sys.stdin.isatty():
            raise UsageError(
                f"{question} Refusing without a terminal to ask: pass --yes (or --dry-run)"
            )
        if not typer.confirm(question, default=False, err=True):
            raise UsageError("cancelled: nothing was changed")

    def emit_json(self, data: Any) -> None:
        """Machine output: plain JSON on stdout, secrets masked."""
        stream = ScrubbingStream(sys.stdout)
        stream.write(json.dumps(redact(data), indent=2, default=str) + "\n")
        stream.flush()


def make_consoles() -> tuple[Console, Console]:
    """stdout and stderr consoles whose every byte passes the secret scrubber."""
    out = cast(IO[str], ScrubbingStream(sys.stdout))
    err = cast(IO[str], ScrubbingStream(sys.stderr))
    return Console(file=out), Console(file=err)


def fail(console: Console, error: OpsError) -> typer.Exit:
    console.print(f"[bold red]error:[/] {error}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(int(error.exit_code))


FilterOption = Annotated[
    str | None,
    typer.Option(
        "--filter",
        help="Only users matching this ListUsers filter, e.g. 'cognito:user_status = \"UNCONFIRMED\"'.",
    ),
]
MfaDetailOption = Annotated[
    bool,
    typer.Option(
        "--mfa-detail",
        help="Also measure MFA adoption: AdminGetUser per user (each becomes a billed MAU).",
    ),
]
PoolIdOption = Annotated[
    str | None,
    typer.Option(
        "--pool-id", envvar="IDENTITY_OPS_POOL_ID", help="User pool id, e.g. eu-west-1_AbC123."
    ),
]
StackOption = Annotated[
    str | None,
    typer.Option(
        "--stack",
        help="Read the pool id from the stack's saved outputs: "
        "$IDENTITY_OPS_STACK_DIR/NAME.json (default stack-outputs/NAME.json).",
    ),
]
RegionOption = Annotated[
    str | None, typer.Option("--region", help="AWS Region (default: profile/env).")
]
ProfileOption = Annotated[str | None, typer.Option("--profile", help="AWS named profile.")]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint-url", envvar="AWS_ENDPOINT_URL", help="Local emulator URL (e.g. moto_server)."
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
]
YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Do not ask before destructive changes.")
]
OutputOption = Annotated[str, typer.Option("--output", "-o", help="Report format: table or json.")]
ConcurrencyOption = Annotated[
    int, typer.Option("--concurrency", min=1, max=64, help="Requests in flight.")
]
RateOption = Annotated[
    list[str] | None,
    typer.Option(
        "--rate",
        help="Override a quota category's rate, e.g. --rate UserUpdate=10 (0 = unlimited).",
    ),
]
NoRateLimitOption = Annotated[
    bool,
    typer.Option("--no-rate-limit", help="Disable client-side rate limiting (emulators only)."),
]
RetryModeOption = Annotated[
    str, typer.Option("--retry-mode", help="botocore retry mode: standard or adaptive.")
]
MaxAttemptsOption = Annotated[
    int,
    typer.Option("--max-attempts", min=1, max=20, help="Total attempts per request (botocore)."),
]

_COMMON: list[tuple[str, Any, Any]] = [
    ("pool_id", PoolIdOption, None),
    ("stack", StackOption, None),
    ("region", RegionOption, None),
    ("profile", ProfileOption, None),
    ("endpoint_url", EndpointOption, None),
    ("dry_run", DryRunOption, False),
    ("yes", YesOption, False),
    ("output", OutputOption, "table"),
    ("concurrency", ConcurrencyOption, 8),
    ("rate", RateOption, None),
    ("no_rate_limit", NoRateLimitOption, False),
    ("retry_mode", RetryModeOption, "standard"),
    ("max_attempts", MaxAttemptsOption, 8),
]


def build_target(values: dict[str, Any], console: Console, errors: Console) -> Target:
    """Turn the common flag values into a ``Target``."""
    if values["output"] not in OUTPUT_FORMATS:
        raise UsageError(
            f"--output {values['output']!r}: expected one of {', '.join(OUTPUT_FORMATS)}"
        )
    pool_id = resolve_pool_id(values["pool_id"], values["stack"])
    limiter = RateLimiter(
        parse_rate_overrides(values["rate"] or [], unlimited=values["no_rate_limit"])
    )
    settings = AwsSettings(
        region=values["region"],
        profile=values["profile"],
        endpoint_url=values["endpoint_url"],
        retry_mode=values["retry_mode"],
        max_attempts=values["max_attempts"],
        concurrency=values["concurrency"],
    )
    return Target(
        pool_id=pool_id,
        clients=AwsClients(settings, limiter),
        console=console,
        errors=errors,
        output=values["output"],
        dry_run=values["dry_run"],
        yes=values["yes"],
        concurrency=values["concurrency"],
        stack=values["stack"],
    )


def aws_command(func: Callable[..., None]) -> Callable[..., None]:
    """Give ``func(target, ...)`` the common options and readable error handling."""
    own = inspect.signature(func, eval_str=True)
    own_params = [p for name, p in own.parameters.items() if name != "target"]
    common_params = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
        )
        for name, annotation, default in _COMMON
    ]

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> None:
        common = {name: kwargs.pop(name) for name, _, _ in _COMMON}
        console, errors = make_consoles()
        try:
            target = build_target(common, console, errors)
            func(target=target, **kwargs)
        except OpsError as error:
            raise fail(errors, error) from None
        except ClientError as error:
            message = f"{error.operation_name}: {error_code(error)}: {error_message(error)}"
            errors.print(f"[bold red]AWS error:[/] {message}", highlight=False)
            raise typer.Exit(int(ExitCode.AWS)) from None
        except BotoCoreError as error:
            errors.print(f"[bold red]AWS error:[/] {error}", highlight=False)
            raise typer.Exit(int(ExitCode.AWS)) from None
        except KeyboardInterrupt:
            errors.print("interrupted: nothing further was sent")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    params = sorted(own_params, key=lambda p: p.kind) + common_params
    wrapper.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    del wrapper.__wrapped__  # typer must see the new signature, not the wrapped one
    return wrapper

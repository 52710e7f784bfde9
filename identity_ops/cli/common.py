"""Options every command shares, and the one place where errors become messages and exit codes.

``@aws_command`` adds the common flags (--pool-id/--stack, --region, --profile, --endpoint-url,
--dry-run, --yes, --output, rate limiting and retries) to a command function's signature and
hands the function a ready ``Target`` instead, so no command repeats them. A command says which of
them it has no use for (``@aws_command(without=READ_ONLY)``: a read-only command's ``--help`` does
not offer --dry-run, --yes or --concurrency), and whether it reports on several pools at once
(``several_stacks=True``: ``--stack`` repeatable, ``--all-stacks``; ``Target.per_pool()``).

Errors: one ``error: ...`` line on stderr and the exit code of the error; with ``-o json`` the same
as one JSON object on stderr, ``{"error": "...", "exitCode": 2}``, so stdout only ever carries the
report.
"""

import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Annotated, Any, cast, overload

import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console

from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.errors import ExitCode, OpsError, UsageError
from identity_ops.executor import error_code, error_message
from identity_ops.jobs.apply import plan_request
from identity_ops.jobs.planning import PlanRequest
from identity_ops.plan import PlanSummary
from identity_ops.ratelimit import RateLimiter, parse_rate_overrides
from identity_ops.redaction import ScrubbingStream, redact
from identity_ops.reports import OUTPUT_FORMATS
from identity_ops.stack import resolve_pool_id, stack_outputs_path


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
    stacks: tuple[tuple[str, str], ...] = ()  # (stack, pool id) of a several-stack command

    @property
    def several(self) -> bool:
        """True when a several-stack command was given more than one pool (or --all-stacks)."""
        return bool(self.stacks)

    def per_pool(self) -> list["Target"]:
        """One target per pool of a several-stack command; just this one otherwise."""
        if not self.stacks:
            return [self]
        return [replace(self, pool_id=pool, stack=name, stacks=()) for name, pool in self.stacks]

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


def fail(console: Console, error: OpsError, output: str = "table") -> typer.Exit:
    """Print ``error`` (as JSON with ``-o json``) and return the exit to raise."""
    return report_error(console, str(error), error.exit_code, output)


def report_error(
    console: Console, message: str, code: int, output: str, label: str = "error"
) -> typer.Exit:
    """One ``error: ...`` line, or ``{"error": ..., "exitCode": ...}`` with ``-o json``; on stderr."""
    if output == "json":
        stream = ScrubbingStream(sys.stderr)
        stream.write(json.dumps({"error": message, "exitCode": int(code)}) + "\n")
        stream.flush()
    else:
        console.print(
            f"[bold red]{label}:[/] {message}", highlight=False, markup=True, soft_wrap=True
        )
    return typer.Exit(int(code))


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

StacksOption = Annotated[
    list[str] | None,
    typer.Option(
        "--stack",
        help="Read the pool id from the stack's saved outputs: "
        "$IDENTITY_OPS_STACK_DIR/NAME.json (default stack-outputs/NAME.json); repeatable.",
    ),
]
AllStacksOption = Annotated[
    bool,
    typer.Option("--all-stacks", help="Every stack with saved outputs in the stack directory."),
]

#: Options a command that changes nothing has no use for.
READ_ONLY = frozenset({"dry_run", "yes", "concurrency"})

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
    stacks = _several_stacks(values)
    stack = stacks[0][0] if stacks else values["stack"]
    pool_id = stacks[0][1] if stacks else resolve_pool_id(values["pool_id"], stack)
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
        stack=stack,
        stacks=stacks,
    )


def saved_stacks() -> list[str]:
    """Names of the stacks with saved outputs (``NAME.json`` in the stack directory)."""
    directory = stack_outputs_path("-").parent
    return sorted(path.stem for path in directory.glob("*.json"))


def _several_stacks(values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(stack, pool id) pairs when a several-stack command got more than one, else ``()``.

    Only these commands have ``all_stacks``; their ``stack`` is a list (``None`` when not given).
    A single ``--stack`` stays a plain target.
    """
    if "all_stacks" not in values:
        return ()
    names = list(values["stack"] or [])
    if values.pop("all_stacks"):
        if names:
            raise UsageError("give either --stack NAME... or --all-stacks, not both")
        names = saved_stacks()
        if not names:
            raise UsageError(f"--all-stacks: no saved outputs in {stack_outputs_path('-').parent}")
    elif len(names) < 2:
        values["stack"] = names[0] if names else None
        return ()
    if values["pool_id"]:
        raise UsageError("give either --pool-id or --stack/--all-stacks, not both")
    unique = list(dict.fromkeys(names))
    return tuple((name, resolve_pool_id(None, name)) for name in unique)


Command = Callable[..., None]


@overload
def aws_command(func: Command) -> Command: ...


@overload
def aws_command(
    *, without: Iterable[str] = (), several_stacks: bool = False
) -> Callable[[Command], Command]: ...


def aws_command(
    func: Command | None = None, *, without: Iterable[str] = (), several_stacks: bool = False
) -> Command | Callable[[Command], Command]:
    """Give ``func(target, ...)`` the common options and readable error handling.

    ``without`` names common options the command does not use (they keep their defaults and are
    not offered in ``--help``); ``several_stacks`` makes ``--stack`` repeatable and adds
    ``--all-stacks``.
    """
    omitted = frozenset(without)
    unknown = omitted - {name for name, _, _ in _COMMON}
    if unknown:
        raise ValueError(f"aws_command(without=...): unknown option(s) {sorted(unknown)}")

    def decorate(command: Command) -> Command:
        return _with_common_options(command, omitted, several_stacks)

    return decorate if func is None else decorate(func)


def _common_options(omitted: frozenset[str], several_stacks: bool) -> list[tuple[str, Any, Any]]:
    options = [
        (name, StacksOption if several_stacks and name == "stack" else annotation, default)
        for name, annotation, default in _COMMON
        if name not in omitted
    ]
    if several_stacks:
        options.append(("all_stacks", AllStacksOption, False))
    return options


def _with_common_options(func: Command, omitted: frozenset[str], several_stacks: bool) -> Command:
    own = inspect.signature(func, eval_str=True)
    own_params = [p for name, p in own.parameters.items() if name != "target"]
    options = _common_options(omitted, several_stacks)
    common_params = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
        )
        for name, annotation, default in options
    ]
    defaults = {name: default for name, _, default in _COMMON if name in omitted}

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> None:
        common = {**defaults, **{name: kwargs.pop(name) for name, _, _ in options}}
        output = str(common.get("output", "table"))
        console, errors = make_consoles()
        try:
            target = build_target(common, console, errors)
            func(target=target, **kwargs)
        except OpsError as error:
            raise fail(errors, error, output) from None
        except ClientError as error:
            message = f"{error.operation_name}: {error_code(error)}: {error_message(error)}"
            raise report_error(errors, message, ExitCode.AWS, output, "AWS error") from None
        except BotoCoreError as error:
            raise report_error(errors, str(error), ExitCode.AWS, output, "AWS error") from None
        except KeyboardInterrupt:
            message = "nothing further was sent"
            raise report_error(
                errors, message, ExitCode.INTERRUPTED, output, "interrupted"
            ) from None

    params = sorted(own_params, key=lambda p: p.kind) + common_params
    wrapper.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    del wrapper.__wrapped__  # typer must see the new signature, not the wrapped one
    return wrapper


PlanFileOption = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        help="Write the plan (per user: action and the state it was decided on) to FILE and change "
        "nothing; review it, then: identity-ops apply FILE.",
    ),
]


def plan_request_for(target: Target, command: str, plan_file: Path | None) -> PlanRequest:
    """Where this command's plan goes: ``--plan FILE``, or a dated file (dry run, direct run)."""
    return plan_request(
        command,
        target.pool_id,
        dry_run=target.dry_run,
        plan_file=plan_file,
        concurrency=target.concurrency,
    )


def plan_prompt(target: Target, verb: str) -> Callable[[PlanSummary], None]:
    """The confirmation asked once the plan is made: it names the pool, the count and the first
    users, so nobody approves a change they cannot see."""

    def ask(summary: PlanSummary) -> None:
        target.confirm(
            f"{verb} {summary.entries:,} user(s) of pool {target.pool_id}: "
            f"{summary.describe_first_users()}?"
        )

    return ask

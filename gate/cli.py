"""`python -m gate preview --stack NAME`: the offline preview and policy gate.

Exit codes: 0 no mandatory violation; 1 at least one mandatory violation; 2 the stack could not be
evaluated (unknown stack, bad YAML, config error, program error, policy pack or policy config
error, bad command line). Errors print one readable message on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from cli_conventions import add_version_option, color_allowed
from cli_conventions import main as run_main
from gate.errors import GateError

PROGRAM = "identity-gate"
Options = TypeVar("Options")
Result = TypeVar("Result")

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Offline preview of a Pulumi stack with its policy report (no CLI, cloud or network).",
)


class Mode(StrEnum):
    preview = "preview"
    up = "up"


class Format(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"


class Graph(StrEnum):
    mermaid = "mermaid"
    dot = "dot"


add_version_option(app, PROGRAM)

# Options several commands share, declared once.
ReportFormatOption = Annotated[Format, typer.Option("--format", "-f", help="Report format.")]
PolicyPackOption = Annotated[
    Path | None, typer.Option(help="Policy pack folder (default: <project>/policies).")
]
CwdOption = Annotated[
    Path, typer.Option("--cwd", "-C", help="Project folder (or a folder inside it).")
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write the report to FILE; the verdict still goes to stderr."
    ),
]
EndpointUrlOption = Annotated[
    str | None,
    typer.Option(help="Send every request here (an emulator); default: AWS_ENDPOINT_URL or AWS."),
]
MaxAttemptsOption = Annotated[
    int, typer.Option(min=1, help="Attempts per AWS request (botocore retries included).")
]


@app.command()
def preview(
    stack: Annotated[
        str, typer.Option("--stack", "-s", help="Stack name: reads Pulumi.<stack>.yaml.")
    ],
    mode: Annotated[
        Mode,
        typer.Option(
            help="preview: outputs of new resources unknown (pulumi preview); up: known (pulumi up), both phases analysed."
        ),
    ] = Mode.preview,
    report_format: ReportFormatOption = Format.table,
    graph: Annotated[
        Graph | None, typer.Option(help="Add the resource graph (components as groups).")
    ] = None,
    policy_pack_config: Annotated[
        Path | None,
        typer.Option(help="Policy config JSON (default: <pack>/config/<stack>.json when present)."),
    ] = None,
    policy_pack: PolicyPackOption = None,
    config_file: Annotated[
        Path | None,
        typer.Option(
            help="Use this stack settings file instead of Pulumi.<stack>.yaml (as pulumi --config-file)."
        ),
    ] = None,
    cwd: CwdOption = Path(),
    output: OutputOption = None,
    also: Annotated[
        list[str] | None,
        typer.Option(
            "--also",
            metavar="FORMAT=FILE",
            help="Also write the report in FORMAT to FILE, from the same run (repeatable).",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option(help="Show the program's full traceback when it fails.")
    ] = False,
) -> None:
    """Preview STACK offline and gate it with the policy pack."""
    from gate.preview import GateOptions, run_gate

    extra_reports = [_parse_also(value) for value in also or []]

    options = GateOptions(
        stack=stack,
        mode=mode.value,
        project_dir=cwd,
        config_file=config_file,
        policy_pack=policy_pack,
        policy_pack_config=policy_pack_config,
        verbose=verbose,
        report_formats=(report_format.value, *(f.value for f, _ in extra_reports)),
    )
    result = _or_exit(run_gate, options)
    # Imported only now: the reports pull in the Pulumi SDK and gRPC (~0.3 s), which must not
    # delay the start of the program (gate.preview starts it before its own such imports).
    from gate.reports import render

    graph_name = graph.value if graph else None
    color = output is None and report_format is Format.table and color_allowed(sys.stdout.isatty())
    report = render(result, report_format.value, graph_name, color=color)
    for extra_format, path in extra_reports:
        _write(path, render(result, extra_format.value, graph_name, color=False))
    if output is None:
        sys.stdout.write(report)
    else:
        _write(output, report)
    if output is not None or extra_reports:
        typer.echo(result.verdict(), err=True)
    raise typer.Exit(result.exit_code)


@app.command()
def audit(
    region: Annotated[str, typer.Option(help="AWS Region to read.")],
    policy_pack_config: Annotated[
        Path,
        typer.Option(help="Policy config JSON to judge with (e.g. policies/config/prod.json)."),
    ],
    profile: Annotated[
        list[str] | None,
        typer.Option(
            help="AWS profile to read with (repeatable; default: the default credentials)."
        ),
    ] = None,
    pool_id: Annotated[
        list[str] | None,
        typer.Option(help="Audit only this user pool (repeatable; default: every pool)."),
    ] = None,
    report_format: ReportFormatOption = Format.table,
    endpoint_url: EndpointUrlOption = None,
    allow_partial: Annotated[
        bool,
        typer.Option(
            help="Exit 0/1 even when some required reads were not judged (they stay listed)."
        ),
    ] = False,
    policy_pack: PolicyPackOption = None,
    max_attempts: MaxAttemptsOption = 5,
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack",
            "-s",
            help="Also compare the pools with what this stack would deploy (advisory `live-drift` findings).",
        ),
    ] = None,
    cwd: CwdOption = Path(),
    output: OutputOption = None,
) -> None:
    """Judge DEPLOYED user pools (read-only) with the same pack and reports as `preview`.

    Exit codes: 0 no mandatory violation; 1 mandatory violations; 2 the audit could not run, or a
    required read was not judged (unless --allow-partial).
    """
    from gate.live.run import AuditOptions, run_audit
    from gate.reports import render

    options = AuditOptions(
        region=region,
        policy_pack_config=policy_pack_config,
        profiles=tuple(profile or [None]),
        pool_ids=tuple(pool_id or []),
        endpoint_url=endpoint_url,
        policy_pack=policy_pack,
        project_dir=cwd,
        allow_partial=allow_partial,
        max_attempts=max_attempts,
        stack=stack,
    )
    result = _or_exit(run_audit, options)
    color = output is None and report_format is Format.table and color_allowed(sys.stdout.isatty())
    report = render(result, report_format.value, None, color=color)
    if output is None:
        sys.stdout.write(report)
    else:
        _write(output, report)
        typer.echo(result.verdict(), err=True)
    raise typer.Exit(result.exit_code)


@app.command()
def adopt(
    region: Annotated[str, typer.Option(help="AWS Region of the user pool.")],
    pool_id: Annotated[str, typer.Option(help="The user pool to adopt.")],
    stack: Annotated[
        str, typer.Option("--stack", "-s", help="Stack to write: Pulumi.<stack>.yaml.")
    ],
    profile: Annotated[
        str | None, typer.Option(help="AWS profile to read with (default: default credentials).")
    ] = None,
    out_config: Annotated[
        Path | None, typer.Option(help="Stack file to write (default: Pulumi.<stack>.yaml).")
    ] = None,
    out_import: Annotated[
        Path | None,
        typer.Option(help="`pulumi import --file` document (default: import-<stack>.json)."),
    ] = None,
    name_prefix: Annotated[
        str | None, typer.Option(help="deployment.namePrefix (default: ei-<stack>).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite existing output files.")] = False,
    endpoint_url: EndpointUrlOption = None,
    max_attempts: MaxAttemptsOption = 5,
    cwd: CwdOption = Path(),
) -> None:
    """Write the stack file and the `pulumi import` file that adopt a DEPLOYED user pool
    (read-only). Exit codes: 0 written; 2 adopt could not finish (one `error:` line)."""
    from gate.live.adopt_run import AdoptOptions, render_report, run_adopt

    options = AdoptOptions(
        region=region,
        pool_id=pool_id,
        stack=stack,
        profile=profile,
        endpoint_url=endpoint_url,
        max_attempts=max_attempts,
        project_dir=cwd,
        out_config=out_config,
        out_import=out_import,
        name_prefix=name_prefix,
        force=force,
    )
    result = _or_exit(run_adopt, options)
    sys.stdout.write(render_report(result, stack))


def _parse_also(value: str) -> tuple[Format, Path]:
    """`sarif=out/prod.sarif` -> (Format.sarif, Path); a bad value is a command-line error (2)."""
    name, _, path = value.partition("=")
    allowed = ", ".join(f.value for f in Format)
    if name not in Format.__members__ or not path:
        typer.echo(
            f"error: --also {value!r}: expected FORMAT=FILE with FORMAT one of {allowed}", err=True
        )
        raise typer.Exit(2)
    return Format(name), Path(path)


def _or_exit(run: Callable[[Options], Result], options: Options) -> Result:
    """`run(options)`, or its GateError as one `error:` line and the error's exit code."""
    try:
        return run(options)
    except GateError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(error.exit_code) from None


def _write(path: Path, report: str) -> None:
    try:
        path.write_text(report, encoding="utf-8")
    except OSError as error:
        typer.echo(f"error: cannot write {path}: {error.strerror}", err=True)
        raise typer.Exit(2) from None


def main() -> None:
    """Console-script entry point (`identity-gate`)."""
    run_main(app, PROGRAM)

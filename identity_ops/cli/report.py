"""``identity-ops report analytics``."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from identity_ops.cli.common import MfaDetailOption, Target, aws_command
from identity_ops.html_report import render_html
from identity_ops.jobs.analytics import Analytics, collect_analytics

app = typer.Typer(help="Reports about the pool's users.", no_args_is_help=True)


@app.command("analytics")
@aws_command
def analytics(
    target: Target,
    days: Annotated[int, typer.Option("--days", min=1, help="Window for recent sign-ups.")] = 30,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a self-contained HTML page with charts."),
    ] = None,
    mfa_detail: MfaDetailOption = False,
) -> None:
    """Totals by status, enabled/disabled, confirmation rate, recent sign-ups, MFA adoption, group sizes."""
    stats = collect_analytics(
        target.clients, target.pool_id, target.errors, recent_days=days, mfa_detail=mfa_detail
    )
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(render_html(stats), encoding="utf-8")
        target.errors.print(f"HTML report written to {html}")
    if target.output == "json":
        target.emit_json(stats.to_dict())
    else:
        render_table(target, stats)


def render_table(target: Target, stats: Analytics) -> None:
    table = Table(title=f"users of {stats.pool_id}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    adoption = stats.mfa_adoption
    rows = [
        ("total users", f"{stats.total:,}"),
        *((f"status {status}", f"{count:,}") for status, count in sorted(stats.by_status.items())),
        ("enabled", f"{stats.enabled:,}"),
        ("disabled", f"{stats.disabled:,}"),
        ("confirmation rate", f"{stats.confirmation_rate:.1%}"),
        (f"sign-ups, last {stats.recent_days} days", f"{stats.recent_signups:,}"),
        ("MFA adoption", "not measured (--mfa-detail)" if adoption is None else f"{adoption:.1%}"),
        *((f"group {name}", f"{size:,}") for name, size in sorted(stats.group_sizes.items())),
    ]
    for name, value in rows:
        table.add_row(name, value)
    target.console.print(table)

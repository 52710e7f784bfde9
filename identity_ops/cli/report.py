"""``identity-ops report analytics``: one pool, or several (``--stack a --stack b``, ``--all-stacks``).

With several pools the report has a section per pool and the totals: JSON
``{"pools": [{"stack": ..., <one pool's report>}, ...], "totals": {<the same fields, summed>}}``.
"""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from identity_ops.cli.common import READ_ONLY, MfaDetailOption, Target, aws_command
from identity_ops.html_report import render_html
from identity_ops.jobs.analytics import Analytics, collect_analytics

app = typer.Typer(help="Reports about the pool's users.", no_args_is_help=True)


@app.command("analytics")
@aws_command(without=READ_ONLY, several_stacks=True)
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
    pools = target.per_pool()
    results = [
        collect_analytics(
            pool.clients, pool.pool_id, target.errors, recent_days=days, mfa_detail=mfa_detail
        )
        for pool in pools
    ]
    names = [pool.stack or pool.pool_id for pool in pools]
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(render_html(results, names), encoding="utf-8")
        target.errors.print(f"HTML report written to {html}")
    if not target.several:
        _emit_one(target, results[0])
        return
    totals = Analytics.combined(results)
    if target.output == "json":
        target.emit_json(several_pools_report(names, results, totals))
        return
    for name, stats in zip(names, results, strict=True):
        render_table(target, stats, f"users of {stats.pool_id} (stack {name})")
    render_table(target, totals, f"all {len(results)} pools")


def _emit_one(target: Target, stats: Analytics) -> None:
    if target.output == "json":
        target.emit_json(stats.to_dict())
    else:
        render_table(target, stats, f"users of {stats.pool_id}")


def several_pools_report(
    names: list[str], results: list[Analytics], totals: Analytics
) -> dict[str, Any]:
    """Per-pool sections (each with its stack) and the totals."""
    total = totals.to_dict()
    total["pools"] = len(results)
    del total["pool_name"]
    return {
        "pools": [
            {"stack": name, **stats.to_dict()} for name, stats in zip(names, results, strict=True)
        ],
        "totals": total,
    }


def render_table(target: Target, stats: Analytics, title: str) -> None:
    table = Table(title=title)
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
